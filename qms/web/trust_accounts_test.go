package web_test

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// auditIn counts the entries of one action written under agency.
func (a *app) auditIn(agency, action string) int {
	a.t.Helper()
	_, n, err := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Within: &agency, Action: &action})
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

// TestTrust1CrossAgencyAccountTakeover: a-leader also holds a staff role
// in B. B's admin manages B's roles of that account and nothing else: the
// password, the profile, disabling, the tokens and the login lock act on
// the whole account (and so on a-leader's rights in A), and need the
// system admin, whose reset is audited under A and B alike. The store
// refuses as well, whoever calls it.
func TestTrust1CrossAgencyAccountTakeover(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	x := a.users["a-leader"]
	if _, err := a.db.SetMembership(sys, x.ID, qms.Membership{AgencyCode: "B", Role: qms.RoleStaff}, false); err != nil {
		t.Fatal(err)
	}
	a.token("a-leader")
	xPath := "/admin/users/" + itoa(x.ID)
	bAdmin, aAdmin, sysAdmin := a.login("b-admin"), a.login("a-admin"), a.login("admin")
	accountWide := []struct {
		name, path string
		form       url.Values
	}{
		{"password", xPath + "/password", url.Values{"password": {"ngua-o-cua-b"}}},
		{"disable", xPath, url.Values{"disabled": {"1"}}},
		{"profile", xPath, url.Values{"full_name": {"Đổi tên"}, "email": {"b@example.vn"}}},
		{"revoke tokens", xPath + "/tokens/revoke", url.Values{"token": {"all"}}},
		{"unlock", xPath + "/unlock", url.Values{}},
	}
	for _, who := range []struct {
		name string
		s    session
	}{{"admin of B", bAdmin}, {"admin of A", aAdmin}} {
		for _, tt := range accountWide {
			t.Run(who.name+" "+tt.name, func(t *testing.T) {
				before := a.auditCount("")
				resp := a.do("POST", tt.path, &who.s, maps.Clone(tt.form))
				if body := bodyOf(t, resp); resp.StatusCode != 403 || !strings.Contains(body, "quản trị viên hệ thống") {
					t.Fatalf("status %d, want 403 naming the system admin:\n%s", resp.StatusCode, body)
				}
				if a.auditCount("") != before {
					t.Fatal("a refused action wrote an audit entry")
				}
			})
		}
	}
	if _, err := a.db.Authenticate(context.Background(), "a-leader", "ngua-o-123", ""); err != nil {
		t.Fatalf("a-leader's password or status changed: %v", err)
	}
	if u, _ := a.db.FindUserByID(context.Background(), x.ID); u.FullName != x.FullName {
		t.Fatalf("profile changed to %q", u.FullName)
	}
	if ts, _ := a.db.FindAPITokens(context.Background(), qms.TokenFilter{UserID: &x.ID}); len(ts) != 1 || ts[0].RevokedAt != nil {
		t.Fatalf("tokens after refusals: %+v", ts)
	}

	t.Run("the page offers B's admin the roles of B only", func(t *testing.T) {
		page := bodyOf(t, a.do("GET", xPath, &bAdmin, nil))
		if strings.Contains(page, `action="`+xPath+`/password"`) || !strings.Contains(page, "quản trị viên hệ thống (SYS) quản lý") ||
			!strings.Contains(page, `action="`+xPath+`/memberships"`) {
			t.Fatal("B's admin sees the account-wide forms, or not the role forms")
		}
	})

	t.Run("memberships stay per agency", func(t *testing.T) {
		if code := a.do("POST", xPath+"/memberships", &bAdmin, url.Values{"agency": {"A"}, "role": {"admin"}}).StatusCode; code/100 != 4 {
			t.Fatalf("B's admin granted a role in A: %d", code)
		}
		if code := a.do("POST", xPath+"/memberships", &bAdmin, url.Values{"agency": {"A"}, "role": {"leader"}, "remove": {"1"}}).StatusCode; code/100 != 4 {
			t.Fatalf("B's admin withdrew a role in A: %d", code)
		}
		if code := a.do("POST", xPath+"/memberships", &bAdmin, url.Values{"agency": {"B"}, "role": {"staff"}}).StatusCode; code != 303 {
			t.Fatalf("B's admin granting a role in B: %d", code)
		}
		bAdminUser := a.users["b-admin"]
		asB := qms.WithActor(context.Background(), qms.Actor{UserID: bAdminUser.ID, Username: bAdminUser.Username, AgencyCode: "B"})
		off := true
		for _, tt := range []struct {
			name string
			do   func() error
		}{
			{"grant in A", func() error {
				_, err := a.db.SetMembership(asB, x.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleAdmin}, false)
				return err
			}},
			{"password", func() error { return a.db.SetPassword(asB, x.ID, "ngua-o-cua-b") }},
			{"disable", func() error { _, err := a.db.UpdateUser(asB, x.ID, qms.UserUpdate{Disabled: &off}); return err }},
			{"token", func() error { _, _, err := a.db.CreateAPIToken(asB, x.ID, "b", 0); return err }},
			{"revoke tokens", func() error { _, err := a.db.RevokeAPITokens(asB, qms.TokenFilter{UserID: &x.ID}); return err }},
			{"revoke tokens, none left", func() error {
				if _, err := a.db.RevokeAPITokens(qms.WithActor(context.Background(), qms.SystemActor("test")), qms.TokenFilter{UserID: &x.ID}); err != nil {
					return err
				}
				_, err := a.db.RevokeAPITokens(asB, qms.TokenFilter{UserID: &x.ID})
				return err
			}},
			{"unlock login", func() error { _, err := a.db.UnlockLogin(asB, "a-leader"); return err }},
			{"create in A", func() error {
				return a.db.CreateUser(asB, &qms.User{Username: "b-ke-gian", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleAdmin}}}, "ngua-o-123")
			}},
		} {
			if err := tt.do(); qms.ErrorCode(err) != qms.EFORBIDDEN {
				t.Errorf("store, B's admin, %s: %v, want forbidden", tt.name, err)
			}
		}
	})

	t.Run("API user creation stays in the agency", func(t *testing.T) {
		tok := a.token("b-admin")
		resp := a.api("POST", "/api/v1/users", tok, `{"username":"b-tao-o-a","password":"ngua-o-123","agency":"A","role":"admin"}`)
		if resp.StatusCode/100 != 4 {
			t.Fatalf("B's admin created an admin of A: %d", resp.StatusCode)
		}
		if _, err := a.db.FindUserByUsername(context.Background(), "b-tao-o-a"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("user created: %v", err)
		}
	})

	t.Run("agency admin on a user of their agency alone", func(t *testing.T) {
		staff := a.users["a-staff"]
		if code := a.do("POST", "/admin/users/"+itoa(staff.ID)+"/password", &aAdmin, url.Values{"password": {"ngua-o-moi-1"}}).StatusCode; code != 303 {
			t.Fatalf("A's admin resetting a-staff: %d", code)
		}
	})

	t.Run("system admin, audited under every agency", func(t *testing.T) {
		inA, inB := a.auditIn("A", "user.password"), a.auditIn("B", "user.password")
		if code := a.do("POST", xPath+"/password", &sysAdmin, url.Values{"password": {"ngua-o-moi-2"}}).StatusCode; code != 303 {
			t.Fatalf("system admin resetting a-leader: %d", code)
		}
		if a.auditIn("A", "user.password") != inA+1 || a.auditIn("B", "user.password") != inB+1 {
			t.Fatalf("password reset audited %d times under A and %d under B, want once each",
				a.auditIn("A", "user.password")-inA, a.auditIn("B", "user.password")-inB)
		}
	})
}

// clientFrom is an HTTP client whose connections leave from the loopback
// address ip (any 127.x.y.z on Linux), with its own cookie jar.
func clientFrom(t *testing.T, ip string) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// loginFrom signs in through the login page, as a browser at c does.
func loginFrom(t *testing.T, c *http.Client, base, username, password string) int {
	t.Helper()
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var csrf string
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "qms_csrf" {
			csrf = ck.Value
		}
	}
	resp, err = c.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}, "_csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// tokenFrom asks /api/v1/auth/token from c.
func tokenFrom(t *testing.T, c *http.Client, base, username, password string) int {
	t.Helper()
	resp, err := c.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestTrust5LoginThrottleByAddress: guesses from one address lock the
// username at that address only: the owner signs in from another one.
// The lock backs off (1, 2, 4 … minutes), a guesser who keeps trying adds
// no audit entry and no row, and the system admin's unlock button clears it.
func TestTrust5LoginThrottleByAddress(t *testing.T) {
	a := newApp(t)
	base := listen(t, a.srv)
	attacker, owner := clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3")
	for i := 1; i <= qms.MaxLoginFailures; i++ {
		want := 401
		if i == qms.MaxLoginFailures {
			want = 429
		}
		if code := tokenFrom(t, attacker, base, "admin", fmt.Sprintf("doan-%d", i)); code != want {
			t.Fatalf("guess %d: %d, want %d", i, code, want)
		}
	}
	for i := 0; i < 50; i++ { // the flood of the report, in small
		if code := loginFrom(t, attacker, base, "admin", "doan-tiep"); code != 429 {
			t.Fatalf("guess while locked: %d", code)
		}
	}
	if code := tokenFrom(t, attacker, base, "a-admin", "ngua-o-123"); code != 201 {
		t.Fatalf("another user from the same address: %d", code)
	}
	if code := loginFrom(t, owner, base, "admin", "doan-sai"); code != 401 {
		t.Fatalf("a wrong password from another address: %d, want 401", code)
	}
	pw := "ngua-o-admin-1"
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if err := a.db.SetPassword(sys, a.users["admin"].ID, pw); err != nil {
		t.Fatal(err)
	}
	if code := loginFrom(t, owner, base, "admin", pw); code != 303 {
		t.Fatalf("the owner from another address: %d, want 303", code)
	}
	if code := tokenFrom(t, owner, base, "admin", pw); code != 201 {
		t.Fatalf("the owner's API token from another address: %d, want 201", code)
	}
	if code := tokenFrom(t, attacker, base, "admin", pw); code != 429 {
		t.Fatalf("the right password from the locked address: %d, want 429", code)
	}

	// Back-off: each failure after a lock ends locks twice as long.
	for _, lock := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		a.clock.Add(lock + time.Second)
		if code := tokenFrom(t, attacker, base, "admin", "doan-nua"); code != 429 {
			t.Fatalf("failure after a %v lock: %d, want 429", lock, code)
		}
		a.clock.Add(2*lock - time.Second) // the next lock, twice as long, has not ended yet
		if code := tokenFrom(t, attacker, base, "admin", pw); code != 429 {
			t.Fatalf("the right password within a lock of %v: %d, want 429", 2*lock, code)
		}
		a.clock.Add(-(2*lock - time.Second))
	}
	if got := qms.LoginLockFor(100); got != qms.LoginLockDuration {
		t.Fatalf("longest lock %v, want %v", got, qms.LoginLockDuration)
	}
	if n := a.auditCount("auth.lock"); n != 1 {
		t.Fatalf("%d auth.lock entries for one episode, want 1", n)
	}
	raw := rawOf(t, a)
	var rows, addrs int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM login_throttle WHERE username <> '*'`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d throttle rows of usernames (%v), want 1: the attacker's", rows, err)
	}
	// Each address with a wrong password has its count across usernames
	// (the row of username qms.AddrThrottleKey).
	if err := raw.QueryRow(`SELECT COUNT(*) FROM login_throttle WHERE username = '*'`).Scan(&addrs); err != nil || addrs != 2 {
		t.Fatalf("%d throttle rows of addresses (%v), want 2: the attacker's and the owner's", addrs, err)
	}

	// The system admin's unlock button lets the locked address in again.
	admin := a.login("admin")
	if code := a.do("POST", "/admin/users/"+itoa(a.users["admin"].ID)+"/unlock", &admin, url.Values{}).StatusCode; code != 303 {
		t.Fatalf("unlock: %d", code)
	}
	if code := tokenFrom(t, attacker, base, "admin", pw); code != 201 {
		t.Fatalf("after unlock: %d, want 201", code)
	}
	if n := a.auditCount("auth.unlock"); n != 1 {
		t.Fatalf("unlock audited %d times", n)
	}
}

// TestTrust7ResetEndsSessionsAndTokens: a password reset or disabling
// ends every session and API token of the user; tokens expire after 90
// days; the revoke button on the user's page ends one token at once and
// the page shows prefixes, never secrets.
func TestTrust7ResetEndsSessionsAndTokens(t *testing.T) {
	a := newApp(t)
	admin := a.login("a-admin")
	alive := func(s session, tok string) (web, api int) {
		return a.do("GET", "/tasks", &s, nil).StatusCode, a.api("GET", "/api/v1/me", tok, "").StatusCode
	}
	for _, tt := range []struct {
		name, user, path string
		form             url.Values
		action           string
	}{
		{"password reset", "a-staff", "/password", url.Values{"password": {"ngua-o-moi-9"}}, "user.password"},
		{"disabled", "a-auditor", "", url.Values{"disabled": {"1"}}, "user.update"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, tok := a.login(tt.user), a.token(tt.user)
			if w, api := alive(s, tok); w != 200 || api != 200 {
				t.Fatalf("before: page %d, api %d", w, api)
			}
			before := a.auditCount(tt.action)
			if code := a.do("POST", "/admin/users/"+itoa(a.users[tt.user].ID)+tt.path, &admin, tt.form).StatusCode; code != 303 {
				t.Fatalf("%s: %d", tt.name, code)
			}
			if w, api := alive(s, tok); w != 303 || api != 401 {
				t.Fatalf("after: page %d (want 303 to login), api %d (want 401)", w, api)
			}
			if a.auditCount(tt.action) != before+1 {
				t.Fatalf("%s not audited", tt.action)
			}
		})
	}

	t.Run("tokens expire", func(t *testing.T) {
		var tok struct{ Token string }
		decode(t, a.api("POST", "/api/v1/auth/token", "", `{"username":"a-leader","password":"ngua-o-123"}`), &tok)
		a.clock.Add(qms.APITokenLifetime - time.Minute)
		if code := a.api("GET", "/api/v1/me", tok.Token, "").StatusCode; code != 200 {
			t.Fatalf("before expiry: %d", code)
		}
		a.clock.Add(2 * time.Minute)
		if code := a.api("GET", "/api/v1/me", tok.Token, "").StatusCode; code != 401 {
			t.Fatalf("after 90 days: %d, want 401", code)
		}
	})

	t.Run("revoke button", func(t *testing.T) {
		// The tokens are the user's own: A's admin, who may act on the
		// account of a user of A alone, revokes them all but learns
		// nothing of them (no prefix, no count, no answer telling a
		// number of theirs); the system admin sees how many are valid and
		// revokes one by its number (outsider pass 10, finding 1).
		admin, sysAdmin := a.login("a-admin"), a.login("admin") // the clock moved past the first session
		leader := a.users["a-leader"]
		keep, gone := a.token("a-leader"), a.token("a-leader")
		ts, err := a.db.FindAPITokens(context.Background(), qms.TokenFilter{Prefix: &gone})
		if err != nil || len(ts) != 1 {
			t.Fatalf("token by prefix: %v %v", ts, err)
		}
		page := bodyOf(t, a.do("GET", "/admin/users/"+itoa(leader.ID), &admin, nil))
		if strings.Contains(page, ts[0].Prefix) || strings.Contains(page, gone) || strings.Contains(page, keep) || strings.Contains(page, `id="user-token-count"`) ||
			!strings.Contains(page, `name="token" value="all"`) {
			t.Fatal("A's admin must see no token, prefix or count, only the button that revokes them all")
		}
		before := a.auditCount("token.revoke")
		resp := a.do("POST", "/admin/users/"+itoa(leader.ID)+"/tokens/revoke", &admin, url.Values{"token": {itoa(ts[0].ID)}})
		if body := bodyOf(t, resp); resp.StatusCode != 404 || !strings.Contains(body, "Không tìm thấy mã truy cập") {
			t.Fatalf("A's admin revoking one token by number: %d, want 404 as for a number that is not the user's", resp.StatusCode)
		}
		page = bodyOf(t, a.do("GET", "/admin/users/"+itoa(leader.ID), &sysAdmin, nil))
		if strings.Contains(page, ts[0].Prefix) || !strings.Contains(page, "<strong>2</strong>") {
			t.Fatal("the system admin's page must count the 2 valid tokens and show no prefix")
		}
		if code := a.do("POST", "/admin/users/"+itoa(leader.ID)+"/tokens/revoke", &sysAdmin, url.Values{"token": {itoa(ts[0].ID)}}).StatusCode; code != 303 {
			t.Fatalf("revoke: %d", code)
		}
		if code := a.api("GET", "/api/v1/me", gone, "").StatusCode; code != 401 {
			t.Fatalf("revoked token: %d", code)
		}
		if code := a.api("GET", "/api/v1/me", keep, "").StatusCode; code != 200 {
			t.Fatalf("the other token: %d", code)
		}
		if a.auditCount("token.revoke") != before+1 {
			t.Fatal("revoke not audited")
		}
		if code := a.do("POST", "/admin/users/"+itoa(leader.ID)+"/tokens/revoke", &admin, url.Values{"token": {"all"}}).StatusCode; code != 303 {
			t.Fatalf("revoke all: %d", code)
		}
		if code := a.api("GET", "/api/v1/me", keep, "").StatusCode; code != 401 {
			t.Fatalf("token after revoke all: %d", code)
		}
	})
}
