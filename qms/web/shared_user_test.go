package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestSharedUserSeenFromOneAgency (outsider pass 10, finding 1): a-leader
// also holds staff in B and an API token. B's admin reads of that account
// only what belongs to B: the role in B (and that there are roles
// elsewhere, not where), nothing of its tokens, on the user page, the
// users list, GET /api/v1/users[/id] and the audit trail (the entries of
// the grant and of the token, audited under B, are shown without the role
// in A and the token's prefix); the account-wide actions are refused
// without naming A, and a token's number gets the answer of one that is
// not the user's. A's admin sees A's role and not B's; the system admin
// sees both and how many tokens are valid, not their prefixes.
func TestSharedUserSeenFromOneAgency(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	x := a.users["a-leader"]
	if _, err := a.db.SetMembership(sys, x.ID, qms.Membership{AgencyCode: "B", Role: qms.RoleStaff}, false); err != nil {
		t.Fatal(err)
	}
	a.srv.Authz.Reload()
	secret := a.token("a-leader")
	ts, err := a.db.FindAPITokens(context.Background(), qms.TokenFilter{UserID: &x.ID})
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens: %v %v", ts, err)
	}
	prefix := ts[0].Prefix
	xPath := "/admin/users/" + itoa(x.ID)
	bAdmin, aAdmin, sysAdmin := a.login("b-admin"), a.login("a-admin"), a.login("admin")
	bTok := a.token("b-admin")

	// roleRow is how the user page lists a role in agency.
	roleRow := func(agency string) string { return "<tr><td>" + agency + "</td>" }
	t.Run("user page", func(t *testing.T) {
		for _, tt := range []struct {
			who          string
			s            session
			shown, gone  []string
			elsewhere    bool
			tokensCount  bool
			revokeButton bool
		}{
			{"B's admin", bAdmin, []string{roleRow("B")}, []string{roleRow("A")}, true, false, false},
			{"A's admin", aAdmin, []string{roleRow("A")}, []string{roleRow("B")}, true, false, false},
			{"system admin", sysAdmin, []string{roleRow("A"), roleRow("B")}, nil, false, true, true},
		} {
			page := bodyOf(t, a.do("GET", xPath, &tt.s, nil))
			for _, w := range tt.shown {
				if !strings.Contains(page, w) {
					t.Errorf("%s: the page does not list %q", tt.who, w)
				}
			}
			for _, w := range append(tt.gone, prefix, secret) {
				if strings.Contains(page, w) {
					t.Errorf("%s: the page shows %q", tt.who, w)
				}
			}
			if strings.Contains(page, `id="roles-elsewhere"`) != tt.elsewhere {
				t.Errorf("%s: the note on roles elsewhere shown: %v, want %v", tt.who, !tt.elsewhere, tt.elsewhere)
			}
			if strings.Contains(page, `id="user-token-count"`) != tt.tokensCount || (tt.tokensCount && !strings.Contains(page, "<strong>1</strong>")) {
				t.Errorf("%s: the count of valid tokens shown: %v, want %v (1)", tt.who, !tt.tokensCount, tt.tokensCount)
			}
			if strings.Contains(page, `name="token" value="all"`) != tt.revokeButton {
				t.Errorf("%s: the button revoking the tokens shown: %v, want %v", tt.who, !tt.revokeButton, tt.revokeButton)
			}
		}
	})

	t.Run("users list", func(t *testing.T) {
		list := bodyOf(t, a.do("GET", "/admin/users", &bAdmin, nil))
		if !strings.Contains(list, `<span class="tag">B: `) || strings.Contains(list, `<span class="tag">A: `) {
			t.Fatal("B's list of users must show roles in B and none in A")
		}
	})

	t.Run("API", func(t *testing.T) {
		var one qms.User
		decode(t, a.api("GET", "/api/v1/users/"+itoa(x.ID), bTok, ""), &one)
		if len(one.Memberships) != 1 || one.Memberships[0] != (qms.Membership{AgencyCode: "B", Role: qms.RoleStaff}) || !one.RolesElsewhere {
			t.Fatalf("GET /api/v1/users/%d by B's admin: %+v, want the role in B and roles_elsewhere", x.ID, one)
		}
		var list struct{ Users []qms.User }
		decode(t, a.api("GET", "/api/v1/users", bTok, ""), &list)
		for _, u := range list.Users {
			for _, m := range u.Memberships {
				if m.AgencyCode != "B" {
					t.Errorf("GET /api/v1/users by B's admin: %s's role %s in %s", u.Username, m.Role, m.AgencyCode)
				}
			}
			if u.ID == x.ID && !u.RolesElsewhere {
				t.Error("GET /api/v1/users: a-leader without roles_elsewhere")
			}
		}
		var all qms.User
		decode(t, a.api("GET", "/api/v1/users/"+itoa(x.ID), a.token("admin"), ""), &all)
		if len(all.Memberships) != 2 || all.RolesElsewhere {
			t.Fatalf("the system admin reads %+v, want both roles", all)
		}
	})

	t.Run("audit trail", func(t *testing.T) {
		var out struct{ Entries []qms.AuditEntry }
		decode(t, a.api("GET", "/api/v1/audit-log?object_id="+itoa(x.ID), bTok, ""), &out)
		grant := 0
		for _, e := range out.Entries {
			if e.Action == "user.grant" {
				grant++
				if !e.Redacted || !strings.Contains(string(e.After), `"roles_elsewhere":true`) || !strings.Contains(string(e.After), `"agency":"B"`) {
					t.Errorf("the grant in B, read by B's admin: %s (redacted %v)", e.After, e.Redacted)
				}
			}
			if e.AgencyCode != "B" {
				t.Errorf("B's admin reads entry %d of %s", e.ID, e.AgencyCode)
			}
			for _, raw := range []json.RawMessage{e.Before, e.After} {
				if strings.Contains(string(raw), `"agency":"A"`) || strings.Contains(string(raw), prefix) || strings.Contains(string(raw), "tokens") {
					t.Errorf("entry %d (%s) read by B's admin: %s", e.ID, e.Action, raw)
				}
			}
			for _, r := range e.Rows {
				if r.Table == "api_tokens" || (r.Table == "memberships" && strings.Contains(r.Key, `"A"`)) {
					t.Errorf("entry %d (%s) read by B's admin names the row %s %s", e.ID, e.Action, r.Table, r.Key)
				}
			}
		}
		if grant != 1 {
			t.Fatalf("B's admin reads %d entries of the grant in B, want 1", grant)
		}
		var created struct{ Entries []qms.AuditEntry }
		decode(t, a.api("GET", "/api/v1/audit-log?action=token.create", bTok, ""), &created)
		if len(created.Entries) == 0 {
			t.Fatal("the token's creation, audited under B, is not in B's trail")
		}
		for _, e := range created.Entries {
			if !e.Redacted || strings.Contains(string(e.After), prefix) || strings.Contains(string(e.After), `"prefix"`) {
				t.Errorf("token.create read by B's admin: %s", e.After)
			}
		}
		if page := bodyOf(t, a.do("GET", "/audit-log", &bAdmin, nil)); strings.Contains(page, prefix) {
			t.Error("B's audit log page shows the token's prefix")
		}
		var asWritten struct{ Entries []qms.AuditEntry }
		decode(t, a.api("GET", "/api/v1/audit-log?action=token.create&agency=B", a.token("admin"), ""), &asWritten)
		if n := len(asWritten.Entries); n == 0 || asWritten.Entries[n-1].Redacted || !strings.Contains(string(asWritten.Entries[n-1].After), prefix) {
			t.Fatal("the system admin reads the entries as written")
		}
	})

	t.Run("account-wide actions", func(t *testing.T) {
		for _, tt := range []struct {
			name, path string
			form       url.Values
			status     int
		}{
			{"password", xPath + "/password", url.Values{"password": {"ngua-o-cua-b"}}, 403},
			{"disable", xPath, url.Values{"disabled": {"1"}}, 403},
			{"revoke all tokens", xPath + "/tokens/revoke", url.Values{"token": {"all"}}, 403},
			{"revoke a token by number", xPath + "/tokens/revoke", url.Values{"token": {itoa(ts[0].ID)}}, 404},
		} {
			resp := a.do("POST", tt.path, &bAdmin, tt.form)
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.status || strings.Contains(body, "thuộc đơn vị A") || strings.Contains(body, roleRow("A")) {
				t.Errorf("B's admin, %s: %d, want %d not naming A", tt.name, resp.StatusCode, tt.status)
			}
		}
		if code := a.api("GET", "/api/v1/me", secret, "").StatusCode; code != 200 {
			t.Fatalf("a-leader's token after B's refusals: %d", code)
		}
	})
}
