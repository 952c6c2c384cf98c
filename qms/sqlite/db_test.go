package sqlite_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
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

func ptr[T any](v T) *T { return &v }
