package storetest_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/postgres"
	"isodt/qms/sqlstore"
)

// TestTrust5DossierStateWrittenOutsideTheApp: each column of a dossier's
// state (RowStateVersion 5), changed with the database alone, is named by
// `qms audit verify`, even on a dossier whose leader step is signed for
// the columns the signature does not cover; put back, the dossier
// verifies clean again. A later audited write of another dossier does not
// record the changed one as its own.
func TestTrust5DossierStateWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name   string
		column string
		set    string // SQL value
		signed bool   // run the dossier through its leader's signed step first
	}{
		{"due time moved", "due_at", "'2030-01-01T00:00:00Z'", true},
		{"result made early", "result", "'early'", true},
		{"status changed", "status", "'withdrawn'", true},
		{"return time set", "returned_at", "'2026-03-01T00:00:00Z'", true},
		{"new appointment given", "new_appointment", "'2030-01-01T00:00:00Z'", true},
		{"moved to another agency", "agency_code", "'" + qms.SystemAgencyCode + "'", true},
		{"procedure unpinned", "procedure_id", "NULL", true},
		{"version changed", "version_number", "7", true},
		{"receipt time moved before signing", "received_at", "'2025-12-31T00:00:00Z'", false},
		{"channel changed before signing", "channel", "'online'", false},
		{"TTHC changed before signing", "tthc_code", "'1.000004'", false},
		{"applicant changed before signing", "applicant_json", `'{"name":"Mallory"}'`, false},
		{"TTHC's time limit changed before signing", "tthc_time_limit_days", "99", false},
		{"receipt slip's agency name changed", "agency_name", "'Sở khác'", true},
		{"survey key replaced", "survey_key", "'known-key'", true},
		{"open steps emptied (RowStateVersion 6)", "flow_json", `'{"open":[]}'`, false},
	}
	// The columns dossier_open_steps copies, or decides from, without the
	// trigger that makes it follow the dossier's status and due time
	// (SQLite 0016): a status that finishes the dossier leaves its rows.
	mirrored := map[string]bool{"status": true, "agency_code": true, "procedure_id": true, "version_number": true, "tthc_code": true, "flow_json": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				code, id, staff := trustDossier(t, f, tt.signed)
				_, pg := f.Store.(*postgres.DB)
				quoted := `quote(` + tt.column + `)`
				if pg {
					quoted = `quote_nullable(` + tt.column + `::text)`
				}
				old := mustQuery(t, f, fmt.Sprintf(`SELECT %s FROM dossiers WHERE id = %d`, quoted, id))[0]
				mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET %s = %s WHERE id = %d`, tt.column, tt.set, id))
				agency := "SVHTT"
				if tt.column == "agency_code" {
					agency = qms.SystemAgencyCode
				}
				want := []string{qms.RowAltered + " dossiers hồ sơ " + code + " của " + agency}
				if tt.column == "agency_code" {
					// Its step records still name the agency they were
					// made in.
					want = append(want, qms.RowAltered+" dossier_steps các bước của hồ sơ "+code+" của "+agency)
				}
				if mirrored[tt.column] {
					// Its open steps as the task lists read them no
					// longer match it (CompareOpenSteps).
					want = append(want, qms.RowAltered+" dossier_open_steps các bước đang mở của hồ sơ "+code+" của "+agency)
				}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				if err := f.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelCounter}); err != nil {
					t.Fatal(err)
				}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after a later receipt: named %q, want %q", got, want)
				}
				mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET %s = %s WHERE id = %d`, tt.column, old, id))
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("put back: named %q", got)
				}
			})
		})
	}
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, _ := trustDossier(t, f, false)
		mustExec(t, f, `INSERT INTO dossiers (code, agency_code, tthc_code, applicant_json, channel, received_at, due_at, status, updated_at)
			VALUES ('SVHTT-2026-009999', 'SVHTT', '1.000001', '{}', 'counter', '2026-03-02T02:00:00Z', '2026-03-09T02:00:00Z', 'completed', '')`)
		mustExec(t, f, `UPDATE dossiers SET note = 'x', updated_at = 'y'`)
		want := []string{qms.RowAdded + " dossiers hồ sơ SVHTT-2026-009999 của SVHTT"}
		if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
			t.Fatalf("a dossier inserted, the columns outside the state changed: named %q, want %q", got, want)
		}
		for _, q := range []string{`DELETE FROM dossier_steps WHERE dossier_id = %d`, `DELETE FROM dossier_open_steps WHERE dossier_id = %d`,
			`DELETE FROM dossier_receipt_keys WHERE dossier = '` + code + `'`, `DELETE FROM dossiers WHERE id = %d`} {
			if strings.Contains(q, "%d") {
				q = fmt.Sprintf(q, id)
			}
			mustExec(t, f, q)
		}
		want = append(want, qms.RowDeleted+fmt.Sprintf(" dossiers [%d]", id))
		if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
			t.Fatalf("a dossier deleted: named %q, want %q", got, want)
		}
	})
}

// trustDossier receives a dossier through the application, completes
// its check step and, with signed, takes it through the leader's signed
// step; it returns the dossier's code and id, and the staff member who
// received it.
func trustDossier(t *testing.T, f *fixture, signed bool) (code string, id int64, staff context.Context) {
	t.Helper()
	staff, leader, _ := receiptFixture(t, f)
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
	if err := f.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"}); err != nil {
		t.Fatal(err)
	}
	if signed {
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := namedRows(t, f, f.ctx); got != nil {
		t.Fatalf("after the application's own writes: named %q", got)
	}
	return d.Code, d.ID, staff
}

// TestTrust5DossierFlowsVerify: every write of a dossier's state by the
// application records it: the receipt, steps, a pause and resume, the
// leader's signature, an apology, the return (late, completed), one
// not approved returned with its notice, a history import, a merge and a split moving open dossiers.
func TestTrust5DossierFlowsVerify(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		clk := f.clk
		staff, leader, _ := receiptFixture(t, f)
		clk.Set(hanoi(2026, 2, 13, 10, 0).UTC())
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		refused := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Lê Văn Cường"}, Channel: qms.ChannelCounter}
		steps := []struct {
			name string
			at   time.Time
			do   func() error
		}{
			{"received", time.Time{}, func() error { return f.ReceiveDossier(staff, d) }},
			{"check step", hanoi(2026, 2, 23, 9, 0), func() error {
				_, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"})
				return err
			}},
			{"paused", hanoi(2026, 2, 23, 10, 0), func() error {
				_, err := f.PauseDossier(staff, "SVHTT", d.Code, "Bổ sung bản sao giấy chứng nhận PCCC")
				return err
			}},
			{"resumed", hanoi(2026, 2, 25, 10, 0), func() error {
				_, err := f.ResumeDossier(staff, "SVHTT", d.Code)
				return err
			}},
			{"decision", time.Time{}, func() error {
				_, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"})
				return err
			}},
			{"leader's signed step", time.Time{}, func() error {
				_, err := f.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"})
				return err
			}},
			{"apology", hanoi(2026, 3, 5, 9, 0), func() error {
				_, err := f.Apologize(staff, "SVHTT", d.Code, hanoi(2026, 3, 6, 16, 0), "Chờ ý kiến cơ quan PCCC")
				return err
			}},
			{"late return", time.Time{}, func() error {
				_, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"})
				return err
			}},
			{"another received", time.Time{}, func() error { return f.ReceiveDossier(staff, refused) }},
			{"not approved, notified and returned", time.Time{}, func() error {
				for _, c := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Không đạt"}, {StepID: "notice"}, {StepID: "e"}} {
					if _, err := f.CompleteStep(staff, "SVHTT", refused.Code, c); err != nil {
						return err
					}
				}
				return nil
			}},
			{"history imported", time.Time{}, func() error {
				done := hanoi(2026, 1, 20, 9, 0)
				_, err := f.ImportDossiers(f.ctx, "SVHTT", []sqlstore.DossierImport{
					{Code: "D-OPEN", TTHCCode: "1.000001", ReceivedAt: hanoi(2026, 1, 5, 9, 0), DueAt: hanoi(2026, 1, 12, 9, 0), Status: qms.DossierInProgress},
					{Code: "D-DONE", TTHCCode: "1.000001", ReceivedAt: hanoi(2026, 1, 5, 9, 0), DueAt: hanoi(2026, 1, 12, 9, 0), CompletedAt: &done, Status: qms.DossierCompleted},
				})
				return err
			}},
		}
		for _, s := range steps {
			if !s.at.IsZero() {
				clk.Set(s.at.UTC())
			}
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := namedRows(t, f, f.ctx); got != nil {
				t.Fatalf("after %s: named %q", s.name, got)
			}
		}
		if got := mustQuery(t, f, fmt.Sprintf(`SELECT status || ' ' || result FROM dossiers WHERE id IN (%d, %d) ORDER BY id`, d.ID, refused.ID)); !slices.Equal(got,
			[]string{"completed late", "completed early"}) {
			t.Fatalf("dossiers after the flows: %q", got)
		}
	})
	eachStore(t, func(t *testing.T, f *fixture) {
		openA, _, _ := mergeAgency(t, f, "PA", true)
		openB, _, _ := mergeAgency(t, f, "PB", false)
		if _, err := f.MergeAgencies(f.ctx, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false); err != nil {
			t.Fatal(err)
		}
		if got := mustQuery(t, f, `SELECT COUNT(*) FROM dossiers WHERE agency_code = 'NEW' AND code IN ('`+openA+`', '`+openB+`')`); got[0] == "0" {
			t.Fatalf("the merge moved no open dossier")
		}
		if got := namedRows(t, f, f.ctx); got != nil {
			t.Fatalf("after a merge moving dossiers: named %q", got)
		}
	})
	eachStore(t, func(t *testing.T, f *fixture) {
		open, _, _ := splitAgency(t, f)
		rep, err := f.SplitAgency(f.ctx, qms.SplitPlan{From: "PA", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false)
		if err != nil || !slices.Equal(rep.Dossiers, []string{open}) {
			t.Fatalf("split: %v %v", rep, err)
		}
		if got := namedRows(t, f, f.ctx); got != nil {
			t.Fatalf("after a split moving a dossier: named %q", got)
		}
	})
}

// TestTrust5RebaselineOnUpgrade: migration 0062 (PostgreSQL 0039)
// starts covering dossiers. A database of the release before (the
// trigger absent, no dossier state in the trail) upgrades with every
// dossier recorded as found, in entries of at most sqlstore.BaselineRows
// rows (the trail before cannot vouch for a dossier's state: a dossier
// changed with the file before the upgrade is recorded as changed), and
// verification goes on from there.
func TestTrust5RebaselineOnUpgrade(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, _ := trustDossier(t, f, true)
		backToRelease(t, f, f.ctx, []string{"dossiers"}, "0062_trust_dossiers", "0039_trust_dossiers")
		mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET result = 'early' WHERE id = %d`, id))
		var total int
		fmt.Sscan(mustQuery(t, f, `SELECT COUNT(*) FROM dossiers`)[0], &total)

		upgraded := f.second(t)
		if got := namedRows(t, upgraded, f.ctx); got != nil {
			t.Fatalf("after the upgrade: named %q", got)
		}
		es, _, err := upgraded.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("audit.baseline"), Limit: 10})
		if err != nil || len(es) == 0 || es[0].Reason != sqlstore.RebaselineReasons[5] || len(es[0].Rows) != total || total == 0 {
			t.Fatalf("baseline entry %+v %v, want one of %d rows", es, err, total)
		}
		if !strings.Contains(string(es[0].After), `"version":5`) {
			t.Fatalf("baseline entry: %s", es[0].After)
		}
		mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET due_at = '2030-01-01T00:00:00Z' WHERE id = %d`, id))
		want := []string{qms.RowAltered + " dossiers hồ sơ " + code + " của SVHTT"}
		if got := namedRows(t, upgraded, f.ctx); !slices.Equal(got, want) {
			t.Fatalf("a due time moved after the upgrade: named %q, want %q", got, want)
		}
	})
}

// TestTrust5ScanLeavesDossiersToTheWholeCheck: the compliance scan of
// every rule verifies the chain and the account rows but not a million
// dossiers; AUDIT_CHAIN_BROKEN run alone (the audit-verify job) reads
// every dossier and opens a finding on one changed with the file. The
// scan keeps that finding open, since it did not look; only a run that
// reads the dossier again closes it once put back. An agency's own run
// (an agency administrator's) leaves the system agency's finding as it
// is: attached to the agency's batch it was opened a second time.
func TestTrust5ScanLeavesDossiersToTheWholeCheck(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, id, _ := trustDossier(t, f, false)
		old := mustQuery(t, f, fmt.Sprintf(`SELECT due_at FROM dossiers WHERE id = %d`, id))[0]
		mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET due_at = '2030-01-01T00:00:00Z' WHERE id = %d`, id))
		mustExec(t, f, fmt.Sprintf(`UPDATE dossier_steps SET note = 'sửa ngoài ứng dụng' WHERE dossier_id = %d AND step_id = 'check'`, id))
		rule, yes := qms.RuleAuditChainBroken, true
		open := func() []string {
			t.Helper()
			fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: &rule, Open: &yes})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range fs {
				out = append(out, x.ObjectType+" "+x.ObjectID)
			}
			slices.Sort(out)
			return out
		}
		run := func(scope qms.CheckScope) {
			t.Helper()
			_, err := f.RunChecks(f.ctx, scope)
			if scope.Rule == rule && scope.AgencyCode != "" {
				// An agency's run of the rule would check nothing.
				if qms.ErrorCode(err) != qms.EINVALID {
					t.Fatalf("the rule alone in an agency's run: %v, want it refused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		key := []string{fmt.Sprintf("dossier_steps [%d]", id), fmt.Sprintf("dossiers [%d]", id)}
		steps := []struct {
			name  string
			scope qms.CheckScope
			want  []string
		}{
			{"scan of every rule", qms.CheckScope{}, nil},
			{"the rule alone", qms.CheckScope{Rule: rule}, key},
			{"scan again", qms.CheckScope{}, key},
			{"the agency's own scan", qms.CheckScope{AgencyCode: "SVHTT"}, key},
			{"the rule alone in the agency's run", qms.CheckScope{AgencyCode: "SVHTT", Rule: rule}, key},
			{"put back, scan", qms.CheckScope{}, key},
			{"put back, the agency's own run of the rule", qms.CheckScope{AgencyCode: "SVHTT", Rule: rule}, key},
			{"put back, the rule alone", qms.CheckScope{Rule: rule}, nil},
		}
		for _, s := range steps {
			if strings.HasPrefix(s.name, "put back") {
				mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET due_at = '%s' WHERE id = %d`, old, id))
				mustExec(t, f, fmt.Sprintf(`UPDATE dossier_steps SET note = '' WHERE dossier_id = %d AND step_id = 'check'`, id))
			}
			run(s.scope)
			if got := open(); !slices.Equal(got, s.want) {
				t.Fatalf("%s: open findings %q, want %q", s.name, got, s.want)
			}
		}
	})
}

// TestTrust5UpgradeRunAgainVouchesForNothing: with the file, the
// dossiers' triggers dropped and their migration's row deleted, a
// dossier's result changed and one inserted; the store opened again runs
// the migration again, whose upgrade would record every dossier as found.
// The trail already covers dossiers: it records none, and verification
// names both.
func TestTrust5UpgradeRunAgainVouchesForNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, _ := trustDossier(t, f, false)
		if _, pg := f.Store.(*postgres.DB); pg {
			mustExec(t, f, `DROP TRIGGER dossiers_row ON dossiers`)
			mustExec(t, f, `DELETE FROM migrations WHERE name LIKE '%0039_trust_dossiers%'`)
		} else {
			for _, op := range []string{"insert", "update", "delete"} {
				mustExec(t, f, `DROP TRIGGER dossiers_row_`+op)
			}
			mustExec(t, f, `DELETE FROM migrations WHERE name LIKE '%0062_trust_dossiers%'`)
		}
		mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET result = 'early' WHERE id = %d`, id))
		mustExec(t, f, `INSERT INTO dossiers (code, agency_code, tthc_code, applicant_json, channel, received_at, due_at, status, updated_at)
			VALUES ('SVHTT-2026-009998', 'SVHTT', '1.000001', '{}', 'counter', '2026-03-02T02:00:00Z', '2026-03-09T02:00:00Z', 'completed', '')`)
		upgraded := f.second(t)
		want := []string{qms.RowAltered + " dossiers hồ sơ " + code + " của SVHTT", qms.RowAdded + " dossiers hồ sơ SVHTT-2026-009998 của SVHTT"}
		got := namedRows(t, upgraded, f.ctx)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("after the migration ran again: named %q, want %q", got, want)
		}
	})
}

// TestTrust5StepRecordsWrittenOutsideTheApp: a dossier's step records,
// deleted, changed or slipped in with the database alone (a signed step's
// guard dropped first), no longer chain to the digest its row keeps, and
// `qms audit verify` names the dossier's steps; put back, it verifies
// clean again.
func TestTrust5StepRecordsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name, tamper, putBack string // SQL; %[1]d is the dossier's id
	}{
		{"the receipt's time moved", `UPDATE dossier_steps SET completed_at = '2030-01-01T00:00:00Z' WHERE id = (SELECT MIN(id) FROM dossier_steps WHERE dossier_id = %[1]d)`,
			`UPDATE dossier_steps SET completed_at = opened_at WHERE id = (SELECT MIN(id) FROM dossier_steps WHERE dossier_id = %[1]d)`},
		{"the leader's signed step given to another", `UPDATE dossier_steps SET actor = 'mallory' WHERE dossier_id = %[1]d AND step_id = 'sign'`,
			`UPDATE dossier_steps SET actor = 'leader' WHERE dossier_id = %[1]d AND step_id = 'sign'`},
		{"a step's form entry rewritten", `UPDATE dossier_steps SET entry_json = '{"ket_luan":"Đạt"}' WHERE dossier_id = %[1]d AND step_id = 'check'`,
			`UPDATE dossier_steps SET entry_json = NULL WHERE dossier_id = %[1]d AND step_id = 'check'`},
		{"a leader's step forged", `INSERT INTO dossier_steps (dossier_id, step_id, step_name, opened_at, due_at, completed_at, actor, exit, agency_code)
			VALUES (%[1]d, 'sign', 'Lãnh đạo ký duyệt', '2026-03-03T02:00:00Z', '2026-03-04T02:00:00Z', '2026-03-03T03:00:00Z', 'leader', '', 'SVHTT')`,
			`DELETE FROM dossier_steps WHERE dossier_id = %[1]d AND id = (SELECT MAX(id) FROM dossier_steps WHERE dossier_id = %[1]d)`},
		{"the check step's record deleted", `DELETE FROM dossier_steps WHERE dossier_id = %[1]d AND step_id = 'check'`, ""},
		// Left out of the digest (a merge or split moves it with the
		// dossier), a record's agency must be its dossier's (outsider
		// pass 15).
		{"a step record moved to another agency", `UPDATE dossier_steps SET agency_code = 'SYS' WHERE dossier_id = %[1]d AND step_id = 'check'`,
			`UPDATE dossier_steps SET agency_code = 'SVHTT' WHERE dossier_id = %[1]d AND step_id = 'check'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				code, id, _ := trustDossier(t, f, true)
				actor := mustQuery(t, f, fmt.Sprintf(`SELECT actor FROM dossier_steps WHERE dossier_id = %d AND step_id = 'sign'`, id))[0]
				if _, pg := f.Store.(*postgres.DB); pg {
					mustExec(t, f, `DROP TRIGGER dossier_steps_signed ON dossier_steps`)
				} else {
					mustExec(t, f, `DROP TRIGGER dossier_steps_signed`)
				}
				mustExec(t, f, fmt.Sprintf(tt.tamper, id))
				want := []string{qms.RowAltered + " dossier_steps các bước của hồ sơ " + code + " của SVHTT"}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				if tt.putBack == "" {
					return
				}
				mustExec(t, f, strings.ReplaceAll(fmt.Sprintf(tt.putBack, id), "'leader'", "'"+actor+"'"))
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("put back: named %q", got)
				}
			})
		})
	}
}

// TestTrustWriteAfterTamperingIsNamed: a row changed with the file and
// then written by the application had its changed columns recorded as
// the application's, and verification said ok from then on (outsider
// pass 15, high). Each row an entry records carries its state before,
// which must be the state the trail recorded last: the row is named at
// the entry that wrote it, for a dossier (a step completed on it) and for
// a user (an administrator's edit of the name).
func TestTrustWriteAfterTamperingIsNamed(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, staff := trustDossier(t, f, false)
		mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET due_at = '2030-01-01T00:00:00Z' WHERE id = %d`, id))
		if _, err := f.CompleteStep(staff, "SVHTT", code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); err != nil {
			t.Fatal(err)
		}
		u, err := f.FindUserByUsername(f.ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, f, fmt.Sprintf(`UPDATE users SET email = 'mallory@example.com' WHERE id = %d`, u.ID))
		if _, err := f.UpdateUser(f.ctx, u.ID, qms.UserUpdate{FullName: ptr("Quản trị hệ thống")}); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(namedRows(t, f, f.ctx), "\n")
		t.Logf("named:\n%s", got)
		for _, want := range []string{fmt.Sprintf("dossiers [%d]", id), fmt.Sprintf("users [%d]", u.ID)} {
			if !strings.Contains(got, qms.RowAltered+" "+want[:strings.Index(want, " ")]+" trước khi ứng dụng ghi mục nhật ký") {
				t.Errorf("%s not named as written from a state the trail did not record: named\n%s", want, got)
			}
		}
	})
}

// TestTrustWriteAfterTriggersDroppedIsNamed: the triggers that list the
// rows' states before dropped with the file, a dossier tampered, then a
// step completed on it: the application's entry cannot say what the row
// was, and the row is named all the same (outsider pass 16).
func TestTrustWriteAfterTriggersDroppedIsNamed(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, staff := trustDossier(t, f, false)
		if _, pg := f.Store.(*postgres.DB); pg {
			// One function lists both; the attacker puts back the one
			// that lists only the keys.
			mustExec(t, f, `CREATE OR REPLACE FUNCTION note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
				DECLARE r jsonb;
				BEGIN
					FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END] LOOP
						IF r IS NOT NULL THEN
							INSERT INTO row_changes (tbl, row_key) SELECT TG_TABLE_NAME, '[' || string_agg((r -> a.k)::text, ',' ORDER BY a.i) || ']'
							FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, i);
						END IF;
					END LOOP;
					RETURN NULL;
				END $$`)
		} else {
			for _, op := range []string{"insert", "update", "delete"} {
				mustExec(t, f, `DROP TRIGGER dossiers_row_before_`+op)
			}
		}
		moveDueThenStep(t, f, f, staff, code, id)
	})
}

// TestTrustLyingTriggerIsReplaced: with the file, the trigger that lists
// a dossier's state before is replaced by one that lists the due time the
// trail recorded, and the due time moved; a server then opened writes its
// own triggers back over it, so the next step on the dossier says what
// the row was, and the dossier is named.
func TestTrustLyingTriggerIsReplaced(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, staff := trustDossier(t, f, false)
		due := mustQuery(t, f, fmt.Sprintf(`SELECT due_at FROM dossiers WHERE id = %d`, id))[0]
		if _, pg := f.Store.(*postgres.DB); pg {
			lie := `to_jsonb(OLD) || CASE WHEN TG_TABLE_NAME = 'dossiers' THEN jsonb_build_object('due_at', '` + due + `') ELSE '{}' END`
			fn := mustQuery(t, f, `SELECT pg_get_functiondef('note_row_change'::regproc)`)[0]
			if !strings.Contains(fn, "to_jsonb(OLD)") {
				t.Fatalf("trigger function: %s", fn)
			}
			mustExec(t, f, strings.Replace(fn, "to_jsonb(OLD)", lie, 1))
		} else {
			trg := mustQuery(t, f, `SELECT sql FROM sqlite_master WHERE name = 'dossiers_row_before_update'`)[0]
			mustExec(t, f, `DROP TRIGGER dossiers_row_before_update`)
			mustExec(t, f, strings.Replace(trg, "OLD.due_at", "'"+due+"'", 1))
			// One of its own name too, which the open drops on the record.
			mustExec(t, f, `CREATE TRIGGER zz_hide AFTER INSERT ON row_olds BEGIN SELECT 1; END`)
		}
		moveDueThenStep(t, f, nil, staff, code, id)
		if _, pg := f.Store.(*postgres.DB); !pg {
			es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("audit.trigger_removed"), Limit: 10})
			if err != nil || len(es) != 1 || es[0].ObjectID != "zz_hide" || !strings.Contains(string(es[0].Before), "row_olds") {
				t.Errorf("the foreign trigger's removal: %+v %v", es, err)
			}
		}
	})
}

// TestTrustTriggerPutInWhileServerRuns: with the server running, someone
// with the database puts in a trigger of another name that rewrites a
// dossier's listed state before to the due time the trail recorded, then
// moves the due time. The server's next write finds the schema changed
// and makes the triggers the code's before writing, so its step on the
// dossier says what the row was, and the dossier is named; the foreign
// trigger is dropped on the record (outsider pass 17).
func TestTrustTriggerPutInWhileServerRuns(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		code, id, staff := trustDossier(t, f, false)
		due := mustQuery(t, f, fmt.Sprintf(`SELECT due_at FROM dossiers WHERE id = %d`, id))[0]
		if _, pg := f.Store.(*postgres.DB); pg {
			mustExec(t, f, `CREATE FUNCTION zz_launder() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.tbl = 'dossiers' AND NEW.old_row IS NOT NULL THEN
						NEW.old_row := NEW.old_row || jsonb_build_object('due_at', '`+due+`');
					END IF;
					RETURN NEW;
				END $$`)
			mustExec(t, f, `CREATE TRIGGER zz_launder BEFORE INSERT ON row_changes FOR EACH ROW EXECUTE FUNCTION zz_launder()`)
		} else {
			mustExec(t, f, `CREATE TRIGGER zz_launder AFTER INSERT ON row_olds WHEN NEW.tbl = 'dossiers' AND NEW.old_row IS NOT NULL
				BEGIN UPDATE row_olds SET old_row = json_set(old_row, '$.due_at', '`+due+`') WHERE rowid = NEW.rowid; END`)
		}
		moveDueThenStep(t, f, f, staff, code, id)
		es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("audit.trigger_removed"), Limit: 10})
		if err != nil || len(es) != 1 || es[0].ObjectID != "zz_launder" || !strings.Contains(string(es[0].Before), "due_at") {
			t.Errorf("the foreign trigger's removal: %+v %v", es, err)
		}
		if n := mustQuery(t, f, `SELECT count(*) FROM `+triggerCatalog(f)+` WHERE `+triggerName(f)+` = 'zz_launder'`)[0]; n != "0" {
			t.Errorf("the foreign trigger is still there (%s)", n)
		}
	})
}

// triggerCatalog and triggerName find a trigger by name in either store.
func triggerCatalog(f *fixture) string {
	if _, pg := f.Store.(*postgres.DB); pg {
		return "pg_trigger"
	}
	return "sqlite_master"
}

func triggerName(f *fixture) string {
	if _, pg := f.Store.(*postgres.DB); pg {
		return "tgname"
	}
	return "name"
}

// moveDueThenStep moves the dossier's due time with the database alone,
// then completes its next step through server (nil: a server opened
// after the move), and wants the dossier named as written by the
// application from a state the trail did not record.
func moveDueThenStep(t *testing.T, f *fixture, server Store, staff context.Context, code string, id int64) {
	t.Helper()
	mustExec(t, f, fmt.Sprintf(`UPDATE dossiers SET due_at = '2030-01-01T00:00:00Z' WHERE id = %d`, id))
	if server == nil {
		server = f.second(t)
	}
	if _, err := server.CompleteStep(staff, "SVHTT", code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(namedRows(t, f, f.ctx), "\n")
	if !strings.Contains(got, qms.RowAltered+" dossiers trước khi ứng dụng ghi mục nhật ký") {
		t.Errorf("the dossier is not named: named\n%s", got)
	}
}

// TestTrust6OpenStepsWrittenOutsideTheApp: a dossier's open steps as the
// task lists and the compliance checks read them (dossier_open_steps),
// changed with the database alone, no longer match its flow, which the
// trail vouches for: `qms audit verify` names them; put back, it verifies
// clean again.
func TestTrust6OpenStepsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name, tamper, putBack string // SQL; %[1]d is the dossier's id
	}{
		{"task deleted (hidden from the leader, never overdue)", `DELETE FROM dossier_open_steps WHERE dossier_id = %[1]d`,
			`INSERT INTO dossier_open_steps SELECT * FROM kept_open WHERE dossier_id = %[1]d`},
		{"task paused", `UPDATE dossier_open_steps SET paused = TRUE WHERE dossier_id = %[1]d`,
			`UPDATE dossier_open_steps SET paused = FALSE WHERE dossier_id = %[1]d`},
		{"the dossier's due time in the task moved", `UPDATE dossier_open_steps SET dossier_due = '2030-01-01T00:00:00Z' WHERE dossier_id = %[1]d`,
			`UPDATE dossier_open_steps SET dossier_due = (SELECT dossier_due FROM kept_open) WHERE dossier_id = %[1]d`},
		{"opening time moved", `UPDATE dossier_open_steps SET opened_at = '2030-01-01T00:00:00Z' WHERE dossier_id = %[1]d`,
			`UPDATE dossier_open_steps SET opened_at = (SELECT opened_at FROM kept_open) WHERE dossier_id = %[1]d`},
		{"step's due time moved later (overdue findings closed)", `UPDATE dossier_open_steps SET due_at = '2030-01-01T00:00:00Z' WHERE dossier_id = %[1]d`,
			`UPDATE dossier_open_steps SET due_at = (SELECT due_at FROM kept_open) WHERE dossier_id = %[1]d`},
		{"task moved to another role's list", `UPDATE dossier_open_steps SET role = 'auditor' WHERE dossier_id = %[1]d`,
			`UPDATE dossier_open_steps SET role = (SELECT role FROM kept_open) WHERE dossier_id = %[1]d`},
		{"task added", `INSERT INTO dossier_open_steps SELECT dossier_id, 'extra', agency_code, role, opened_at, due_at, dossier_code, tthc_code,
			dossier_due, procedure_id, version_number, paused FROM kept_open WHERE dossier_id = %[1]d`,
			`DELETE FROM dossier_open_steps WHERE dossier_id = %[1]d AND step_id = 'extra'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				code, id, _ := trustDossier(t, f, false)
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("untouched: named %q", got)
				}
				mustExec(t, f, fmt.Sprintf(`CREATE TABLE kept_open AS SELECT * FROM dossier_open_steps WHERE dossier_id = %d`, id))
				mustExec(t, f, fmt.Sprintf(tt.tamper, id))
				want := []string{qms.RowAltered + " dossier_open_steps các bước đang mở của hồ sơ " + code + " của SVHTT"}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				mustExec(t, f, fmt.Sprintf(tt.putBack, id))
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("put back: named %q", got)
				}
			})
		})
	}
}

// TestTrust7DossierCountsWrittenOutsideTheApp: the dossier list's totals
// (dossier_counts, kept by triggers) changed with the database alone no
// longer match the dossiers the trail vouches for: `qms audit verify`
// names the agency and status; put back, it verifies clean again.
func TestTrust7DossierCountsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name, tamper, putBack string // SQL; {status} is the dossier's status
		status                string // the status named; "" for the dossier's
	}{
		{"count raised", `UPDATE dossier_counts SET n = n + 5 WHERE agency_code = 'SVHTT' AND status = '{status}'`,
			`UPDATE dossier_counts SET n = n - 5 WHERE agency_code = 'SVHTT' AND status = '{status}'`, ""},
		{"count's row deleted", `DELETE FROM dossier_counts WHERE agency_code = 'SVHTT' AND status = '{status}'`,
			`INSERT INTO dossier_counts SELECT * FROM kept_counts`, ""},
		{"count of a status with no dossier", `INSERT INTO dossier_counts (agency_code, status, n) VALUES ('SVHTT', 'withdrawn', 3)`,
			`DELETE FROM dossier_counts WHERE status = 'withdrawn'`, "withdrawn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				code, _, _ := trustDossier(t, f, false)
				d, err := f.FindDossier(f.ctx, "SVHTT", code)
				if err != nil {
					t.Fatal(err)
				}
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("untouched: named %q", got)
				}
				status := string(d.Status)
				mustExec(t, f, fmt.Sprintf(`CREATE TABLE kept_counts AS SELECT * FROM dossier_counts WHERE agency_code = 'SVHTT' AND status = '%s'`, status))
				mustExec(t, f, strings.ReplaceAll(tt.tamper, "{status}", status))
				named := cmp.Or(tt.status, status)
				got := namedRows(t, f, f.ctx)
				if len(got) != 1 || !strings.HasPrefix(got[0], qms.RowAltered+" dossier_counts số hồ sơ "+named+" của SVHTT") {
					t.Fatalf("after tampering: named %q, want the count of %s of SVHTT", got, named)
				}
				mustExec(t, f, strings.ReplaceAll(tt.putBack, "{status}", status))
				if got := namedRows(t, f, f.ctx); got != nil {
					t.Fatalf("put back: named %q", got)
				}
			})
		})
	}
}

// TestTrust8PauseWrittenOutsideTheApp: a dossier's pause in progress
// changed with the database alone no longer matches its flow, which the
// trail vouches for: `qms audit verify` names it, and a start moved
// earlier does not move the due time at the next resume (the resume goes
// by the flow's start).
func TestTrust8PauseWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name   string
		pause  bool   // the application pauses the dossier first
		tamper string // SQL; %[1]d is the dossier's id
	}{
		{"start moved earlier", true, `UPDATE dossier_pauses SET started_at = '2020-01-01T00:00:00Z' WHERE dossier_id = %[1]d AND ended_at IS NULL`},
		{"pause in progress deleted", true, `DELETE FROM dossier_pauses WHERE dossier_id = %[1]d`},
		{"pause made up on a dossier not paused", false, `INSERT INTO dossier_pauses (dossier_id, started_at, reason) VALUES (%[1]d, '2020-01-01T00:00:00Z', 'x')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				code, id, staff := trustDossier(t, f, false)
				if tt.pause {
					if _, err := f.PauseDossier(staff, "SVHTT", code, "Bổ sung bản sao giấy chứng nhận PCCC"); err != nil {
						t.Fatal(err)
					}
					if got := namedRows(t, f, f.ctx); got != nil {
						t.Fatalf("paused by the application: named %q", got)
					}
				}
				before, err := f.FindDossier(f.ctx, "SVHTT", code)
				if err != nil {
					t.Fatal(err)
				}
				mustExec(t, f, fmt.Sprintf(tt.tamper, id))
				want := []string{qms.RowAltered + " dossier_pauses lần tạm dừng đang diễn ra của hồ sơ " + code + " của SVHTT"}
				if got := namedRows(t, f, f.ctx); !slices.Equal(got, want) {
					t.Fatalf("after tampering: named %q, want %q", got, want)
				}
				if tt.name != "start moved earlier" {
					return
				}
				f.clk.Add(time.Hour)
				after, err := f.ResumeDossier(staff, "SVHTT", code)
				if err != nil {
					t.Fatal(err)
				}
				if moved := after.DueAt.Sub(before.DueAt); moved > 24*time.Hour {
					t.Errorf("resumed an hour after the pause, the due time moved by %v", moved)
				}
				// The history keeps the flow's start, and the resume's
				// entry says what the row told.
				ps, err := f.Pauses(f.ctx, id)
				if err != nil || len(ps) != 1 || ps[0].StartedAt.Year() == 2020 {
					t.Errorf("the pause after the resume: %+v, %v", ps, err)
				}
				es, _, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: ptr("dossier.resume"), Limit: 1})
				if err != nil || len(es) != 1 || !strings.Contains(string(es[0].After), `"pause_started_at_found":"2020-01-01T00:00:00Z"`) {
					t.Errorf("the resume's entry: %+v, %v", es, err)
				}
			})
		})
	}
}
