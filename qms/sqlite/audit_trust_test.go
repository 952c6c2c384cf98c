package sqlite_test

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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

// TestTrust11RowsWrittenOutsideTheApp: a row of users, memberships,
// api_tokens or policy_rules written with the file alone is named by
// verification, and a later audited write does not make it legitimate.
func TestTrust11RowsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name   string
		sql    string // {lan}, {khoa}: the users' ids; {tok}: lan's token's
		table  string
		key    string
		change string
		label  string
	}{
		{"role granted in memberships", `INSERT INTO memberships (user_id, agency_code, role) VALUES ({lan}, 'A', 'admin')`,
			"memberships", `[{lan},"A","admin"]`, qms.RowAdded, "lan"},
		{"password hash replaced", `UPDATE users SET password_hash = '$2a$04$abcdefghijklmnopqrstuu5Yh0DfWqLh3pQvX3VnKcL2Gh4O9m2aW' WHERE id = {lan}`,
			"users", `[{lan}]`, qms.RowAltered, "lan"},
		{"account enabled again", `UPDATE users SET disabled = 0 WHERE username = 'khoa'`,
			"users", `[{khoa}]`, qms.RowAltered, "khoa"},
		{"role withdrawn in memberships", `DELETE FROM memberships WHERE user_id = {lan}`,
			"memberships", `[{lan},"A","staff"]`, qms.RowDeleted, ""},
		{"user inserted", `INSERT INTO users (username, password_hash, created_at, updated_at) VALUES ('mallory', 'x', '', '')`,
			"users", "", qms.RowAdded, "mallory"},
		{"token handed to another user", `UPDATE api_tokens SET user_id = 1 WHERE id = {tok}`,
			"api_tokens", `[{tok}]`, qms.RowAltered, "admin"},
		{"policy rule inserted", `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', 'staff', '*', 'audit', 'admin')`,
			"policy_rules", "", qms.RowAdded, "staff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, ctx := openDB(t)
			if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
				t.Fatal(err)
			}
			lan := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}
			khoa := &qms.User{Username: "khoa", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleLeader}}}
			for _, u := range []*qms.User{lan, khoa} {
				if err := db.CreateUser(ctx, u, "mat-khau-123"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.UpdateUser(ctx, khoa.ID, qms.UserUpdate{Disabled: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			_, tok, err := db.CreateAPIToken(ctx, lan.ID, "ci", 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.VerifyAuditChain(ctx); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			ids := strings.NewReplacer("{lan}", fmt.Sprint(lan.ID), "{tok}", fmt.Sprint(tok.ID), "{khoa}", fmt.Sprint(khoa.ID))
			if _, err := rawDB(t, db).Exec(ids.Replace(tt.sql)); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				_, err := db.VerifyAuditChain(ctx)
				var rt *qms.RowsTampered
				if !errors.As(err, &rt) {
					t.Fatalf("%s: %v, want the row named", when, err)
				}
				for _, c := range rt.Rows {
					if c.Table == tt.table && (tt.key == "" || c.Key == ids.Replace(tt.key)) &&
						c.Change == tt.change && strings.Contains(c.Label, tt.label) {
						if len(rt.Rows) != 1 {
							t.Fatalf("%s: %v, want only this row", when, rt.Rows)
						}
						return
					}
				}
				t.Fatalf("%s: %v, want %s %s %s (%s)", when, rt.Rows, tt.change, tt.table, tt.key, tt.label)
			}
			check("after tampering")
			// Audited writes of the same tables come after: they must not
			// record the tampered row as theirs.
			admin, err := db.FindUserByUsername(ctx, "admin")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetMembership(ctx, admin.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleAuditor}, false); err != nil {
				t.Fatal(err)
			}
			if err := db.AddPolicyRule(ctx, []string{"auditor", "*", "report", "read"}); err != nil {
				t.Fatal(err)
			}
			check("after later audited writes")
		})
	}
}

// TestTrust11AuditedWritesVerify: the store's own writes of the security
// tables record their rows, and columns that decide nothing (a name,
// updated_at) may change without an entry.
func TestTrust11AuditedWritesVerify(t *testing.T) {
	db, _, ctx := openDB(t)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	u := &qms.User{Username: "lan", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}}
	if err := db.CreateUser(ctx, u, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error {
			_, err := db.SetMembership(ctx, u.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleLeader}, false)
			return err
		},
		func() error {
			_, err := db.SetMembership(ctx, u.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleStaff}, true)
			return err
		},
		func() error { return db.SetPassword(ctx, u.ID, "mat-khau-moi-456") },
		func() error {
			_, err := db.UpdateUser(ctx, u.ID, qms.UserUpdate{Email: ptr("lan@so-a.gov.vn")})
			return err
		},
		func() error { _, _, err := db.CreateAPIToken(ctx, u.ID, "ci", 0); return err },
		func() error { return db.AddPolicyRule(ctx, []string{"leader", "A", "report", "read"}) },
		func() error { return db.RemovePolicyRule(ctx, []string{"leader", "A", "report", "read"}) },
		func() error {
			_, err := db.UpdateUser(ctx, u.ID, qms.UserUpdate{Disabled: ptr(true)})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if _, err := db.VerifyAuditChain(ctx); err != nil {
			t.Fatalf("after step %d: %v", i, err)
		}
	}
	raw := rawDB(t, db)
	for _, q := range []string{`UPDATE users SET full_name = 'Lan', updated_at = 'x'`, `UPDATE api_tokens SET name = 'đổi tên'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.VerifyAuditChain(ctx); err != nil {
		t.Fatalf("a change of columns outside the security state: %v", err)
	}
}

// TestTrust11AuditLogAppendOnly: the audit table refuses UPDATE and
// DELETE, and its head only moves forward.
func TestTrust11AuditLogAppendOnly(t *testing.T) {
	db, _, ctx := openDB(t)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	for _, tt := range []struct{ sql, want string }{
		{`UPDATE audit_log SET actor = 'mallory' WHERE id = 2`, "audit_log: nhật ký hệ thống chỉ được ghi thêm, không được sửa"},
		{`DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`, "audit_log: nhật ký hệ thống chỉ được ghi thêm, không được xóa"},
		{`UPDATE audit_head SET last_id = last_id - 1`, "audit_head: đầu chuỗi nhật ký chỉ tiến lên"},
		{`DELETE FROM audit_head`, "audit_head: không được xóa"},
	} {
		if _, err := raw.Exec(tt.sql); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want refused with %q", tt.sql, err, tt.want)
		}
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil || n < 2 {
		t.Fatalf("after the refused statements: %d %v", n, err)
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
		OR (tbl_name IN ('users', 'memberships', 'api_tokens', 'policy_rules', 'sessions') AND name LIKE '%\_row\_%' ESCAPE '\'))`)
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
	mustExec(t, raw, `DELETE FROM migrations WHERE name LIKE '%0017%' OR name LIKE '%0024%'`)
	mustExec(t, raw, `INSERT INTO agencies (code, name, created_at, updated_at) VALUES ('A', 'Sở A', '', '')`)
	mustExec(t, raw, `INSERT INTO users (id, username, password_hash, created_at, updated_at) VALUES (7, 'lan', 'x', '', '')`)
	mustExec(t, raw, `INSERT INTO memberships (user_id, agency_code, role) VALUES (7, 'A', 'staff')`)
	mustExec(t, raw, `INSERT INTO policy_rules (ptype, v0, v1, v2, v3) VALUES ('p', 'staff', '*', 'dossier', 'read')`)

	db, err = sqlite.Open(context.Background(), path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if n, err := db.VerifyAuditChain(ctx); err != nil || n != 1 {
		t.Fatalf("upgraded database: %d entries, %v; want the baseline entry only", n, err)
	}
	es, _, err := db.FindAuditEntries(ctx, qms.AuditFilter{})
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
