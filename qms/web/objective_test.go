package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// importCompleted loads dossiers of agency returned in the current quarter
// (Hà Nội), early or late as asked, so the quarter's rate is known.
func (a *app) importCompleted(agency string, early, late int) {
	a.t.Helper()
	now := a.clock.Now().In(qms.Zone)
	qStart := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, qms.Zone)
	returned := qStart.Add(now.Sub(qStart) / 2)
	var rows []sqlite.DossierImport
	add := func(n int, due time.Time) {
		for i := 0; i < n; i++ {
			r := returned
			rows = append(rows, sqlite.DossierImport{Code: fmt.Sprintf("%s-H-%03d", agency, len(rows)), TTHCCode: "1.000001",
				ReceivedAt: returned.Add(-72 * time.Hour), DueAt: due, CompletedAt: &r, Status: qms.DossierCompleted})
		}
	}
	add(early, returned.Add(48*time.Hour))
	add(late, returned.Add(-48*time.Hour))
	if _, err := a.db.ImportDossiers(qms.WithActor(context.Background(), qms.SystemActor("test")), agency, rows); err != nil {
		a.t.Fatal(err)
	}
}

func TestObjectiveRoutes(t *testing.T) {
	a := newApp(t)
	year := fmt.Sprint(time.Now().In(qms.Zone).Year())
	form := func() url.Values {
		return url.Values{"year": {year}, "title": {"95% hồ sơ đúng hạn"}, "measure": {"timely_rate"}, "target": {"95"}, "period": {"quarter"}}
	}
	// One objective in force per measure, period and year: the three
	// created below differ in one of them.
	body := `{"year":` + year + `,"title":"Trễ hạn","measure":"late_rate","target":5,"period":"quarter"}`
	tests := []struct {
		name string
		send func() int
		want int
	}{
		{"page anonymous", func() int { return a.do("GET", "/objectives", nil, nil).StatusCode }, 303},
		{"page staff reads", func() int { s := a.login("a-staff"); return a.do("GET", "/objectives", &s, nil).StatusCode }, 200},
		{"create anonymous", func() int { return a.do("POST", "/objectives", nil, form()).StatusCode }, 403}, // no CSRF cookie
		{"create staff forbidden", func() int { s := a.login("a-staff"); return a.do("POST", "/objectives", &s, form()).StatusCode }, 403},
		{"create auditor forbidden", func() int { s := a.login("a-auditor"); return a.do("POST", "/objectives", &s, form()).StatusCode }, 403},
		{"create leader", func() int { s := a.login("a-leader"); return a.do("POST", "/objectives", &s, form()).StatusCode }, 303},
		{"create quality officer", func() int {
			s, f := a.login("a-quality-officer"), form()
			f.Set("period", "year")
			return a.do("POST", "/objectives", &s, f).StatusCode
		}, 303},
		{"api list anonymous", func() int { return a.api("GET", "/api/v1/objectives", "", "").StatusCode }, 401},
		{"api status anonymous", func() int { return a.api("GET", "/api/v1/objectives/status", "", "").StatusCode }, 401},
		{"api list auditor", func() int { return a.api("GET", "/api/v1/objectives", a.token("a-auditor"), "").StatusCode }, 200},
		{"api create staff forbidden", func() int { return a.api("POST", "/api/v1/objectives", a.token("a-staff"), body).StatusCode }, 403},
		{"api create leader", func() int { return a.api("POST", "/api/v1/objectives", a.token("a-leader"), body).StatusCode }, 201},
		{"api create bad measure", func() int {
			return a.api("POST", "/api/v1/objectives", a.token("a-leader"), strings.Replace(body, "late_rate", "x", 1)).StatusCode
		}, 400},
		{"api status bad year", func() int {
			return a.api("GET", "/api/v1/objectives/status?year=abc", a.token("a-staff"), "").StatusCode
		}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := tt.send(); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	if n := a.auditCount("objective.create"); n != 3 {
		t.Fatalf("objective.create audited %d times, want 3", n)
	}
	// Agency B sees none of A's objectives and cannot touch them.
	var list struct{ Objectives []qms.Objective }
	decode(t, a.api("GET", "/api/v1/objectives", a.token("a-staff"), ""), &list)
	if len(list.Objectives) != 3 {
		t.Fatalf("A lists %d objectives", len(list.Objectives))
	}
	id := itoa(list.Objectives[0].ID)
	decode(t, a.api("GET", "/api/v1/objectives", a.token("b-leader"), ""), &list)
	if len(list.Objectives) != 0 {
		t.Fatal("B lists A's objectives")
	}
	b := a.login("b-leader")
	if code := a.do("POST", "/objectives/"+id, &b, url.Values{"title": {"Chiếm"}, "target": {"1"}}).StatusCode; code != 404 {
		t.Fatalf("B edits A's objective: %d", code)
	}
	if code := a.do("POST", "/objectives/"+id+"/withdraw", &b, url.Values{"reason": {"x"}}).StatusCode; code != 404 {
		t.Fatalf("B withdraws A's objective: %d", code)
	}
	if page := bodyOf(t, a.do("GET", "/objectives", &b, nil)); strings.Contains(page, "95% hồ sơ đúng hạn") {
		t.Fatal("B's page shows A's objective")
	}
}

func TestObjectiveStatusFromDossiers(t *testing.T) {
	a := newApp(t)
	a.importCompleted("A", 19, 1) // 95 %
	a.importCompleted("B", 1, 9)
	leader := a.login("a-leader")
	year := fmt.Sprint(time.Now().In(qms.Zone).Year())
	// One objective in force per measure, period and year: the yearly one
	// and the quarterly one.
	for target, period := range map[string]string{"95": "year", "95,5": "quarter"} {
		resp := a.do("POST", "/objectives", &leader, url.Values{"year": {year}, "title": {"Đúng hạn " + target + "% <b>mỗi quý</b>"},
			"measure": {"timely_rate"}, "target": {target}, "period": {period}})
		if resp.StatusCode != 303 {
			t.Fatalf("create target %s: %d %s", target, resp.StatusCode, bodyOf(t, resp))
		}
	}
	var out struct {
		Year     int
		Statuses []qms.ObjectiveStatus
	}
	decode(t, a.api("GET", "/api/v1/objectives/status?year="+year, a.token("a-staff"), ""), &out)
	if len(out.Statuses) != 2 {
		t.Fatalf("statuses = %+v", out)
	}
	results := map[float64]qms.PeriodResult{}
	for _, st := range out.Statuses {
		p, ok := st.Current()
		if !ok {
			t.Fatalf("no current quarter in %+v", st.Periods)
		}
		results[st.Objective.Target] = p
	}
	if p := results[95]; p.Result != qms.ObjectiveMet || p.Value != 95 || p.Samples != 20 {
		t.Errorf("target 95 = %+v, want met at 95%% of 20", p)
	}
	if p := results[95.5]; p.Result != qms.ObjectiveNotMet {
		t.Errorf("target 95.5 = %+v, want not met", p)
	}
	page := bodyOf(t, a.do("GET", "/objectives", &leader, nil))
	if !strings.Contains(page, `data-result="met"`) || !strings.Contains(page, `data-result="not_met"`) {
		t.Fatal("objectives page lacks the met/not met results")
	}
	if strings.Contains(page, "<b>mỗi quý</b>") || !strings.Contains(page, "&lt;b&gt;mỗi quý&lt;/b&gt;") {
		t.Fatal("objective title not escaped")
	}
	dash := bodyOf(t, a.do("GET", "/", &leader, nil))
	if !strings.Contains(dash, `id="dash-objectives"`) || !strings.Contains(dash, `data-result="not_met"`) {
		t.Fatal("dashboard lacks the objectives of the quarter")
	}
	// Bad input comes back on the page with the field marked, nothing written.
	before := a.auditCount("objective.create")
	resp := a.do("POST", "/objectives", &leader, url.Values{"year": {year}, "title": {"x"}, "measure": {"timely_rate"}, "target": {"chín lăm"}, "period": {"quarter"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `id="objective-error"`) || a.auditCount("objective.create") != before {
		t.Fatalf("bad target: %d", resp.StatusCode)
	}
	// Withdrawn with a reason, it leaves the statuses and stays listed.
	id := itoa(out.Statuses[0].Objective.ID)
	if resp := a.do("POST", "/objectives/"+id+"/withdraw", &leader, url.Values{"reason": {""}}); resp.StatusCode != 400 {
		t.Fatalf("withdraw without reason: %d", resp.StatusCode)
	}
	if code := a.do("POST", "/objectives/"+id+"/withdraw", &leader, url.Values{"reason": {"Thay bằng mục tiêu mới"}}).StatusCode; code != 303 {
		t.Fatalf("withdraw: %d", code)
	}
	decode(t, a.api("GET", "/api/v1/objectives/status?year="+year, a.token("a-staff"), ""), &out)
	if len(out.Statuses) != 1 {
		t.Fatalf("withdrawn objective still measured: %d", len(out.Statuses))
	}
	if page := bodyOf(t, a.do("GET", "/objectives", &leader, nil)); !strings.Contains(page, "Thay bằng mục tiêu mới") {
		t.Fatal("withdrawn objective not on record")
	}
	if code := a.do("POST", "/objectives/"+itoa(out.Statuses[0].Objective.ID), &leader, url.Values{"title": {"Đúng hạn"}, "target": {"90"}}).StatusCode; code != 303 {
		t.Fatalf("update: %d", code)
	}
	if n := a.auditCount("objective.withdraw") + a.auditCount("objective.update"); n != 2 {
		t.Fatalf("withdraw + update audited %d times", n)
	}
}
