package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
			form := url.Values{"username": {"a-auditor"}, "password": {"mat-khau-123"}, "_csrf": {csrf}, "next": {tt.next}}
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
