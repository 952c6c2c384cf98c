package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

// alertError is the message a page shows as its error.
var alertError = regexp.MustCompile(`<p class="error" role="alert"[^>]*>([^<]*)</p>`)

// TestSentTwice: every record made from a form without a key of its own
// (qms.RepeatWindow), sent a second time by the same user with the same
// content (a second click without JavaScript, the back button), is
// refused with 409 naming the first, on the page and on the API, and
// nothing more is written; the same content from another user, or after
// the window, is a new record.
func TestSentTwice(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.childAgency("A1", "A")
	ctx := context.Background()
	officerActor := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	leaderActor := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-leader"].ID, Username: "a-leader", AgencyCode: "A"})
	officer, leader, auditor := a.login("a-quality-officer"), a.login("a-leader"), a.login("a-auditor")
	due := a.clock.Now().AddDate(0, 1, 0).In(qms.Zone)
	dueDay, dueISO := due.Format("02/01/2006"), due.Format("2006-01-02")

	ps, err := a.db.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	pid := itoa(ps[0].ID)
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật"}
	if err := a.db.CreateNC(officerActor, nc); err != nil {
		t.Fatal(err)
	}
	risk := &qms.Risk{AgencyCode: "A", Kind: qms.RiskKindRisk, Description: "Hồ sơ giấy thất lạc", ProcedureID: ps[0].ID, Likelihood: 4, Impact: 4,
		Owner: "a-staff", ReviewOn: qms.CivilDate(due)}
	if err := a.db.CreateRisk(officerActor, risk); err != nil {
		t.Fatal(err)
	}
	review := &qms.ManagementReview{AgencyCode: "A", Title: "Họp xem xét quý I", HeldOn: qms.CivilDate(a.clock.Now())}
	if err := a.db.CreateReview(leaderActor, review); err != nil {
		t.Fatal(err)
	}
	provider := &qms.Provider{AgencyCode: "A", Name: "Bưu điện tỉnh", Service: "Chuyển phát kết quả", Criteria: []string{"Giao đúng hẹn"}, PeriodMonths: 12}
	if err := a.db.CreateProvider(officerActor, provider); err != nil {
		t.Fatal(err)
	}
	comp := &qms.Competence{AgencyCode: "A", Code: "MOTCUA", Name: "Nghiệp vụ một cửa"}
	if err := a.db.CreateCompetence(officerActor, comp); err != nil {
		t.Fatal(err)
	}
	prog := a.programme(&auditor, "A")

	tests := []struct {
		name   string
		page   *session // posts the form; nil: the API with token
		token  string
		path   string
		form   url.Values // the page's form
		json   string     // the API's body
		action string     // the audit action of one record made
		first  string     // how the refusal names the first
	}{
		{name: "nonconformity", page: &officer, path: "/nonconformities", action: "nc.create", first: "phiếu NC-A-",
			form: url.Values{"source": {"other"}, "description": {"Biên nhận thiếu chữ ký"}, "root_cause": {"Chưa rõ"}}},
		{name: "nonconformity (API)", token: a.token("a-quality-officer"), path: "/api/v1/nonconformities", action: "nc.create", first: "phiếu NC-A-",
			json: `{"source":"complaint","description":"Trả kết quả trễ hẹn"}`},
		{name: "corrective action", page: &officer, path: "/nonconformities/" + itoa(nc.ID) + "/actions", action: "nc.action_add",
			first: "hành động “Cập nhật sổ theo dõi hằng tuần” của phiếu " + nc.Code,
			form:  url.Values{"description": {"Cập nhật sổ theo dõi hằng tuần"}, "owner": {"a-staff"}, "due_on": {dueDay}}},
		{name: "corrective action (API)", token: a.token("a-quality-officer"), path: "/api/v1/nonconformities/" + itoa(nc.ID) + "/actions", action: "nc.action_add",
			first: "hành động “Phân công người cập nhật sổ” của phiếu " + nc.Code,
			json:  `{"description":"Phân công người cập nhật sổ","owner":"a-staff","due_on":"` + dueISO + `"}`},
		{name: "risk", page: &officer, path: "/risks", action: "risk.create", first: "mục RR-A-",
			form: url.Values{"kind": {"risk"}, "description": {"Thiếu cán bộ một cửa"}, "procedure_id": {pid}, "likelihood": {"3"}, "impact": {"4"},
				"owner": {"a-staff"}, "review_on": {dueDay}}},
		{name: "risk (API)", token: a.token("a-leader"), path: "/api/v1/risks", action: "risk.create", first: "mục RR-A-",
			json: `{"kind":"opportunity","description":"Liên thông dữ liệu","procedure_id":` + pid + `,"likelihood":2,"impact":2,"owner":"a-staff","review_on":"` + dueISO + `"}`},
		{name: "risk reassessed", page: &officer, path: "/risks/" + itoa(risk.ID) + "/reassess", action: "risk.reassess", first: "đánh giá lại mục " + risk.Code,
			form: url.Values{"likelihood": {"2"}, "impact": {"2"}, "review_on": {dueDay}, "note": {"Đã có sổ giao nhận"}}},
		{name: "risk action", page: &officer, path: "/risks/" + itoa(risk.ID) + "/actions", action: "risk.action_add",
			first: "hành động “Lập sổ giao nhận” của mục " + risk.Code,
			form:  url.Values{"description": {"Lập sổ giao nhận"}, "owner": {"a-staff"}, "due_on": {dueDay}}},
		{name: "audit plan", page: &auditor, path: "/audits/plans", action: "internal_audit.plan", first: "kế hoạch đánh giá “Đánh giá”",
			form: planForm(prog, []string{"A1"}, nil, "a-auditor")},
		{name: "management review", page: &leader, path: "/reviews", action: "review.create", first: "cuộc họp xem xét “Họp xem xét 2026” ngày 20/12/2026",
			form: url.Values{"title": {"Họp xem xét 2026"}, "held_on": {"20/12/2026"}}},
		{name: "review decision", page: &leader, path: "/reviews/" + itoa(review.ID) + "/decisions", action: "review.decision",
			first: "quyết định “Bổ sung cán bộ một cửa”",
			form:  url.Values{"text": {"Bổ sung cán bộ một cửa"}, "owner": {"a-quality-officer"}, "due_on": {dueDay}}},
		{name: "context entry", page: &officer, path: "/context", action: "context.create", first: "mục “Chuyển đổi số”",
			form: url.Values{"kind": {"external"}, "title": {"Chuyển đổi số"}}},
		{name: "provider evaluation", page: &officer, path: "/providers/" + itoa(provider.ID) + "/evaluations", action: "provider.evaluate",
			first: "đánh giá ngày 02/01/2026 của nhà cung cấp “Bưu điện tỉnh”",
			form:  url.Values{"evaluated_on": {"02/01/2026"}, "mark_0": {"5"}, "result": {"pass"}}},
		{name: "competence requirement", page: &officer, path: "/competence/requirements", action: "competence.require",
			first: "yêu cầu năng lực “Nghiệp vụ một cửa”",
			form:  url.Values{"competence_id": {itoa(comp.ID)}, "step": {pid + "/check"}}},
		{name: "competence record", page: &officer, path: "/competence/records", action: "competence.record.add",
			first: "hồ sơ năng lực “Tập huấn một cửa 2026” của a-staff",
			form: url.Values{"username": {"a-staff"}, "competence_id": {itoa(comp.ID)}, "course": {"Tập huấn một cửa 2026"}, "certificate_no": {"CN-01"},
				"obtained_on": {"02/01/2026"}}},
	}
	send := func(tt int) *http.Response {
		t.Helper()
		c := tests[tt]
		if c.page == nil {
			return a.api("POST", c.path, c.token, c.json)
		}
		form := url.Values{}
		for k, v := range c.form {
			form[k] = v
		}
		return a.do("POST", c.path, c.page, form)
	}
	accepted := func(c int, resp *http.Response) bool {
		if tests[c].page == nil {
			return resp.StatusCode == 201 || resp.StatusCode == 200
		}
		return resp.StatusCode == 303
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			made := a.auditCount(tt.action)
			if resp := send(i); !accepted(i, resp) {
				t.Fatalf("first: %d %s", resp.StatusCode, bodyOf(t, resp))
			}
			resp := send(i)
			body := html.UnescapeString(bodyOf(t, resp))
			if resp.StatusCode != 409 || !strings.Contains(body, "lần này là gửi lại") || !strings.Contains(body, "Mở "+tt.first) {
				t.Fatalf("sent again: %d, want 409 naming %q\n%.3000s", resp.StatusCode, tt.first, body)
			}
			if m := alertError.FindStringSubmatch(body); tt.page != nil && (m == nil || !strings.Contains(m[1], "Mở "+tt.first)) {
				t.Fatalf("the page does not show the refusal as its error: %q", m)
			}
			if n := a.auditCount(tt.action); n != made+1 {
				t.Fatalf("%s audited %d times, want %d: the second was written", tt.action, n-made, 1)
			}
		})
	}
	// The same content from someone else is theirs.
	other := a.login("a-leader")
	if resp := a.do("POST", "/context", &other, url.Values{"kind": {"external"}, "title": {"Chuyển đổi số"}}); resp.StatusCode != 303 {
		t.Fatalf("another user's same context entry: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	// After the window the same content is a new record.
	a.clock.Add(qms.RepeatWindow)
	for i, tt := range tests {
		if resp := send(i); !accepted(i, resp) {
			t.Errorf("%s after the window: %d %.2000s", tt.name, resp.StatusCode, bodyOf(t, resp))
		}
	}
}
