package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
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

// TestOwnSchemaTables: outsider pass 18. The column the triggers list a
// row's state before in, made a generated column that computes the state
// the trail recorded while the server runs, then a user's e-mail changed
// and the user written by the application: the next write puts the table
// back first, so the user is named, and the table's return is on the
// record. A table of the code's whose column is made a generated one is
// not put right: writes are refused naming it, and verify names it. A
// foreign index is dropped.
func TestOwnSchemaTables(t *testing.T) {
	db, _, ctx := openDB(t)
	raw := rawDB(t, db)
	u := &qms.User{Username: "lan", FullName: "Trần Thị Lan", Email: "lan@example.vn"}
	if err := db.CreateUser(ctx, u, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	var recorded string
	if err := raw.QueryRow(`SELECT json_object('username', username, 'email', email, 'password_hash', password_hash, 'disabled', disabled,
		'full_name', full_name, 'title', title, 'password_temporary', password_temporary) FROM users WHERE id = ?`, u.ID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE row_olds RENAME COLUMN old_row TO old_real`,
		`ALTER TABLE row_olds ADD COLUMN old_row TEXT GENERATED ALWAYS AS (CASE WHEN tbl = 'users' AND old_real IS NOT NULL THEN '` + recorded + `' ELSE old_real END) VIRTUAL`,
		`UPDATE users SET email = 'mallory@example.com' WHERE username = 'lan'`,
		`CREATE INDEX zz_members ON memberships (role, agency_code)`,
	} {
		mustExec(t, raw, q)
	}
	if _, err := db.UpdateUser(ctx, u.ID, qms.UserUpdate{FullName: ptr("Trần Thị Lan Anh")}); err != nil {
		t.Fatal(err)
	}
	_, err := db.VerifyAuditChain(ctx)
	var rt *qms.RowsTampered
	if !errors.As(err, &rt) || len(rt.Rows) != 1 || rt.Rows[0].Table != "users" || !strings.Contains(rt.Rows[0].Label, "trước khi ứng dụng ghi") {
		t.Fatalf("verify after the write: %v, want the user named", err)
	}
	restored, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.trigger_restored"), Limit: 10})
	removed, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.trigger_removed"), Limit: 10})
	if len(restored) != 1 || restored[0].ObjectID != "row_olds" || !strings.Contains(string(restored[0].Before), "GENERATED") ||
		len(removed) != 1 || removed[0].ObjectID != "zz_members" {
		t.Errorf("put right: restored %+v, removed %+v", restored, removed)
	}

	// A column of a table of the code's made a generated one.
	for _, q := range []string{
		`ALTER TABLE agencies RENAME COLUMN name TO name_real`,
		`ALTER TABLE agencies ADD COLUMN name TEXT GENERATED ALWAYS AS (name_real) VIRTUAL`,
	} {
		mustExec(t, raw, q)
	}
	refusedAndNamed(t, db, ctx, "agencies")
}

// TestOwnSchemaTableText: outsider pass 19 gave users.disabled a foreign
// key whose ON DELETE SET DEFAULT re-enabled a user inside an audited
// write, with writable_schema, leaving the columns as they were. The
// table's whole text is compared: writes are refused naming it, verify
// names it.
func TestOwnSchemaTableText(t *testing.T) {
	db, _, ctx := openDB(t)
	raw := rawDB(t, db)
	var text string
	if err := raw.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'users'`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	const col = "disabled      INTEGER NOT NULL DEFAULT 0,"
	if !strings.Contains(text, col) {
		t.Fatalf("users: %s", text)
	}
	changed := strings.Replace(text, col, "disabled      INTEGER NOT NULL DEFAULT 0 REFERENCES agencies (code) ON DELETE SET DEFAULT,", 1)
	editSchema(t, raw, `PRAGMA writable_schema = ON`,
		`UPDATE sqlite_master SET sql = '`+strings.ReplaceAll(changed, "'", "''")+`' WHERE name = 'users'`)
	refusedAndNamed(t, db, ctx, "users")
}

// editSchema runs stmts on one connection, then moves the schema version
// and turns writable_schema off, as whoever has the file can.
func editSchema(t *testing.T, raw *sql.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var v int64
	if err := conn.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`PRAGMA schema_version = ` + strconv.FormatInt(v+1, 10), `PRAGMA writable_schema = OFF`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// refusedAndNamed wants a write refused naming table, and verify naming
// it.
func refusedAndNamed(t *testing.T, db *sqlite.DB, ctx context.Context, table string) {
	t.Helper()
	err := db.CreateAgency(ctx, &qms.Agency{Code: "B", Name: "Sở B"})
	if qms.ErrorCode(err) != qms.ECONFLICT || !strings.Contains(qms.ErrorMessage(err), table) {
		t.Errorf("a write on a file whose table %s was changed: %v", table, err)
	}
	_, err = db.VerifyAuditChain(ctx)
	var rt *qms.RowsTampered
	if !errors.As(err, &rt) || rt.Rows[0].Table != table || !strings.Contains(rt.Rows[0].Label, "cấu trúc bảng "+table) {
		t.Errorf("verify of a file whose table %s was changed: %v", table, err)
	}
}

// TestVerifyFindsIndexNotItsTable: outsider pass 19 made an index partial
// under its own text (writable_schema), which hid dossiers from the
// overdue checks; another edit led an attacker's token hash to the
// administrator's row. The schema's text is the code's, but a whole
// verification runs SQLite's integrity check and names the file.
func TestVerifyFindsIndexNotItsTable(t *testing.T) {
	db, _, ctx := openDB(t)
	raw := rawDB(t, db)
	editSchema(t, raw, `DROP INDEX memberships_agency`,
		`CREATE INDEX memberships_agency ON memberships (agency_code) WHERE agency_code <> 'SYS'`,
		`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_master SET sql = 'CREATE INDEX memberships_agency ON memberships (agency_code)' WHERE name = 'memberships_agency'`)
	_, err := db.VerifyAuditChain(ctx)
	var rt *qms.RowsTampered
	if !errors.As(err, &rt) || !strings.Contains(rt.Rows[0].Label, "tệp cơ sở dữ liệu không nhất quán") || !strings.Contains(rt.Rows[0].Label, "memberships_agency") {
		t.Fatalf("verify of a file with an index partial under its own text: %v", err)
	}
}

// TestOwnSchemaReservedNames: outsider pass 20 put in, with
// writable_schema, a trigger named sqlite_… (a name SQLite reserves for
// itself, which the comparison skipped) that granted a user the system
// agency's admin role inside the application's next write. It is dropped
// before that write, on the record.
func TestOwnSchemaReservedNames(t *testing.T) {
	db, _, ctx := openDB(t)
	raw := rawDB(t, db)
	u := &qms.User{Username: "lan", FullName: "Trần Thị Lan"}
	if err := db.CreateUser(ctx, u, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(u.ID, 10)
	editSchema(t, raw, `PRAGMA writable_schema = ON`,
		`CREATE TRIGGER SQLITE_evil AFTER INSERT ON row_changes WHEN NEW.tbl <> 'memberships'
			AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = `+id+` AND agency_code = 'SYS' AND role = 'admin')
			BEGIN INSERT INTO memberships (user_id, agency_code, role) VALUES (`+id+`, 'SYS', 'admin'); END`,
		`CREATE INDEX sqlite_ix ON agencies (name)`)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "B", Name: "Sở B"}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT (SELECT count(*) FROM memberships WHERE user_id = ? AND role = 'admin')
		+ (SELECT count(*) FROM sqlite_master WHERE name IN ('SQLITE_evil', 'sqlite_ix'))`, u.ID).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the write: %d of the role granted and the foreign objects, %v; want none", n, err)
	}
	removed, _, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.trigger_removed"), Limit: 10})
	if len(removed) != 2 {
		t.Errorf("removed on the record: %+v, want the trigger and the index", removed)
	}
}
