package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestTemporaryPassword: a password an administrator sets is known to
// them, so its owner replaces it before anything else (outsider pass 8:
// an agency admin reset a leader's password and signed an approval as
// them). Until then a token or session of the account reads who it is and
// changes the password, and nothing else: the API refuses, a page sends
// to the password form, a signature is refused. The owner's own change
// ends the restriction.
func TestTemporaryPassword(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	leader := a.users["a-leader"]
	// A signer's password is the system administrator's to reset
	// (qms.CheckSignerAccount): the agency's admin would know it, and
	// could replace it themselves before the owner does (outsider pass 10).
	as, sys := a.login("a-admin"), a.login("admin")
	if resp := a.do("POST", "/admin/users/"+itoa(leader.ID)+"/password", &as, url.Values{"password": {"admin-biet-mat-khau-9"}}); resp.StatusCode != 403 {
		t.Fatalf("the agency admin's reset of a leader: %d", resp.StatusCode)
	}
	if resp := a.do("POST", "/admin/users/"+itoa(leader.ID)+"/password", &sys, url.Values{"password": {"admin-biet-mat-khau-9"}}); resp.StatusCode != 303 {
		t.Fatalf("the system admin's reset: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	var tok struct{ Token string }
	checkAPI(t, "a token on the admin's password", a.api("POST", "/api/v1/auth/token", "", `{"username":"a-leader","password":"admin-biet-mat-khau-9"}`), 201, "", &tok)
	var me struct {
		MustChange bool `json:"must_change_password"`
	}
	checkAPI(t, "who am I", a.api("GET", "/api/v1/me", tok.Token, ""), 200, "", &me)
	if !me.MustChange {
		t.Fatal("/api/v1/me does not say the password must be changed")
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/tasks", ""},
		{"GET", "/api/v1/dossiers", ""},
		{"POST", "/api/v1/dossiers", `{"tthc_code":"1.000001","applicant":{"name":"Trần Thị Bình"},"channel":"online"}`},
	} {
		checkAPI(t, c.method+" "+c.path+" before the change", a.api(c.method, c.path, tok.Token, c.body), 403, "", nil)
	}

	ls := a.login("a-leader")
	if resp := a.do("GET", "/tasks", &ls, nil); resp.StatusCode != 303 || resp.Header.Get("Location") != "/me/password" {
		t.Fatalf("a page before the change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if page := parsePage(t, bodyOf(t, a.do("GET", "/me/password", &ls, nil))); !strings.Contains(page.text("password-required"), "quản trị viên") {
		t.Fatal("the password form does not say why")
	}
	if resp := a.do("POST", "/dossiers", &ls, url.Values{"tthc_code": {"1.000001"}}); resp.StatusCode != 403 {
		t.Fatalf("a form before the change: %d", resp.StatusCode)
	}

	checkAPI(t, "the owner's own password", a.api("POST", "/api/v1/me/password", tok.Token, `{"current_password":"admin-biet-mat-khau-9","new_password":"chi-minh-toi-biet-7"}`), 200, "", nil)
	checkAPI(t, "a token on the owner's password", a.api("POST", "/api/v1/auth/token", "", `{"username":"a-leader","password":"chi-minh-toi-biet-7"}`), 201, "", &tok)
	checkAPI(t, "who am I, after", a.api("GET", "/api/v1/me", tok.Token, ""), 200, "", &me)
	if me.MustChange {
		t.Fatal("still to be changed after the owner's change")
	}
	checkAPI(t, "the tasks, after", a.api("GET", "/api/v1/tasks", tok.Token, ""), 200, "", nil)

	// An account an administrator creates starts on a temporary password
	// too; one created from the CLI (newApp's) does not.
	if resp := a.do("POST", "/admin/users", &as, url.Values{"username": {"a-moi"}, "full_name": {"Người Mới"}, "password": {"admin-dat-cho-moi-5"}, "agency": {"A"}, "role": {"staff"}}); resp.StatusCode != 303 {
		t.Fatalf("the admin creates a user: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	checkAPI(t, "the new user's token", a.api("POST", "/api/v1/auth/token", "", `{"username":"a-moi","password":"admin-dat-cho-moi-5"}`), 201, "", &tok)
	checkAPI(t, "the new user's tasks", a.api("GET", "/api/v1/tasks", tok.Token, ""), 403, "", nil)
}
