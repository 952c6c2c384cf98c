package storetest_test

import (
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

// isoTables are the tables RowStateVersion 8 starts covering.
func isoTables() []string {
	var out []string
	for _, t := range sqlstore.SecurityTables {
		if slices.ContainsFunc(t.State, func(c sqlstore.StateColumn) bool { return c.Since == 8 }) {
			out = append(out, t.Table)
		}
	}
	return out
}

// trustISOScenario writes, the way the application does, a row of each
// table RowStateVersion 8 covers: agency PA as qmstest.MergeAgency sets
// it up (forms at two versions, the procedure QT-01 in force, an open
// and a closed nonconformity, two objectives), an action on the open
// nonconformity, a risk with an action, an internal audit of PA by the
// province with its checklist, and a citizen's feedback.
func trustISOScenario(t *testing.T, f *fixture) {
	t.Helper()
	_, _, procID := mergeAgency(t, f, "PA", false)
	officer := userOf(t, f, "thu.ky.pa", "PA")
	var open int64
	fmt.Sscan(mustQuery(t, f, `SELECT id FROM nonconformities WHERE status = 'open'`)[0], &open)
	due := qms.CivilDate(f.clk.Now()).AddDate(0, 0, 10)
	if _, err := f.AddAction(officer, "PA", open, qms.CorrectiveAction{Description: "Lập quy trình", Owner: "thu.ky.pa", DueOn: due}); err != nil {
		t.Fatal(err)
	}
	r := &qms.Risk{AgencyCode: "PA", Kind: qms.RiskKindRisk, Description: "Mất dữ liệu", ProcedureID: procID, Owner: "thu.ky.pa", Likelihood: 3, Impact: 3, ReviewOn: due}
	if err := f.CreateRisk(officer, r); err != nil {
		t.Fatal(err)
	}
	if _, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Sao lưu hằng ngày", Owner: "thu.ky.pa", DueOn: due}); err != nil {
		t.Fatal(err)
	}
	plan := provinceAudit(t, f, "PA", "Đánh giá PA")
	if _, err := f.BuildChecklist(userOf(t, f, "dgv", "UBND"), "UBND", plan.ID); err != nil {
		t.Fatal(err)
	}
	fb := &qms.Feedback{AgencyCode: "PA", Name: "Nguyễn Văn An", Contact: "0912345678", Content: "Hồ sơ trễ hẹn 3 ngày."}
	if err := f.SubmitFeedback(qms.WithActor(context.Background(), qms.PublicActor("PA")), fb, "203.0.113.7"); err != nil {
		t.Fatal(err)
	}
	if got := namedRows(t, f, f.ctx); got != nil {
		t.Fatalf("after the application's own writes: named %q", got)
	}
}

// userOf is the context of the user named, acting in agency.
func userOf(t *testing.T, f *fixture, username, agency string) context.Context {
	t.Helper()
	u, err := f.FindUserByUsername(f.ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
}

// TestTrust12ISORecordsWrittenOutsideTheApp: the ISO records changed
// with the database alone, around the guard triggers, are named by `qms
// audit verify` (outsider pass 24: each of these said ok): a
// nonconformity closed without its cycle or a signature, a corrective
// action moved a year out or handed to someone else, an objective
// lowered, a procedure's review postponed, a risk's review moved and its
// action deleted, a replaced form version put back in force, an audit
// plan marked reported without a report, a checklist answered, a
// citizen's feedback answered.
func TestTrust12ISORecordsWrittenOutsideTheApp(t *testing.T) {
	tests := []struct {
		name, sql string
		want      string // "change table" and the start of the label
	}{
		{"nonconformity closed", `UPDATE nonconformities SET status = 'closed', verdict = 'effective', verified_by = 'dgv', closed_at = '2026-03-02T03:00:00Z' WHERE status = 'open'`,
			qms.RowAltered + " nonconformities sự không phù hợp NC-PA-2026-001 của PA"},
		{"action moved a year out", `UPDATE corrective_actions SET due_on = '2099-01-01' WHERE done_at IS NULL`,
			qms.RowAltered + " corrective_actions hành động khắc phục "},
		{"action handed to someone else", `UPDATE corrective_actions SET owner = 'giam.doc.pa' WHERE done_at IS NULL`,
			qms.RowAltered + " corrective_actions hành động khắc phục "},
		{"objective lowered", `UPDATE objectives SET target = 10 WHERE year = 2026`,
			qms.RowAltered + " objectives mục tiêu chất lượng "},
		{"review postponed", `UPDATE procedures SET next_review_on = '2099-01-01'`,
			qms.RowAltered + " procedures quy trình QT-01 của PA"},
		{"risk review moved", `UPDATE risks SET review_on = '2099-01-01'`,
			qms.RowAltered + " risks rủi ro, cơ hội "},
		{"risk action deleted", `DELETE FROM risk_actions`,
			qms.RowDeleted + " risk_actions ["},
		{"replaced form version put back in force", `UPDATE form_versions SET status = 'effective' WHERE status = 'superseded' AND form_id IN (SELECT id FROM forms WHERE agency_code = 'PA')`,
			qms.RowAltered + " form_versions lần ban hành 01 của biểu mẫu PA BM-QT01-01"},
		{"audit reported without a report", `UPDATE audit_plans SET status = 'reported', conclusion = 'Phù hợp', reported_at = '2026-03-02T03:00:00Z'`,
			qms.RowAltered + " audit_plans kế hoạch đánh giá nội bộ "},
		{"checklist answered", `UPDATE audit_items SET result = 'conform', evidence = 'Đã xem'`,
			qms.RowAltered + " audit_items câu hỏi "},
		{"feedback answered", `UPDATE feedback SET answer = 'Đã giải quyết', status = 'answered'`,
			qms.RowAltered + " feedback phản ánh, kiến nghị PA-PA-2026-001 của PA"},
		// Outsider pass 25: the survey's triggers refuse a change, not an
		// answer added; and a signed form retitled.
		{"survey answer forged", `INSERT INTO satisfaction_responses (agency_code, dossier_id, tthc_code, questionnaire, answers_json, comment, submitted_at)
			SELECT agency_code, id, tthc_code, 'SIPAS-2017', '{}', 'Rất hài lòng', '2026-03-02T03:00:00Z' FROM dossiers WHERE agency_code = 'PA'`,
			qms.RowAdded + " satisfaction_responses phiếu khảo sát "},
		{"one-open-per-finding rule lifted", `UPDATE nonconformities SET finding_duplicate = NOT finding_duplicate WHERE status = 'open'`,
			qms.RowAltered + " nonconformities sự không phù hợp NC-PA-2026-001 của PA"},
		{"checklist hints rewritten", `UPDATE audit_items SET suggestions_json = '["Đã xem đủ hồ sơ"]'`,
			qms.RowAltered + " audit_items câu hỏi "},
		{"form retitled", `UPDATE forms SET title = 'Phiếu giả mạo' WHERE agency_code = 'PA' AND code = 'BM-QT01-01'`,
			qms.RowAltered + " forms biểu mẫu BM-QT01-01 của PA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, f *fixture) {
				trustISOScenario(t, f)
				if err := f.tamper(tt.sql); err != nil {
					t.Fatal(err)
				}
				got := namedRows(t, f, f.ctx)
				if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
					t.Fatalf("after tampering: named %q, want one row named %q…", got, tt.want)
				}
			})
		})
	}
}

// TestTrust12RebaselineOnUpgrade: migration 0066 (PostgreSQL 0043)
// starts covering the ISO records. A database of the release before
// upgrades with every row of them recorded as found (the trail before
// holds no state of theirs), and verification goes on from there.
func TestTrust12RebaselineOnUpgrade(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		trustISOScenario(t, f)
		tables := isoTables()
		// The fresh database's own upgrade recorded the standard forms'
		// versions: that entry is not in the trail of the release before.
		backToRelease(t, f, f.ctx, tables, "0066_trust_iso_records", "0043_trust_iso_records",
			`UPDATE audit_log SET after_json = '{"rows":0}' WHERE action = 'audit.baseline' AND after_json LIKE '%"version":8}%'`)
		counts := make([]string, len(tables))
		for i, table := range tables {
			counts[i] = `(SELECT COUNT(*) FROM ` + table + `)`
		}
		var total int
		fmt.Sscan(mustQuery(t, f, `SELECT `+strings.Join(counts, " + "))[0], &total)
		upgraded := f.second(t)
		checkRebaselined(t, upgraded, f.ctx, 8, nil, total)
		mustExec(t, f, `UPDATE procedures SET next_review_on = '2099-01-01'`)
		if got := namedRows(t, upgraded, f.ctx); !slices.Equal(got, []string{qms.RowAltered + " procedures quy trình QT-01 của PA"}) {
			t.Fatalf("a review postponed after the upgrade: named %q", got)
		}
	})
}

// TestTrust12UpgradeRunAgainVouchesForNothing: migration 0066
// (PostgreSQL 0043) run again, its row deleted and its triggers dropped
// with the file, records as found none of the rows put in or changed
// since.
func TestTrust12UpgradeRunAgainVouchesForNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		trustISOScenario(t, f)
		backToRelease(t, f, f.ctx, nil, "0066_trust_iso_records", "0043_trust_iso_records")
		for _, table := range isoTables() {
			if _, pg := f.Store.(*postgres.DB); pg {
				mustExec(t, f, `DROP TRIGGER `+table+`_row ON `+table)
				continue
			}
			for _, op := range []string{"insert", "update", "delete"} {
				mustExec(t, f, `DROP TRIGGER `+table+`_row_`+op)
			}
		}
		mustExec(t, f, `UPDATE objectives SET target = 10`)
		upgraded := f.second(t)
		got := namedRows(t, upgraded, f.ctx)
		if len(got) != 2 || !strings.HasPrefix(got[0], qms.RowAltered+" objectives mục tiêu chất lượng ") || !strings.HasPrefix(got[1], qms.RowAltered+" objectives ") {
			t.Fatalf("after the migration ran again: named %q, want the two objectives", got)
		}
	})
}

// TestDueDatesBounded: a corrective action, a risk's treatment action or
// a management review's decision due more than three years out (31/12/9999
// typed for "some day", never overdue) is refused, naming the field;
// three years to the day is taken (outsider pass 24).
func TestDueDatesBounded(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, _, procID := mergeAgency(t, f, "PA", false)
		officer := userOf(t, f, "thu.ky.pa", "PA")
		var nc int64
		fmt.Sscan(mustQuery(t, f, `SELECT id FROM nonconformities WHERE status = 'open'`)[0], &nc)
		today := qms.CivilDate(f.clk.Now())
		r := &qms.Risk{AgencyCode: "PA", Kind: qms.RiskKindRisk, Description: "Mất dữ liệu", ProcedureID: procID, Owner: "thu.ky.pa", Likelihood: 3, Impact: 3, ReviewOn: today}
		if err := f.CreateRisk(officer, r); err != nil {
			t.Fatal(err)
		}
		rv := &qms.ManagementReview{AgencyCode: "PA", Title: "Xem xét 2026", HeldOn: today}
		if err := f.CreateReview(f.ctx, rv); err != nil {
			t.Fatal(err)
		}
		add := map[string]func(due time.Time) error{
			"corrective action": func(due time.Time) error {
				_, err := f.AddAction(officer, "PA", nc, qms.CorrectiveAction{Description: "Lập quy trình", Owner: "thu.ky.pa", DueOn: due})
				return err
			},
			"risk action": func(due time.Time) error {
				_, err := f.AddRiskAction(officer, "PA", r.ID, qms.RiskAction{Description: "Sao lưu", Owner: "thu.ky.pa", DueOn: due})
				return err
			},
			"review decision": func(due time.Time) error {
				_, err := f.AddDecision(f.ctx, "PA", rv.ID, qms.ReviewDecision{Text: "Bổ sung nhân lực", Owner: "thu.ky.pa", DueOn: due})
				return err
			},
		}
		for what, add := range add {
			for _, tt := range []struct {
				due time.Time
				ok  bool
			}{
				{time.Date(9999, 12, 31, 0, 0, 0, 0, qms.Zone), false},
				{today.AddDate(3, 0, 1), false},
				{today.AddDate(3, 0, 0), true},
			} {
				err := add(tt.due)
				if tt.ok != (err == nil) || !tt.ok && qms.ErrorField(err) != "due_on" {
					t.Errorf("%s due %s: %v, want accepted %v", what, tt.due.Format("02/01/2006"), err, tt.ok)
				}
			}
		}
	})
}

// TestRowsNotTheApplicationsStillRead: a row put in with the file in a
// shape the application never writes (a finding's sentence, a survey's
// answers, a notification's values that are not JSON; a notification
// linking off the site) no longer takes its page down for everyone, and
// an off-site link is not shown or mailed (outsider pass 25).
func TestRowsNotTheApplicationsStillRead(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, _, _ = mergeAgency(t, f, "PA", false)
		admin, err := f.FindUserByUsername(f.ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, said_json, opened_at)
				VALUES ('R', 'high', 'PA', 'tthc', '1.000009', 'Thông điệp đã lưu', '{bad', '2026-03-01T00:00:00Z')`,
			`INSERT INTO satisfaction_responses (agency_code, dossier_id, tthc_code, questionnaire, answers_json, comment, submitted_at)
				SELECT 'PA', id, tthc_code, 'SIPAS-2017', 'x', '', '2026-03-01T00:00:00Z' FROM dossiers WHERE agency_code = 'PA'`,
			fmt.Sprintf(`INSERT INTO notifications (user_id, agency_code, title, kind, args_json, link, created_at)
				VALUES (%d, 'PA', 'Đăng nhập lại để ký', 'x', '{bad', 'https://evil.example/login', '2026-03-01T00:00:00Z')`, admin.ID),
		} {
			if err := f.tamper(q); err != nil {
				t.Fatal(err)
			}
		}
		agency := "PA"
		fs, err := f.FindFindings(f.ctx, qms.FindingFilter{AgencyCode: &agency})
		if err != nil || !slices.ContainsFunc(fs, func(x *qms.Finding) bool { return x.Message == "Thông điệp đã lưu" && x.Said == nil }) {
			t.Errorf("findings with a sentence not the application's: %v", err)
		}
		if rs, err := f.FindSatisfaction(f.ctx, qms.SatisfactionFilter{Agencies: []string{"PA"}}); err != nil || len(rs) != 1 || rs[0].Answers != nil {
			t.Errorf("survey answers not the application's: %+v %v", rs, err)
		}
		ns, _, err := f.Notifications(f.ctx, admin.ID, 10)
		if err != nil || len(ns) == 0 || ns[0].Link != "" || ns[0].Title != "Đăng nhập lại để ký" {
			t.Errorf("a notification linking off the site: %+v %v", ns, err)
		}
		// A version in force whose content is not JSON, and a signer's
		// name changed: verification names both and the scan runs
		// (outsider pass 26: verify stopped at the version and named
		// nothing else; every page reading it answered 500).
		for _, q := range []string{
			`UPDATE procedure_versions SET content_json = '{' WHERE status = 'effective' AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = 'PA')`,
			`UPDATE users SET full_name = 'Người khác' WHERE username = 'giam.doc.pa'`,
		} {
			if err := f.tamper(q); err != nil {
				t.Fatal(err)
			}
		}
		named := namedRows(t, f, f.ctx)
		for _, want := range []string{qms.RowAltered + " procedure_versions lần ban hành 01 của quy trình PA QT-01", qms.RowAltered + " users người dùng giam.doc.pa"} {
			if !slices.Contains(named, want) {
				t.Errorf("verify named %q, want among them %q", named, want)
			}
		}
		// A declaration whose scope is not JSON (outsider pass 26: the
		// whole scan stopped at it).
		if err := f.tamper(`INSERT INTO declarations (agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type, file_size, note, created_at, created_by)
			VALUES ('PA', '12/QĐ-PA', '2026-03-01', 'Giám đốc', 'x', '{', 'ab', 'qd.pdf', 'application/pdf', 1, '', '2026-03-01T00:00:00Z', 'thu.ky.pa')`); err != nil {
			t.Fatal(err)
		}
		if ds, err := f.FindDeclarations(f.ctx, "PA"); err != nil || len(ds) != 1 || ds[0].TTHCCodes != nil {
			t.Errorf("a declaration whose scope is not JSON: %+v %v", ds, err)
		}
		if _, err := f.RunChecks(f.ctx, qms.CheckScope{}); err != nil {
			t.Errorf("the compliance scan on an unreadable version and declaration: %v", err)
		}
		// A dossier's applicant that is not JSON: its pages and the
		// public lookup read it without one, and SQLite's list does too
		// (outsider pass 26: the whole list answered 500).
		code := mustQuery(t, f, `SELECT code FROM dossiers WHERE agency_code = 'PA'`)[0]
		if err := f.tamper(`UPDATE dossiers SET applicant_json = 'not json{' WHERE code = '` + code + `'`); err != nil {
			t.Fatal(err)
		}
		if d, err := f.FindDossier(f.ctx, "PA", code); err != nil || d.Applicant.Name != "" {
			t.Errorf("a dossier whose applicant is not JSON: %+v %v", d, err)
		}
		if _, pg := f.Store.(*postgres.DB); !pg {
			if ds, _, err := f.FindDossiers(f.ctx, qms.DossierFilter{AgencyCode: &agency, Brief: true}); err != nil || len(ds) == 0 {
				t.Errorf("the list with a dossier whose applicant is not JSON: %d %v", len(ds), err)
			}
		}
		if _, err := f.UpdateUser(f.ctx, admin.ID, qms.UserUpdate{Email: ptr("admin@so.gov.vn")}); err != nil {
			t.Fatal(err)
		}
		ps, err := f.PendingEmails(f.ctx, 100)
		if err != nil || !slices.ContainsFunc(ps, func(p sqlstore.PendingEmail) bool { return p.Title == "Đăng nhập lại để ký" && p.Link == "" }) {
			t.Errorf("mails pending: %+v %v", ps, err)
		}
	})
}

// TestFlagsNotZeroOrOne: SQLite holds a boolean as an integer; a 2
// written with the file (the administrator's disabled flag, an
// objective's withdrawal) stopped the server's start and every page
// reading the row (outsider pass 26). Any value but 0 reads as true, as
// the queries' "= FALSE" reads it: the account is disabled, the objective
// withdrawn, and verification names both rows. PostgreSQL's boolean
// holds nothing else.
func TestFlagsNotZeroOrOne(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if _, pg := f.Store.(*postgres.DB); pg {
			return
		}
		mergeAgency(t, f, "PA", false)
		for _, q := range []string{
			`UPDATE users SET disabled = 2, password_temporary = 2 WHERE username = 'chuyen.vien.pa'`,
			`UPDATE objectives SET withdrawn = 2 WHERE year = 2026 AND agency_code = 'PA'`,
		} {
			if err := f.tamper(q); err != nil {
				t.Fatal(err)
			}
		}
		name := "chuyen.vien.pa"
		us, err := f.FindUsers(f.ctx, qms.UserFilter{Username: &name})
		if err != nil || len(us) != 1 || !us[0].Disabled {
			t.Fatalf("the user with flags of 2: %+v %v", us, err)
		}
		if _, err := f.Authenticate(f.ctx, name, "ngua-o-123", "203.0.113.9"); err == nil || qms.ErrorCode(err) == qms.EINTERNAL {
			t.Errorf("a disabled account signing in: %v", err)
		}
		year := 2026
		os, err := f.FindObjectives(f.ctx, qms.ObjectiveFilter{AgencyCode: "PA", Year: &year, IncludeWithdrawn: true})
		if err != nil || len(os) != 1 || !os[0].Withdrawn {
			t.Fatalf("the objective withdrawn with a 2: %+v %v", os, err)
		}
		if named := namedRows(t, f, f.ctx); len(named) != 2 {
			t.Errorf("verify named %q, want the user and the objective", named)
		}
	})
}
