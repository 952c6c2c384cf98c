package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestRisk4Routes: the register's pages and API, by role (quality
// officers and leaders write, staff and auditors read), the add form
// kept filled in on an error, the detail page with the owner by full
// name, re-assessment, actions and links, the filters, and agency B
// kept out of A's register.
func TestRisk4Routes(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ctx := context.Background()
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	fullName, agencyA := "Lê Văn Cường", "A"
	if _, err := a.db.UpdateUser(sys, a.users["a-staff"].ID, qms.UserUpdate{FullName: &fullName}); err != nil {
		t.Fatal(err)
	}
	ps, err := a.db.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: &agencyA})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	pid := itoa(ps[0].ID)
	review := a.clock.Now().AddDate(0, 2, 0).Format("02/01/2006")
	form := func(desc string) url.Values {
		return url.Values{"kind": {"risk"}, "description": {desc}, "procedure_id": {pid}, "likelihood": {"4"}, "impact": {"5"},
			"owner": {"a-staff"}, "review_on": {review}}
	}
	body := `{"kind":"opportunity","description":"Liên thông dữ liệu","procedure_id":` + pid + `,"likelihood":2,"impact":2,"owner":"a-staff","review_on":"` +
		a.clock.Now().AddDate(0, 1, 0).Format("2006-01-02") + `"}`
	tests := []struct {
		name string
		send func() int
		want int
	}{
		{"page anonymous", func() int { return a.do("GET", "/risks", nil, nil).StatusCode }, 303},
		{"page staff reads", func() int { s := a.login("a-staff"); return a.do("GET", "/risks", &s, nil).StatusCode }, 200},
		{"page auditor reads", func() int { s := a.login("a-auditor"); return a.do("GET", "/risks", &s, nil).StatusCode }, 200},
		{"create staff forbidden", func() int { s := a.login("a-staff"); return a.do("POST", "/risks", &s, form("x")).StatusCode }, 403},
		{"create auditor forbidden", func() int { s := a.login("a-auditor"); return a.do("POST", "/risks", &s, form("x")).StatusCode }, 403},
		{"create quality officer", func() int {
			s := a.login("a-quality-officer")
			return a.do("POST", "/risks", &s, form("Hồ sơ giấy thất lạc")).StatusCode
		}, 303},
		{"create leader", func() int {
			s := a.login("a-leader")
			return a.do("POST", "/risks", &s, form("Thiếu cán bộ")).StatusCode
		}, 303},
		{"api list anonymous", func() int { return a.api("GET", "/api/v1/risks", "", "").StatusCode }, 401},
		{"api list staff", func() int { return a.api("GET", "/api/v1/risks", a.token("a-staff"), "").StatusCode }, 200},
		{"api create auditor forbidden", func() int { return a.api("POST", "/api/v1/risks", a.token("a-auditor"), body).StatusCode }, 403},
		{"api create leader", func() int { return a.api("POST", "/api/v1/risks", a.token("a-leader"), body).StatusCode }, 201},
		{"api create bad impact", func() int {
			return a.api("POST", "/api/v1/risks", a.token("a-leader"), strings.Replace(body, `"impact":2`, `"impact":7`, 1)).StatusCode
		}, 400},
		{"api bad level", func() int { return a.api("GET", "/api/v1/risks?level=extreme", a.token("a-staff"), "").StatusCode }, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := tt.send(); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	if n := a.auditCount("risk.create"); n != 3 {
		t.Fatalf("risk.create audited %d times, want 3", n)
	}

	// The API's refusal of a day names the forms it reads (it said
	// yyyy-mm-dd while it takes dd/mm/yyyy too).
	var refused struct {
		Error struct{ Message, Field string }
	}
	resp := a.api("POST", "/api/v1/risks", a.token("a-leader"), strings.Replace(body, `"review_on":"`, `"review_on":"31/02/`, 1))
	decode(t, resp, &refused)
	if resp.StatusCode != 400 || refused.Error.Field != "review_on" || !strings.Contains(refused.Error.Message, "dd/mm/yyyy (hoặc yyyy-mm-dd)") {
		t.Errorf("review_on refused: %+v", refused.Error)
	}

	// The add form keeps what was typed and names the field.
	officer := a.login("a-quality-officer")
	bad := form("Mô tả còn giữ")
	bad.Set("review_on", "31/02/2026")
	resp = a.do("POST", "/risks", &officer, bad)
	page := bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(page, "Mô tả còn giữ") || !strings.Contains(page, `id="error-review_on"`) {
		t.Fatalf("bad date: %d %s", resp.StatusCode, page)
	}

	// Filters: two high risks, one low opportunity.
	var list struct{ Risks []qms.Risk }
	for _, f := range []struct {
		query string
		want  int
	}{{"", 3}, {"?level=high", 2}, {"?level=low", 1}, {"?level=medium", 0}, {"?procedure=" + pid, 3}, {"?procedure=999999", 0}, {"?status=closed", 0}} {
		decode(t, a.api("GET", "/api/v1/risks"+f.query, a.token("a-auditor"), ""), &list)
		if len(list.Risks) != f.want {
			t.Errorf("GET /api/v1/risks%s: %d, want %d", f.query, len(list.Risks), f.want)
		}
	}
	decode(t, a.api("GET", "/api/v1/risks?level=high", a.token("a-auditor"), ""), &list)
	id := itoa(list.Risks[0].ID)
	staff := a.login("a-staff")
	if page := bodyOf(t, a.do("GET", "/risks?level=low", &staff, nil)); strings.Contains(page, "Hồ sơ giấy thất lạc") || !strings.Contains(page, "Liên thông dữ liệu") {
		t.Fatal("the level filter of the page does not filter")
	}

	// The detail page: owner by full name; re-assess, act, link, close.
	steps := []struct {
		path string
		form url.Values
	}{
		{"/risks/" + id + "/reassess", url.Values{"likelihood": {"2"}, "impact": {"2"}, "review_on": {review}, "note": {"Đã có sổ giao nhận"}}},
		{"/risks/" + id + "/actions", url.Values{"description": {"Lập sổ giao nhận"}, "owner": {"a-staff"}, "due_on": {review}}},
		{"/risks/" + id + "/links", url.Values{"target": {"procedure:" + pid}}},
	}
	for _, s := range steps {
		if resp := a.do("POST", s.path, &officer, s.form); resp.StatusCode != 303 {
			t.Fatalf("POST %s: %d %s", s.path, resp.StatusCode, bodyOf(t, resp))
		}
	}
	page = bodyOf(t, a.do("GET", "/risks/"+id, &staff, nil))
	for _, want := range []string{"Lê Văn Cường", "Lập sổ giao nhận", `data-level="low"`, "Đã có sổ giao nhận", `href="/procedures/` + pid + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="risk-reassess"`) {
		t.Error("staff see the re-assessment form")
	}
	if resp := a.do("POST", "/risks/"+id+"/close", &officer, url.Values{"reason": {""}}); resp.StatusCode != 400 {
		t.Fatalf("closed without a reason: %d", resp.StatusCode)
	}

	// Agency B neither sees nor touches A's register.
	decode(t, a.api("GET", "/api/v1/risks", a.token("b-leader"), ""), &list)
	if len(list.Risks) != 0 {
		t.Fatal("B lists A's risks")
	}
	b := a.login("b-leader")
	for _, path := range []string{"/risks/" + id + "/close", "/risks/" + id + "/reassess"} {
		if code := a.do("POST", path, &b, url.Values{"reason": {"chiếm"}, "likelihood": {"1"}, "impact": {"1"}, "review_on": {review}}).StatusCode; code != 404 {
			t.Errorf("B: POST %s = %d", path, code)
		}
	}
	if code := a.do("GET", "/risks/"+id, &b, nil).StatusCode; code != 404 {
		t.Errorf("B reads A's risk: %d", code)
	}
}

// TestDisabledOwnerMarked (outsider pass 11, low): a risk whose owner's
// account was disabled later kept the owner unmarked, so nobody saw that
// its review and actions waited on no one. The risk's page and the list
// mark the owner's account as disabled, in Vietnamese and in English.
func TestDisabledOwnerMarked(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ps, err := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	owner := a.addUser("a-chu-rui-ro", "A", qms.RoleStaff)
	body := `{"kind":"risk","description":"Hồ sơ giấy thất lạc","procedure_id":` + itoa(ps[0].ID) + `,"likelihood":3,"impact":4,"owner":"a-chu-rui-ro","review_on":"` +
		a.clock.Now().AddDate(0, 1, 0).Format("2006-01-02") + `"}`
	var risk struct{ ID int64 }
	checkAPI(t, "create", a.api("POST", "/api/v1/risks", a.token("a-leader"), body), 201, "", &risk)
	leader := a.login("a-leader")
	page := func() (one, list string) {
		return bodyOf(t, a.do("GET", "/risks/"+itoa(risk.ID), &leader, nil)), bodyOf(t, a.do("GET", "/risks", &leader, nil))
	}
	if one, list := page(); strings.Contains(one, "tài khoản đã khóa") || strings.Contains(list, "tài khoản đã khóa") {
		t.Fatal("an active owner is marked disabled")
	}
	off := true
	if _, err := a.db.UpdateUser(qms.WithActor(t.Context(), qms.SystemActor("test")), owner.ID, qms.UserUpdate{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	one, list := page()
	if n := parsePage(t, one).byID("risk-owner"); n == nil || !strings.Contains(textOf(n), owner.FullName) || !strings.Contains(textOf(n), "tài khoản đã khóa") {
		t.Errorf("the risk's page: owner reads %q", textOf(n))
	}
	if !strings.Contains(list, "tài khoản đã khóa") {
		t.Error("the risk list does not mark the disabled owner")
	}
	req := httptest.NewRequest("GET", "/risks/"+itoa(risk.ID), nil)
	req.AddCookie(&http.Cookie{Name: "qms_lang", Value: "en"})
	req.AddCookie(&http.Cookie{Name: "qms_session", Value: leader.cookie})
	if en := bodyOf(t, a.send(req)); !strings.Contains(en, "account disabled") {
		t.Error("the English page does not mark the disabled owner")
	}
}
