package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

// visitor is an anonymous browser: the CSRF cookie the public page set
// and the token its form carries.
type visitor struct{ cookie, token string }

// visit opens a public page as a new anonymous visitor.
func (a *app) visit(path string) visitor {
	a.t.Helper()
	resp := a.do("GET", path, nil, nil)
	body := bodyOf(a.t, resp)
	m := regexp.MustCompile(`id="feedback-form">\s*<input type="hidden" name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		a.t.Fatalf("%s: %d, no feedback form with a CSRF token", path, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "qms_csrf" {
			return visitor{cookie: c.Value, token: m[1]}
		}
	}
	a.t.Fatalf("%s set no CSRF cookie", path)
	return visitor{}
}

// post sends the public form; an empty token leaves it out.
func (a *app) post(v visitor, path string, form url.Values) *http.Response {
	a.t.Helper()
	if v.token != "" {
		form.Set("_csrf", v.token)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if v.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: v.cookie})
	}
	return a.send(req)
}

func feedbackForm(content string) url.Values {
	return url.Values{"name": {"Trần Thị Bình"}, "contact": {"0987654321"}, "content": {content}}
}

func TestPublicFeedbackIntake(t *testing.T) {
	a := newApp(t)
	v := a.visit("/public/A")
	if v2 := a.visit("/public/A/feedback"); v2.cookie == "" {
		t.Fatal("intake page sets no CSRF cookie")
	}
	// Without the token, with a wrong one, or without the cookie: refused, nothing written.
	for name, bad := range map[string]visitor{"no token": {cookie: v.cookie}, "wrong token": {cookie: v.cookie, token: "x" + v.token}, "no cookie": {token: v.token}} {
		if code := a.post(bad, "/public/A/feedback", feedbackForm("Nội dung")).StatusCode; code != 403 {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	if n := a.auditCount("feedback.submit"); n != 0 {
		t.Fatalf("refused submissions audited: %d", n)
	}
	// A refused field comes back with the message and what was typed, escaped.
	bad := feedbackForm(`<script>alert("x")</script>`)
	bad.Set("contact", "không có")
	resp := a.post(v, "/public/A/feedback", bad)
	body := bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(body, `id="feedback-error"`) || !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, `<script>alert`) {
		t.Fatalf("invalid contact: %d", resp.StatusCode)
	}
	if code := a.post(v, "/public/NOPE/feedback", feedbackForm("x")).StatusCode; code != 404 {
		t.Fatalf("unknown agency: %d", code)
	}
	// Accepted: redirected to the tracking page, audited as "public".
	resp = a.post(v, "/public/A/feedback", feedbackForm(`Hồ sơ trễ hẹn <script>alert("x")</script>`))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !regexp.MustCompile(`^/public/A/feedback/PA-A-\d{4}-001\?sent=1$`).MatchString(loc) {
		t.Fatalf("submit: %d → %q", resp.StatusCode, loc)
	}
	track := bodyOf(t, a.do("GET", loc, nil, nil))
	if !strings.Contains(track, `id="feedback-sent"`) || !strings.Contains(track, "Mới tiếp nhận") || strings.Contains(track, "Trần Thị Bình") {
		t.Fatal("tracking page")
	}
	if code := a.do("GET", "/public/B/feedback/"+strings.TrimSuffix(strings.TrimPrefix(loc, "/public/A/feedback/"), "?sent=1"), nil, nil).StatusCode; code != 404 {
		t.Fatalf("A's feedback tracked through B: %d", code)
	}
	// The same content sent again (a double click, the sent form
	// reloaded) is the first submission.
	if again := a.post(v, "/public/A/feedback", feedbackForm(`Hồ sơ trễ hẹn <script>alert("x")</script>`)); again.StatusCode != 303 || again.Header.Get("Location") != loc {
		t.Fatalf("sent again: %d → %q, want the first %q", again.StatusCode, again.Header.Get("Location"), loc)
	}
	es, _, _ := a.db.FindAuditEntries(t.Context(), auditFilterAction("feedback.submit"))
	if len(es) != 1 || es[0].Actor != qms.PublicActorName || es[0].AgencyCode != "A" {
		t.Fatalf("submission audit: %+v", es)
	}
	// A related dossier is one of the agency's, named as its slip prints it.
	withDossier := func(code string) url.Values {
		f := feedbackForm("Hỏi về hồ sơ " + code)
		f.Set("dossier_code", code)
		return f
	}
	resp = a.post(v, "/public/A/feedback", withDossier("B-2026-000001"))
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `không có hồ sơ mã &#34;B-2026-000001&#34;`) || !strings.Contains(body, `value="B-2026-000001"`) {
		t.Fatalf("a dossier code the agency does not have: %d\n%.1500s", resp.StatusCode, body)
	}
	a.effectiveProcedure()
	d := a.receive("Trần Thị Bình")
	if resp := a.post(v, "/public/A/feedback", withDossier(strings.ToLower(d.Code))); resp.StatusCode != 303 {
		t.Fatalf("a dossier of the agency: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	// Five per address in ten minutes: the sixth gets 429 in Vietnamese.
	for i := 3; i <= qms.FeedbackThrottleMax; i++ {
		if code := a.post(v, "/public/A/feedback", feedbackForm("Lần "+itoa(int64(i)))).StatusCode; code != 303 {
			t.Fatalf("submission %d: %d", i, code)
		}
	}
	resp = a.post(v, "/public/A/feedback", feedbackForm("Lần thứ sáu"))
	if body := bodyOf(t, resp); resp.StatusCode != 429 || !strings.Contains(body, "Vui lòng thử lại sau") {
		t.Fatalf("sixth submission: %d", resp.StatusCode)
	}
	a.clock.Add(qms.FeedbackThrottleWindow)
	if code := a.post(v, "/public/A/feedback", feedbackForm("Sau mười phút")).StatusCode; code != 303 {
		t.Fatalf("after the window: %d", code)
	}
}

func TestFeedbackStaffRoutes(t *testing.T) {
	a := newApp(t)
	v := a.visit("/public/A")
	resp := a.post(v, "/public/A/feedback", feedbackForm(`Cán bộ hẹn trả <b>3 lần</b> & chưa có kết quả`))
	if resp.StatusCode != 303 {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	list := func(token, query string) []qms.Feedback {
		t.Helper()
		var out struct{ Feedback []qms.Feedback }
		decode(t, a.api("GET", "/api/v1/feedback"+query, token, ""), &out)
		return out.Feedback
	}
	a.addUser("a-staff-2", "A", qms.RoleStaff)
	fs := list(a.token("a-auditor"), "")
	if len(fs) != 1 || fs[0].Contact != "0987654321" {
		t.Fatalf("staff list = %+v", fs)
	}
	id := itoa(fs[0].ID)
	path := "/feedback/" + id
	form := func(k, v string) url.Values { return url.Values{k: {v}} }
	tests := []struct {
		name string
		send func() int
		want int
	}{
		{"list anonymous", func() int { return a.do("GET", "/feedback", nil, nil).StatusCode }, 303},
		{"api list anonymous", func() int { return a.api("GET", "/api/v1/feedback", "", "").StatusCode }, 401},
		{"list staff", func() int {
			s := a.login("a-staff")
			return a.do("GET", "/feedback?status=received", &s, nil).StatusCode
		}, 200},
		{"list bad status", func() int { return a.api("GET", "/api/v1/feedback?status=x", a.token("a-staff"), "").StatusCode }, 400},
		{"page other agency", func() int { s := a.login("b-leader"); return a.do("GET", path, &s, nil).StatusCode }, 404},
		{"api assign other agency", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/assign", a.token("b-leader"), `{"assignee":"b-staff"}`).StatusCode
		}, 404},
		{"assign staff forbidden", func() int {
			s := a.login("a-staff")
			return a.do("POST", path+"/assign", &s, form("assignee", "a-staff")).StatusCode
		}, 403},
		{"answer before assigning", func() int {
			s := a.login("a-staff")
			return a.do("POST", path+"/answer", &s, form("answer", "x")).StatusCode
		}, 400},
		{"assign outside the agency", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/assign", a.token("a-leader"), `{"assignee":"b-staff"}`).StatusCode
		}, 400},
		{"assign to an auditor, who may not answer", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/assign", a.token("a-leader"), `{"assignee":"a-auditor"}`).StatusCode
		}, 400},
		{"assign leader", func() int {
			s := a.login("a-leader")
			return a.do("POST", path+"/assign", &s, form("assignee", "a-staff")).StatusCode
		}, 303},
		{"answer by staff it was not assigned to", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/answer", a.token("a-staff-2"), `{"answer":"Không phải việc của tôi"}`).StatusCode
		}, 403},
		{"answer page by staff it was not assigned to", func() int {
			s := a.login("a-staff-2")
			if body := bodyOf(t, a.do("GET", path, &s, nil)); strings.Contains(body, `id="answer-feedback"`) {
				t.Error("the answer form is offered to staff the feedback was not assigned to")
			}
			return a.do("POST", path+"/answer", &s, form("answer", "x")).StatusCode
		}, 403},
		{"answer auditor forbidden", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/answer", a.token("a-auditor"), `{"answer":"x"}`).StatusCode
		}, 403},
		{"publish unanswered", func() int {
			s := a.login("a-leader")
			return a.do("POST", path+"/publish", &s, url.Values{}).StatusCode
		}, 400},
		{"answer staff", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/answer", a.token("a-staff"), `{"answer":"Sở đã trả kết quả <i>ngày 12/3</i>."}`).StatusCode
		}, 200},
		{"publish staff forbidden", func() int { s := a.login("a-staff"); return a.do("POST", path+"/publish", &s, url.Values{}).StatusCode }, 403},
		{"publish quality officer forbidden", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/publish", a.token("a-quality-officer"), "").StatusCode
		}, 403},
		{"publish other agency", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/publish", a.token("b-leader"), "").StatusCode
		}, 404},
		{"publish leader", func() int {
			return a.api("POST", "/api/v1/feedback/"+id+"/publish", a.token("a-leader"), "").StatusCode
		}, 200},
		{"answer after publishing", func() int {
			s := a.login("a-staff")
			return a.do("POST", path+"/answer", &s, form("answer", "Sửa")).StatusCode
		}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := tt.send(); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
		})
	}
	for _, action := range []string{"feedback.assign", "feedback.answer", "feedback.publish"} {
		if n := a.auditCount(action); n != 1 {
			t.Errorf("%s audited %d times, want 1", action, n)
		}
	}
	if fs := list(a.token("b-leader"), ""); len(fs) != 0 {
		t.Fatal("B lists A's feedback")
	}
	if fs := list(a.token("a-staff"), "?status=published"); len(fs) != 1 || fs[0].AssignedTo != "a-staff" {
		t.Fatalf("published = %+v", fs)
	}
	// Staff page: content escaped.
	s := a.login("a-leader")
	page := bodyOf(t, a.do("GET", path, &s, nil))
	if strings.Contains(page, "<b>3 lần</b>") || !strings.Contains(page, "&lt;b&gt;3 lần&lt;/b&gt; &amp; chưa") {
		t.Fatal("staff page does not escape the content")
	}
	// The public page shows the answer, escaped, without who asked.
	pub := bodyOf(t, a.do("GET", "/public/A", nil, nil))
	if !strings.Contains(pub, "&lt;i&gt;ngày 12/3&lt;/i&gt;") || strings.Contains(pub, "<i>ngày") || strings.Contains(pub, "<b>3 lần") {
		t.Fatal("public page: answer missing or not escaped")
	}
	if strings.Contains(pub, "Trần Thị Bình") || strings.Contains(pub, "0987654321") {
		t.Fatal("public page shows the citizen's name or contact")
	}
	if strings.Contains(bodyOf(t, a.do("GET", "/public/B", nil, nil)), "ngày 12/3") {
		t.Fatal("B's public page shows A's answer")
	}
}

// TestPublicRateWithoutFinishedDossiers: a period in which no dossier
// was finished shows no on-time rate ("–"), not "0,00%", which reads as
// every dossier late (outsider: a merged agency's page), on the public
// page and in the on-time report.
func TestPublicRateWithoutFinishedDossiers(t *testing.T) {
	a := newApp(t)
	if rate := parsePage(t, bodyOf(t, a.do("GET", "/public/A", nil, nil))).text("public-rate"); rate != "–" {
		t.Errorf("on-time rate with nothing finished: %q", rate)
	}
	// The on-time report says it alike.
	s := a.login("a-leader")
	if rate := parsePage(t, bodyOf(t, a.do("GET", "/reports/ontime", &s, nil))).text("timely-rate"); rate != "–" {
		t.Errorf("report's on-time rate with nothing finished: %q", rate)
	}
}
