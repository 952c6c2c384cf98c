package storetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// The compliance engine (qms/sqlstore/compliance*.go) on both stores.
// Some tests enter the dossiers and records the rules read behind the
// store's back (dossierFixture); TestComplianceRulesFireAndClear walks
// the rules through the services that make them.

// openFindings runs the rule over the agency and returns its open
// findings' objects, sorted.
func openFindings(t *testing.T, f *fixture, agency, rule string) []string {
	t.Helper()
	return findingsAs(t, f, agency, rule, func(x *qms.Finding) string { return x.ObjectID })
}

// findingLines runs the rule over the agency and returns its open
// findings as "agency object: message", sorted.
func findingLines(t *testing.T, f *fixture, agency, rule string) []string {
	t.Helper()
	return findingsAs(t, f, agency, rule, func(x *qms.Finding) string { return x.AgencyCode + " " + x.ObjectID + ": " + x.Message })
}

// findingsAs runs the rule over the agency and returns its open
// findings, each as text says, sorted.
func findingsAs(t *testing.T, f *fixture, agency, rule string, text func(*qms.Finding) string) []string {
	t.Helper()
	if _, err := f.RunChecks(f.ctx, qms.CheckScope{AgencyCode: agency, Rule: rule}); err != nil {
		t.Fatalf("run %s on %s: %v", rule, agency, err)
	}
	open := true
	fs, err := f.FindFindings(f.ctx, qms.FindingFilter{AgencyCode: &agency, Rule: &rule, Open: &open})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, x := range fs {
		out = append(out, text(x))
	}
	slices.Sort(out)
	return out
}

// openFinding reports whether an open finding of rule exists for the
// object ("" = any).
func openFinding(t *testing.T, f *fixture, rule, objectID string) bool {
	t.Helper()
	yes := true
	fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: &rule, Open: &yes})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if objectID == "" || x.ObjectID == objectID {
			return true
		}
	}
	return false
}

// run runs every rule on every agency.
func run(t *testing.T, f *fixture) qms.CheckResult {
	t.Helper()
	res, err := f.RunChecks(f.ctx, qms.CheckScope{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRunChecksScope: an unknown rule or agency is refused; a rule or
// every rule runs on an agency.
func TestRunChecksScope(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			scope qms.CheckScope
			code  string
		}{
			{"unknown rule", qms.CheckScope{Rule: "NOPE"}, qms.EINVALID},
			{"unknown agency", qms.CheckScope{AgencyCode: "NOPE"}, qms.ENOTFOUND},
			{"one rule", qms.CheckScope{Rule: qms.RuleDossierOverdue}, ""},
			{"ISO control", qms.CheckScope{AgencyCode: "SVHTT", Rule: qms.RuleTTHCNotControlled}, ""},
			{"merges", qms.CheckScope{AgencyCode: "SVHTT", Rule: qms.RuleMergedNotReissued}, ""},
			{"every rule", qms.CheckScope{}, ""},
		} {
			if _, err := f.RunChecks(f.ctx, tt.scope); qms.ErrorCode(err) != tt.code {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
			}
		}
	})
}

// TestComplianceDossierRules: the dossier rules open a finding per
// dossier (or step, or record) at fault in the agency scanned, a rerun
// opens none, the quality officer is told, and a finding closes with the
// time its condition cleared.
func TestComplianceDossierRules(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		dossierFixture(t, f)
		officer := &qms.User{Username: "thu.ky", Email: "thu.ky@example.vn", Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: qms.RoleQualityOfficer}}}
		if err := f.CreateUser(f.ctx, officer, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		// A record of HS-1 on version 1 of a form never in force.
		if err := f.exec(`INSERT INTO dossier_steps (dossier_id, step_id, step_name, opened_at, due_at, completed_at, actor, form_code, form_version, entry_json, agency_code)
			SELECT id, 'a', 'Thẩm định', received_at, due_at, received_at, 'chuyen.vien', 'BM-01', 1, '{}', agency_code FROM dossiers WHERE code = 'HS-1'`); err != nil {
			t.Fatal(err)
		}
		rules := []struct {
			agency, rule string
			want         string
		}{
			{"SVHTT", qms.RuleDossierOverdue, "HS-3"},
			{"STC", qms.RuleDossierOverdue, "X-1"},
			{"SVHTT", qms.RuleStepOverdue, "HS-3/a"}, // HS-5's step is paused, HS-2's not due
			{"SVHTT", qms.RuleLateWithoutApology, "HS-1,HS-3"},
			{"SVHTT", qms.RuleRecordWrongVersion, "HS-1/a"},
			{"STC", qms.RuleRecordWrongVersion, ""},
			{"SVHTT", qms.RuleStepMissingRecord, ""},
		}
		for _, tt := range rules {
			if got := strings.Join(openFindings(t, f, tt.agency, tt.rule), ","); got != tt.want {
				t.Errorf("%s on %s: %q, want %q", tt.rule, tt.agency, got, tt.want)
			}
		}
		if res, err := f.RunChecks(f.ctx, qms.CheckScope{AgencyCode: "SVHTT", Rule: qms.RuleLateWithoutApology}); err != nil || res.Opened != 0 || res.Open != 2 {
			t.Fatalf("rerun = %+v, %v", res, err)
		}
		all, err := f.FindFindings(f.ctx, qms.FindingFilter{AgencyCode: ptr("SVHTT")})
		if err != nil || len(all) != 5 || all[0].Severity == "" || all[0].OpenedAt.IsZero() {
			t.Fatalf("findings of SVHTT = %+v, %v", all, err)
		}
		var wrong *qms.Finding
		for _, x := range all {
			if x.Rule == qms.RuleRecordWrongVersion {
				wrong = x
			}
		}
		if wrong == nil || wrong.Message != "Hồ sơ HS-1: phiếu BM-01 lập trên phiên bản 1, phiên bản có hiệu lực lúc đó là 0." {
			t.Fatalf("wrong version finding = %+v", wrong)
		}
		if ns, unread, err := f.Notifications(f.ctx, officer.ID, 10); err != nil || unread != len(rules)-3 || !strings.Contains(ns[0].Title, "phát hiện mới") {
			t.Fatalf("officer's notifications = %+v, %d unread, %v", ns, unread, err)
		}
		// The notifications wait to be e-mailed, once.
		pending, err := f.PendingEmails(f.ctx, 100)
		if err != nil || len(pending) != unread(t, f, "thu.ky") || pending[0].To != "thu.ky@example.vn" {
			t.Fatalf("pending e-mails = %+v, %v", pending, err)
		}
		if err := f.MarkEmailed(f.ctx, pending[0].ID); err != nil {
			t.Fatal(err)
		}
		if again, err := f.PendingEmails(f.ctx, 100); err != nil || len(again) != len(pending)-1 {
			t.Fatalf("pending after one sent = %+v, %v", again, err)
		}

		// An apology slip for HS-1, HS-3 returned: their findings close.
		f.clk.Add(time.Hour)
		for _, q := range []string{
			`UPDATE dossiers SET new_appointment = '2026-03-05T02:00:00Z' WHERE code = 'HS-1'`,
			`UPDATE dossiers SET status = 'completed', result = 'late', returned_at = '2026-03-02T02:30:00Z', new_appointment = '2026-03-03T02:00:00Z' WHERE code = 'HS-3'`,
			`DELETE FROM dossier_open_steps WHERE dossier_code = 'HS-3'`,
		} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		for _, rule := range []string{qms.RuleDossierOverdue, qms.RuleStepOverdue, qms.RuleLateWithoutApology} {
			if got := openFindings(t, f, "SVHTT", rule); len(got) != 0 {
				t.Errorf("%s still open on %v", rule, got)
			}
		}
		closed := false
		fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: ptr(qms.RuleDossierOverdue), Open: ptr(false)})
		for _, x := range fs {
			closed = closed || x.ObjectID == "HS-3" && x.ClosedAt != nil && x.ClosedAt.Equal(f.clk.Now())
		}
		if err != nil || !closed {
			t.Fatalf("closed findings = %+v, %v", fs, err)
		}
		action := "compliance.run"
		if es, n, err := f.FindAuditEntries(f.ctx, qms.AuditFilter{Action: &action, Limit: 50}); err != nil || n != len(rules)+4 || es[0].Reason != "đơn vị SVHTT" {
			t.Fatalf("compliance.run entries = %d, %v", n, err)
		}
	})
}

// TestComplianceRegisterRules: the rules on the registers (corrective
// actions, risks, providers, context, declarations, procedures due for
// review) and the audit chain fire and clear alike on both stores.
func TestComplianceRegisterRules(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx, _ := ncAgency(t, f)
		today := qms.CivilDate(f.clk.Now())
		n := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật"}
		if err := f.CreateNC(ctx, n); err != nil {
			t.Fatal(err)
		}
		got, err := f.AddAction(ctx, "SVHTT", n.ID, qms.CorrectiveAction{Description: "Lập sổ", Owner: "thu.ky", DueOn: today.AddDate(0, 0, 2)})
		if err != nil {
			t.Fatal(err)
		}
		action := got.Actions[0]
		p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp giấy phép", ReviewMonths: 12}
		if err := f.CreateProcedure(ctx, p); err != nil {
			t.Fatal(err)
		}
		v, err := f.CreateVersion(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// In force since a year and a day, due for review: put in force
		// behind the store's back (approval needs a leader and a chart).
		if err := f.exec(fmt.Sprintf(`UPDATE procedure_versions SET status = 'effective', effective_on = '2025-03-01' WHERE id = %d`, v.ID)); err != nil {
			t.Fatal(err)
		}
		if err := f.exec(fmt.Sprintf(`UPDATE procedures SET next_review_on = '2026-03-01' WHERE id = %d`, p.ID)); err != nil {
			t.Fatal(err)
		}
		r := &qms.Risk{AgencyCode: "SVHTT", Kind: qms.RiskKindRisk, Description: "Mất dữ liệu", ProcedureID: p.ID, Owner: "thu.ky", Likelihood: 3, Impact: 3, ReviewOn: today.AddDate(0, 0, 3)}
		if err := f.CreateRisk(ctx, r); err != nil {
			t.Fatal(err)
		}
		pid := itoa(p.ID)
		f.clk.Add(5 * 24 * time.Hour)
		for _, tt := range []struct {
			rule, want string
		}{
			{qms.RuleCAPAOverdue, itoa(action.ID)},
			{qms.RuleRiskReviewOverdue, r.Code},
			{qms.RuleReviewOverdue, pid},
			{qms.RuleDeclarationMissing, "SVHTT"},
			{qms.RuleContextReviewOverdue, "SVHTT"}, // a procedure in force, no register
			{qms.RuleProviderEvaluationOverdue, ""},
			{qms.RuleAckOverdue, ""},
			{qms.RuleCompetenceMissing, ""},
			{qms.RuleSignatureBroken, ""},
			{qms.RuleDeclarationScopeChanged, ""},
			{qms.RuleFormNotEffective, ""},
			{qms.RuleFlowchartOverLimit, ""},
			{qms.RuleRiskActionOverdue, ""},
		} {
			if got := strings.Join(openFindings(t, f, "SVHTT", tt.rule), ","); got != tt.want {
				t.Errorf("%s: %q, want %q", tt.rule, got, tt.want)
			}
		}
		if _, err := f.CompleteAction(ctx, "SVHTT", n.ID, action.ID, "Đã lập sổ"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.CloseRisk(ctx, "SVHTT", r.ID, "Đã sao lưu"); err != nil {
			t.Fatal(err)
		}
		for _, rule := range []string{qms.RuleCAPAOverdue, qms.RuleRiskReviewOverdue} {
			if got := openFindings(t, f, "SVHTT", rule); len(got) != 0 {
				t.Errorf("%s still open on %v", rule, got)
			}
		}

		// AUDIT_CHAIN_BROKEN: an altered entry opens a finding of the
		// system agency; put back, it closes. What stays open is the
		// version put in force behind the store's back above, which no
		// leader approved, and the procedure whose review date was moved
		// there (RowStateVersion 8): [1], the id of each.
		f.dropAuditGuards(t)
		for _, tt := range []struct {
			q    string
			want string
		}{
			{`UPDATE audit_log SET reason = reason || 'x' WHERE id = 5`, "5"},
			{`UPDATE audit_log SET reason = SUBSTR(reason, 1, LENGTH(reason) - 1) WHERE id = 5`, "[1],[1]"},
		} {
			if err := f.tamper(tt.q); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(openFindings(t, f, qms.SystemAgencyCode, qms.RuleAuditChainBroken), ","); got != tt.want {
				t.Fatalf("after %s: %q, want %q", tt.q, got, tt.want)
			}
		}
	})
}

// TestSatisfactionRuleBelowTarget: the rule fires on an agency whose last
// quarter's index is below the 90% target on enough responses, not on
// one with too few responses or one above the target, and clears once a
// quarter meets the target. The responses are entered as
// SubmitSatisfaction keeps them (taking one needs dossier receipt).
func TestSatisfactionRuleBelowTarget(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) { // 2 March 2026: the first quarter
		answers := map[string]int{"low": 3, "few": 1, "high": 5}
		agencies := map[string]string{"low": "SKA", "few": "SKB", "high": "SKC"}
		counts := map[string]int{"low": 5, "few": qms.SatisfactionMinResponses - 1, "high": 5}
		n := 0
		rate := func(agency string, k, score int) {
			t.Helper()
			all := map[string]int{}
			for _, q := range qms.SIPAS2017.Questions {
				if !q.Optional {
					all[q.Code] = score
				}
			}
			b, _ := json.Marshal(all)
			for range k {
				n++
				if err := f.exec(fmt.Sprintf(`INSERT INTO satisfaction_responses (agency_code, dossier_id, tthc_code, questionnaire, answers_json,
					comment, submitted_at) VALUES ('%s', %d, '1.000001', '%s', '%s', '', '%s')`,
					agency, n, qms.SIPAS2017.Code, b, f.clk.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano))); err != nil {
					t.Fatal(err)
				}
			}
		}
		for k, code := range agencies {
			if err := f.CreateAgency(f.ctx, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
				t.Fatal(err)
			}
			rate(code, counts[k], answers[k])
		}
		rule, open := qms.RuleSatisfactionBelowTarget, true
		findings := func() []*qms.Finding {
			t.Helper()
			if _, err := f.RunChecks(f.ctx, qms.CheckScope{Rule: rule}); err != nil {
				t.Fatal(err)
			}
			fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: &rule, Open: &open})
			if err != nil {
				t.Fatal(err)
			}
			return fs
		}
		// Still in the first quarter: the last complete one has no responses.
		if fs := findings(); len(fs) != 0 {
			t.Fatalf("before the quarter ends: %+v", fs)
		}
		f.clk.Set(time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC))
		fs := findings()
		if len(fs) != 1 || fs[0].AgencyCode != "SKA" || !strings.Contains(fs[0].Message, "quý 1/2026 là 0,00%") ||
			!strings.Contains(fs[0].Message, "76/NQ-CP") {
			t.Fatalf("fired %+v", fs)
		}
		// The second quarter meets the target: the finding closes in the third.
		rate("SKA", 5, 5)
		if fs := findings(); len(fs) != 1 {
			t.Fatalf("during the second quarter: %+v", fs)
		}
		f.clk.Set(time.Date(2026, 7, 2, 2, 0, 0, 0, time.UTC))
		if fs := findings(); len(fs) != 0 {
			t.Fatalf("after a quarter at target: %+v", fs)
		}
	})
}

// TestAuditChecklistFigures: the checklist of a plan reads, from the
// audited unit only, its open findings, its dossiers of the last three
// months and each task step of the audited procedure's version in force.
func TestAuditChecklistFigures(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		dossierFixture(t, f)
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "UBND", Name: "UBND tỉnh"}); err != nil {
			t.Fatal(err)
		}
		parent := "UBND"
		if _, err := f.UpdateAgency(ctx, "SVHTT", qms.AgencyUpdate{ParentCode: &parent}); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateUser(ctx, &qms.User{Username: "dgv", Memberships: []qms.Membership{{AgencyCode: "UBND", Role: qms.RoleAuditor}}}, "ngua-o-123"); err != nil {
			t.Fatal(err)
		}
		ps, err := f.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: ptr("SVHTT")})
		if err != nil || len(ps) != 1 {
			t.Fatalf("procedures = %+v, %v", ps, err)
		}
		for _, q := range []string{
			fmt.Sprintf(`UPDATE procedure_versions SET status = 'effective', effective_on = '2026-01-01' WHERE procedure_id = %d`, ps[0].ID),
			`INSERT INTO dossier_steps (dossier_id, step_id, step_name, opened_at, due_at, completed_at, actor, result, agency_code)
				SELECT id, 'a', 'Thẩm định', received_at, due_at, received_at, 'chuyen.vien', 'late', agency_code FROM dossiers WHERE code IN ('HS-1', 'X-1')`,
		} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if got := openFindings(t, f, "SVHTT", qms.RuleDossierOverdue); len(got) != 1 {
			t.Fatalf("overdue dossiers = %v", got)
		}
		prog := &qms.AuditProgramme{AgencyCode: "UBND", Year: 2026, Title: "Chương trình 2026"}
		if err := f.CreateProgramme(ctx, prog); err != nil {
			t.Fatal(err)
		}
		day := qms.CivilDate(f.clk.Now())
		p := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: "UBND", Title: "Đánh giá Sở VHTT", Units: []string{"SVHTT"}, ProcedureIDs: []int64{ps[0].ID},
			Clauses: []string{"7.5", "8.5"}, Auditors: []string{"dgv"}, StartOn: day, EndOn: day}
		if err := f.CreatePlan(ctx, p); err != nil {
			t.Fatal(err)
		}
		team := qms.WithActor(context.Background(), qms.Actor{Username: "dgv", AgencyCode: "UBND"})
		got, err := f.BuildChecklist(team, "UBND", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ clause, source, suggestion string }{
			{"7.5", "Điều khoản 7.5", "1 phát hiện kiểm tra tuân thủ đang mở tại đơn vị được đánh giá."},
			{"8.5", "Điều khoản 8.5", "3 tháng qua: 3 hồ sơ đã giải quyết, 1 trễ hạn; hiện 1 hồ sơ quá hạn."},
			{"8.5", "QT-01 – bước Thẩm định", "3 tháng qua: 1 lần thực hiện, 1 lần quá thời gian."},
			{"8.5", "QT-01 – bước Ký duyệt", "3 tháng qua: 0 lần thực hiện, 0 lần quá thời gian."},
		}
		if len(got.Items) != len(want) {
			t.Fatalf("checklist = %+v", got.Items)
		}
		for i, w := range want {
			if it := got.Items[i]; it.Clause != w.clause || it.Source != w.source || len(it.Suggestions) != 1 || it.Suggestions[0] != w.suggestion {
				t.Errorf("item %d = %+v, want %+v", i, it, w)
			}
		}
	})
}

// TestComplianceRulesFireAndClear walks one agency through every rule:
// each condition opens a finding, a rerun does not duplicate it, and
// removing the condition closes it, through the services that make the
// conditions.
func TestComplianceRulesFireAndClear(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		staff, leader, _ := receiptFixture(t, f)
		officer := qms.WithActor(context.Background(), qms.Actor{UserID: 1, Username: "thu.ky.khac", AgencyCode: "SVHTT"})
		check := func(rule, object string, want bool) {
			t.Helper()
			run(t, f)
			if got := openFinding(t, f, rule, object); got != want {
				t.Fatalf("%s on %s open = %v, want %v", rule, object, got, want)
			}
		}
		// TTHC_NOT_CONTROLLED: 1.000004 has no procedure; abolishing it clears.
		first := run(t, f)
		check(qms.RuleTTHCNotControlled, "1.000004", true)
		if again := run(t, f); again.Opened != 0 || again.Open != first.Open {
			t.Fatalf("rerun duplicated findings: %+v then %+v", first, again)
		}
		items := qmstest.SampleTTHC()
		items[1].Status = qms.TTHCAbolished
		if _, _, err := f.ImportTTHC(sys, "SVHTT", items); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleTTHCNotControlled, "1.000004", false)

		// FLOWCHART_OVER_LIMIT: the legal limit drops to 1 day (8 h) under a 17 h chart.
		items[0].TimeLimitDays = 1
		f.ImportTTHC(sys, "SVHTT", items)
		check(qms.RuleFlowchartOverLimit, "", true)
		items[0].TimeLimitDays = 5
		f.ImportTTHC(sys, "SVHTT", items)
		check(qms.RuleFlowchartOverLimit, "", false)

		// DOSSIER_OVERDUE, STEP_OVERDUE, LATE_WITHOUT_APOLOGY on one dossier.
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleDossierOverdue, d.Code, false)
		clk.Set(d.DueAt.Add(24 * time.Hour))
		check(qms.RuleDossierOverdue, d.Code, true)
		check(qms.RuleStepOverdue, d.Code+"/check", true)
		check(qms.RuleLateWithoutApology, d.Code, true)
		// The apology slip is dated on a working day, its new appointment too.
		cal, _ := f.Calendar(sys, "SVHTT")
		slipAt, _ := cal.AddWorkingHours(d.DueAt, 8*time.Hour)
		clk.Set(slipAt)
		newAppointment, _ := cal.AddWorkingHours(slipAt, 16*time.Hour)
		if _, err := f.Apologize(staff, "SVHTT", d.Code, newAppointment, "Chờ ý kiến liên ngành"); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleLateWithoutApology, d.Code, false)
		for _, s := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
			if _, err := f.CompleteStep(staff, "SVHTT", d.Code, s); err != nil {
				t.Fatal(err)
			}
		}
		check(qms.RuleStepOverdue, d.Code+"/check", false)
		f.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"})
		if _, err := f.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleDossierOverdue, d.Code, false)

		// REVIEW_OVERDUE: a year later the procedure is due for review; a
		// longer interval moves the date and clears it.
		clk.Set(clk.Now().AddDate(1, 0, 1))
		ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{})
		check(qms.RuleReviewOverdue, itoa(ps[0].ID), true)
		p := *ps[0]
		p.ReviewMonths = 36
		if err := f.UpdateProcedure(officer, &p); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleReviewOverdue, itoa(ps[0].ID), false)

		// STEP_MISSING_RECORD and RECORD_ON_WRONG_FORM_VERSION on records
		// changed behind the application's back.
		form := &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
		f.CreateForm(officer, form, json.RawMessage(checkSchema))
		f.TransitionFormVersion(officer, form.ID, 1, qms.ActionSubmit, "")
		if _, err := f.TransitionFormVersion(leader, form.ID, 1, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		v2, _ := f.CreateVersion(officer, ps[0].ID)
		v2.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
		f.UpdateVersion(officer, v2)
		f.TransitionVersion(officer, ps[0].ID, 2, qms.ActionSubmit, "")
		if _, err := f.TransitionVersion(leader, ps[0].ID, 2, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		d2 := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "B"}, Channel: qms.ChannelCounter}
		f.ReceiveDossier(staff, d2)
		if _, err := f.CompleteStep(staff, "SVHTT", d2.Code, qms.CompleteStep{StepID: "check", Entry: map[string]any{"ket_luan": "Đạt"}, FormVersion: 1}); err != nil {
			t.Fatal(err)
		}
		tamper := func(sql string) {
			t.Helper()
			if err := f.exec(strings.Replace(sql, "?", itoa(d2.ID), 1)); err != nil {
				t.Fatal(err)
			}
		}
		check(qms.RuleStepMissingRecord, d2.Code+"/check", false)
		tamper(`UPDATE dossier_steps SET entry_json = NULL WHERE dossier_id = ? AND step_id = 'check'`)
		check(qms.RuleStepMissingRecord, d2.Code+"/check", true)
		tamper(`UPDATE dossier_steps SET entry_json = '{"ket_luan":"Đạt"}' WHERE dossier_id = ? AND step_id = 'check'`)
		check(qms.RuleStepMissingRecord, d2.Code+"/check", false)
		check(qms.RuleRecordWrongVersion, d2.Code+"/check", false)
		tamper(`UPDATE dossier_steps SET form_version = 9 WHERE dossier_id = ? AND step_id = 'check'`)
		check(qms.RuleRecordWrongVersion, d2.Code+"/check", true)
		tamper(`UPDATE dossier_steps SET form_version = 1 WHERE dossier_id = ? AND step_id = 'check'`)
		check(qms.RuleRecordWrongVersion, d2.Code+"/check", false)

		// FORM_NOT_EFFECTIVE: withdrawing the form leaves the procedure using
		// a form with no version in force; a new approved version clears it.
		if _, err := f.TransitionFormVersion(leader, form.ID, 1, qms.ActionWithdraw, "Sai mẫu"); err != nil {
			t.Fatal(err)
		}
		check(qms.RuleFormNotEffective, itoa(ps[0].ID)+"/BM-QT01-01", true)
		nv, err := f.CreateFormVersion(officer, form.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.TransitionFormVersion(officer, form.ID, nv.Number, qms.ActionSubmit, "")
		f.TransitionFormVersion(leader, form.ID, nv.Number, qms.ActionApprove, "")
		check(qms.RuleFormNotEffective, itoa(ps[0].ID)+"/BM-QT01-01", false)

		// AUDIT_CHAIN_BROKEN: an altered entry opens a critical finding; the
		// run that finds it also notifies nobody outside the system agency.
		var actor string
		f.dropAuditGuards(t)
		actor = mustQuery(t, f, `SELECT actor FROM audit_log WHERE id = 5`)[0]
		mustTamper(t, f, `UPDATE audit_log SET actor = 'mallory' WHERE id = 5`)
		check(qms.RuleAuditChainBroken, "5", true)
		mustTamper(t, f, `UPDATE audit_log SET actor = '`+actor+`' WHERE id = 5`)
		check(qms.RuleAuditChainBroken, "5", false)

		// Closed findings keep the time they cleared; the officer was notified.
		closed := false
		fs, _ := f.FindFindings(sys, qms.FindingFilter{Rule: ptr(qms.RuleDossierOverdue)})
		for _, x := range fs {
			closed = closed || (x.ObjectID == d.Code && x.ClosedAt != nil)
		}
		if !closed {
			t.Fatal("cleared finding lost its closing time")
		}
		u, _ := f.FindUserByUsername(sys, "thu.ky")
		if ns, unread, _ := f.Notifications(sys, u.ID, 10); len(ns) == 0 || unread == 0 {
			t.Fatal("quality officer not notified of new findings")
		}
	})
}

// TestOneSourceSpeedComplianceByAgency: a scan reconciles one agency at a
// time, each in its own audited transaction naming the agency, and adds
// up to the same result as before: every finding opened once, a rerun
// opens none, the totals match the findings stored.
func TestOneSourceSpeedComplianceByAgency(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		receiptFixture(t, f) // SVHTT: 1.000004 not under control
		if err := f.CreateAgency(sys, &qms.Agency{Code: "STP", Name: "Sở Tư pháp"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.ImportTTHC(sys, "STP", qmstest.SampleTTHC()); err != nil { // none under control
			t.Fatal(err)
		}
		first := run(t, f)
		open, err := f.FindFindings(sys, qms.FindingFilter{Open: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		byAgency := map[string]int{}
		for _, x := range open {
			byAgency[x.AgencyCode]++
		}
		if first.Opened != len(open) || first.Open != len(open) || byAgency["SVHTT"] == 0 || byAgency["STP"] == 0 {
			t.Fatalf("first run %+v, findings by agency %v", first, byAgency)
		}
		if again := run(t, f); again.Opened != 0 || again.Closed != 0 || again.Open != first.Open {
			t.Fatalf("rerun: %+v after %+v", again, first)
		}
		action := "compliance.run"
		es, _, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
		if err != nil {
			t.Fatal(err)
		}
		agencies, _ := f.FindAgencies(sys, qms.AgencyFilter{})
		per := map[string]int{}
		for _, e := range es {
			per[strings.TrimPrefix(e.Reason, "đơn vị ")]++
		}
		for _, a := range agencies {
			if per[a.Code] != 2 {
				t.Errorf("agency %s reconciled in %d audited transactions over two runs, want 2 (entries %v)", a.Code, per[a.Code], per)
			}
		}
	})
}

// TestFindingPhrases: a finding keeps what it says as a phrase beside its
// Vietnamese message, and a finding opened before findings kept phrases
// gets its phrase from the next run that still finds it (its message
// untouched), so that the pages write it in their reader's language.
func TestFindingPhrases(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		if err := f.CreateAgency(f.ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.ImportTTHC(f.ctx, "SVHTT", []qms.TTHC{{Code: "1.000001", Name: "Cấp phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
			t.Fatal(err)
		}
		rule := qms.RuleTTHCNotControlled
		phrased := func() *qms.Finding {
			t.Helper()
			if _, err := f.RunChecks(f.ctx, qms.CheckScope{AgencyCode: "SVHTT", Rule: rule}); err != nil {
				t.Fatal(err)
			}
			fs, err := f.FindFindings(f.ctx, qms.FindingFilter{Rule: &rule})
			if err != nil || len(fs) != 1 {
				t.Fatalf("findings: %v, %v", fs, err)
			}
			return fs[0]
		}
		want := qms.Say(qms.SayTTHCNotControlled, "1.000001", "Cấp phép karaoke", qms.Say("control_reason."+qms.ReasonNoProcedure))
		got := phrased()
		if got.Said == nil || got.Said.String() != want.String() || got.Message != want.String() {
			t.Fatalf("finding says %+v, message %q; want %q", got.Said, got.Message, want.String())
		}
		mustExec(t, f, `UPDATE findings SET said_json = NULL, message = 'as written before' WHERE id = `+fmt.Sprint(got.ID))
		again := phrased()
		if again.ID != got.ID || again.Said == nil || again.Said.String() != want.String() || again.Message != "as written before" {
			t.Errorf("after the next run: #%d says %+v, message %q", again.ID, again.Said, again.Message)
		}
	})
}
