package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// completed imports n dossiers returned on returned (due the 10th of the
// same month, so the day decides early, on time or late).
func completed(t *testing.T, db *sqlite.DB, sys context.Context, agency, prefix string, n int, due, returned time.Time) {
	t.Helper()
	rows := make([]sqlite.DossierImport, n)
	for i := range rows {
		r := returned
		rows[i] = sqlite.DossierImport{Code: fmt.Sprintf("%s-%03d", prefix, i), TTHCCode: "1.000001", ReceivedAt: due.AddDate(0, 0, -7), DueAt: due, CompletedAt: &r, Status: qms.DossierCompleted}
	}
	if _, err := db.ImportDossiers(sys, agency, rows); err != nil {
		t.Fatal(err)
	}
}

func TestObjectiveStatuses(t *testing.T) {
	db, clk, sys := openDB(t)
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	clk.Set(hanoi(2026, 5, 15, 9, 0).UTC())
	// Q1: 19 early, 1 late = 95 %. Q2 so far: 9 early, 1 late = 90 %.
	completed(t, db, sys, "SVHTT", "Q1E", 19, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 5, 9, 0))
	completed(t, db, sys, "SVHTT", "Q1L", 1, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 12, 9, 0))
	completed(t, db, sys, "SVHTT", "Q2E", 9, hanoi(2026, 4, 10, 9, 0), hanoi(2026, 4, 10, 16, 0))
	completed(t, db, sys, "SVHTT", "Q2L", 1, hanoi(2026, 4, 10, 9, 0), hanoi(2026, 4, 14, 9, 0))

	create := func(o qms.Objective) *qms.Objective {
		t.Helper()
		o.AgencyCode = "SVHTT"
		if err := db.CreateObjective(sys, &o); err != nil {
			t.Fatal(err)
		}
		return &o
	}
	quarterly := create(qms.Objective{Year: 2026, Title: "95% hồ sơ đúng hạn mỗi quý", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter})
	yearly := create(qms.Objective{Year: 2026, Title: "Trễ hạn dưới 10% cả năm", Measure: qms.MeasureLateRate, Target: 10, Period: qms.PeriodYear})
	create(qms.Objective{Year: 2025, Title: "Năm trước", Measure: qms.MeasureTimelyRate, Target: 90, Period: qms.PeriodQuarter})
	if err := db.CreateObjective(sys, &qms.Objective{AgencyCode: "NOPE", Year: 2026, Title: "x", Measure: qms.MeasureTimelyRate, Target: 9, Period: qms.PeriodYear}); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("objective of an unknown agency: %v", err)
	}

	sts, err := db.Statuses(sys, "SVHTT", 2026)
	if err != nil || len(sts) != 2 {
		t.Fatalf("statuses = %d, %v", len(sts), err)
	}
	q := sts[0].Periods
	if sts[0].Objective.ID != quarterly.ID || len(q) != 2 {
		t.Fatalf("quarterly periods = %+v", q)
	}
	if q[0].Value != 95 || q[0].Samples != 20 || q[0].Result != qms.ObjectiveMet || !q[0].Complete {
		t.Errorf("Q1 = %+v, want 95%% of 20, met", q[0])
	}
	if q[1].Value != 90 || q[1].Samples != 10 || q[1].Result != qms.ObjectiveNotMet || !q[1].Current {
		t.Errorf("Q2 = %+v, want 90%% of 10, not met, current", q[1])
	}
	y := sts[1].Periods
	if len(y) != 1 || y[0].Value != 6.67 || y[0].Samples != 30 || y[0].Result != qms.ObjectiveMet {
		t.Errorf("yearly late rate = %+v, want 2/30 = 6.67%%, met", y)
	}
	past, _ := db.Statuses(sys, "SVHTT", 2025)
	if len(past) != 1 || len(past[0].Periods) != 4 || past[0].Periods[3].Result != qms.ObjectiveNoData {
		t.Fatalf("2025 = %+v, want 4 quarters without data", past)
	}

	// Edits are audited; a withdrawn objective leaves the statuses, stays
	// on record and is frozen.
	target := 90.0
	if o, err := db.UpdateObjective(sys, "SVHTT", quarterly.ID, qms.ObjectiveUpdate{Target: &target}); err != nil || o.Target != 90 {
		t.Fatalf("update: %v", err)
	}
	bad := 120.0
	if _, err := db.UpdateObjective(sys, "SVHTT", quarterly.ID, qms.ObjectiveUpdate{Target: &bad}); qms.ErrorField(err) != "target" {
		t.Fatalf("target 120: %v", err)
	}
	if sts, _ = db.Statuses(sys, "SVHTT", 2026); sts[0].Periods[1].Result != qms.ObjectiveMet {
		t.Fatalf("Q2 against 90%% = %s", sts[0].Periods[1].Result)
	}
	if _, err := db.WithdrawObjective(sys, "SVHTT", yearly.ID, ""); qms.ErrorField(err) != "reason" {
		t.Fatalf("withdraw without reason: %v", err)
	}
	if _, err := db.WithdrawObjective(sys, "SVHTT", yearly.ID, "Gộp vào mục tiêu quý"); err != nil {
		t.Fatal(err)
	}
	if sts, _ = db.Statuses(sys, "SVHTT", 2026); len(sts) != 1 {
		t.Fatalf("withdrawn objective still measured: %d", len(sts))
	}
	title := "Sửa"
	if _, err := db.UpdateObjective(sys, "SVHTT", yearly.ID, qms.ObjectiveUpdate{Title: &title}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("edit a withdrawn objective: %v", err)
	}
	all, _ := db.FindObjectives(sys, qms.ObjectiveFilter{AgencyCode: "SVHTT", IncludeWithdrawn: true})
	if len(all) != 3 {
		t.Fatalf("objectives on record = %d, want 3", len(all))
	}
	for action, want := range map[string]int{"objective.create": 3, "objective.update": 1, "objective.withdraw": 1} {
		if es, _, _ := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); len(es) != want {
			t.Errorf("%s audited %d times, want %d", action, len(es), want)
		}
	}
	if _, err := db.FindObjective(sys, "SYS", quarterly.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("another agency finds the objective: %v", err)
	}
}

// TestReviewPackHasObjectivesAndFeedback: the management review pack
// (9.3.2 c) carries the objectives' status lines and the feedback counts.
func TestReviewPackHasObjectivesAndFeedback(t *testing.T) {
	db, clk, sys := openDB(t)
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	clk.Set(hanoi(2026, 5, 15, 9, 0).UTC())
	completed(t, db, sys, "SVHTT", "Q1E", 3, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 5, 9, 0))
	o := &qms.Objective{AgencyCode: "SVHTT", Year: 2026, Title: "Đúng hạn", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter}
	if err := db.CreateObjective(sys, o); err != nil {
		t.Fatal(err)
	}
	public := qms.WithActor(context.Background(), qms.PublicActor("SVHTT"))
	if err := db.SubmitFeedback(public, &qms.Feedback{AgencyCode: "SVHTT", Name: "An", Contact: "an@example.vn", Content: "Góp ý"}, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	r := &qms.ManagementReview{AgencyCode: "SVHTT", Title: "Họp xem xét năm 2026", HeldOn: hanoi(2026, 5, 20, 8, 0)}
	if err := db.CreateReview(sys, r); err != nil {
		t.Fatal(err)
	}
	want := "Đúng hạn (≥ 95%): Quý 1/2026 100% đạt; Quý 2/2026 chưa có số liệu"
	if len(r.Pack.Objectives) != 1 || r.Pack.Objectives[0] != want || r.Pack.FeedbackCount[qms.FeedbackReceived] != 1 {
		t.Fatalf("pack objectives %q, feedback %v", r.Pack.Objectives, r.Pack.FeedbackCount)
	}
}
