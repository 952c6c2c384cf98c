package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// seedProviderContext gives agency A, in ASCII names, an evaluated
// provider named in nonconformity n and a reviewed context register with a
// retired entry, so that every part of their pages shows.
func (a *app) seedProviderContext(officer, leader context.Context, n *qms.Nonconformity) *qms.Provider {
	t := a.t
	t.Helper()
	p := &qms.Provider{AgencyCode: "A", Name: "Post office", Service: "Delivery of results", ContractRef: "Contract 12", Contact: "0236",
		Criteria: []string{"On time", "Nothing lost"}, PeriodMonths: 12}
	if err := a.db.CreateProvider(officer, p); err != nil {
		t.Fatal(err)
	}
	e := &qms.ProviderEvaluation{EvaluatedOn: qms.CivilDate(a.clock.Now()), Result: qms.EvalConditional, Note: "Two slow deliveries",
		Scores: []qms.CriterionScore{{Criterion: "On time", Mark: "3"}, {Criterion: "Nothing lost", Mark: qms.EvalPass}}}
	if err := a.db.EvaluateProvider(officer, "A", p.ID, e); err != nil {
		t.Fatal(err)
	}
	if err := a.db.LinkProviderNC(officer, "A", p.ID, n.ID); err != nil {
		t.Fatal(err)
	}
	old := &qms.ContextItem{AgencyCode: "A", Kind: qms.ContextInternal, Title: "Old software"}
	for _, it := range []*qms.ContextItem{old, {AgencyCode: "A", Kind: qms.ContextExternal, Title: "Province merger"},
		{AgencyCode: "A", Kind: qms.ContextParty, Title: "Citizens", Requirements: "Results on time"}} {
		if err := a.db.AddContextItem(officer, it); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.db.RetireContextItem(officer, "A", old.ID, "Replaced"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.MarkContextReviewed(leader, "A", "Yearly review"); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestProvider8Pages: the quality officer registers a provider, evaluates
// it and links an NC through the pages; a wrong field is named and the
// typed values kept; staff read but cannot write; another agency cannot
// see the provider; ending it is recorded and leaves it listed.
func TestProvider8Pages(t *testing.T) {
	a := newApp(t)
	officer, staff, other := a.login("a-quality-officer"), a.login("a-staff"), a.login("b-quality-officer")
	form := url.Values{"name": {"Bưu điện tỉnh"}, "service": {"Chuyển phát kết quả qua bưu chính công ích"}, "contract_ref": {"HĐ 12/2026"},
		"contact": {"0236 3822 222"}, "criteria": {"Giao đúng hẹn\r\nKhông thất lạc hồ sơ"}, "period_months": {"mười hai"}}
	resp := a.do("POST", "/providers", &officer, form)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `id="error-period_months"`) || !strings.Contains(body, "HĐ 12/2026") {
		t.Fatalf("a bad period: %d, field error or typed values missing", resp.StatusCode)
	}
	if resp := a.do("POST", "/providers", &staff, url.Values{"name": {"X"}}); resp.StatusCode != 403 {
		t.Fatalf("staff registered a provider: %d", resp.StatusCode)
	}
	form.Set("period_months", "12")
	resp = a.do("POST", "/providers", &officer, form)
	if resp.StatusCode != 303 {
		t.Fatalf("register: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	path, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromComplaint, Description: "Kết quả giao chậm qua bưu điện"}
	if err := a.db.CreateNC(qms.WithActor(context.Background(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"}), nc); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		target string
		form   url.Values
		status int
		want   string // in the page shown again
	}{
		{"a criterion left unmarked", path + "/evaluations", url.Values{"evaluated_on": {"01/01/2026"}, "mark_0": {"5"}, "result": {"pass"}}, 400, `id="error-scores"`},
		{"conditional without a note", path + "/evaluations", url.Values{"evaluated_on": {"01/01/2026"}, "mark_0": {"4"}, "mark_1": {"fail"}, "result": {"conditional"}}, 400, `id="error-note"`},
		{"evaluation", path + "/evaluations", url.Values{"evaluated_on": {"01/01/2026"}, "mark_0": {"4"}, "mark_1": {"fail"}, "result": {"conditional"}, "note": {"Thất lạc 1 hồ sơ"}}, 303, ""},
		{"link the NC", path + "/ncs", url.Values{"nc_id": {itoa(nc.ID)}}, 303, ""},
		{"link it twice", path + "/ncs", url.Values{"nc_id": {itoa(nc.ID)}}, 409, "đã được liên kết"},
	}
	for _, s := range steps {
		resp := a.do("POST", s.target, &officer, s.form)
		body := bodyOf(t, resp)
		if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
			t.Errorf("%s: %d, want %d showing %q", s.name, resp.StatusCode, s.status, s.want)
		}
	}
	resp = a.do("GET", path, &staff, nil)
	body := bodyOf(t, resp)
	for _, want := range []string{"Bưu điện tỉnh", "Đạt có điều kiện", "Thất lạc 1 hồ sơ", "Người A", nc.Code, "Giao đúng hẹn: 4/5", "Không thất lạc hồ sơ: Không đạt"} {
		if !strings.Contains(body, want) {
			t.Errorf("the provider page does not show %q", want)
		}
	}
	if strings.Contains(body, `id="evaluation-form"`) {
		t.Error("staff are offered the evaluation form")
	}
	if body := bodyOf(t, a.do("GET", "/nonconformities/"+itoa(nc.ID), &staff, nil)); !strings.Contains(body, `<a href="`+path+`">Bưu điện tỉnh</a>`) {
		t.Error("the nonconformity's page does not name the provider")
	}
	if resp := a.do("GET", path, &other, nil); resp.StatusCode != 404 {
		t.Errorf("agency B reads A's provider: %d", resp.StatusCode)
	}
	if resp := a.do("POST", path+"/status", &officer, url.Values{"status": {"ended"}, "reason": {"Hết hạn hợp đồng"}}); resp.StatusCode != 303 {
		t.Fatalf("end: %d", resp.StatusCode)
	}
	body = bodyOf(t, a.do("GET", "/providers", &officer, nil))
	if !strings.Contains(body, "Đã chấm dứt") || !strings.Contains(body, "Bưu điện tỉnh") {
		t.Error("the ended provider is not listed as ended")
	}
	for action, n := range map[string]int{"provider.create": 1, "provider.evaluate": 1, "provider.link_nc": 1, "provider.status": 1} {
		if got := a.auditCount(action); got != n {
			t.Errorf("%d audit entries %s, want %d", got, action, n)
		}
	}
}

// TestContext10Pages: the quality officer fills the register, a party
// without requirements is refused naming the field, staff read but cannot
// mark it reviewed, the leader marks it reviewed (shown by full name), and
// the management review pack shows the register.
func TestContext10Pages(t *testing.T) {
	a := newApp(t)
	officer, staff, leader := a.login("a-quality-officer"), a.login("a-staff"), a.login("a-leader")
	steps := []struct {
		name   string
		s      *session
		target string
		form   url.Values
		status int
	}{
		{"mark an empty register reviewed", &leader, "/context/review", url.Values{}, 400},
		{"a party without requirements", &officer, "/context", url.Values{"kind": {"party"}, "title": {"Bưu điện tỉnh"}}, 400},
		{"a party", &officer, "/context", url.Values{"kind": {"party"}, "title": {"Người dân, doanh nghiệp"}, "requirements": {"Trả kết quả đúng hẹn"}}, 303},
		{"an external issue", &officer, "/context", url.Values{"kind": {"external"}, "title": {"Chính quyền địa phương hai cấp"}}, 303},
		{"staff add", &staff, "/context", url.Values{"kind": {"internal"}, "title": {"X"}}, 403},
		{"staff mark reviewed", &staff, "/context/review", url.Values{}, 403},
		{"leader marks reviewed", &leader, "/context/review", url.Values{"note": {"Xem xét cùng họp lãnh đạo"}}, 303},
	}
	for _, s := range steps {
		if resp := a.do("POST", s.target, s.s, s.form); resp.StatusCode != s.status {
			t.Errorf("%s: %d, want %d", s.name, resp.StatusCode, s.status)
		}
	}
	body := bodyOf(t, a.do("GET", "/context", &staff, nil))
	for _, want := range []string{"Người dân, doanh nghiệp", "Trả kết quả đúng hẹn", "Chính quyền địa phương hai cấp", "Xem xét cùng họp lãnh đạo", "Người A"} {
		if !strings.Contains(body, want) {
			t.Errorf("the context page does not show %q", want)
		}
	}
	if a.auditCount("context.review") != 1 || a.auditCount("context.create") != 2 {
		t.Errorf("audit: %d reviews, %d entries", a.auditCount("context.review"), a.auditCount("context.create"))
	}
	resp := a.do("POST", "/reviews", &leader, url.Values{"title": {"Xem xét của lãnh đạo"}, "held_on": {qms.CivilDate(a.clock.Now()).Format("02/01/2006")}})
	if resp.StatusCode != 303 {
		t.Fatalf("review: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	body = bodyOf(t, a.do("GET", loc, &leader, nil))
	if i := strings.Index(body, `id="review-context"`); i < 0 || !strings.Contains(body[i:], "Người dân, doanh nghiệp") || !strings.Contains(body[i:], "Các bên quan tâm: 1") {
		t.Error("the review pack does not show the context register")
	}
}
