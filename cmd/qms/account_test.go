package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// openCLIStore opens the CLI's database in process, to look at what the
// commands wrote.
func openCLIStore(t *testing.T, c *cli) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// newCLIUser makes agency A and user lan with password ngua-o-123.
func newCLIUser(t *testing.T) *cli {
	c := newCLI(t)
	if code, _, errText := c.run("", "agency", "add", "--code", "A", "--name", "Sở A"); code != 0 {
		t.Fatal(errText)
	}
	if code, _, errText := c.run("ngua-o-123\n", "user", "add", "--username", "lan", "--agency", "A", "--role", "staff"); code != 0 {
		t.Fatal(errText)
	}
	return c
}

// TestTrust7TokenCommands: token create takes --days (90 by default),
// token list shows id, prefix and dates but never a secret, and token
// revoke ends a token by prefix, by id, or every token of a user, each
// revocation audited.
func TestTrust7TokenCommands(t *testing.T) {
	c := newCLIUser(t)
	create := func(args ...string) string {
		t.Helper()
		code, out, errText := c.run("", append([]string{"token", "create", "--username", "lan"}, args...)...)
		if code != 0 || !strings.HasPrefix(out, "qms_") {
			t.Fatalf("token create: exit %d\n%s%s", code, out, errText)
		}
		return strings.TrimSpace(out)
	}
	short, long := create("--days", "1"), create()

	code, out, _ := c.run("", "token", "list", "--username", "lan")
	if code != 0 || !strings.Contains(out, "PREFIX") || !strings.Contains(out, short[:qms.TokenPrefixLength]) ||
		strings.Contains(out, short) || strings.Contains(out, long) {
		t.Fatalf("token list: exit %d, must show prefixes and no secret:\n%s", code, out)
	}
	code, out, _ = c.run("", "token", "list", "--json")
	var ts []qms.APIToken
	if err := json.Unmarshal([]byte(out), &ts); code != 0 || err != nil || len(ts) != 2 {
		t.Fatalf("token list --json: exit %d, %v:\n%s", code, err, out)
	}
	for _, tok := range ts {
		want := 90 * 24 * time.Hour
		if tok.Prefix == short[:qms.TokenPrefixLength] {
			want = 24 * time.Hour
		}
		if tok.ExpiresAt == nil || tok.ExpiresAt.Sub(tok.CreatedAt) != want {
			t.Fatalf("token %s expires %v after creation, want %v", tok.Prefix, tok.ExpiresAt, want)
		}
	}

	runCommandCases(t, c, []string{"token", "revoke"}, []commandCase{
		{"no selector", nil, 2, "", "--id N, --prefix P"},
		{"two selectors", []string{"--id", "1", "--prefix", "qms_abcdefgh"}, 2, "", "đúng một cách"},
		{"prefix too short", []string{"--prefix", "qms_ab"}, 2, "", "ít nhất 12"},
		{"unknown id", []string{"--id", "999"}, 2, "", "Không tìm thấy mã"},
		{"by prefix", []string{"--prefix", short[:qms.TokenPrefixLength]}, 0, "ok 1 tokens revoked", ""},
		{"by whole secret", []string{"--prefix", long}, 0, "ok 1 tokens revoked", ""},
		{"already revoked", []string{"--prefix", long}, 0, "ok 0 tokens revoked", ""},
		{"all without user", []string{"--all"}, 2, "", "--username U --all"},
	})
	third, fourth := create(), create()
	if code, out, errText := c.run("", "token", "revoke", "--username", "lan", "--all"); code != 0 || !strings.Contains(out, "ok 2 tokens revoked") {
		t.Fatalf("revoke --all: exit %d\n%s%s", code, out, errText)
	}

	db := openCLIStore(t, c)
	defer db.Close()
	ctx := context.Background()
	for _, secret := range []string{short, long, third, fourth} {
		if _, err := db.FindUserByAPIToken(ctx, secret); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("revoked token %s: %v", secret[:qms.TokenPrefixLength], err)
		}
	}
	action := "token.revoke"
	if _, n, err := db.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); err != nil || n != 3 {
		t.Fatalf("%d token.revoke entries (%v), want 3", n, err)
	}
	code, out, _ = c.run("", "token", "list")
	if code != 0 || strings.Count(out, "\n") != 5 {
		t.Fatalf("token list after revocations: exit %d:\n%s", code, out)
	}
}

// TestTrust5UserUnlockCommand: qms user unlock clears the login lock of a
// username at every address, audited; unknown users are a usage error.
func TestTrust5UserUnlockCommand(t *testing.T) {
	c := newCLIUser(t)
	ctx := context.Background()
	db := openCLIStore(t, c)
	for range qms.MaxLoginFailures {
		db.Authenticate(ctx, "lan", "doan-sai", "10.1.1.1")
	}
	if _, err := db.Authenticate(ctx, "lan", "ngua-o-123", "10.1.1.1"); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("after %d failures: %v, want locked", qms.MaxLoginFailures, err)
	}
	db.Close()

	runCommandCases(t, c, []string{"user", "unlock"}, []commandCase{
		{"no username", nil, 2, "", "--username"},
		{"unknown user", []string{"--username", "ghost"}, 2, "", "Không tìm thấy người dùng"},
		{"unlock", []string{"--username", "LAN"}, 0, "ok user LAN unlocked (1 addresses cleared)", ""},
		{"again", []string{"--username", "lan"}, 0, "ok user lan was not locked and had no failed logins: nothing changed", ""},
	})
	db = openCLIStore(t, c)
	defer db.Close()
	if _, err := db.Authenticate(ctx, "lan", "ngua-o-123", "10.1.1.1"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	action := "auth.unlock"
	if _, n, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); n != 1 {
		t.Fatalf("%d auth.unlock entries, want 1", n)
	}
}

// TestUserUnlockAddrCommand: qms user unlock --addr ends the lock of an
// address across usernames, whatever its spelling, and prints the key it
// cleared; lan's own lock at the address stays; an address that does not
// parse, or both or neither of --username and --addr, is a usage error.
func TestUserUnlockAddrCommand(t *testing.T) {
	c := newCLIUser(t)
	if code, _, errText := c.run("ngua-o-456\n", "user", "add", "--username", "minh", "--agency", "A", "--role", "staff"); code != 0 {
		t.Fatal(errText)
	}
	ctx := context.Background()
	db := openCLIStore(t, c)
	const office = "10.2.2.2"
	var err error
	for i := range qms.MaxAddrLoginFailures { // lan's own lock first, then other usernames
		username := "lan"
		if i >= qms.MaxLoginFailures {
			username = fmt.Sprintf("nv%02d", i)
		}
		_, err = db.Authenticate(ctx, username, "doan-sai", office)
	}
	if !qms.StartsLock(err) {
		t.Fatalf("after %d wrong passwords: %v, want the address locked", qms.MaxAddrLoginFailures, err)
	}
	if _, err := db.Authenticate(ctx, "minh", "ngua-o-456", office); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("minh from the locked address: %v, want refused", err)
	}
	db.Close()

	runCommandCases(t, c, []string{"user", "unlock"}, []commandCase{
		{"neither", nil, 2, "", "--addr"},
		{"both", []string{"--username", "lan", "--addr", office}, 2, "", "đúng một cách"},
		{"not an address", []string{"--addr", "10.2.2"}, 2, "", `"10.2.2"`},
		{"unlock", []string{"--addr", "::ffff:" + office}, 0, "ok address 10.2.2.2 unlocked (1 cleared)", ""},
		{"again", []string{"--addr", office}, 0, "ok address 10.2.2.2 was not locked and had no failed logins: nothing changed", ""},
		{"with a port", []string{"--addr", office + ":5555"}, 0, "ok address 10.2.2.2 was not locked", ""},
	})
	db = openCLIStore(t, c)
	defer db.Close()
	if _, err := db.Authenticate(ctx, "minh", "ngua-o-456", office); err != nil {
		t.Fatalf("minh after the unlock: %v", err)
	}
	if _, err := db.Authenticate(ctx, "lan", "ngua-o-123", office); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("lan's own lock at the address: %v, want kept", err)
	}
	action := "auth.unlock_addr"
	if es, n, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); n != 1 || es[0].ObjectID != office || es[0].AgencyCode != qms.SystemAgencyCode {
		t.Fatalf("%d auth.unlock_addr entries (%+v), want 1 of %s under SYS", n, es, office)
	}
}

// commandCase is a run of a command with args: its exit code and what
// its stdout and stderr contain.
type commandCase struct {
	name    string
	args    []string
	code    int
	out     string
	errText string
}

// runCommandCases runs each case as the command cmd followed by its args.
func runCommandCases(t *testing.T, c *cli, cmd []string, tests []commandCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errText := c.run("", append(append([]string{}, cmd...), tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errText, tt.errText) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errText)
			}
		})
	}
}

// TestUserGrantRevokeCommands: qms user grant gives an existing user a
// second role, in their agency or another, and qms user revoke takes one
// away, each audited; the same grant again changes nothing; an unknown
// user, role or agency is refused.
func TestUserGrantRevokeCommands(t *testing.T) {
	c := newCLIUser(t)
	if code, _, errText := c.run("", "agency", "add", "--code", "B", "--name", "Sở B"); code != 0 {
		t.Fatal(errText)
	}
	runCommandCases(t, c, []string{"user", "grant"}, []commandCase{
		{"no role", []string{"--username", "lan", "--agency", "A"}, 2, "", "--role"},
		{"unknown user", []string{"--username", "ghost", "--agency", "A", "--role", "leader"}, 2, "", "Không tìm thấy người dùng"},
		{"unknown role", []string{"--username", "lan", "--agency", "A", "--role", "boss"}, 2, "", "boss"},
		{"unknown agency", []string{"--username", "lan", "--agency", "ZZ", "--role", "leader"}, 2, "", "ZZ"},
		{"second role", []string{"--username", "lan", "--agency", "A", "--role", "leader"}, 0, "ok user lan granted leader in A", ""},
		{"second agency", []string{"--username", "lan", "--agency", "b", "--role", "auditor"}, 0, "ok user lan granted auditor in B", ""},
		{"again", []string{"--username", "lan", "--agency", "A", "--role", "leader"}, 0, "ok user lan already has leader in A: nothing changed", ""},
	})
	runCommandCases(t, c, []string{"user", "revoke"}, []commandCase{
		{"revoke", []string{"--username", "lan", "--agency", "A", "--role", "staff"}, 0, "ok user lan no longer has staff in A", ""},
		{"again", []string{"--username", "lan", "--agency", "A", "--role", "staff"}, 0, "ok user lan does not have staff in A: nothing changed", ""},
	})
	db := openCLIStore(t, c)
	defer db.Close()
	u, err := db.FindUserByUsername(context.Background(), "lan")
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasRole("A", qms.RoleLeader) || !u.HasRole("B", qms.RoleAuditor) || u.HasRole("A", qms.RoleStaff) || len(u.Memberships) != 2 {
		t.Errorf("memberships after the commands: %+v", u.Memberships)
	}
	for action, want := range map[string]int{"user.grant": 2, "user.revoke": 1} {
		if _, n, _ := db.FindAuditEntries(context.Background(), qms.AuditFilter{Action: &action}); n != want {
			t.Errorf("%d %s entries, want %d", n, action, want)
		}
	}
}
