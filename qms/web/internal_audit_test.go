package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

func TestInternalAuditAndReviewPages(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.childAgency("A1", "A")
	auditor, leader := a.login("a-auditor"), a.login("a-leader")
	if code := a.do("POST", "/audits/programmes", &auditor, url.Values{"year": {"2026"}, "title": {"Chương trình 2026"}}).StatusCode; code != 303 {
		t.Fatalf("programme: %d", code)
	}
	progs, _ := a.db.FindProgrammes(t.Context(), "A")
	ps, _ := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{})
	plan := url.Values{"programme_id": {itoa(progs[0].ID)}, "title": {"Đánh giá QT-01"}, "units": {"A"}, "procedures": {itoa(ps[0].ID)},
		"clauses": {"8.5", "7.5"}, "auditors": {"a-auditor"}, "start_on": {"04/05/2026"}, "end_on": {"05/05/2026"}}
	resp := a.do("POST", "/audits/plans", &auditor, plan)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "không được tự đánh giá") {
		t.Fatalf("self-audit: %d", resp.StatusCode)
	}
	// A's auditors audit A1, the unit under A, against the clauses.
	plan.Set("units", "A1")
	plan.Del("procedures")
	resp = a.do("POST", "/audits/plans", &auditor, plan)
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	if resp.StatusCode != 303 {
		t.Fatalf("plan: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	a.do("POST", path+"/checklist", &auditor, url.Values{})
	var p qms.AuditPlan
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-auditor"), ""), &p)
	if len(p.Items) == 0 {
		t.Fatal("no checklist")
	}
	for _, it := range p.Items {
		a.do("POST", path+"/items/"+itoa(it.ID), &auditor, url.Values{"result": {"conform"}, "evidence": {"Đã xem hồ sơ <b>mẫu</b>"}})
	}
	if code := a.do("POST", path+"/report", &auditor, signing(url.Values{"conclusion": {"Phù hợp"}})).StatusCode; code != 303 {
		t.Fatalf("report: %d", code)
	}
	report := bodyOf(t, a.do("GET", path+"/print", &auditor, nil))
	if !strings.Contains(report, "BÁO CÁO ĐÁNH GIÁ NỘI BỘ") || strings.Contains(report, "<b>mẫu</b>") {
		t.Fatal("report missing or unescaped")
	}
	// Management review by the leader.
	resp = a.do("POST", "/reviews", &leader, url.Values{"title": {"Họp xem xét 2026"}, "held_on": {"20/12/2026"}})
	rpath := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	if resp.StatusCode != 303 {
		t.Fatalf("review: %d", resp.StatusCode)
	}
	body := bodyOf(t, a.do("GET", rpath, &leader, nil))
	if !strings.Contains(body, "Đánh giá nội bộ đã báo cáo: 1") {
		t.Fatal("review pack lacks the audit")
	}
	// The pack the leader signs names answers by their labels, and its
	// percentages carry one percent sign.
	if !strings.Contains(body, "Phù hợp: ") || strings.Contains(body, "conform:") || strings.Contains(body, "%%") {
		t.Errorf("review pack shows raw codes or a doubled percent sign")
	}
	if code := a.do("POST", rpath+"/decisions", &leader, url.Values{"text": {"Bổ sung nhân sự"}, "owner": {"a-quality-officer"}, "due_on": {"31/01/2027"}}).StatusCode; code != 303 {
		t.Fatalf("decision: %d", code)
	}
	// A decision is given to someone of the agency, due from today on
	// (outsider finding: another agency's user, a user that does not
	// exist and 01/01/1999 were taken).
	for _, bad := range []struct{ owner, due, field string }{
		{"b-staff", "31/01/2099", "owner"}, {"khong.co.ai", "31/01/2099", "owner"}, {"a-quality-officer", "01/01/1999", "due_on"},
	} {
		resp := a.do("POST", rpath+"/decisions", &leader, url.Values{"text": {"Quyết định thử"}, "owner": {bad.owner}, "due_on": {bad.due}})
		if body := bodyOf(t, resp); resp.StatusCode < 400 || !strings.Contains(body, `id="error-`+bad.field+`"`) && !strings.Contains(body, `class="error"`) {
			t.Errorf("decision to %s due %s: %d", bad.owner, bad.due, resp.StatusCode)
		}
	}
	if n := a.auditCount("review.decision"); n != 1 {
		t.Errorf("%d decisions recorded, want 1", n)
	}
	staff := a.login("a-staff")
	if code := a.do("POST", "/reviews", &staff, url.Values{"title": {"x"}, "held_on": {"01/01/2026"}}).StatusCode; code != 403 {
		t.Fatalf("staff holds a review: %d", code)
	}
	b := a.login("b-auditor")
	if code := a.do("GET", path, &b, nil).StatusCode; code != 404 {
		t.Fatalf("B reads A's audit: %d", code)
	}
}

// childAgency adds an agency under parent, with no users of its own.
func (a *app) childAgency(code, parent string) {
	a.t.Helper()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if err := a.db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Phòng " + code, ParentCode: parent}); err != nil {
		a.t.Fatal(err)
	}
}

// programme opens the 2026 audit programme of the caller's agency and
// returns its id.
func (a *app) programme(s *session, agency string) string {
	a.t.Helper()
	if code := a.do("POST", "/audits/programmes", s, url.Values{"year": {"2026"}, "title": {"Chương trình 2026"}}).StatusCode; code != 303 {
		a.t.Fatalf("programme of %s: %d", agency, code)
	}
	progs, err := a.db.FindProgrammes(context.Background(), agency)
	if err != nil || len(progs) == 0 {
		a.t.Fatalf("programme of %s: %v", agency, err)
	}
	return itoa(progs[0].ID)
}

// planForm is the plan form as the audits page posts it.
func planForm(programme string, units, procedures []string, auditors string) url.Values {
	return url.Values{"programme_id": {programme}, "title": {"Đánh giá"}, "units": units, "procedures": procedures,
		"clauses": {"8.5", "7.5"}, "auditors": {auditors}, "start_on": {"04/05/2026"}, "end_on": {"05/05/2026"}}
}

var pageError = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

func TestTrust9PlanScopeAndIndependence(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure() // QT-01 of A
	a.childAgency("A1", "A")
	aAud, bAud := a.login("a-auditor"), a.login("b-auditor")
	progA, progB := a.programme(&aAud, "A"), a.programme(&bAud, "B")
	ps, _ := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{})
	qt01 := []string{itoa(ps[0].ID)}
	tests := []struct {
		name string
		who  *session
		form url.Values
		want string
	}{
		{"no units: A's auditor audits A's own procedure", &aAud, planForm(progA, nil, qt01, "a-auditor"), "Chọn ít nhất một đơn vị được đánh giá"},
		{"B's auditor names A as a unit", &bAud, planForm(progB, []string{"A"}, nil, "b-auditor"), "không thuộc phạm vi đánh giá của đơn vị B"},
		{"B's auditor names A's child as a unit", &bAud, planForm(progB, []string{"A1"}, nil, "b-auditor"), "không thuộc phạm vi đánh giá của đơn vị B"},
		{"A's auditor audits A", &aAud, planForm(progA, []string{"A"}, nil, "a-auditor"), "không được tự đánh giá"},
		{"A's procedure slipped under A's child unit", &aAud, planForm(progA, []string{"A1"}, qt01, "a-auditor"), "không thuộc đơn vị được đánh giá"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.do("POST", "/audits/plans", tt.who, tt.form)
			if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, want 400 with %q; error: %q", resp.StatusCode, tt.want, pageError.FindStringSubmatch(body))
			}
		})
	}
	for _, agency := range []string{"A", "B"} {
		if plans, _ := a.db.FindPlans(t.Context(), agency); len(plans) != 0 {
			t.Fatalf("%s has %d plans after refusals", agency, len(plans))
		}
	}
}

// The auditors field answers alike for a user of another agency and for
// nobody at all: it cannot tell who exists elsewhere.
func TestTrust9AuditorProbeGivesNothingAway(t *testing.T) {
	a := newApp(t)
	a.childAgency("A1", "A")
	aAud := a.login("a-auditor")
	progA := a.programme(&aAud, "A")
	probe := func(username string) string {
		resp := a.do("POST", "/audits/plans", &aAud, planForm(progA, []string{"A1"}, nil, username))
		body := bodyOf(t, resp)
		m := pageError.FindStringSubmatch(body)
		if resp.StatusCode != 400 || m == nil || !strings.Contains(m[1], "Không tìm thấy đánh giá viên") {
			t.Fatalf("%s: status %d, error %q", username, resp.StatusCode, m)
		}
		return strings.ReplaceAll(m[1], username, "…")
	}
	if other, nobody := probe("b-auditor"), probe("khong-co-ai"); other != nobody {
		t.Fatalf("the answers differ:\n%s\n%s", other, nobody)
	}
	if code := a.do("POST", "/audits/plans", &aAud, planForm(progA, []string{"A1"}, nil, "a-auditor")).StatusCode; code != 303 {
		t.Fatalf("A's auditor auditing A1: %d", code)
	}
}

// A unit that has left the plan's agency is out of reach: the checklist,
// which reads its figures, is not built.
func TestTrust9ChecklistStaysWithinReach(t *testing.T) {
	a := newApp(t)
	a.childAgency("A1", "A")
	aAud := a.login("a-auditor")
	progA := a.programme(&aAud, "A")
	resp := a.do("POST", "/audits/plans", &aAud, planForm(progA, []string{"A1"}, nil, "a-auditor"))
	if resp.StatusCode != 303 {
		t.Fatalf("plan: %d", resp.StatusCode)
	}
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	none := ""
	if _, err := a.db.UpdateAgency(qms.WithActor(t.Context(), qms.SystemActor("test")), "A1", qms.AgencyUpdate{ParentCode: &none}); err != nil {
		t.Fatal(err)
	}
	resp = a.do("POST", path+"/checklist", &aAud, url.Values{})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "không thuộc phạm vi đánh giá") {
		t.Fatalf("checklist for a unit out of reach: %d", resp.StatusCode)
	}
	var p qms.AuditPlan
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-auditor"), ""), &p)
	if len(p.Items) != 0 {
		t.Fatalf("checklist built with %d items", len(p.Items))
	}
}

// TestAuditTeamHoldsAnAuditRole (outsider pass 8): a plan's team is of
// people who may work on it in the planning agency, auditors and quality
// officers; staff, a leader or an admin only of A is refused, the field
// and the user named, and no plan is written (a-staff was accepted and
// then got 403 on the plan). An accepted member builds the checklist.
func TestAuditTeamHoldsAnAuditRole(t *testing.T) {
	a := newApp(t)
	a.childAgency("A1", "A")
	officer := a.login("a-quality-officer")
	prog := a.programme(&officer, "A")
	for _, tc := range []struct {
		member string
		want   int
	}{
		{"a-staff", 400},
		{"a-leader", 400},
		{"a-admin", 400},
		{"a-auditor", 303},
		{"a-quality-officer", 303},
	} {
		t.Run(tc.member, func(t *testing.T) {
			plans := a.auditCount("internal_audit.plan")
			resp := a.do("POST", "/audits/plans", &officer, planForm(prog, []string{"A1"}, nil, tc.member))
			body := bodyOf(t, resp)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d; error: %q", resp.StatusCode, tc.want, pageError.FindStringSubmatch(body))
			}
			if tc.want == 400 {
				if !strings.Contains(body, `id="error-auditors"`) || !strings.Contains(body, tc.member) || a.auditCount("internal_audit.plan") != plans {
					t.Fatalf("refused without naming %s on the field, or written", tc.member)
				}
				return
			}
			member := a.login(tc.member)
			path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
			if code := a.do("POST", path+"/checklist", &member, url.Values{}).StatusCode; code != 303 {
				t.Fatalf("%s builds the checklist of their plan: %d", tc.member, code)
			}
		})
	}
}
