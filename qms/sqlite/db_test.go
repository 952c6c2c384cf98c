package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// openDB opens a real database in a temp dir with a bootstrapped SYS
// agency and admin.
func openDB(t testing.TB) (*sqlite.DB, *qmstest.Clock, context.Context) {
	t.Helper()
	clk := qmstest.NewClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bootstrap(context.Background(), rules); err != nil {
		t.Fatal(err)
	}
	return db, clk, qms.WithActor(context.Background(), qms.SystemActor("test"))
}

// rawDB opens the same file without the store, to tamper with it.
func rawDB(t *testing.T, db *sqlite.DB) *sql.DB {
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// dropAuditGuards drops migration 0017's append-only triggers, as whoever
// has the file can, so that a test can tamper with the trail itself.
func dropAuditGuards(t *testing.T, raw *sql.DB) {
	t.Helper()
	for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_head_forward", "audit_head_no_delete"} {
		if _, err := raw.Exec(`DROP TRIGGER ` + trg); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenAppliesMigrationsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "qms.db")
	for i := 0; i < 2; i++ {
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		names, err := db.Migrations(context.Background())
		if err != nil || len(names) == 0 {
			t.Fatalf("migrations = %v, %v", names, err)
		}
		db.Close()
	}
}

func TestBootstrapIsIdempotent(t *testing.T) {
	db, _, ctx := openDB(t)
	pw, err := db.Bootstrap(ctx, nil)
	if err != nil || pw != "" {
		t.Fatalf("second bootstrap = %q, %v", pw, err)
	}
	u, err := db.FindUserByUsername(ctx, "admin")
	if err != nil || !u.HasRole(qms.SystemAgencyCode, qms.RoleAdmin) {
		t.Fatalf("admin = %+v, %v", u, err)
	}
}

func TestAgencies(t *testing.T) {
	db, _, ctx := openDB(t)
	mustCreate := func(code, parent string) {
		t.Helper()
		if err := db.CreateAgency(ctx, &qms.Agency{Code: code, Name: "Đơn vị " + code, ParentCode: parent}); err != nil {
			t.Fatal(err)
		}
	}
	mustCreate("UBND", "")
	mustCreate("STTTT", "UBND")
	mustCreate("PHONG1", "STTTT")
	tests := []struct {
		name string
		a    qms.Agency
		code string
	}{
		{"duplicate", qms.Agency{Code: "sttTT", Name: "x"}, qms.ECONFLICT},
		{"unknown parent", qms.Agency{Code: "NEW", Name: "x", ParentCode: "NOPE"}, qms.EINVALID},
		{"empty name", qms.Agency{Code: "NEW"}, qms.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.CreateAgency(ctx, &tt.a); qms.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	within := "STTTT"
	as, err := db.FindAgencies(ctx, qms.AgencyFilter{Within: &within})
	if err != nil || len(as) != 2 {
		t.Fatalf("within STTTT = %d agencies, %v", len(as), err)
	}
	parent := "PHONG1"
	if _, err := db.UpdateAgency(ctx, "UBND", qms.AgencyUpdate{ParentCode: &parent}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("cycle accepted: %v", err)
	}
}

func TestCreateUserUnknownAgencyWritesNothing(t *testing.T) {
	db, _, ctx := openDB(t)
	before, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{})
	u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "NOPE", Role: qms.RoleStaff}}}
	if err := db.CreateUser(ctx, u, "mật khẩu dài"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("err = %v", err)
	}
	if _, err := db.FindUserByUsername(ctx, "lan"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("half-written user: %v", err)
	}
	after, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{})
	if len(after) != len(before) {
		t.Fatalf("audit entries %d → %d", len(before), len(after))
	}
}

func TestAuthenticateThrottles(t *testing.T) {
	db, clk, ctx := openDB(t)
	u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "SYS", Role: qms.RoleStaff}}}
	if err := db.CreateUser(ctx, u, "đúng mật khẩu"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, "LAN", "đúng mật khẩu", ""); err != nil {
		t.Fatalf("good login: %v", err)
	}
	if _, err := db.Authenticate(ctx, "ghost", "whatever1", ""); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
		t.Fatalf("unknown user: %v", err)
	}
	for i := 1; i < qms.MaxLoginFailures; i++ {
		if _, err := db.Authenticate(ctx, "lan", "sai", ""); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, err := db.Authenticate(ctx, "lan", "sai", ""); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("5th failure should lock: %v", err)
	}
	if _, err := db.Authenticate(ctx, "lan", "đúng mật khẩu", ""); qms.ErrorCode(err) != qms.ETOOMANY {
		t.Fatalf("locked account let in: %v", err)
	}
	action := "auth.lock"
	if es, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: &action}); len(es) != 1 {
		t.Fatalf("lock audited %d times", len(es))
	}
	clk.Add(qms.LoginLockDuration + time.Second)
	if _, err := db.Authenticate(ctx, "lan", "đúng mật khẩu", ""); err != nil {
		t.Fatalf("after lock: %v", err)
	}
}

func TestSessions(t *testing.T) {
	db, clk, ctx := openDB(t)
	admin, _ := db.FindUserByUsername(ctx, "admin")
	token, s, err := db.CreateSession(ctx, admin.ID, "SYS")
	if err != nil || s.CSRFToken == "" {
		t.Fatal(err)
	}
	if _, err := db.FindSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	clk.Add(qms.SessionIdle + time.Minute)
	if _, err := db.FindSession(ctx, token); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
		t.Fatalf("idle session still valid: %v", err)
	}
	if err := db.DeleteSession(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindSession(ctx, token); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("deleted session found: %v", err)
	}
	secret, _, err := db.CreateAPIToken(ctx, admin.ID, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := db.FindUserByAPIToken(ctx, secret); err != nil || u.ID != admin.ID {
		t.Fatalf("token user = %v, %v", u, err)
	}
	if _, err := db.FindUserByAPIToken(ctx, secret+"x"); qms.ErrorCode(err) != qms.EUNAUTHORIZED {
		t.Fatalf("bad token: %v", err)
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		brokeAt int64
	}{
		{"altered", `UPDATE audit_log SET actor = 'mallory' WHERE id = 3`, 3},
		{"deleted middle", `DELETE FROM audit_log WHERE id = 2`, 2},
		{"deleted newest", `DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, ctx := openDB(t)
			for _, c := range []string{"A", "B", "C"} {
				if err := db.CreateAgency(ctx, &qms.Agency{Code: c, Name: c}); err != nil {
					t.Fatal(err)
				}
			}
			n, err := db.VerifyAuditChain(ctx)
			if err != nil || n < 5 {
				t.Fatalf("intact chain: n=%d err=%v", n, err)
			}
			raw := rawDB(t, db)
			dropAuditGuards(t, raw)
			if _, err := raw.Exec(tt.sql); err != nil {
				t.Fatal(err)
			}
			_, err = db.VerifyAuditChain(ctx)
			var br *qms.ChainBreak
			if !errors.As(err, &br) {
				t.Fatalf("tampering not detected: %v", err)
			}
			want := tt.brokeAt
			if want < 0 {
				want = n
			}
			if br.EntryID != want {
				t.Fatalf("broken at %d, want %d (%v)", br.EntryID, want, err)
			}
		})
	}
}

func TestConcurrentWritersKeepChain(t *testing.T) {
	db, _, ctx := openDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 4; j++ {
				code := "AG" + string(rune('A'+i)) + string(rune('A'+j))
				if err := db.CreateAgency(ctx, &qms.Agency{Code: code, Name: code}); err != nil {
					errs <- err
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil || n < 64 {
		t.Fatalf("chain after concurrent writes: %d, %v", n, err)
	}
}

func TestBackup(t *testing.T) {
	db, _, ctx := openDB(t)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("backup overwrote: %v", err)
	}
	cp, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	n1, _ := db.VerifyAuditChain(ctx)
	n2, err := cp.VerifyAuditChain(ctx)
	if err != nil || n1 != n2 {
		t.Fatalf("backup chain %d vs %d: %v", n2, n1, err)
	}
}

func TestSeedPolicyUpgradeKeepsRemovals(t *testing.T) {
	db, _, ctx := openDB(t)
	removed := []string{"staff", "*", "tthc", "read"}
	if err := db.RemovePolicyRule(ctx, removed); err != nil {
		t.Fatal(err)
	}
	newer := [][]string{removed, {"staff", "*", "new_object", "read"}}
	n, err := db.SeedPolicy(ctx, newer)
	if err != nil || n != 1 {
		t.Fatalf("seeded %d rows, %v; want only the new one", n, err)
	}
	rules, _ := db.PolicyRules(ctx)
	for _, r := range rules {
		if r[0] == "staff" && r[2] == "tthc" && r[3] == "read" {
			t.Fatal("a removed default row came back")
		}
	}
}

// TestQueryPlannerStable: the Makefile builds SQLite with the query
// planner stability guarantee, without which every cached statement with
// a "column = ?" term is planned again on each use (see the Makefile). A
// build without it (plain go test) works, only slower: the test says so
// and skips.
func TestQueryPlannerStable(t *testing.T) {
	db, _, ctx := openDB(t)
	stable, err := db.PlannerStable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !stable {
		t.Log("SQLite built without SQLITE_ENABLE_QPSG: plans are made again on each use; build and test through make (CGO_CFLAGS) for the measured speed")
		t.SkipNow()
	}
	var n int
	if err := rawDB(t, db).QueryRow(`SELECT COUNT(*) FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("PlannerStable says yes, compile_options has ENABLE_QPSG %d times (%v)", n, err)
	}
}
