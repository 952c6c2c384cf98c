package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
	"isodt/qms/qmstest"
)

func nullable(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// TestOutsider11RebaselineOnUpgrade: migration 0032 covers more columns
// of the security rows (SQLite's 0055). A database whose trail recorded
// the rows' states without them upgrades without every row reading as
// changed, and a row changed outside the application before the upgrade
// stays named (qms/sqlite's test of the same name); the signatures it
// starts covering are recorded if they are what their signature.sign
// entries recorded, and one renamed before the upgrade is named.
func TestOutsider11RebaselineOnUpgrade(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	db, err := postgres.Open(ctx, url, postgres.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := policies.Default()
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	if err := db.CreateAgency(sys, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*qms.User{
		{Username: "lan", FullName: "Trần Thị Lan", Title: "Chuyên viên", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}}},
		{Username: "khoa", FullName: "Lê Khoa", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleLeader}}},
	} {
		if err := db.CreateUser(sys, u, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		if u.Username == "lan" {
			if _, _, err := db.CreateAPIToken(sys, u.ID, "ci", 0); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.CreateSession(sys, u.ID, "A"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Two leaders' signatures on dossier steps.
	staff, leader, _ := qmstest.EffectiveProcedure(t, db, sys, qmstest.SampleTTHC())
	for i := 0; i < 2; i++ {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
			if _, err := db.CompleteStep(staff, "SVHTT", d.Code, in); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	raw, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close(ctx)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Back to 0031: its triggers, and a trail that hashed the rows as the
	// release before did.
	for _, q := range []string{
		`DROP TRIGGER users_row ON users`,
		`CREATE TRIGGER users_row AFTER INSERT OR DELETE OR UPDATE OF id, username, email, password_hash, disabled ON users
			FOR EACH ROW EXECUTE FUNCTION note_row_change('id')`,
		`DROP TRIGGER api_tokens_row ON api_tokens`,
		`CREATE TRIGGER api_tokens_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, token_hash, expires_at, revoked_at ON api_tokens
			FOR EACH ROW EXECUTE FUNCTION note_row_change('id')`,
		`DROP TRIGGER sessions_row ON sessions`,
		`CREATE TRIGGER sessions_row AFTER INSERT OR DELETE OR UPDATE OF id, user_id, agency_code, expires_at ON sessions
			FOR EACH ROW EXECUTE FUNCTION note_row_change('id')`,
		`DROP TRIGGER signatures_row ON signatures`,
		`DROP TRIGGER signatures_no_change ON signatures`,
		`ALTER TABLE signatures DROP COLUMN content_version`,
		`DELETE FROM migrations WHERE name LIKE '%0032%'`,
		`DROP TRIGGER audit_log_no_change ON audit_log`,
		`DROP TRIGGER audit_head_forward ON audit_head`,
	} {
		exec(q)
	}
	v1 := map[string]string{
		"users":      `SELECT username, email, password_hash, (disabled::int)::text FROM users WHERE id = (CAST($1 AS jsonb) ->> 0)::bigint`,
		"api_tokens": `SELECT user_id::text, token_hash, expires_at, revoked_at FROM api_tokens WHERE id = (CAST($1 AS jsonb) ->> 0)::bigint`,
		"sessions":   `SELECT user_id::text, agency_code, expires_at FROM sessions WHERE id = CAST($1 AS jsonb) ->> 0`,
	}
	rows, _ := raw.Query(ctx, `SELECT id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states FROM audit_log ORDER BY id`)
	var es []*qms.AuditEntry
	for rows.Next() {
		var e qms.AuditEntry
		var at string
		var before, after, states *string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &states); err != nil {
			t.Fatal(err)
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		if before != nil {
			e.Before = json.RawMessage(*before)
		}
		if after != nil {
			e.After = json.RawMessage(*after)
		}
		if states != nil {
			json.Unmarshal([]byte(*states), &e.Rows)
		}
		es = append(es, &e)
	}
	rows.Close()
	prev := qms.GenesisHash
	for _, e := range es {
		// The release before recorded no row state of a signature, nor
		// its content version.
		kept := e.Rows[:0]
		for _, r := range e.Rows {
			if r.Table != "signatures" {
				kept = append(kept, r)
			}
		}
		e.Rows = kept
		if e.Action == "signature.sign" {
			var sig map[string]any
			json.Unmarshal(e.After, &sig)
			delete(sig, "content_version")
			e.After = qms.AuditJSON(sig)
		}
		for i, r := range e.Rows {
			q, ok := v1[r.Table]
			if !ok || r.Hash == "" {
				continue
			}
			vals := make([]*string, strings.Count(strings.SplitN(q, " FROM ", 2)[0], ",")+1)
			dest := make([]any, len(vals))
			for j := range vals {
				dest[j] = &vals[j]
			}
			if err := raw.QueryRow(ctx, q, r.Key).Scan(dest...); err == pgx.ErrNoRows {
				continue
			} else if err != nil {
				t.Fatal(err)
			}
			e.Rows[i].Hash = qms.HashRowState(r.Table, r.Key, vals)
		}
		var states any
		if len(e.Rows) > 0 {
			states = string(qms.AuditJSON(e.Rows))
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		exec(`UPDATE audit_log SET after_json = $1, row_states = $2, prev_hash = $3, hash = $4 WHERE id = $5`, nullable(e.After), states, e.PrevHash, e.Hash, e.ID)
	}
	exec(`UPDATE audit_head SET last_id = $1, last_hash = $2`, es[len(es)-1].ID, prev)
	// Before the upgrade, with the database password alone: khoa's
	// password replaced.
	exec(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'lan') WHERE username = 'khoa'`)
	// and the second signature's signer renamed.
	var renamed int64
	raw.QueryRow(ctx, `SELECT MAX(object_id) FROM signatures`).Scan(&renamed)
	exec(`UPDATE signatures SET full_name = 'Nguyễn Văn Giám' WHERE object_id = $1`, renamed)
	var n int
	raw.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM sessions) + (SELECT COUNT(*) FROM signatures)`).Scan(&n)
	renamedSig := fmt.Sprintf("%s chữ ký approved của giam.doc trên dossier_step %d", qms.RowAdded, renamed)

	db, err = postgres.Open(ctx, url, postgres.Options{PasswordCost: bcrypt.MinCost})
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
			// The signed steps' content is not this test's subject: the
			// signatures, made by this release at content version 3,
			// read as version 1 once the column is dropped and added
			// again, and their steps as changed since.
			if !strings.HasPrefix(c.Label, "nội dung ") {
				got = append(got, c.Change+" "+c.Label)
			}
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Fatalf("%s: named %v, want %v", when, got, want)
		}
	}
	named("after the upgrade", qms.RowAltered+" người dùng khoa", renamedSig)
	action := "audit.baseline"
	es, _, err = db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
	if err != nil || len(es) != 1 || len(es[0].Rows) != n-2 {
		t.Fatalf("baseline entries %+v %v, want one of %d rows", es, err, n-2)
	}
	exec(`UPDATE users SET title = 'Giám đốc Sở' WHERE username = 'lan'`)
	named("a title changed after the upgrade", qms.RowAltered+" người dùng lan", qms.RowAltered+" người dùng khoa", renamedSig)
}
