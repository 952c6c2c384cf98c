package sqlite_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// rehashFrom edits the entries from id on with edit and re-hashes them and
// every later entry, then moves the head: what someone with the file and
// the published hash scheme can do once the triggers are dropped.
func rehashFrom(t *testing.T, raw *sql.DB, from int64, edit func(*qms.AuditEntry)) {
	t.Helper()
	rows, err := raw.Query(`SELECT id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states, prev_hash FROM audit_log WHERE id >= ? ORDER BY id`, from)
	if err != nil {
		t.Fatal(err)
	}
	var es []*qms.AuditEntry
	for rows.Next() {
		var e qms.AuditEntry
		var at string
		var before, after, states sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &states, &e.PrevHash); err != nil {
			t.Fatal(err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		if states.Valid {
			json.Unmarshal([]byte(states.String), &e.Rows)
		}
		es = append(es, &e)
	}
	rows.Close()
	prev := es[0].PrevHash
	for i, e := range es {
		if i == 0 {
			edit(e)
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		if _, err := raw.Exec(`UPDATE audit_log SET actor = ?, after_json = ?, prev_hash = ?, hash = ? WHERE id = ?`, e.Actor, nullRaw(e.After), e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	last := es[len(es)-1]
	if _, err := raw.Exec(`UPDATE audit_head SET last_id = ?, last_hash = ?`, last.ID, last.Hash); err != nil {
		t.Fatal(err)
	}
}

func nullRaw(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// TestTrust11SignedCheckpoints: with the triggers dropped, an attacker
// with the file removes the newest entries and moves the head back, or
// edits an entry and re-hashes the rest. The chain alone still verifies;
// the head signed before the tampering no longer is in it.
func TestTrust11SignedCheckpoints(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, raw *sql.DB, signed int64)
		want   string
	}{
		{"newest entries deleted, head moved back", func(t *testing.T, raw *sql.DB, signed int64) {
			var h string
			if err := raw.QueryRow(`SELECT hash FROM audit_log WHERE id = ?`, signed-2).Scan(&h); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{`DELETE FROM audit_log WHERE id > ?`, `UPDATE audit_head SET last_id = ?`} {
				if _, err := raw.Exec(q, signed-2); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := raw.Exec(`UPDATE audit_head SET last_hash = ?`, h); err != nil {
				t.Fatal(err)
			}
			// The agencies those entries created go with them: agencies
			// are security rows (RowStateVersion 3), which an agency the
			// trail no longer records would show.
			if _, err := raw.Exec(`DELETE FROM agencies WHERE code NOT IN (SELECT object_id FROM audit_log WHERE action = 'agency.create')`); err != nil {
				t.Fatal(err)
			}
		}, "entries were removed"},
		{"entry edited, the rest re-hashed", func(t *testing.T, raw *sql.DB, signed int64) {
			rehashFrom(t, raw, 3, func(e *qms.AuditEntry) { e.After = json.RawMessage(`{"code":"HACKED"}`) })
		}, "was rewritten"},
	}
	_, key, _ := ed25519.GenerateKey(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, clk, ctx := openDB(t)
			for _, c := range []string{"A", "B", "C"} {
				if err := db.CreateAgency(ctx, &qms.Agency{Code: c, Name: c}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := db.VerifyAuditTrail(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			cp := qms.SignCheckpoint(key, v.HeadID, v.HeadHash, clk.Now())
			if err := db.CreateAgency(ctx, &qms.Agency{Code: "D", Name: "D"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.VerifyAuditTrail(ctx, []qms.Checkpoint{cp}); err != nil {
				t.Fatalf("intact trail with its checkpoint: %v", err)
			}
			raw := rawDB(t, db)
			dropAuditGuards(t, raw)
			tt.tamper(t, raw, cp.ID)
			if n, err := db.VerifyAuditChain(ctx); err != nil {
				t.Fatalf("the tampering should be invisible to the chain alone (n=%d): %v", n, err)
			}
			_, err = db.VerifyAuditTrail(ctx, []qms.Checkpoint{cp})
			var br *qms.ChainBreak
			if !errors.As(err, &br) || !strings.Contains(br.Error(), tt.want) {
				t.Fatalf("verify with the checkpoint: %v, want a break saying %q", err, tt.want)
			}
		})
	}
}

// TestTrust11BaselineOnUpgrade: a database from before migration 0017
// has users, roles and rules that no entry recorded; the migration
// records their state once, and tampering after it is named.
func TestTrust11BaselineOnUpgrade(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// Back to the schema before 0017, then rows as an older release wrote them.
	var trgs []string
	rows, _ := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND (tbl_name IN ('audit_log', 'audit_head')
		OR name LIKE '%\_row\_%' ESCAPE '\')`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		trgs = append(trgs, n)
	}
	rows.Close()
	for _, n := range trgs {
		mustExec(t, raw, `DROP TRIGGER `+n)
	}
	mustExec(t, raw, `DROP TABLE row_changes`)
	mustExec(t, raw, `ALTER TABLE audit_log DROP COLUMN row_states`)
	mustExec(t, raw, `DROP TABLE step_delegations`)
	mustExec(t, raw, `DROP TABLE dossier_receipt_keys`)
	mustExec(t, raw, `DELETE FROM migrations WHERE name LIKE '%0017%' OR name LIKE '%0024%' OR name LIKE '%0057%' OR name LIKE '%0059%' OR name LIKE '%0062%' OR name LIKE '%0065%' OR name LIKE '%0066%'`)
	// No row of agency A: since 0057 an agency is vouched for by the
	// agency.create entry that made it, which this trail, cut back to
	// nothing, does not hold (this connection does not enforce the
	// memberships' foreign key).
	mustExec(t, raw, `INSERT INTO users (id, username, password_hash, created_at, updated_at) VALUES (7, 'lan', 'x', '', '')`)
	mustExec(t, raw, `INSERT INTO memberships (user_id, agency_code, role) VALUES (7, 'A', 'staff')`)
	mustExec(t, raw, `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', 'staff', '*', 'dossier', 'read')`)

	db, err = sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	// The triggers this downgrade dropped of migrations it keeps (0063's),
	// those 0017 writes again as they were before 0055 covered more
	// columns, and the indexes of the tables it dropped as 0024 makes
	// them, the open writes as the code has them, each on the record.
	restored, _, err := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.trigger_restored"), Limit: 100})
	if err != nil || len(restored) == 0 {
		t.Fatalf("the dropped triggers written again: %d entries, %v", len(restored), err)
	}
	for _, e := range restored {
		if !strings.Contains(e.ObjectID, "_row_") && !strings.HasPrefix(e.ObjectID, "step_delegations_") {
			t.Errorf("restored %s, before %s: not one this downgrade dropped", e.ObjectID, e.Before)
		}
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil || n != 1+int64(len(restored)) {
		t.Fatalf("upgraded database: %d entries, %v; want the baseline entry and %d triggers written again", n, err, len(restored))
	}
	es, _, err := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.baseline")})
	if err != nil || len(es) != 1 || es[0].Action != "audit.baseline" || len(es[0].Rows) != 3 {
		t.Fatalf("baseline entry: %+v %v", es, err)
	}
	mustExec(t, raw, `INSERT INTO memberships (user_id, agency_code, role) VALUES (7, 'A', 'admin')`)
	var rt *qms.RowsTampered
	if _, err := db.VerifyAuditChain(ctx); !errors.As(err, &rt) || len(rt.Rows) != 1 || rt.Rows[0].Key != `[7,"A","admin"]` {
		t.Fatalf("a role granted after the upgrade: %v", err)
	}
}

func mustExec(t *testing.T, raw *sql.DB, q string) {
	t.Helper()
	if _, err := raw.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestOutsider11RebaselineOnUpgrade: migration 0055 covers more columns
// of the security rows (a user's full name, title and temporary
// password, a token's prefix, a session's CSRF token). A database whose
// trail recorded the rows' states without them upgrades without every
// row reading as changed: the migration records the rows whose state
// before was still the recorded one, and a row changed outside the
// application before the upgrade stays named.
func TestOutsider11RebaselineOnUpgrade(t *testing.T) {
	db, _, ctx := openDB(t)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*qms.User{
		{Username: "lan", FullName: "Trần Thị Lan", Title: "Chuyên viên", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}},
		{Username: "khoa", FullName: "Lê Khoa", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleLeader}}},
	} {
		if err := db.CreateUser(ctx, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		if u.Username == "lan" {
			if _, _, err := db.CreateAPIToken(ctx, u.ID, "ci", 0); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.CreateSession(ctx, u.ID, "A"); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := db.Path()
	db.Close()

	// Back to 0054: its triggers, and a trail that hashed the rows as the
	// release before did (rows written once each: their state now is the
	// one recorded).
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	sqlite.UndoRowBefore(t, raw)
	for _, q := range []string{
		`DROP TRIGGER users_row_update`,
		`CREATE TRIGGER users_row_update AFTER UPDATE OF id, username, email, password_hash, disabled ON users
		BEGIN INSERT INTO row_changes VALUES ('users', json_array(OLD.id)), ('users', json_array(NEW.id)); END`,
		`DROP TRIGGER api_tokens_row_update`,
		`CREATE TRIGGER api_tokens_row_update AFTER UPDATE OF id, user_id, token_hash, expires_at, revoked_at ON api_tokens
		BEGIN INSERT INTO row_changes VALUES ('api_tokens', json_array(OLD.id)), ('api_tokens', json_array(NEW.id)); END`,
		`DROP TRIGGER sessions_row_update`,
		`CREATE TRIGGER sessions_row_update AFTER UPDATE OF id, user_id, agency_code, expires_at ON sessions
		BEGIN INSERT INTO row_changes VALUES ('sessions', json_array(OLD.id)), ('sessions', json_array(NEW.id)); END`,
		`DROP TRIGGER signatures_row_insert`, `DROP TRIGGER signatures_row_update`, `DROP TRIGGER signatures_row_delete`,
		`ALTER TABLE signatures DROP COLUMN content_version`,
		// A guard dropped by whoever held the file: the upgrade recreates
		// it rather than stop.
		`DROP TRIGGER dossier_steps_signed`,
		`DELETE FROM migrations WHERE name LIKE '%0055%'`,
	} {
		mustExec(t, raw, q)
	}
	dropAuditGuards(t, raw)
	v1 := map[string]string{
		"users":      `SELECT username, email, password_hash, disabled FROM users WHERE id = json_extract(?, '$[0]')`,
		"api_tokens": `SELECT user_id, token_hash, expires_at, revoked_at FROM api_tokens WHERE id = json_extract(?, '$[0]')`,
		"sessions":   `SELECT user_id, agency_code, expires_at FROM sessions WHERE id = json_extract(?, '$[0]')`,
	}
	rewriteRowStates(t, raw, func(r *qms.RowState) {
		q, ok := v1[r.Table]
		if !ok || r.Hash == "" {
			return
		}
		rows, err := raw.Query(q, r.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if !rows.Next() {
			return // gone since
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		ptrs := make([]*string, len(vals))
		for i := range vals {
			if vals[i].Valid {
				ptrs[i] = &vals[i].String
			}
		}
		r.Hash = qms.HashRowState(r.Table, r.Key, ptrs)
	})
	// Before the upgrade, with the file alone: khoa's password replaced.
	mustExec(t, raw, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'lan') WHERE username = 'khoa'`)
	var users, tokens, sessions int
	raw.QueryRow(`SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM api_tokens), (SELECT COUNT(*) FROM sessions)`).Scan(&users, &tokens, &sessions)

	db, err = sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	named := func(when string, want ...string) {
		t.Helper()
		_, err := db.VerifyAuditChain(ctx)
		var rt *qms.RowsTampered
		if !errors.As(err, &rt) {
			t.Fatalf("%s: %v, want %v named", when, err, want)
		}
		var got []string
		for _, c := range rt.Rows {
			got = append(got, c.Change+" "+c.Label)
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Fatalf("%s: named %v, want %v", when, got, want)
		}
	}
	named("after the upgrade", qms.RowAltered+" người dùng khoa")
	var guards int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'dossier_steps_signed'`).Scan(&guards); err != nil || guards != 1 {
		t.Fatalf("the dropped guard after the upgrade: %d %v", guards, err)
	}
	es, _, err := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("audit.baseline")})
	if err != nil || len(es) != 1 || len(es[0].Rows) != users+tokens+sessions-1 {
		t.Fatalf("baseline entries %+v %v, want one of %d rows", es, err, users+tokens+sessions-1)
	}
	mustExec(t, raw, `UPDATE users SET title = 'Giám đốc Sở' WHERE username = 'lan'`)
	named("a title changed after the upgrade", qms.RowAltered+" người dùng lan", qms.RowAltered+" người dùng khoa")
}

// rewriteRowStates passes every row state of the trail through edit and
// re-hashes the whole chain, then moves the head: what an older release
// wrote, made with the file (the audit guards dropped).
func rewriteRowStates(t *testing.T, raw *sql.DB, edit func(*qms.RowState)) {
	t.Helper()
	rows, err := raw.Query(`SELECT id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var es []*qms.AuditEntry
	for rows.Next() {
		var e qms.AuditEntry
		var at string
		var before, after, states sql.NullString
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &states); err != nil {
			t.Fatal(err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		if states.Valid {
			json.Unmarshal([]byte(states.String), &e.Rows)
		}
		es = append(es, &e)
	}
	rows.Close()
	prev := qms.GenesisHash
	for _, e := range es {
		for i := range e.Rows {
			edit(&e.Rows[i])
		}
		var states any
		if len(e.Rows) > 0 {
			states = string(qms.AuditJSON(e.Rows))
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		if _, err := raw.Exec(`UPDATE audit_log SET row_states = ?, prev_hash = ?, hash = ? WHERE id = ?`, states, e.PrevHash, e.Hash, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	last := es[len(es)-1]
	if _, err := raw.Exec(`UPDATE audit_head SET last_id = ?, last_hash = ?`, last.ID, last.Hash); err != nil {
		t.Fatal(err)
	}
}
