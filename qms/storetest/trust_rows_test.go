package storetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/sqlstore"
)

// trustRows is what trustRowsScenario wrote through the application.
type trustRows struct {
	sys, staff, leader, officer context.Context
	// dossiers by the state of their check step's delegation
	usedDossier, openDossier, revokedDossier string
	used, open, revoked                      int64 // the delegations' ids
	version                                  int64 // procedure version 1's id
	removed                                  []string
}

// trustRowsScenario writes a row of each table RowStateVersion 3 covers
// the way the application does: agencies in a hierarchy, one merged
// into a successor (its subunit moved under it); a delegation used, one
// open and one revoked; the contributors of an approved procedure
// version; a default policy rule removed.
func trustRowsScenario(t *testing.T, f *fixture) *trustRows {
	t.Helper()
	r := &trustRows{sys: f.ctx}
	r.staff, r.leader, r.officer = receiptFixture(t, f)
	for _, a := range []*qms.Agency{
		{Code: "SKHCN", Name: "Sở Khoa học và Công nghệ"},
		{Code: "PB", Name: "Phòng B", ParentCode: "SVHTT", Kind: qms.AgencyKindSubunit},
		{Code: "STTTT", Name: "Sở Thông tin và Truyền thông"},
		{Code: "TTCNTT", Name: "Trung tâm Công nghệ thông tin", ParentCode: "STTTT", Kind: qms.AgencyKindSubunit},
	} {
		if err := f.CreateAgency(r.sys, a); err != nil {
			t.Fatalf("agency %s: %v", a.Code, err)
		}
	}
	if _, err := f.MergeAgencies(r.sys, qms.MergePlan{Into: "SKHCN", From: []string{"STTTT"}}, false); err != nil {
		t.Fatalf("merge: %v", err)
	}
	receive := func() string {
		t.Helper()
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(r.staff, d); err != nil {
			t.Fatal(err)
		}
		return d.Code
	}
	delegate := func(code string) int64 {
		t.Helper()
		del, err := f.DelegateStep(r.leader, "SVHTT", code, qms.StepDelegation{StepID: "check", To: "thu.ky", Reason: "Chuyên viên nghỉ phép"})
		if err != nil {
			t.Fatal(err)
		}
		return del.ID
	}
	r.usedDossier, r.openDossier, r.revokedDossier = receive(), receive(), receive()
	r.used, r.open, r.revoked = delegate(r.usedDossier), delegate(r.openDossier), delegate(r.revokedDossier)
	if _, err := f.CompleteStep(r.officer, "SVHTT", r.usedDossier, qms.CompleteStep{StepID: "check"}); err != nil {
		t.Fatalf("completion on the delegation: %v", err)
	}
	if _, err := f.RevokeDelegation(r.leader, "SVHTT", r.revokedDossier, r.revoked); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	rules, err := f.PolicyRules(r.sys)
	if err != nil || len(rules) == 0 {
		t.Fatalf("policy rules: %v %v", rules, err)
	}
	r.removed = rules[0]
	if err := f.RemovePolicyRule(r.sys, r.removed); err != nil {
		t.Fatal(err)
	}
	v := mustQuery(t, f, `SELECT id FROM procedure_versions WHERE number = 1`)
	if len(v) != 1 {
		t.Fatalf("procedure versions: %v", v)
	}
	fmt.Sscan(v[0], &r.version)
	if _, err := f.VerifyAuditChain(r.sys); err != nil {
		t.Fatalf("after the application's own writes: %v", err)
	}
	return r
}

// namedRows returns the rows verification names, as "change table label"
// (the key for a row gone), in its order; nil when it passes.
func namedRows(t *testing.T, s interface {
	VerifyAuditChain(context.Context) (int64, error)
}, ctx context.Context) []string {
	t.Helper()
	_, err := s.VerifyAuditChain(ctx)
	if err == nil {
		return nil
	}
	var rt *qms.RowsTampered
	if !errors.As(err, &rt) {
		t.Fatalf("verify: %v, want rows named or none", err)
	}
	var out []string
	for _, c := range rt.Rows {
		what := c.Label
		if what == "" {
			what = c.Key
		}
		out = append(out, c.Change+" "+c.Table+" "+what)
	}
	return out
}

// TestTrust3RowsWrittenOutsideTheApp: each table and column
// RowStateVersion 3 covers, changed with the database alone, is named by
// `qms audit verify`: a subunit moved under another agency (an
// administrator's reach), an agency's kind or merge, a delegation opened
// again or handed to someone else, a drafter's contribution deleted (so
// that they may approve), a removed default rule's row deleted (so that
// the next start brings the rule back).
func TestTrust3RowsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name string
		sql  string // {used}, {open}, {revoked}: delegation ids; {open_dossier}; {version}
		want string // "change table label"
	}{
		{"subunit moved under another agency", `UPDATE agencies SET parent_code = 'SKHCN' WHERE code = 'PB'`,
			qms.RowAltered + " agencies đơn vị PB"},
		{"agency's kind changed", `UPDATE agencies SET kind = 'ubnd_tinh' WHERE code = 'PB'`,
			qms.RowAltered + " agencies đơn vị PB"},
		{"agency marked merged", `UPDATE agencies SET merged_into = 'SKHCN', merged_at = '2026-03-02T02:00:00Z' WHERE code = 'PB'`,
			qms.RowAltered + " agencies đơn vị PB"},
		{"merged agency made active again", `UPDATE agencies SET merged_into = NULL, merged_at = NULL WHERE code = 'STTTT'`,
			qms.RowAltered + " agencies đơn vị STTTT"},
		{"agency renamed", `UPDATE agencies SET name = 'Sở Tài chính' WHERE code = 'PB'`,
			qms.RowAltered + " agencies đơn vị PB"},
		{"agency inserted", `INSERT INTO agencies (code, name, parent_code, created_at, updated_at, kind) VALUES ('X', 'Đơn vị X', 'SVHTT', '', '', 'truc_thuoc')`,
			qms.RowAdded + " agencies đơn vị X"},
		{"used delegation made unused", `UPDATE step_delegations SET used_at = NULL WHERE id = {used}`,
			qms.RowAltered + " step_delegations ủy quyền bước check của hồ sơ {used_dossier} từ giam.doc cho thu.ky"},
		{"revoked delegation made open", `UPDATE step_delegations SET revoked = (1 = 0) WHERE id = {revoked}`,
			qms.RowAltered + " step_delegations ủy quyền bước check của hồ sơ {revoked_dossier} từ giam.doc cho thu.ky"},
		{"delegation handed to another user", `UPDATE step_delegations SET to_user = 'chuyen.vien' WHERE id = {open}`,
			qms.RowAltered + " step_delegations ủy quyền bước check của hồ sơ {open_dossier} từ giam.doc cho chuyen.vien"},
		{"delegation inserted", `INSERT INTO step_delegations (agency_code, dossier, step_id, from_user, to_user, reason, created_at)
			VALUES ('SVHTT', '{open_dossier}', 'sign', 'giam.doc', 'chuyen.vien', 'x', '2026-03-02T02:00:00Z')`,
			qms.RowAdded + " step_delegations ủy quyền bước sign của hồ sơ {open_dossier} từ giam.doc cho chuyen.vien"},
		{"delegation deleted", `DELETE FROM step_delegations WHERE id = {open}`,
			qms.RowDeleted + " step_delegations [{open}]"},
		{"drafter's contribution deleted", `DELETE FROM version_contributors WHERE username = 'thu.ky' AND act = 'create'`,
			qms.RowDeleted + " version_contributors [\"procedure\",{version},{thu.ky},\"thu.ky\",\"create\"]"},
		{"contribution inserted", `INSERT INTO version_contributors (kind, version_id, user_id, username, act) VALUES ('procedure', {version}, 0, 'mallory', 'edit')`,
			qms.RowAdded + " version_contributors người soạn (edit) mallory của phiên bản procedure {version}"},
		{"removed default rule's row deleted", `DELETE FROM policy_removed`,
			qms.RowDeleted + " policy_removed {removed}"},
		{"default rule's removal inserted", `INSERT INTO policy_removed (ptype, v0, v1, v2, v3) VALUES ('p', 'staff', '*', 'dossier', 'read')`,
			qms.RowAdded + " policy_removed quy tắc đã gỡ staff, *, dossier, read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				r := trustRowsScenario(t, f)
				ids := strings.NewReplacer("{used}", fmt.Sprint(r.used), "{open}", fmt.Sprint(r.open), "{revoked}", fmt.Sprint(r.revoked),
					"{used_dossier}", r.usedDossier, "{open_dossier}", r.openDossier, "{revoked_dossier}", r.revokedDossier,
					"{version}", fmt.Sprint(r.version), "{thu.ky}", mustQuery(t, f, `SELECT id FROM users WHERE username = 'thu.ky'`)[0],
					"{removed}", strings.ReplaceAll(string(qms.AuditJSON(append([]string{"p"}, r.removed...))), ", ", ","))
				if err := f.exec(ids.Replace(tt.sql)); err != nil {
					t.Fatal(err)
				}
				want := []string{ids.Replace(tt.want)}
				if got := namedRows(t, f, r.sys); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				// Later audited writes of the same tables do not record
				// the tampered row as theirs.
				if err := f.CreateAgency(r.sys, &qms.Agency{Code: "PC", Name: "Phòng C", ParentCode: "SVHTT", Kind: qms.AgencyKindSubunit}); err != nil {
					t.Fatal(err)
				}
				if err := f.RemovePolicyRule(r.sys, []string{"auditor", "*", "report", "read"}); err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
					t.Fatal(err)
				}
				if got := namedRows(t, f, r.sys); !slices.Equal(got, want) {
					t.Fatalf("after later audited writes: named %q, want %q", got, want)
				}
			})
		})
	}
}

// TestTrust3AuditedWritesVerify: the application's own writes of the
// rows RowStateVersion 3 covers record them: an agency moved, renamed
// and given another kind by the SYS admin (also as `qms agency move`
// does), a merge that moves subunits under the successor, a delegation
// used, revoked or lapsed with its step or its dossier, the contributors
// of a new procedure version and of a form, a default rule removed, put
// back and removed again. Columns that decide nothing may change without
// an entry.
func TestTrust3AuditedWritesVerify(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		r := trustRowsScenario(t, f)
		admin, err := f.FindUserByUsername(r.sys, "admin")
		if err != nil {
			t.Fatal(err)
		}
		sysAdmin := qms.WithActor(context.Background(), qms.Actor{UserID: admin.ID, Username: "admin", AgencyCode: qms.SystemAgencyCode})
		var dossier string
		steps := []struct {
			name string
			do   func() error
		}{
			{"agency moved by the SYS admin", func() error {
				_, err := f.UpdateAgency(sysAdmin, "PB", qms.AgencyUpdate{ParentCode: ptr("SKHCN")})
				return err
			}},
			{"agency renamed and given a kind", func() error {
				_, err := f.UpdateAgency(sysAdmin, "PB", qms.AgencyUpdate{Name: ptr("Chi cục B"), Kind: ptr(qms.AgencyKindSubunit)})
				return err
			}},
			{"agency made top-level", func() error {
				_, err := f.UpdateAgency(sysAdmin, "PB", qms.AgencyUpdate{ParentCode: ptr("")})
				return err
			}},
			{"merge moving a subunit", func() error {
				for _, a := range []*qms.Agency{{Code: "SA", Name: "Sở A"}, {Code: "SA1", Name: "Chi cục A1", ParentCode: "SA", Kind: qms.AgencyKindSubunit}} {
					if err := f.CreateAgency(r.sys, a); err != nil {
						return err
					}
				}
				_, err := f.MergeAgencies(r.sys, qms.MergePlan{Into: "SMOI", Name: "Sở Mới", From: []string{"SA", "PB"}}, false)
				return err
			}},
			{"delegation given", func() error {
				d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
				if err := f.ReceiveDossier(r.staff, d); err != nil {
					return err
				}
				dossier = d.Code
				_, err := f.DelegateStep(r.leader, "SVHTT", dossier, qms.StepDelegation{StepID: "check", To: "thu.ky", Reason: "Nghỉ phép"})
				return err
			}},
			{"delegation lapsed with its step", func() error {
				_, err := f.CompleteStep(r.staff, "SVHTT", dossier, qms.CompleteStep{StepID: "check"})
				return err
			}},
			{"delegation lapsed with its dossier", func() error {
				if _, err := f.DelegateStep(r.leader, "SVHTT", dossier, qms.StepDelegation{StepID: "ok", To: "thu.ky", Reason: "Nghỉ phép"}); err != nil {
					return err
				}
				_, err := f.CompleteStep(r.staff, "SVHTT", dossier, qms.CompleteStep{StepID: "ok", Exit: "Không đạt"})
				return err
			}},
			{"open delegation used", func() error {
				_, err := f.CompleteStep(r.officer, "SVHTT", r.openDossier, qms.CompleteStep{StepID: "check"})
				return err
			}},
			{"procedure version drafted, edited, submitted and approved", func() error {
				v, err := f.CreateVersion(r.officer, mustID(t, f, `SELECT procedure_id FROM procedure_versions WHERE number = 1`))
				if err != nil {
					return err
				}
				v.ChangeSummary = "Sửa đổi thời hạn"
				if err := f.UpdateVersion(r.staff, v); err != nil {
					return err
				}
				if _, err := f.TransitionVersion(r.officer, v.ProcedureID, v.Number, qms.ActionSubmit, ""); err != nil {
					return err
				}
				_, err = f.TransitionVersion(r.leader, v.ProcedureID, v.Number, qms.ActionApprove, "")
				return err
			}},
			{"form created and its version submitted", func() error {
				fm := &qms.Form{AgencyCode: "SVHTT", Code: "BM-01", Title: "Phiếu"}
				if err := f.CreateForm(r.officer, fm, json.RawMessage(`{"fields":[{"name":"a","label":"A","type":"text"}]}`)); err != nil {
					return err
				}
				_, err := f.TransitionFormVersion(r.officer, fm.ID, 1, qms.ActionSubmit, "")
				return err
			}},
			{"default rule put back", func() error { return f.AddPolicyRule(r.sys, r.removed) }},
			{"default rule removed again", func() error { return f.RemovePolicyRule(r.sys, r.removed) }},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := namedRows(t, f, r.sys); got != nil {
				t.Fatalf("after %s: named %q", s.name, got)
			}
		}
		if got := mustQuery(t, f, `SELECT code, COALESCE(parent_code, '-'), COALESCE(merged_into, '-') FROM agencies WHERE code IN ('PB', 'SA1') ORDER BY code`); !slices.Equal(got,
			[]string{"PB - SMOI", "SA1 SMOI -"}) {
			t.Fatalf("agencies after the writes: %q", got)
		}
		for _, q := range []string{`UPDATE agencies SET updated_at = 'x', created_at = 'y'`} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if got := namedRows(t, f, r.sys); got != nil {
			t.Fatalf("a change of columns outside the security state: named %q", got)
		}
	})
}

func mustID(t *testing.T, f *fixture, q string) int64 {
	t.Helper()
	var id int64
	if rows := mustQuery(t, f, q); len(rows) != 1 {
		t.Fatalf("%s: %q", q, rows)
	} else {
		fmt.Sscan(rows[0], &id)
	}
	return id
}

// TestTrust3RebaselineOnUpgrade: migration 0057 (PostgreSQL 0034)
// starts covering agencies, step delegations, version contributors and
// removed policy rules. A database of the release before (the triggers
// absent, no row state of them in the trail) upgrades with each row the
// trail says is so recorded (an agency as its create, update and merge
// entries left it; a delegation as given, used, revoked; a contribution
// an entry names; a removal whose last entry is policy.remove), and
// rows written with the database alone before the upgrade named.
func TestTrust3RebaselineOnUpgrade(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		r := trustRowsScenario(t, f)
		covered := []string{"agencies", "step_delegations", "version_contributors", "policy_removed"}
		backToRelease(t, f, r.sys, covered, "0057_trust_more_rows", "0034_trust_more_rows")
		// Before the upgrade, with the database alone: a subunit moved,
		// the used delegation opened again, a contributor added, a
		// removed rule's row deleted (a row gone before the upgrade was
		// never recorded: nothing names it) and another inserted.
		for _, q := range []string{
			`UPDATE agencies SET parent_code = 'SKHCN' WHERE code = 'PB'`,
			fmt.Sprintf(`UPDATE step_delegations SET used_at = NULL WHERE id = %d`, r.used),
			fmt.Sprintf(`INSERT INTO version_contributors (kind, version_id, user_id, username, act) VALUES ('procedure', %d, 0, 'mallory', 'edit')`, r.version),
			`INSERT INTO policy_removed (ptype, v0, v1, v2, v3) VALUES ('p', 'staff', '*', 'dossier', 'read')`,
		} {
			mustExec(t, f, q)
		}
		var total int
		for _, table := range covered {
			var n int
			fmt.Sscan(mustQuery(t, f, `SELECT COUNT(*) FROM `+table)[0], &n)
			total += n
		}

		upgraded := f.second(t)
		// The trail never recorded a row the upgrade could not vouch
		// for: it reads as added outside the application.
		want := []string{
			qms.RowAdded + " agencies đơn vị PB",
			qms.RowAdded + " step_delegations ủy quyền bước check của hồ sơ " + r.usedDossier + " từ giam.doc cho thu.ky",
			qms.RowAdded + " version_contributors người soạn (edit) mallory của phiên bản procedure " + fmt.Sprint(r.version),
			qms.RowAdded + " policy_removed quy tắc đã gỡ staff, *, dossier, read",
		}
		checkRebaselined(t, upgraded, r.sys, 3, want, total)
		// Verification goes on from there: a change after the upgrade is
		// named too, and the application's writes record theirs.
		mustExec(t, f, `UPDATE agencies SET kind = 'ubnd_tinh' WHERE code = 'SVHTT'`)
		if got := namedRows(t, upgraded, r.sys); len(got) != 5 || got[0] != qms.RowAltered+" agencies đơn vị SVHTT" {
			t.Fatalf("a kind changed after the upgrade: named %q", got)
		}
		if _, err := upgraded.DelegateStep(r.leader, "SVHTT", r.revokedDossier, qms.StepDelegation{StepID: "check", To: "thu.ky", Reason: "Nghỉ phép"}); err != nil {
			t.Fatal(err)
		}
		if got := namedRows(t, upgraded, r.sys); len(got) != 5 {
			t.Fatalf("after a delegation given on the upgraded database: named %q", got)
		}
	})
}

// backToRelease takes a database back to the release before the
// migration (SQLite's, PostgreSQL's) that started covering the tables:
// their row triggers dropped, the migration not applied, the trail
// re-hashed without their row states. Opening the store again upgrades
// it.
func backToRelease(t *testing.T, f *fixture, sys context.Context, covered []string, sqliteMigration, pgMigration string, trailBefore ...string) {
	t.Helper()
	_, pg := f.Store.(*postgres.DB)
	for _, table := range covered {
		if pg {
			mustExec(t, f, `DROP TRIGGER `+table+`_row ON `+table)
			continue
		}
		for _, op := range []string{"insert", "update", "delete"} {
			mustExec(t, f, `DROP TRIGGER `+table+`_row_`+op)
		}
	}
	if pg {
		mustExec(t, f, `DELETE FROM migrations WHERE name LIKE '%`+pgMigration+`%'`)
	} else {
		mustExec(t, f, `DELETE FROM migrations WHERE name LIKE '%`+sqliteMigration+`%'`)
	}
	f.dropAuditGuards(t)
	// What else the trail of the release before did not hold, taken out
	// before the chain is written again.
	for _, q := range trailBefore {
		mustExec(t, f, q)
	}
	var entries []*qms.AuditEntry
	for off := 0; ; off += 500 {
		es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, es...)
		if len(es) < 500 {
			break
		}
	}
	slices.Reverse(entries)
	prev := qms.GenesisHash
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	for _, e := range entries {
		e.Rows = slices.DeleteFunc(e.Rows, func(s qms.RowState) bool { return slices.Contains(covered, s.Table) })
		states := "NULL"
		if len(e.Rows) > 0 {
			states = quote(string(qms.AuditJSON(e.Rows)))
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		mustExec(t, f, fmt.Sprintf(`UPDATE audit_log SET row_states = %s, prev_hash = %s, hash = %s WHERE id = %d`, states, quote(e.PrevHash), quote(e.Hash), e.ID))
	}
	last := entries[len(entries)-1]
	mustExec(t, f, fmt.Sprintf(`UPDATE audit_head SET last_id = %d, last_hash = %s`, last.ID, quote(last.Hash)))
}

// checkRebaselined checks a database upgraded to version: verification
// names the rows want (in any order), and the baseline entry records the
// other total-len(want) rows of the tables the version covers.
func checkRebaselined(t *testing.T, upgraded Store, sys context.Context, version int, want []string, total int) {
	t.Helper()
	got := namedRows(t, upgraded, sys)
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("after the upgrade: named %q, want %q", got, want)
	}
	es, _, err := upgraded.FindAuditEntries(sys, qms.AuditFilter{Action: ptr("audit.baseline"), Limit: 10})
	if err != nil || len(es) == 0 || es[0].Reason != sqlstore.RebaselineReasons[version] || len(es[0].Rows) != total-len(want) {
		t.Fatalf("baseline entry %+v %v, want one of %d rows", es, err, total-len(want))
	}
	if !strings.Contains(string(es[0].After), fmt.Sprintf(`"version":%d`, version)) {
		t.Fatalf("baseline entry: %s", es[0].After)
	}
}
