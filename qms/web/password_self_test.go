package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestPasswordSelfChange: a user replaces their own password after
// proving the current one; every refusal names its field and changes
// nothing; a change ends every session and token of the account, the
// one that asked included, and is audited.
func TestPasswordSelfChange(t *testing.T) {
	a := newApp(t)
	staff := a.login("a-staff")
	if body := bodyOf(t, a.do("GET", "/me/password", &staff, nil)); !strings.Contains(body, `id="password-form"`) {
		t.Fatalf("no password form: %.300s", body)
	}
	if body := bodyOf(t, a.do("GET", "/", &staff, nil)); !strings.Contains(body, `id="change-password-link"`) {
		t.Fatal("the user menu does not lead to the password form")
	}
	const next = "ngua-o-moi-2026"
	for _, tc := range []struct {
		name, current, password, confirm, field, says string
	}{
		{"no current password", "", next, next, "current_password", "Nhập mật khẩu hiện tại"},
		{"wrong current password", "doan-sai", next, next, "current_password", "Mật khẩu hiện tại không đúng"},
		{"confirmation differs", signPassword, next, next + "x", "password_confirm", "không khớp"},
		{"same as before", signPassword, signPassword, signPassword, "password", "phải khác"},
		{"too short", signPassword, "ngan", "ngan", "password", "ít nhất 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("POST", "/me/password", &staff, url.Values{"current_password": {tc.current}, "password": {tc.password}, "password_confirm": {tc.confirm}})
			body := bodyOf(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(body, tc.says) || !strings.Contains(body, `id="password-form"`) {
				t.Fatalf("%d, want 400 saying %q with the form again: %.400s", resp.StatusCode, tc.says, body)
			}
			if strings.Contains(body, signPassword) || strings.Contains(body, next) {
				t.Fatal("a password typed came back in the page")
			}
		})
	}
	if code := a.api("POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"`+signPassword+`"}`).StatusCode; code != 201 {
		t.Fatalf("the refused changes changed the password: the old one gets %d", code)
	}
	resp := a.do("POST", "/me/password", &staff, url.Values{"current_password": {signPassword}, "password": {next}, "password_confirm": {next}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?msg=password_changed" {
		t.Fatalf("change: %d to %q, want 303 to the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := a.do("GET", "/tasks", &staff, nil); resp.StatusCode != 303 && resp.StatusCode != 302 {
		t.Fatalf("the session that changed the password still works: %d", resp.StatusCode)
	}
	if code := a.api("POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"`+signPassword+`"}`).StatusCode; code != 401 {
		t.Fatalf("the old password after the change: %d, want 401", code)
	}
	if code := a.api("POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"`+next+`"}`).StatusCode; code != 201 {
		t.Fatalf("the new password: %d, want 201", code)
	}
	if n := a.auditCount("user.password"); n != 1 {
		t.Fatalf("%d user.password entries, want 1", n)
	}
	if body := bodyOf(t, a.do("GET", "/login?msg=password_changed", nil, nil)); !strings.Contains(body, "Đã đổi mật khẩu") {
		t.Fatal("the login page does not say the password was changed")
	}

	// The API: the token that asked ends with the others.
	tok := a.token("a-leader")
	checkAPI(t, "wrong current password", a.api("POST", "/api/v1/me/password", tok, `{"current_password":"sai","new_password":"`+next+`"}`), 400, "current_password", nil)
	checkAPI(t, "new password too short", a.api("POST", "/api/v1/me/password", tok, `{"current_password":"`+signPassword+`","new_password":"ngan"}`), 400, "new_password", nil)
	var done struct{ Changed bool }
	checkAPI(t, "change", a.api("POST", "/api/v1/me/password", tok, `{"current_password":"`+signPassword+`","new_password":"`+next+`"}`), 200, "", &done)
	if !done.Changed {
		t.Fatal("the API did not say changed")
	}
	if code := a.api("GET", "/api/v1/me", tok, "").StatusCode; code != 401 {
		t.Fatalf("the token that changed the password: %d, want 401", code)
	}
}
