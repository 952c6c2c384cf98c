package sqlite_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// openFinding reports whether an open finding of rule exists for the object.
func openFinding(t *testing.T, db *sqlite.DB, rule, objectID string) bool {
	t.Helper()
	yes := true
	fs, err := db.FindFindings(context.Background(), qms.FindingFilter{Rule: &rule, Open: &yes})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if objectID == "" || f.ObjectID == objectID {
			return true
		}
	}
	return false
}

func run(t *testing.T, db *sqlite.DB, ctx context.Context) qms.CheckResult {
	t.Helper()
	res, err := db.RunChecks(ctx, qms.CheckScope{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestComplianceRulesFireAndClear walks one agency through every rule:
// each condition opens a finding, a rerun does not duplicate it, and
// removing the condition closes it. The engine is shared
// (qms/storetest's compliance tests run it on both stores); this walk
// stays here because it makes its dossiers through receipt and step
// completion, which only this store has yet.
func TestComplianceRulesFireAndClear(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: 1, Username: "thu.ky.khac", AgencyCode: "SVHTT"})
	check := func(rule, object string, want bool) {
		t.Helper()
		run(t, db, sys)
		if got := openFinding(t, db, rule, object); got != want {
			t.Fatalf("%s on %s open = %v, want %v", rule, object, got, want)
		}
	}
	// TTHC_NOT_CONTROLLED: 1.000004 has no procedure; abolishing it clears.
	first := run(t, db, sys)
	check(qms.RuleTTHCNotControlled, "1.000004", true)
	if again := run(t, db, sys); again.Opened != 0 || again.Open != first.Open {
		t.Fatalf("rerun duplicated findings: %+v then %+v", first, again)
	}
	items := sampleTTHC()
	items[1].Status = qms.TTHCAbolished
	if _, _, err := db.ImportTTHC(sys, "SVHTT", items); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleTTHCNotControlled, "1.000004", false)

	// FLOWCHART_OVER_LIMIT: the legal limit drops to 1 day (8 h) under a 17 h chart.
	items[0].TimeLimitDays = 1
	db.ImportTTHC(sys, "SVHTT", items)
	check(qms.RuleFlowchartOverLimit, "", true)
	items[0].TimeLimitDays = 5
	db.ImportTTHC(sys, "SVHTT", items)
	check(qms.RuleFlowchartOverLimit, "", false)

	// DOSSIER_OVERDUE, STEP_OVERDUE, LATE_WITHOUT_APOLOGY on one dossier.
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleDossierOverdue, d.Code, false)
	clk.Set(d.DueAt.Add(24 * time.Hour))
	check(qms.RuleDossierOverdue, d.Code, true)
	check(qms.RuleStepOverdue, d.Code+"/check", true)
	check(qms.RuleLateWithoutApology, d.Code, true)
	// The apology slip is dated on a working day, its new appointment too.
	cal, _ := db.Calendar(sys, "SVHTT")
	slipAt, _ := cal.AddWorkingHours(d.DueAt, 8*time.Hour)
	clk.Set(slipAt)
	newAppointment, _ := cal.AddWorkingHours(slipAt, 16*time.Hour)
	if _, err := db.Apologize(staff, "SVHTT", d.Code, newAppointment, "Chờ ý kiến liên ngành"); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleLateWithoutApology, d.Code, false)
	for _, s := range []qms.CompleteStep{{StepID: "check"}, {StepID: "ok", Exit: "Đạt"}} {
		if _, err := db.CompleteStep(staff, "SVHTT", d.Code, s); err != nil {
			t.Fatal(err)
		}
	}
	check(qms.RuleStepOverdue, d.Code+"/check", false)
	db.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"})
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleDossierOverdue, d.Code, false)

	// REVIEW_OVERDUE: a year later the procedure is due for review; a
	// longer interval moves the date and clears it.
	clk.Set(clk.Now().AddDate(1, 0, 1))
	ps, _ := db.FindProcedures(sys, qms.ProcedureFilter{})
	check(qms.RuleReviewOverdue, itoa(ps[0].ID), true)
	p := *ps[0]
	p.ReviewMonths = 36
	if err := db.UpdateProcedure(officer, &p); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleReviewOverdue, itoa(ps[0].ID), false)

	// STEP_MISSING_RECORD and RECORD_ON_WRONG_FORM_VERSION on records
	// changed behind the application's back.
	f := &qms.Form{AgencyCode: "SVHTT", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	db.CreateForm(officer, f, json.RawMessage(checkSchema))
	db.TransitionFormVersion(officer, f.ID, 1, qms.ActionSubmit, "")
	if _, err := db.TransitionFormVersion(leader, f.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	v2, _ := db.CreateVersion(officer, ps[0].ID)
	v2.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	db.UpdateVersion(officer, v2)
	db.TransitionVersion(officer, ps[0].ID, 2, qms.ActionSubmit, "")
	if _, err := db.TransitionVersion(leader, ps[0].ID, 2, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	d2 := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "B"}, Channel: qms.ChannelCounter}
	db.ReceiveDossier(staff, d2)
	if _, err := db.CompleteStep(staff, "SVHTT", d2.Code, qms.CompleteStep{StepID: "check", Entry: map[string]any{"ket_luan": "Đạt"}, FormVersion: 1}); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	tamper := func(sql string) {
		t.Helper()
		if _, err := raw.Exec(sql, d2.ID); err != nil {
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
	if _, err := db.TransitionFormVersion(leader, f.ID, 1, qms.ActionWithdraw, "Sai mẫu"); err != nil {
		t.Fatal(err)
	}
	check(qms.RuleFormNotEffective, itoa(ps[0].ID)+"/BM-QT01-01", true)
	nv, err := db.CreateFormVersion(officer, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	db.TransitionFormVersion(officer, f.ID, nv.Number, qms.ActionSubmit, "")
	db.TransitionFormVersion(leader, f.ID, nv.Number, qms.ActionApprove, "")
	check(qms.RuleFormNotEffective, itoa(ps[0].ID)+"/BM-QT01-01", false)

	// AUDIT_CHAIN_BROKEN: an altered entry opens a critical finding; the
	// run that finds it also notifies nobody outside the system agency.
	var actor string
	dropAuditGuards(t, raw)
	raw.QueryRow(`SELECT actor FROM audit_log WHERE id = 5`).Scan(&actor)
	raw.Exec(`UPDATE audit_log SET actor = 'mallory' WHERE id = 5`)
	check(qms.RuleAuditChainBroken, "5", true)
	raw.Exec(`UPDATE audit_log SET actor = ? WHERE id = 5`, actor)
	check(qms.RuleAuditChainBroken, "5", false)

	// Closed findings keep the time they cleared; the officer was notified.
	closed := false
	fs, _ := db.FindFindings(sys, qms.FindingFilter{Rule: ptr(qms.RuleDossierOverdue)})
	for _, f := range fs {
		closed = closed || (f.ObjectID == d.Code && f.ClosedAt != nil)
	}
	if !closed {
		t.Fatal("cleared finding lost its closing time")
	}
	u, _ := db.FindUserByUsername(sys, "thu.ky")
	if ns, unread, _ := db.Notifications(sys, u.ID, 10); len(ns) == 0 || unread == 0 {
		t.Fatal("quality officer not notified of new findings")
	}
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
