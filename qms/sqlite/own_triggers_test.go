package sqlite_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestOwnTriggers: the file's triggers are the code's. An open that finds
// them so writes nothing; a guard dropped and a foreign trigger put in
// while the store is open are put right by the next write, before it,
// each on the record; a file a newer version migrated is refused.
func TestOwnTriggers(t *testing.T) {
	db, _, ctx := openDB(t)
	raw := rawDB(t, db)
	version := func() int64 {
		t.Helper()
		var v int64
		if err := raw.QueryRow(`PRAGMA schema_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	entries := func(action string) []*qms.AuditEntry {
		t.Helper()
		es, _, err := db.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	path := db.Path()
	v := version()
	again, err := sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if version() != v || len(entries("audit.trigger_restored"))+len(entries("audit.trigger_removed")) != 0 {
		t.Fatalf("an open of a file whose triggers are the code's changed its schema or recorded a trigger")
	}

	mustExec(t, raw, `DROP TRIGGER audit_log_no_update`)
	mustExec(t, raw, `CREATE TRIGGER zz_users AFTER UPDATE ON users BEGIN UPDATE users SET email = 'mallory@example.com' WHERE id = NEW.id; END`)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	if es := entries("audit.trigger_restored"); len(es) != 1 || es[0].ObjectID != "audit_log_no_update" || es[0].Before != nil || !strings.Contains(string(es[0].After), "BEFORE UPDATE ON audit_log") {
		t.Errorf("the dropped guard's return: %+v", es)
	}
	if es := entries("audit.trigger_removed"); len(es) != 1 || es[0].ObjectID != "zz_users" || !strings.Contains(string(es[0].Before), "mallory") {
		t.Errorf("the foreign trigger's removal: %+v", es)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('audit_log_no_update', 'zz_users')`).Scan(&n); err != nil || n != 1 {
		t.Errorf("after the write: %d of the guard and the foreign trigger, %v; want the guard only", n, err)
	}
	if _, err := db.VerifyAuditChain(ctx); err != nil {
		t.Errorf("verify: %v", err)
	}

	// A newer version's migration, and a schema change for the next
	// write to look at.
	mustExec(t, raw, `INSERT INTO migrations (name, applied_at) VALUES ('migration/9999_future.sql', '2027-01-01T00:00:00Z')`)
	mustExec(t, raw, `CREATE INDEX future ON agencies (name)`)
	err = db.CreateAgency(ctx, &qms.Agency{Code: "B", Name: "Sở B"})
	if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "9999_future") {
		t.Errorf("a write on a file a newer version migrated: %v", err)
	}
	if _, err := sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)}); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Errorf("an open of a file a newer version migrated: %v", err)
	}
}
