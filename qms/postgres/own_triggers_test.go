package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
)

// TestOwnSchema: the schema's triggers, their functions and its rules are
// the code's. An open that finds them so writes nothing; a trigger
// disabled, a function replaced and a rule put in while the store is open
// are put right by the next write, before it, each on the record; a
// database a newer version migrated is refused. (A change made while a
// write runs: TestChangeDuringWriteFailsIt.)
func TestOwnSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	open := func() (*postgres.DB, error) {
		return postgres.Open(ctx, url, postgres.Options{PasswordCost: bcrypt.MinCost})
	}
	db, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, _ := policies.Default()
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	raw, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	entries := func(action string) []*qms.AuditEntry {
		t.Helper()
		es, _, err := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	again, err := open()
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if n := len(entries("audit.trigger_restored")) + len(entries("audit.trigger_removed")); n != 0 {
		t.Fatalf("an open of a database whose objects are the code's recorded %d of them", n)
	}

	exec(`ALTER TABLE users DISABLE TRIGGER users_row`)
	exec(`CREATE OR REPLACE FUNCTION note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`)
	exec(`CREATE RULE zz_quiet AS ON INSERT TO row_changes DO INSTEAD NOTHING`)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	restored := map[string]string{}
	for _, e := range entries("audit.trigger_restored") {
		restored[e.ObjectID] = string(e.Before)
	}
	if !strings.Contains(restored["users_row"], "enabled: D") || !strings.Contains(restored["note_row_change()"], "RETURN NULL") || len(restored) != 2 {
		t.Errorf("written again: %v; want users_row (disabled) and note_row_change()", restored)
	}
	for _, e := range entries("audit.trigger_restored") {
		if e.Actor != qms.SystemActor("open").Username {
			t.Errorf("%s written again by %s, want the system", e.ObjectID, e.Actor)
		}
	}
	if es := entries("audit.trigger_removed"); len(es) != 1 || es[0].ObjectID != "zz_quiet" {
		t.Errorf("the foreign rule's removal: %+v", es)
	}
	var state string
	if err := raw.QueryRow(ctx, `SELECT (SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'users_row') || (SELECT count(*) FROM pg_rewrite WHERE rulename = 'zz_quiet')`).Scan(&state); err != nil || state != "O0" {
		t.Errorf("after the write: %q %v; want the trigger enabled and no rule", state, err)
	}
	if _, err := db.VerifyAuditChain(sys); err != nil {
		t.Errorf("verify: %v", err)
	}

	// A schema named after the user, with a table of the store's name:
	// the store's connections keep to public (outsider pass 18).
	var user string
	if err := raw.QueryRow(ctx, `SELECT current_user`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	exec(`CREATE SCHEMA ` + pgx.Identifier{user}.Sanitize())
	exec(`CREATE TABLE ` + pgx.Identifier{user, "row_changes"}.Sanitize() + ` (LIKE public.row_changes)`)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "D", Name: "Sở D"}); err != nil {
		t.Errorf("a write with a schema named after the user: %v", err)
	}
	if again, err := open(); err != nil {
		t.Errorf("an open with a schema named after the user: %v", err)
	} else {
		again.Close()
	}
	if _, err := db.VerifyAuditChain(sys); err != nil {
		t.Errorf("verify with a schema named after the user: %v", err)
	}
	exec(`DROP SCHEMA ` + pgx.Identifier{user}.Sanitize() + ` CASCADE`)

	// A table's definition changed while the store runs (pass 19 gave a
	// column a foreign key whose ON DELETE SET DEFAULT reset it inside an
	// audited write): refused, and named, until it is put back.
	exec(`ALTER TABLE agencies ADD CONSTRAINT zz_check CHECK (code <> '')`)
	err = db.CreateAgency(sys, &qms.Agency{Code: "E", Name: "Sở E"})
	if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "agencies") {
		t.Errorf("a write on a database whose table agencies was changed: %v", err)
	}
	var rt *qms.RowsTampered
	if _, err := db.VerifyAuditChain(sys); !errors.As(err, &rt) || rt.Rows[0].Table != "agencies" {
		t.Errorf("verify of a database whose table agencies was changed: %v", err)
	}
	exec(`ALTER TABLE agencies DROP CONSTRAINT zz_check`)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "E", Name: "Sở E"}); err != nil {
		t.Errorf("a write once the table is put back: %v", err)
	}
	// Row security is part of a table: a policy (one alone moves no
	// table's catalog row) can hide rows from the reads of the server and
	// of the verification, or refuse its writes, once row security is on.
	for i, change := range [][2]string{
		{`CREATE POLICY zz_hide ON memberships USING (role <> 'admin')`, `DROP POLICY zz_hide ON memberships`},
		{`ALTER TABLE memberships ENABLE ROW LEVEL SECURITY`, `ALTER TABLE memberships DISABLE ROW LEVEL SECURITY`},
		{`ALTER TABLE memberships FORCE ROW LEVEL SECURITY`, `ALTER TABLE memberships NO FORCE ROW LEVEL SECURITY`},
	} {
		exec(change[0])
		code := fmt.Sprintf("RLS%d", i)
		err = db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Sở " + code})
		if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "memberships") {
			t.Errorf("a write after %q: %v", change[0], err)
		}
		if _, err := db.VerifyAuditChain(sys); !errors.As(err, &rt) || rt.Rows[0].Table != "memberships" {
			t.Errorf("verify after %q: %v", change[0], err)
		}
		exec(change[1])
		if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
			t.Errorf("a write once %q is undone: %v", change[0], err)
		}
	}

	exec(`INSERT INTO migrations (name, applied_at) VALUES ('migration/9999_future.sql', '2027-01-01T00:00:00Z')`)
	exec(`ALTER TABLE users DISABLE TRIGGER users_row`)
	err = db.CreateAgency(sys, &qms.Agency{Code: "C", Name: "Sở C"})
	if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), "9999_future") {
		t.Errorf("a write on a database a newer version migrated: %v", err)
	}
	if _, err := open(); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Errorf("an open of a database a newer version migrated: %v", err)
	}
}
