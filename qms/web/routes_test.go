package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/policies"
)

// TestEveryRouteHasARule walks every registered route: each one must have
// an authorization rule or be on the explicit public list, and each rule
// must be granted to some role by the default policy (a typo in an object
// name would otherwise lock everyone out).
func TestEveryRouteHasARule(t *testing.T) {
	a := newApp(t)
	granted := map[string]bool{}
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		granted[r[2]+" "+r[3]] = true
	}
	seen := 0
	for _, r := range a.srv.App().GetRoutes(true) {
		method := r.Method
		if method == "HEAD" {
			method = "GET" // Fiber adds HEAD for every GET
		}
		if r.Method == "USE" || a.srv.IsPublic(method, r.Path) {
			if r.Method == "USE" && !a.srv.IsPublic("USE", r.Path) && r.Path != "/" {
				t.Errorf("middleware mounted at %s is not on the public list", r.Path)
			}
			continue
		}
		rule, ok := a.srv.Rules()[method+" "+r.Path]
		if !ok {
			t.Errorf("%s %s has no authorization rule and is not public", r.Method, r.Path)
			continue
		}
		if !granted[rule.Object+" "+rule.Action] {
			t.Errorf("%s %s needs (%s, %s), which no role has in policy.csv", r.Method, r.Path, rule.Object, rule.Action)
		}
		seen++
	}
	if seen < 10 {
		t.Fatalf("only %d guarded routes seen: route walk is broken", seen)
	}
}

// TestRouteScenarios: anonymous, wrong role and allowed role for each kind
// of page and API call.
func TestRouteScenarios(t *testing.T) {
	a := newApp(t)
	tests := []struct {
		name   string
		method string
		path   string
		user   string // "" = anonymous
		api    bool
		want   int
	}{
		{"dashboard anonymous redirects to login", "GET", "/", "", false, 303},
		{"dashboard staff", "GET", "/", "a-staff", false, 200},
		{"agencies anonymous", "GET", "/admin/agencies", "", false, 303},
		{"agencies staff forbidden", "GET", "/admin/agencies", "a-staff", false, 403},
		{"agencies admin", "GET", "/admin/agencies", "a-admin", false, 200},
		{"agencies leader read", "GET", "/admin/agencies", "a-leader", false, 200},
		{"new agency leader forbidden", "GET", "/admin/agencies/new", "a-leader", false, 403},
		{"users quality officer forbidden", "GET", "/admin/users", "a-quality-officer", false, 403},
		{"users admin", "GET", "/admin/users", "a-admin", false, 200},
		{"new user form admin", "GET", "/admin/users/new", "a-admin", false, 200},
		{"audit log staff forbidden", "GET", "/audit-log", "a-staff", false, 403},
		{"audit log auditor", "GET", "/audit-log", "a-auditor", false, 200},
		{"audit alias staff forbidden", "GET", "/audit", "a-staff", false, 403},
		{"audit alias auditor", "GET", "/audit", "a-auditor", false, 200},
		{"api me anonymous", "GET", "/api/v1/me", "", true, 401},
		{"api me staff", "GET", "/api/v1/me", "a-staff", true, 200},
		{"api users staff forbidden", "GET", "/api/v1/users", "a-staff", true, 403},
		{"api users admin", "GET", "/api/v1/users", "a-admin", true, 200},
		{"api audit log auditor", "GET", "/api/v1/audit-log", "a-auditor", true, 200},
		{"api audit log staff forbidden", "GET", "/api/v1/audit-log", "a-staff", true, 403},
		{"api audit alias auditor", "GET", "/api/v1/audit", "a-auditor", true, 200},
		{"api audit alias staff forbidden", "GET", "/api/v1/audit", "a-staff", true, 403},
		{"healthz public", "GET", "/healthz", "", false, 200},
		{"readyz public", "GET", "/readyz", "", false, 200},
		{"metrics off without a token", "GET", "/metrics", "", false, 404},
		{"metrics off without a token, even for SYS", "GET", "/metrics", "admin", false, 404},
		{"login page public", "GET", "/login", "", false, 200},
		{"static public", "GET", "/static/app.css", "", false, 200},
		{"unknown page", "GET", "/nope", "a-admin", false, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			switch {
			case tt.api && tt.user != "":
				code = a.api(tt.method, tt.path, a.token(tt.user), "").StatusCode
			case tt.user != "":
				s := a.login(tt.user)
				code = a.do(tt.method, tt.path, &s, nil).StatusCode
			default:
				code = a.do(tt.method, tt.path, nil, nil).StatusCode
			}
			if code != tt.want {
				t.Fatalf("%s %s as %q = %d, want %d", tt.method, tt.path, tt.user, code, tt.want)
			}
		})
	}
}

// TestOtherAgencyIsInvisible: an admin of agency A gets 403 or 404 on every
// kind of object of agency B, in pages and in the API, and B's objects do
// not appear in A's lists.
func TestOtherAgencyIsInvisible(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	tok := a.token("a-admin")
	bUser := a.users["b-staff"]
	bID := itoa(bUser.ID)
	tests := []struct {
		name string
		send func() int
	}{
		{"agency page", func() int { return a.do("GET", "/admin/agencies/B", &s, nil).StatusCode }},
		{"agency edit", func() int {
			return a.do("POST", "/admin/agencies/B", &s, url.Values{"name": {"Chiếm quyền"}}).StatusCode
		}},
		{"user page", func() int { return a.do("GET", "/admin/users/"+bID, &s, nil).StatusCode }},
		{"user edit", func() int { return a.do("POST", "/admin/users/"+bID, &s, url.Values{"full_name": {"x"}}).StatusCode }},
		{"user disable", func() int { return a.do("POST", "/admin/users/"+bID, &s, url.Values{"disabled": {"1"}}).StatusCode }},
		{"user grant", func() int {
			return a.do("POST", "/admin/users/"+bID+"/memberships", &s, url.Values{"agency": {"A"}, "role": {"admin"}}).StatusCode
		}},
		{"user password", func() int {
			return a.do("POST", "/admin/users/"+bID+"/password", &s, url.Values{"password": {"ngua-o-moi-1"}}).StatusCode
		}},
		{"api agency", func() int { return a.api("GET", "/api/v1/agencies/B", tok, "").StatusCode }},
		{"api user", func() int { return a.api("GET", "/api/v1/users/"+bID, tok, "").StatusCode }},
		{"api acting for B", func() int {
			r := newReq("GET", "/api/v1/me", tok)
			r.Header.Set("X-Agency", "B")
			return a.send(r).StatusCode
		}},
		{"switch session to B", func() int {
			return a.do("POST", "/session/agency", &s, url.Values{"agency": {"B"}}).StatusCode
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := tt.send(); code != 403 && code != 404 {
				t.Fatalf("status %d, want 403 or 404", code)
			}
		})
	}
	// Lists of A hold nothing of B.
	for _, path := range []string{"/admin/agencies", "/admin/users", "/audit-log"} {
		body := bodyOf(t, a.do("GET", path, &s, nil))
		if strings.Contains(body, "Sở B") || strings.Contains(body, "b-staff") || strings.Contains(body, ">B<") {
			t.Errorf("%s shows objects of agency B", path)
		}
	}
	var users struct{ Users []struct{ Username string } }
	decode(t, a.api("GET", "/api/v1/users", tok, ""), &users)
	for _, u := range users.Users {
		if strings.HasPrefix(u.Username, "b-") {
			t.Errorf("api users lists %s of agency B", u.Username)
		}
	}
	// Creating objects in B is refused and writes nothing.
	before := a.auditCount("user.create")
	resp := a.do("POST", "/admin/users", &s, url.Values{"username": {"intruder"}, "password": {"ngua-o-123"}, "agency": {"B"}, "role": {"staff"}})
	if resp.StatusCode != 400 || a.auditCount("user.create") != before {
		t.Fatalf("user in B: status %d, audit %d → %d", resp.StatusCode, before, a.auditCount("user.create"))
	}
	resp = a.api("POST", "/api/v1/agencies", tok, `{"code":"B2","name":"Con của B","parent":"B"}`)
	if resp.StatusCode != 400 {
		t.Fatalf("agency under B: status %d", resp.StatusCode)
	}
	// The B user is untouched.
	after, _ := a.db.FindUserByID(t.Context(), bUser.ID)
	if after.FullName != bUser.FullName || after.Disabled || len(after.Memberships) != 1 {
		t.Fatalf("user of B changed: %+v", after)
	}
}

// TestDashboardForEveryRole renders the dashboard for each role: a page
// must not break for a role that lacks one of its sections.
func TestDashboardForEveryRole(t *testing.T) {
	a := newApp(t)
	for _, u := range []string{"admin", "a-admin", "a-quality-officer", "a-leader", "a-staff", "a-auditor"} {
		s := a.login(u)
		if resp := a.do("GET", "/", &s, nil); resp.StatusCode != 200 {
			t.Errorf("dashboard for %s: %d", u, resp.StatusCode)
		} else {
			bodyOf(t, resp)
		}
	}
}
