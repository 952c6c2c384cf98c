package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/web"
)

// TestTrust4OpenRedirect: after login, next is followed only when it is a
// path on this site; every form that a browser would resolve to another
// host (tabs and newlines dropped, backslash read as slash) goes home.
func TestTrust4OpenRedirect(t *testing.T) {
	a := newApp(t)
	csrf := anonCSRF(t, a)
	tests := []struct{ next, want string }{
		{"/%09/evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"//evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"%2F%2Fevil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%255Cevil.example", "/"},
		{"/%0D%0ALocation:%20https://evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"", "/"},
		{"/audit-log", "/audit-log"},
		{"/dossiers?status=overdue&page=2", "/dossiers?status=overdue&page=2"},
		{"/audit-log?action=user.&from=01%2F01%2F2026", "/audit-log?action=user.&from=01%2F01%2F2026"},
		{"/search?q=th%E1%BB%A7+t%E1%BB%A5c", "/search?q=th%E1%BB%A7+t%E1%BB%A5c"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			form := url.Values{"username": {"a-auditor"}, "password": {"ngua-o-123"}, "_csrf": {csrf}, "next": {tt.next}}
			req, _ := http.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: csrf})
			resp := a.send(req)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != tt.want {
				t.Fatalf("next %q: status %d, Location %q, want %q", tt.next, resp.StatusCode, resp.Header.Get("Location"), tt.want)
			}
		})
	}
}

// TestTrust12MalformedMultipartAPI: a multipart body that cannot be read
// is answered on the API in the one JSON error shape, not as a page.
func TestTrust12MalformedMultipartAPI(t *testing.T) {
	a := newApp(t)
	tok := a.token("a-quality-officer")
	truncated := "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\ncode,name"
	tests := []struct{ name, path, ctype, body string }{
		{"truncated import", "/api/v1/tthc/import", "multipart/form-data; boundary=xyz", truncated},
		{"wrong boundary", "/api/v1/tthc/import", "multipart/form-data; boundary=abc", truncated},
		{"truncated nonconformity", "/api/v1/nonconformities", "multipart/form-data; boundary=xyz", truncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newReq("POST", tt.path, tok)
			req.Body = io.NopCloser(strings.NewReader(tt.body))
			req.ContentLength = int64(len(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			resp := a.send(req)
			if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, Content-Type %q, want 400 JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			decode(t, resp, &e)
			if e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, "multipart") {
				t.Fatalf("error %+v", e.Error)
			}
		})
	}
}

// TestTrust12InvalidUTF8Form: a form field that is not UTF-8 is refused
// with 400 naming the field, urlencoded or multipart, page or API, and
// nothing is written.
func TestTrust12InvalidUTF8Form(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	bad := "Phòng \xff\xfe Kế hoạch"
	multipartReq := func(target string, fields map[string]string) *http.Request {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", s.csrf)
		for k, v := range fields {
			w.WriteField(k, v)
		}
		w.Close()
		req := newSessionRequest("POST", target, &s, &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return req
	}
	tests := []struct {
		name  string
		send  func() *http.Response
		field string
	}{
		{"urlencoded value", func() *http.Response {
			return a.do("POST", "/admin/agencies", &s, url.Values{"code": {"A1"}, "name": {bad}, "parent": {"A"}})
		}, "name"},
		{"urlencoded field name", func() *http.Response {
			return a.do("POST", "/admin/agencies", &s, url.Values{"code": {"A2"}, "name": {"Phòng 2"}, "parent": {"A"}, "x\xff": {"1"}})
		}, "x?"},
		{"multipart text field", func() *http.Response {
			return a.send(multipartReq("/admin/agencies", map[string]string{"code": "A3", "name": bad, "parent": "A"}))
		}, "name"},
	}
	before := a.auditCount("agency.create")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.send()
			body := bodyOf(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(body, "UTF-8") || !strings.Contains(body, `data-refused-field="`+tt.field+`"`) {
				t.Fatalf("status %d, want 400 naming %q:\n%.3000s", resp.StatusCode, tt.field, body)
			}
		})
	}
	if n := a.auditCount("agency.create"); n != before {
		t.Fatalf("%d agency.create entries after refused forms, want %d", n, before)
	}
	// The API answers the same in its JSON shape, with the field.
	req := newReq("POST", "/api/v1/nonconformities", a.token("a-quality-officer"))
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("title", bad)
	w.Close()
	req.Body, req.ContentLength = io.NopCloser(&body), int64(body.Len())
	req.Header.Set("Content-Type", w.FormDataContentType())
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	resp := a.send(req)
	decode(t, resp, &e)
	if resp.StatusCode != 400 || e.Error.Field != "title" || !strings.Contains(e.Error.Message, "UTF-8") {
		t.Fatalf("api: status %d, error %+v", resp.StatusCode, e.Error)
	}
}

// TestTrust12JobRunsScopedToAgency: the runs of the province-wide jobs
// (counts and errors of the whole deployment) are shown to the system
// agency only; an agency admin or auditor sees the schedule, not the runs.
func TestTrust12JobRunsScopedToAgency(t *testing.T) {
	a := newApp(t)
	if code := a.api("POST", "/api/v1/jobs/compliance/run", a.token("admin"), "").StatusCode; code != 200 {
		t.Fatalf("run job as SYS admin: %d", code)
	}
	type jobsOut struct {
		Jobs []struct{ Name string }
		Runs []qms.JobRun
	}
	var sys jobsOut
	decode(t, a.api("GET", "/api/v1/jobs", a.token("admin"), ""), &sys)
	if len(sys.Runs) != 1 || sys.Runs[0].Trigger != "manual" {
		t.Fatalf("SYS admin sees runs %+v, want the manual one", sys.Runs)
	}
	for _, user := range []string{"a-admin", "a-auditor"} {
		t.Run(user, func(t *testing.T) {
			var out jobsOut
			decode(t, a.api("GET", "/api/v1/jobs", a.token(user), ""), &out)
			if len(out.Jobs) == 0 || len(out.Runs) != 0 {
				t.Fatalf("api: %d jobs, runs %+v: want the schedule and no province-wide run", len(out.Jobs), out.Runs)
			}
			s := a.login(user)
			page := bodyOf(t, a.do("GET", "/admin/jobs", &s, nil))
			if !strings.Contains(page, "0 6 * * *") || strings.Contains(page, "manual") || !strings.Contains(page, `id="runs-empty"`) {
				t.Fatalf("jobs page shows province-wide runs to %s:\n%.2000s", user, page)
			}
		})
	}
}

// reconfigure replaces the app's server by one with cfg on the same
// database, policy and scheduler.
func (a *app) reconfigure(cfg web.Config) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = a.clock.Now
	}
	a.srv = web.New(cfg, a.srv.Deps)
}

// TestTrust12MetricsGuarded: /metrics answers 404 on the app's address
// unless a token is set, then only to that Bearer token; with a listener
// of its own (--metrics-addr) the app's address answers 404 and the
// separate handler asks for the token.
func TestTrust12MetricsGuarded(t *testing.T) {
	a := newApp(t)
	admin := a.login("admin")
	if code := a.do("GET", "/metrics", &admin, nil).StatusCode; code != 404 {
		t.Fatalf("no token: /metrics as SYS admin = %d, want 404", code)
	}
	a.reconfigure(web.Config{MetricsToken: "m-token"})
	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"no token", "", 401},
		{"wrong token", "m-tokenx", 401},
		{"a user's API token", a.token("admin"), 401},
		{"metrics token", "m-token", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/metrics", nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp := a.send(req)
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.want || (tt.want == 200) != strings.Contains(body, "qms_http_requests_total") {
				t.Fatalf("status %d, want %d:\n%.300s", resp.StatusCode, tt.want, body)
			}
		})
	}
	a.reconfigure(web.Config{MetricsToken: "m-token", MetricsSeparate: true})
	if code := a.send(newReq("GET", "/metrics", "m-token")).StatusCode; code != 404 {
		t.Fatalf("metrics on their own listener: app address answers %d, want 404", code)
	}
	h := a.srv.MetricsHandler()
	for token, want := range map[string]int{"": 401, "m-token": 200} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Fatalf("separate handler, token %q: %d, want %d", token, rec.Code, want)
		}
	}
}
