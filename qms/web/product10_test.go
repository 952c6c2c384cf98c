package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// dashboardScene is what seedDashboards made, for the assertions.
type dashboardScene struct {
	overdue, dueToday *qms.Dossier // their open step is overdue / due later today
	ncCode            string
	planTitle         string
}

// seedDashboards gives every role of A something to do, on Monday 7
// December 2026, 08:00 in Hà Nội: a dossier received two weeks before
// (its step and itself overdue), one received now whose open step is due
// within the hour,
// three early and one late dossier this quarter against a 90% target, a
// version awaiting approval, compliance findings, a management review
// held 13 months ago with a decision due in ten days, a nonconformity
// with an action due in a week, and an audit planned next week.
func (a *app) seedDashboards() dashboardScene {
	a.t.Helper()
	ctx := context.Background()
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, qms.Zone)
	a.clock.Set(now.AddDate(0, 0, -15))
	a.effectiveProcedure()
	var sc dashboardScene
	sc.overdue = a.receive("Trần Văn Quá Hạn")
	a.clock.Set(now)
	sc.dueToday = a.receive("Lê Thị Hôm Nay")
	// Its check done at once, its open step is the one-hour decision.
	staff := a.login("a-staff")
	if resp := a.do("POST", "/dossiers/"+sc.dueToday.Code+"/steps", &staff, url.Values{"step_id": {"check"}}); resp.StatusCode != 303 {
		a.t.Fatalf("complete step: %d", resp.StatusCode)
	}
	a.importCompleted("A", 3, 1)
	obj := &qms.Objective{AgencyCode: "A", Year: now.Year(), Title: "Giải quyết đúng hạn", Measure: qms.MeasureTimelyRate, Target: 90, Period: "quarter"}
	if err := a.db.CreateObjective(as("a-leader"), obj); err != nil {
		a.t.Fatal(err)
	}
	// A second procedure's version waits for the leader.
	p := &qms.Procedure{AgencyCode: "A", Code: "QT-02", Title: "Cấp phép lần hai", TTHCCodes: []string{"1.000001"}}
	if err := a.db.CreateProcedure(as("a-quality-officer"), p); err != nil {
		a.t.Fatal(err)
	}
	v, _ := a.db.CreateVersion(as("a-quality-officer"), p.ID)
	v.Flowchart = qmstest.DecisionChart()
	if err := a.db.UpdateVersion(as("a-quality-officer"), v); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.TransitionVersion(as("a-quality-officer"), p.ID, 1, qms.ActionSubmit, ""); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.RunChecks(qms.WithActor(ctx, qms.SystemActor("test")), qms.CheckScope{AgencyCode: "A"}); err != nil {
		a.t.Fatal(err)
	}
	rv := &qms.ManagementReview{AgencyCode: "A", Title: "Xem xét năm trước", HeldOn: now.AddDate(-1, -1, 0)}
	if err := a.db.CreateReview(as("a-leader"), rv); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.AddDecision(as("a-leader"), "A", rv.ID, qms.ReviewDecision{Text: "Rà soát quy trình cấp phép", Owner: "a-quality-officer", DueOn: now.AddDate(0, 0, 10)}); err != nil {
		a.t.Fatal(err)
	}
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu phiếu kiểm soát"}
	if err := a.db.CreateNC(as("a-auditor"), nc); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.AddAction(as("a-auditor"), "A", nc.ID, qms.CorrectiveAction{Description: "Bổ sung phiếu kiểm soát", Owner: "a-staff", DueOn: now.AddDate(0, 0, 7)}); err != nil {
		a.t.Fatal(err)
	}
	sc.ncCode = nc.Code
	a.childAgency("A1", "A")
	aud := a.login("a-auditor")
	form := planForm(a.programme(&aud, "A"), []string{"A1"}, nil, "a-auditor")
	form.Set("title", "Đánh giá phòng A1")
	form.Set("start_on", now.AddDate(0, 0, 7).Format("02/01/2006"))
	form.Set("end_on", now.AddDate(0, 0, 8).Format("02/01/2006"))
	if resp := a.do("POST", "/audits/plans", &aud, form); resp.StatusCode != 303 {
		a.t.Fatalf("audit plan: %d %q", resp.StatusCode, pageError.FindStringSubmatch(bodyOf(a.t, resp)))
	}
	sc.planTitle = "Đánh giá phòng A1"
	return sc
}

// TestProduct10RoleDashboards: each role's dashboard answers "what do I
// do now" with figures read from the data, and shows no other role's
// section.
func TestProduct10RoleDashboards(t *testing.T) {
	a := newApp(t)
	sc := a.seedDashboards()
	sections := []string{"dash-staff", "dash-leader", "dash-quality", "dash-auditor"}
	tests := []struct {
		who     string
		section string
		want    map[string]string // element id → text it must contain
	}{
		{"a-staff", "dash-staff", map[string]string{
			"staff-overdue": "1 bước đã quá hạn", "staff-due-today": "1 bước đến hạn hôm nay",
			"staff-tasks": sc.overdue.Code}},
		{"a-leader", "dash-leader", map[string]string{
			"leader-approvals": "1 phiên bản quy trình chờ phê duyệt", "leader-ontime": "75,00 %",
			"leader-late": "1 hồ sơ đang quá hạn", "leader-late-list": sc.overdue.Code}},
		{"a-quality-officer", "dash-quality", map[string]string{
			"quality-review": "1 quyết định", "quality-last-review": "Đã đến hạn họp xem xét",
			"quality-decisions": "Rà soát quy trình cấp phép", "findings-by-rule": ""}},
		{"a-auditor", "dash-auditor", map[string]string{
			"auditor-ncs": "1 sự không phù hợp", "auditor-actions": "1 hành động khắc phục",
			"auditor-action-list": sc.ncCode, "auditor-next-audit": sc.planTitle}},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			s := a.login(tt.who)
			d := parsePage(t, bodyOf(t, a.do("GET", "/", &s, nil)))
			for _, sec := range sections {
				if got := d.byID(sec) != nil; got != (sec == tt.section) {
					t.Errorf("section %s shown: %v", sec, got)
				}
			}
			for id, want := range tt.want {
				if d.byID(id) == nil {
					t.Errorf("no #%s", id)
				} else if got := d.text(id); !strings.Contains(got, want) {
					t.Errorf("#%s = %q, want %q", id, got, want)
				}
			}
		})
	}
	// The leader's rate is set against the objective's target.
	leader := a.login("a-leader")
	if got := parsePage(t, bodyOf(t, a.do("GET", "/", &leader, nil))).text("leader-ontime"); !strings.Contains(got, "mục tiêu 90 %") {
		t.Errorf("on-time tile %q lacks the target", got)
	}
	// The figures follow the data at once: the findings by rule add up to
	// the store's open findings, and completing the overdue step leaves
	// none overdue.
	officer := a.login("a-quality-officer")
	agency, isOpen := "A", true
	open, err := a.db.FindFindings(t.Context(), qms.FindingFilter{AgencyCode: &agency, Open: &isOpen})
	if err != nil {
		t.Fatal(err)
	}
	rows := parsePage(t, bodyOf(t, a.do("GET", "/", &officer, nil))).rows("findings-by-rule")
	total := 0
	for _, r := range rows {
		n, _ := strconv.Atoi(strings.ReplaceAll(r[1], ".", ""))
		total += n
	}
	if len(open) == 0 || total != len(open) {
		t.Errorf("findings by rule add up to %d, the store has %d open", total, len(open))
	}
	staff := a.login("a-staff")
	if resp := a.do("POST", "/dossiers/"+sc.overdue.Code+"/steps", &staff, url.Values{"step_id": {"check"}}); resp.StatusCode != 303 {
		t.Fatalf("complete step: %d", resp.StatusCode)
	}
	if got := parsePage(t, bodyOf(t, a.do("GET", "/", &staff, nil))).text("staff-overdue"); !strings.HasPrefix(got, "0") {
		t.Errorf("after completing the overdue step: %q", got)
	}
}

// TestProduct10Notifications: a corrective action, an approval and a
// delegated step each notify whom they are assigned to, in the same
// transaction as the change (a refused change notifies no one), and the
// dashboard shows them with the unread count.
func TestProduct10Notifications(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure() // QT-01's version 1 was submitted: A's leader was asked to approve
	d := a.receive("Phạm Văn Ủy")
	auditor, leader := a.login("a-auditor"), a.login("a-leader")
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Thiếu phiếu"}
	u := a.users["a-auditor"]
	if err := a.db.CreateNC(qms.WithActor(t.Context(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"}), nc); err != nil {
		t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 7).In(qms.Zone).Format("02/01/2006")
	steps := []struct {
		name  string
		who   *session
		path  string
		form  url.Values
		want  int
		to    string // who is notified
		title string // what the notification says
	}{
		{"approval", nil, "", nil, 0, "a-leader", "Chờ phê duyệt: QT-01"},
		{"corrective action to a user of B is refused", &auditor, "/nonconformities/" + itoa(nc.ID) + "/actions",
			url.Values{"description": {"Bổ sung phiếu"}, "owner": {"b-staff"}, "due_on": {due}}, 400, "b-staff", ""},
		{"corrective action", &auditor, "/nonconformities/" + itoa(nc.ID) + "/actions",
			url.Values{"description": {"Bổ sung phiếu"}, "owner": {"a-quality-officer"}, "due_on": {due}}, 303, "a-quality-officer", "Hành động khắc phục được giao: " + nc.Code},
		{"step delegated", &leader, "/dossiers/" + d.Code + "/delegations",
			url.Values{"step_id": {"check"}, "to": {"a-staff"}, "reason": {"Nghỉ phép"}}, 303, "a-staff", "Bước “Thẩm định” của hồ sơ " + d.Code},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.who != nil {
				if resp := a.do("POST", st.path, st.who, st.form); resp.StatusCode != st.want {
					t.Fatalf("%s: %d, want %d", st.path, resp.StatusCode, st.want)
				}
			}
			ns, unread, err := a.db.Notifications(t.Context(), a.users[st.to].ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if st.title == "" {
				if len(ns) != 0 {
					t.Fatalf("%s notified of a refused change: %+v", st.to, ns)
				}
				return
			}
			// The newest is this one (a staff user also has the reading
			// the procedure's distribution asked of them).
			if unread < 1 || len(ns) < 1 || !strings.HasPrefix(ns[0].Title, st.title) {
				t.Fatalf("%s: %d unread %+v, want the newest %q", st.to, unread, ns, st.title)
			}
			s := a.login(st.to)
			dash := parsePage(t, bodyOf(t, a.do("GET", "/", &s, nil)))
			if got := dash.text("dash-unread"); got != itoa(int64(unread)) {
				t.Errorf("dashboard unread count %q", got)
			}
			if got := dash.text("dash-notes"); !strings.Contains(got, st.title) {
				t.Errorf("dashboard notifications %q lack %q", got, st.title)
			}
		})
	}
}
