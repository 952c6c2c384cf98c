package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlstore"
)

// legacySignedContentSQL is how this store hashed signed content before
// signatures were shared: SQLite's json_array. The shared hash must give
// the same bytes, or every signature made before would read as broken.
var legacySignedContentSQL = map[string]string{
	qms.SignedProcedureVersion: `SELECT json_array(procedure_id, number, content_json) FROM procedure_versions WHERE id = ?`,
	qms.SignedFormVersion:      `SELECT json_array(form_id, number, schema_json, template_json, change_summary) FROM form_versions WHERE id = ?`,
	qms.SignedNonconformity: `SELECT json_array(n.code, n.source, n.source_ref, n.description, n.correction, n.root_cause, n.status, n.verdict, n.verified_by, n.verified_at, n.closed_at, n.close_reason,
		(SELECT json_group_array(json_array(a.id, a.description, a.owner, a.due_on, a.done_at, a.result)) FROM (SELECT * FROM corrective_actions WHERE nc_id = n.id ORDER BY id) a))
		FROM nonconformities n WHERE n.id = ?`,
	qms.SignedAuditReport: `SELECT json_array(p.title, p.scope_json, p.start_on, p.end_on, p.status, p.summary, p.conclusion, p.reported_at,
		(SELECT json_group_array(json_array(i.id, i.clause, i.question, i.result, i.evidence, i.note)) FROM (SELECT * FROM audit_items WHERE plan_id = p.id ORDER BY id) i))
		FROM audit_plans p WHERE p.id = ?`,
	qms.SignedDossierStep: `SELECT json_array(s.dossier_id, s.step_id, s.step_name, s.completed_at, s.actor, s.exit, s.form_code, s.form_version, s.entry_json, s.files_json, s.note, s.result)
		FROM dossier_steps s WHERE s.id = ?`,
}

// TestSignedContentHashIsSQLitesJSON: the shared hash of each signed
// object type, read as version 1 reads it (the signatures made before
// signatures.content_version), equals the legacy json_array hash, for text JSON must
// escape (quotes, backslashes, every control character), text it must
// not (non-ASCII, DEL, U+2028, <>&), NULLs, integers and records with
// no, one or several items.
func TestSignedContentHashIsSQLitesJSON(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qms.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	odd := "a\"b\\c<>&/\x01\b\t\n\f\r\x1f\x7f\u2028 ệ '{\"x\":[1]}'"
	for _, c := range []byte{0, 2, 11, 14, 27} {
		odd += string([]byte{'[', c, ']'})
	}
	inserts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO procedure_versions (id, procedure_id, number, status, content_json, author_id, author, created_at, updated_at) VALUES (1, 7, 2, 'draft', ?, 1, 'a', 't', 't')`, []any{`{"purpose":"` + odd + `"}`}},
		{`INSERT INTO form_versions (id, form_id, number, status, schema_json, template_json, change_summary, author_id, author, created_at, updated_at) VALUES (1, 3, 1, 'draft', ?, NULL, ?, 1, 'a', 't', 't')`, []any{"{}", odd}},
		{`INSERT INTO form_versions (id, form_id, number, status, schema_json, template_json, change_summary, author_id, author, created_at, updated_at) VALUES (2, 3, 2, 'draft', '[]', ?, '', 1, 'a', 't', 't')`, []any{odd}},
		{`INSERT INTO nonconformities (id, agency_code, code, source, description, correction, status, verified_at, closed_at, created_by, created_at) VALUES (1, 'SYS', 'NC-1', 'other', ?, ?, 'closed', NULL, '2026-03-02T02:00:00Z', 'a', 't')`, []any{odd, "Sửa"}},
		{`INSERT INTO nonconformities (id, agency_code, code, source, description, status, created_by, created_at) VALUES (2, 'SYS', 'NC-2', 'other', 'x', 'open', 'a', 't')`, nil},
		{`INSERT INTO corrective_actions (nc_id, description, owner, due_on, done_at, result) VALUES (1, ?, 'o', '2026-03-09', NULL, '')`, []any{odd}},
		{`INSERT INTO corrective_actions (nc_id, description, owner, due_on, done_at, result) VALUES (1, 'b', 'o', '2026-03-09', '2026-03-02T02:00:00Z', ?)`, []any{odd}},
		{`INSERT INTO audit_plans (id, programme_id, agency_code, title, scope_json, start_on, end_on, status, summary, reported_at) VALUES (1, 1, 'SYS', ?, '{"units":["A"]}', '2026-03-02', '2026-03-02', 'reported', ?, NULL)`, []any{odd, odd}},
		{`INSERT INTO audit_plans (id, programme_id, agency_code, title, scope_json, start_on, end_on, status) VALUES (2, 1, 'SYS', 't', '{}', '2026-03-02', '2026-03-02', 'planned')`, nil},
		{`INSERT INTO audit_items (plan_id, clause, question, source, result, evidence, note) VALUES (1, '7.5', ?, 's', 'conform', ?, '')`, []any{odd, odd}},
		{`INSERT INTO dossier_steps (id, dossier_id, step_id, step_name, opened_at, due_at, completed_at, actor, exit, form_code, form_version, entry_json, files_json, note, result) VALUES (1, 9, 's', ?, 't', 't', 't', 'a', '', 'BM-01', 3, ?, NULL, ?, '')`, []any{odd, `{"a":1}`, odd}},
	}
	for _, in := range inserts {
		if _, err := raw.Exec(in.sql, in.args...); err != nil {
			t.Fatalf("%s: %v", in.sql, err)
		}
	}
	for _, tt := range []struct {
		objectType string
		id         int64
	}{
		{qms.SignedProcedureVersion, 1}, {qms.SignedFormVersion, 1}, {qms.SignedFormVersion, 2},
		{qms.SignedNonconformity, 1}, {qms.SignedNonconformity, 2}, {qms.SignedAuditReport, 1}, {qms.SignedAuditReport, 2},
		{qms.SignedDossierStep, 1}, {qms.SignedNonconformity, 99},
	} {
		var legacy sql.NullString
		if err := raw.QueryRow(legacySignedContentSQL[tt.objectType], tt.id).Scan(&legacy); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		want := ""
		if legacy.Valid {
			want = qms.ContentHash([]byte(legacy.String))
		}
		if got, err := sqlstore.SignedContentHash(ctx, on(raw), tt.objectType, tt.id, 1); err != nil || got != want {
			t.Errorf("%s %d: hash %q, %v; legacy %q (%s)", tt.objectType, tt.id, got, err, want, legacy.String)
		}
	}
}

// TestOutsider11OldSignaturesStillCheck: a signature made before
// signatures.content_version (an older release's: version 1, its hash
// the legacy json_array of the columns signed then) still reads as
// current after the upgrade and is not flagged; it is checked on the
// columns it covered, so a change of one of them is flagged, while a
// column signed only from version 2 on (the step's delegation) is not
// part of it.
func TestOutsider11OldSignaturesStillCheck(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	staff, leader, _ := qmstest.EffectiveProcedure(t, db, sys, qmstest.SampleTTHC())
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	for _, in := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
		if _, err := db.CompleteStep(staff, "SVHTT", d.Code, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CompleteStep(qms.WithSigning(leader, true), "SVHTT", d.Code, qms.CompleteStep{StepID: "sign", Note: "Đồng ý"}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var stepID int64
	var legacy string
	if err := raw.QueryRow(`SELECT object_id FROM signatures WHERE object_type = 'dossier_step'`).Scan(&stepID); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(legacySignedContentSQL[qms.SignedDossierStep], stepID).Scan(&legacy); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TRIGGER signatures_no_update`,
		`UPDATE signatures SET content_version = 1, content_sha256 = '` + qms.ContentHash([]byte(legacy)) + `'`,
		`DROP TRIGGER dossier_steps_signed`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	broken := func(when string, want bool) {
		t.Helper()
		if _, err := db.RunChecks(sys, qms.CheckScope{Rule: qms.RuleSignatureBroken}); err != nil {
			t.Fatal(err)
		}
		rule, open := qms.RuleSignatureBroken, true
		fs, err := db.FindFindings(sys, qms.FindingFilter{Rule: &rule, Open: &open})
		if err != nil {
			t.Fatal(err)
		}
		sigs, err := db.FindSignatures(sys, qms.SignedDossierStep, stepID)
		if err != nil || len(sigs) != 1 {
			t.Fatalf("%s: %+v %v", when, sigs, err)
		}
		if (len(fs) == 1) != want || sigs[0].Current == want || (want && fs[0].ObjectID != strconv.FormatInt(stepID, 10)) {
			t.Fatalf("%s: findings %+v, signature current %v; want broken %v", when, fs, sigs[0].Current, want)
		}
	}
	// The checks' write group puts the guard back (own_triggers.go): with
	// the file, it is dropped again before each change.
	tamper := func(q string) {
		t.Helper()
		if _, err := raw.Exec(`DROP TRIGGER IF EXISTS dossier_steps_signed`); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(q, stepID); err != nil {
			t.Fatal(err)
		}
	}
	broken("a version 1 signature, untouched", false)
	tamper(`UPDATE dossier_steps SET delegated_by = 'pho.giam.doc' WHERE id = ?`)
	broken("a column version 1 did not sign", false)
	tamper(`UPDATE dossier_steps SET note = 'Không đồng ý' WHERE id = ?`)
	broken("a column version 1 signed", true)
}

// TestOutsider11SignaturesBaselineOnUpgrade: migration 0055 starts
// covering signatures with the row-state hashes. A database of the
// release before (its signatures at content version 1, recorded by no
// row state) upgrades with each signature that is the one its
// signature.sign entry recorded vouched for; one changed with the file
// before the upgrade (the signer's name replaced) is named by `qms audit
// verify`, and one changed after is too.
func TestOutsider11SignaturesBaselineOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "qms.db")
	db, err := Open(ctx, path, Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	staff, leader, _ := qmstest.EffectiveProcedure(t, db, sys, qmstest.SampleTTHC())
	for i := 0; i < 3; i++ {
		signedDossier(t, db, staff, leader)
	}
	db.Close()

	// Back to 0054: signatures without content_version, hashed as version
	// 1, and a trail that recorded no row state of them.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, trg := range []string{"signatures_row_insert", "signatures_row_update", "signatures_row_delete", "signatures_no_update",
		"audit_log_no_update", "audit_head_forward"} {
		exec(`DROP TRIGGER ` + trg)
	}
	legacy := map[int64]string{}
	var sigs []int64
	srows, err := raw.Query(`SELECT id, object_id FROM signatures ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	objects := map[int64]int64{}
	for srows.Next() {
		var id, obj int64
		srows.Scan(&id, &obj)
		sigs = append(sigs, id)
		objects[id] = obj
	}
	srows.Close()
	for _, id := range sigs {
		var content string
		if err := raw.QueryRow(legacySignedContentSQL[qms.SignedDossierStep], objects[id]).Scan(&content); err != nil {
			t.Fatal(err)
		}
		legacy[id] = qms.ContentHash([]byte(content))
		exec(`UPDATE signatures SET content_sha256 = ? WHERE id = ?`, legacy[id], id)
	}
	UndoRowBefore(t, raw)
	exec(`ALTER TABLE signatures DROP COLUMN content_version`)
	exec(`DELETE FROM migrations WHERE name LIKE '%0055%'`)
	erows, err := raw.Query(`SELECT id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var es []*qms.AuditEntry
	for erows.Next() {
		var e qms.AuditEntry
		var at string
		var before, after, states sql.NullString
		if err := erows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &states); err != nil {
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
	erows.Close()
	prev := qms.GenesisHash
	for _, e := range es {
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
			sig["content_sha256"] = legacy[int64(sig["id"].(float64))]
			e.After = qms.AuditJSON(sig)
		}
		var states any
		if len(e.Rows) > 0 {
			states = string(qms.AuditJSON(e.Rows))
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		exec(`UPDATE audit_log SET after_json = ?, row_states = ?, prev_hash = ?, hash = ? WHERE id = ?`, string(e.After), states, e.PrevHash, e.Hash, e.ID)
	}
	exec(`UPDATE audit_head SET last_id = ?, last_hash = ?`, es[len(es)-1].ID, prev)
	// Before the upgrade, with the file alone: the second signer's name replaced.
	exec(`UPDATE signatures SET full_name = 'Nguyễn Văn Giám' WHERE id = ?`, sigs[1])

	db, err = Open(ctx, path, Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	named := func(when string, want ...string) {
		t.Helper()
		_, err := db.VerifyAuditChain(sys)
		var rt *qms.RowsTampered
		if !errors.As(err, &rt) {
			t.Fatalf("%s: %v, want %v named", when, err, want)
		}
		var got []string
		for _, c := range rt.Rows {
			got = append(got, c.Change+" "+c.Table+" "+c.Key)
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Fatalf("%s: named %v, want %v", when, got, want)
		}
	}
	key := func(id int64) string { return "signatures [" + strconv.FormatInt(id, 10) + "]" }
	named("after the upgrade", qms.RowAdded+" "+key(sigs[1]))
	if found, err := db.FindSignatures(sys, qms.SignedDossierStep, objects[sigs[0]]); err != nil || len(found) != 1 || !found[0].Current || found[0].ContentVersion != 1 {
		t.Fatalf("a signature of the release before: %+v %v", found, err)
	}
	exec(`DROP TRIGGER signatures_no_update`) // the open put it back
	exec(`UPDATE signatures SET content_sha256 = 'x' WHERE id = ?`, sigs[2])
	// The step no longer hashes to what its signature says it signed.
	named("a hash replaced after the upgrade", qms.RowAdded+" "+key(sigs[1]), qms.RowAltered+" "+key(sigs[2]),
		qms.RowAltered+" dossier_steps ["+strconv.FormatInt(objects[sigs[2]], 10)+"]")
}

// signedDossier receives a dossier of qmstest.EffectiveProcedure's as
// staff and takes it to the leader's signed step.
func signedDossier(t *testing.T, db *DB, staff, leader context.Context) *qms.Dossier {
	t.Helper()
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
	return d
}
