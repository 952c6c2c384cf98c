package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

func TestInternalAuditAndReviewPages(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
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
	plan.Set("auditors", "b-auditor")
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
	if code := a.do("POST", path+"/report", &auditor, url.Values{"conclusion": {"Phù hợp"}}).StatusCode; code != 303 {
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
	if body := bodyOf(t, a.do("GET", rpath, &leader, nil)); !strings.Contains(body, "Đánh giá nội bộ đã báo cáo: 1") {
		t.Fatal("review pack lacks the audit")
	}
	if code := a.do("POST", rpath+"/decisions", &leader, url.Values{"text": {"Bổ sung nhân sự"}, "owner": {"a-quality-officer"}, "due_on": {"31/01/2027"}}).StatusCode; code != 303 {
		t.Fatalf("decision: %d", code)
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
