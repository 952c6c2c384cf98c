package web_test

import "testing"

// Every 401 of the API names the scheme it accepts (WWW-Authenticate:
// Bearer), whichever way the credentials failed; a page asking for a
// login redirects instead.
func TestTrustAPIUnauthorizedNamesScheme(t *testing.T) {
	a := newApp(t)
	for _, tc := range []struct {
		name, method, target, token, body string
		status                            int
		challenge                         string
	}{
		{"no token", "GET", "/api/v1/me", "", "", 401, `Bearer realm="qms"`},
		{"unknown token", "GET", "/api/v1/me", "khong-phai-ma-that", "", 401, `Bearer realm="qms"`},
		{"wrong password for a token", "POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"sai-mat-khau"}`, 401, `Bearer realm="qms"`},
		{"right password", "POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"ngua-o-123"}`, 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.api(tc.method, tc.target, tc.token, tc.body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("WWW-Authenticate") != tc.challenge {
				t.Fatalf("%s %s: %d, WWW-Authenticate %q; want %d, %q", tc.method, tc.target, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), tc.status, tc.challenge)
			}
		})
	}
	resp := a.do("GET", "/tasks", nil, nil)
	resp.Body.Close()
	if resp.StatusCode != 303 && resp.StatusCode != 302 || resp.Header.Get("WWW-Authenticate") != "" {
		t.Fatalf("a page without a session: %d, WWW-Authenticate %q; want a redirect to the login page", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}
