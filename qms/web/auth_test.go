package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// anonForm fetches the login page to get the anonymous CSRF cookie.
func anonCSRF(t *testing.T, a *app) string {
	resp := a.do("GET", "/login", nil, nil)
	for _, c := range resp.Cookies() {
		if c.Name == "qms_csrf" {
			return c.Value
		}
	}
	t.Fatal("login page set no csrf cookie")
	return ""
}

func postLogin(a *app, csrf, username, password string) *http.Response {
	form := url.Values{"username": {username}, "password": {password}, "_csrf": {csrf}, "next": {"/audit-log"}}
	req, _ := http.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: csrf})
	return a.send(req)
}

func TestLogin(t *testing.T) {
	a := newApp(t)
	csrf := anonCSRF(t, a)
	tests := []struct {
		name, user, pass string
		want             int
		msg              string
	}{
		{"wrong password", "a-staff", "sai-mat-khau", 401, "không đúng"},
		{"unknown user", "khong-co", "ngua-o-123", 401, "không đúng"},
		{"empty", "", "", 400, "Nhập tên đăng nhập"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.auditCount("auth.login")
			resp := postLogin(a, csrf, tt.user, tt.pass)
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.want || !strings.Contains(body, tt.msg) {
				t.Fatalf("status %d, body has %q: %v", resp.StatusCode, tt.msg, strings.Contains(body, tt.msg))
			}
			for _, c := range resp.Cookies() {
				if c.Name == "qms_session" && c.Value != "" {
					t.Fatal("failed login set a session cookie")
				}
			}
			if a.auditCount("auth.login") != before {
				t.Fatal("failed login wrote a session")
			}
		})
	}
	t.Run("success", func(t *testing.T) {
		resp := postLogin(a, csrf, "A-Auditor", "ngua-o-123")
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/audit-log" {
			t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		var sess *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "qms_session" {
				sess = c
			}
		}
		if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie flags wrong: %+v", sess)
		}
	})
	t.Run("missing csrf", func(t *testing.T) {
		resp := postLogin(a, "", "a-staff", "ngua-o-123")
		if resp.StatusCode != 403 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("open redirect refused", func(t *testing.T) {
		form := url.Values{"username": {"a-staff"}, "password": {"ngua-o-123"}, "_csrf": {csrf}, "next": {"//evil.example/x"}}
		req, _ := http.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: csrf})
		if loc := a.send(req).Header.Get("Location"); loc != "/" {
			t.Fatalf("redirected to %q", loc)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	a := newApp(t)
	csrf := anonCSRF(t, a)
	for i := 1; i < qms.MaxLoginFailures; i++ {
		if code := postLogin(a, csrf, "a-leader", "sai").StatusCode; code != 401 {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	if code := postLogin(a, csrf, "a-leader", "sai").StatusCode; code != 429 {
		t.Fatalf("lock: %d", code)
	}
	resp := postLogin(a, csrf, "a-leader", "ngua-o-123")
	if body := bodyOf(t, resp); resp.StatusCode != 429 || !strings.Contains(body, "tạm khóa") {
		t.Fatalf("locked account: %d", resp.StatusCode)
	}
	resp = a.api("POST", "/api/v1/auth/token", "", `{"username":"a-leader","password":"ngua-o-123"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("api while locked: %d", resp.StatusCode)
	}
	a.clock.Add(qms.LoginLockDuration + time.Second)
	if code := postLogin(a, csrf, "a-leader", "ngua-o-123").StatusCode; code != 303 {
		t.Fatalf("after the lock: %d", code)
	}
}

func TestCSRF(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"missing", "", 403},
		{"wrong", "not-the-token", 403},
		{"other session's", a.login("a-staff").csrf, 403},
		{"right", s.csrf, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.auditCount("agency.create")
			resp := a.do("POST", "/admin/agencies", &s, url.Values{"_csrf": {tt.token}, "code": {"N" + strings.ToUpper(tt.name[:2])}, "name": {"Mới"}, "parent": {"A"}})
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if wrote := a.auditCount("agency.create") - before; (tt.want == 303) != (wrote == 1) {
				t.Fatalf("wrote %d agencies", wrote)
			}
		})
	}
}

func TestExpiredSession(t *testing.T) {
	a := newApp(t)
	s := a.login("a-staff")
	a.clock.Add(qms.SessionIdle + time.Minute)
	resp := a.do("GET", "/", &s, nil)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "expired=1") {
		t.Fatalf("expired GET: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = a.do("GET", "/login?expired=1", nil, nil)
	if body := bodyOf(t, resp); !strings.Contains(body, "hết hạn") {
		t.Fatal("login page does not say the session expired")
	}
	resp = a.do("POST", "/dossiers", &s, url.Values{"tthc_code": {"1.000001"}})
	if resp.StatusCode != 401 && resp.StatusCode != 403 {
		t.Fatalf("expired POST: %d", resp.StatusCode)
	}
	// Signing out of the ended session from the page still open leads to
	// the login page (outsider: 403 "Biểu mẫu đã hết hạn").
	resp = a.do("POST", "/logout", &s, url.Values{})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login" {
		t.Fatalf("logout of an expired session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLogout(t *testing.T) {
	a := newApp(t)
	s := a.login("a-staff")
	resp := a.do("POST", "/logout", &s, url.Values{})
	if resp.StatusCode != 303 || a.auditCount("auth.logout") != 1 {
		t.Fatalf("logout: %d, audited %d", resp.StatusCode, a.auditCount("auth.logout"))
	}
	if code := a.do("GET", "/", &s, nil).StatusCode; code != 303 {
		t.Fatalf("session still valid after logout: %d", code)
	}
}

func TestAPIBadInput(t *testing.T) {
	a := newApp(t)
	tok := a.token("a-admin")
	tests := []struct {
		name, method, path, token, body string
		want                            int
		msg                             string
	}{
		{"malformed json", "POST", "/api/v1/auth/token", "", `{"username":`, 400, "JSON không hợp lệ"},
		{"unknown field", "POST", "/api/v1/auth/token", "", `{"user":"a","password":"b"}`, 400, "không được hỗ trợ"},
		{"wrong type", "POST", "/api/v1/agencies", tok, `{"code":1,"name":"x"}`, 400, `trường "code" phải là một chuỗi, không phải một số`},
		{"a number too large for its field", "POST", "/api/v1/procedures", a.token("a-quality-officer"), `{"code":"QT-9","title":"x","review_interval_months":1e309}`, 400,
			`trường "review_interval_months" phải là một số nguyên, không phải số 1e309 (quá lớn, hoặc có phần thập phân)`},
		{"nested too deep", "POST", "/api/v1/procedures", a.token("a-quality-officer"), `{"code":"QT-9","title":"x","review_interval_months":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, 400,
			"lồng nhau quá sâu"},
		{"a fraction for a count", "POST", "/api/v1/procedures", a.token("a-quality-officer"), `{"code":"QT-9","title":"x","review_interval_months":1.5}`, 400,
			`không phải số 1.5 (quá lớn, hoặc có phần thập phân)`},
		{"a number as a string", "POST", "/api/v1/procedures", a.token("a-quality-officer"), `{"code":"QT-9","title":"x","review_interval_months":"12"}`, 400,
			`trường "review_interval_months" phải là một số nguyên, không phải một chuỗi`},
		{"a date written the Vietnamese way", "POST", "/api/v1/dossiers", a.token("a-staff"), `{"tthc_code":"1.000001","applicant":{"name":"B"},"received_at":"05/12/2026"}`, 400,
			`trường "received_at" phải là một thời điểm có thật dạng RFC 3339`},
		{"a day that does not exist", "POST", "/api/v1/dossiers", a.token("a-staff"), `{"tthc_code":"1.000001","applicant":{"name":"B"},"received_at":"2026-02-30T08:00:00+07:00"}`, 400,
			`(nhận được "2026-02-30T08:00:00+07:00")`},
		{"trailing data", "POST", "/api/v1/agencies", tok, `{"code":"Z","name":"x"} {}`, 400, "dữ liệu thừa"},
		// null decodes into nothing: a draft PUT as null was emptied (outsider pass 12)
		{"a body of null", "POST", "/api/v1/agencies", tok, " null\n", 400, "không phải null"},
		{"a procedure as null", "POST", "/api/v1/procedures", a.token("a-quality-officer"), "null", 400, "không phải null"},
		{"wrong password", "POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"sai"}`, 401, "không đúng"},
		{"bad token", "GET", "/api/v1/me", "qms_invalid", "", 401, "không hợp lệ"},
		{"unknown role", "POST", "/api/v1/users", tok, `{"username":"x1","password":"ngua-o-123","agency":"A","role":"boss"}`, 400, "Vai trò"},
		{"a user without an agency", "POST", "/api/v1/users", tok, `{"username":"x1","password":"ngua-o-123","role":"staff"}`, 400, "Chọn đơn vị cho vai trò Chuyên viên (staff)"},
		{"invalid agency code", "POST", "/api/v1/agencies", tok, `{"code":"a b","name":"x","parent":"A"}`, 400, "Mã đơn vị"},
		{"duplicate agency", "POST", "/api/v1/agencies", tok, `{"code":"b","name":"x","parent":"A"}`, 409, "đã tồn tại"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.api(tt.method, tt.path, tt.token, tt.body)
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			decode(t, resp, &e)
			if resp.StatusCode != tt.want || !strings.Contains(e.Error.Message, tt.msg) ||
				strings.Contains(tt.msg, `trường "`) && !strings.Contains(tt.msg, `"`+e.Error.Field+`"`) {
				t.Fatalf("status %d message %q, want %d with %q", resp.StatusCode, e.Error.Message, tt.want, tt.msg)
			}
		})
	}
	t.Run("no content type", func(t *testing.T) {
		req := newReq("POST", "/api/v1/agencies", tok)
		if code := a.send(req).StatusCode; code != 400 {
			t.Fatalf("status %d", code)
		}
	})
	t.Run("token round trip", func(t *testing.T) {
		var out struct{ Token string }
		decode(t, a.api("POST", "/api/v1/auth/token", "", `{"username":"b-leader","password":"ngua-o-123"}`), &out)
		var me struct {
			Username, Agency string
			Roles            []string
		}
		decode(t, a.api("GET", "/api/v1/me", out.Token, ""), &me)
		if me.Username != "b-leader" || me.Agency != "B" || len(me.Roles) != 1 || me.Roles[0] != "leader" {
			t.Fatalf("me = %+v", me)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	a := newApp(t)
	resp := a.do("GET", "/login", nil, nil)
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	body := bodyOf(t, resp)
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, " onclick=") {
		t.Error("page has inline script or style")
	}
}

// TestSessionAgencyRoleRemoved: when an administrator removes the last
// role a user holds in the agency their session acts for, the session
// acts for an agency the user still belongs to (pages, switching and
// signing out work, the removed agency's data does not); with no role
// left anywhere, the session is over (outsider: every page, the switcher
// and even logout answered 403).
func TestSessionAgencyRoleRemoved(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(t.Context(), qms.SystemActor("test"))
	staff := a.users["a-staff"]
	// Each change reaches the policy as the web page making it does.
	setRole := func(agency string, remove bool) {
		t.Helper()
		if _, err := a.db.SetMembership(sys, staff.ID, qms.Membership{AgencyCode: agency, Role: qms.RoleStaff}, remove); err != nil {
			t.Fatal(err)
		}
		if err := a.srv.Authz.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	setRole("B", false)
	s := a.login("a-staff") // acting for A
	setRole("A", true)
	resp := a.do("GET", "/tasks", &s, nil)
	if body := bodyOf(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `id="current-agency">B<`) {
		t.Fatalf("tasks after the role in A was removed: %d\n%s", resp.StatusCode, body)
	}
	if code := a.do("POST", "/session/agency", &s, url.Values{"agency": {"A"}}).StatusCode; code != 403 {
		t.Errorf("switching back to A: %d, want 403", code)
	}
	if resp := a.do("POST", "/session/agency", &s, url.Values{"agency": {"B"}}); resp.StatusCode != 303 {
		t.Errorf("switching to B: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	if resp := a.do("POST", "/logout", &s, url.Values{}); resp.StatusCode != 303 {
		t.Errorf("logout: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	// The last role gone: signed out, told so on the login page.
	s = a.login("a-staff")
	setRole("B", true)
	resp = a.do("GET", "/tasks", &s, nil)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "/login") {
		t.Fatalf("tasks with no role left: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
