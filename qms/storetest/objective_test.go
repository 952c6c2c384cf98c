package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// objectiveAgency makes agency SVHTT and sets the clock to 15 May 2026.
func objectiveAgency(f *fixture) context.Context {
	f.CreateAgency(f.ctx, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	f.clk.Set(hanoi(2026, 5, 15, 9, 0).UTC())
	return f.ctx
}

// completed imports n dossiers returned on returned (due the 10th of the
// same month, so the day decides early, on time or late).
func completed(t *testing.T, f *fixture, agency, prefix string, n int, due, returned time.Time) {
	t.Helper()
	rows := make([]sqlstore.DossierImport, n)
	for i := range rows {
		r := returned
		rows[i] = sqlstore.DossierImport{Code: fmt.Sprintf("%s-%03d", prefix, i), TTHCCode: "1.000001", ReceivedAt: due.AddDate(0, 0, -7), DueAt: due, CompletedAt: &r, Status: qms.DossierCompleted}
	}
	if _, err := f.ImportDossiers(f.ctx, agency, rows); err != nil {
		t.Fatal(err)
	}
}

// Objectives (qms/sqlstore): kept, changed and withdrawn alike on both
// stores, each change with its audit entry; a withdrawn one is frozen.
func TestObjectives(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "SVHTT", Name: "Sở Văn hóa"}); err != nil {
			t.Fatal(err)
		}
		create := []struct {
			name string
			o    qms.Objective
			code string
		}{
			{"quarterly", qms.Objective{AgencyCode: "SVHTT", Year: 2026, Title: "95% đúng hạn", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter}, ""},
			{"last year", qms.Objective{AgencyCode: "SVHTT", Year: 2025, Title: "Năm trước", Measure: qms.MeasureLateRate, Target: 10, Period: qms.PeriodYear}, ""},
			{"unknown agency", qms.Objective{AgencyCode: "NOPE", Year: 2026, Title: "x", Measure: qms.MeasureTimelyRate, Target: 9, Period: qms.PeriodYear}, qms.ENOTFOUND},
			{"bad target", qms.Objective{AgencyCode: "SVHTT", Year: 2026, Title: "x", Measure: qms.MeasureTimelyRate, Target: 120, Period: qms.PeriodYear}, qms.EINVALID},
			// The same measure, period and year again (a form sent twice).
			{"the quarterly one again", qms.Objective{AgencyCode: "SVHTT", Year: 2026, Title: "95% đúng hạn", Measure: qms.MeasureTimelyRate, Target: 97, Period: qms.PeriodQuarter}, qms.ECONFLICT},
		}
		ids := map[string]int64{}
		for _, tt := range create {
			t.Run(tt.name, func(t *testing.T) {
				err := f.CreateObjective(ctx, &tt.o)
				if qms.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %q", err, tt.code)
				}
				ids[tt.name] = tt.o.ID
			})
		}
		year := 2026
		os, err := f.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: "SVHTT", Year: &year})
		if err != nil || len(os) != 1 || os[0].Title != "95% đúng hạn" || os[0].CreatedBy != "system:test" || os[0].CreatedAt.IsZero() {
			t.Fatalf("2026 objectives = %d, %v", len(os), err)
		}
		target := 90.0
		if o, err := f.UpdateObjective(ctx, "SVHTT", ids["quarterly"], qms.ObjectiveUpdate{Target: &target}); err != nil || o.Target != 90 {
			t.Fatalf("update = %+v, %v", o, err)
		}
		if _, err := f.UpdateObjective(ctx, "OTHER", ids["quarterly"], qms.ObjectiveUpdate{Target: &target}); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("update through another agency: %v", err)
		}
		if _, err := f.WithdrawObjective(ctx, "SVHTT", ids["quarterly"], ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("withdraw without a reason: %v", err)
		}
		o, err := f.WithdrawObjective(ctx, "SVHTT", ids["quarterly"], "Đổi chỉ tiêu")
		if err != nil || !o.Withdrawn || o.WithdrawnAt == nil || o.WithdrawnBy != "system:test" {
			t.Fatalf("withdraw = %+v, %v", o, err)
		}
		if _, err := f.UpdateObjective(ctx, "SVHTT", ids["quarterly"], qms.ObjectiveUpdate{Target: &target}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("update of a withdrawn objective: %v", err)
		}
		if os, _ := f.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: "SVHTT"}); len(os) != 1 {
			t.Fatalf("in force = %d, want 1", len(os))
		}
		all, _ := f.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: "SVHTT", IncludeWithdrawn: true})
		if len(all) != 2 || all[0].Year != 2026 || !all[0].Withdrawn || all[0].WithdrawnAt == nil {
			t.Fatalf("all = %+v", all)
		}
		action := "objective."
		entries, n, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 10})
		if err != nil || n != 4 || len(entries) != 4 {
			t.Fatalf("objective audit entries = %d, %v", n, err)
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestObjectiveStatuses: objectives are measured per period on the
// dossiers returned in it; an edit changes the verdict, a withdrawn
// objective leaves the statuses and stays on record.
func TestObjectiveStatuses(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := objectiveAgency(f)
		// Q1: 19 early, 1 late = 95 %. Q2 so far: 9 early, 1 late = 90 %.
		completed(t, f, "SVHTT", "Q1E", 19, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 5, 9, 0))
		completed(t, f, "SVHTT", "Q1L", 1, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 12, 9, 0))
		completed(t, f, "SVHTT", "Q2E", 9, hanoi(2026, 4, 10, 9, 0), hanoi(2026, 4, 10, 16, 0))
		completed(t, f, "SVHTT", "Q2L", 1, hanoi(2026, 4, 10, 9, 0), hanoi(2026, 4, 14, 9, 0))

		create := func(o qms.Objective) *qms.Objective {
			t.Helper()
			o.AgencyCode = "SVHTT"
			if err := f.CreateObjective(sys, &o); err != nil {
				t.Fatal(err)
			}
			return &o
		}
		quarterly := create(qms.Objective{Year: 2026, Title: "95% hồ sơ đúng hạn mỗi quý", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter})
		yearly := create(qms.Objective{Year: 2026, Title: "Trễ hạn dưới 10% cả năm", Measure: qms.MeasureLateRate, Target: 10, Period: qms.PeriodYear})
		create(qms.Objective{Year: 2025, Title: "Năm trước", Measure: qms.MeasureTimelyRate, Target: 90, Period: qms.PeriodQuarter})
		if err := f.CreateObjective(sys, &qms.Objective{AgencyCode: "NOPE", Year: 2026, Title: "x", Measure: qms.MeasureTimelyRate, Target: 9, Period: qms.PeriodYear}); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("objective of an unknown agency: %v", err)
		}

		sts, err := f.Statuses(sys, "SVHTT", 2026)
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
		past, _ := f.Statuses(sys, "SVHTT", 2025)
		if len(past) != 1 || len(past[0].Periods) != 4 || past[0].Periods[3].Result != qms.ObjectiveNoData {
			t.Fatalf("2025 = %+v, want 4 quarters without data", past)
		}

		// Edits are audited; a withdrawn objective leaves the statuses, stays
		// on record and is frozen.
		target := 90.0
		if o, err := f.UpdateObjective(sys, "SVHTT", quarterly.ID, qms.ObjectiveUpdate{Target: &target}); err != nil || o.Target != 90 {
			t.Fatalf("update: %v", err)
		}
		bad := 120.0
		if _, err := f.UpdateObjective(sys, "SVHTT", quarterly.ID, qms.ObjectiveUpdate{Target: &bad}); qms.ErrorField(err) != "target" {
			t.Fatalf("target 120: %v", err)
		}
		if sts, _ = f.Statuses(sys, "SVHTT", 2026); sts[0].Periods[1].Result != qms.ObjectiveMet {
			t.Fatalf("Q2 against 90%% = %s", sts[0].Periods[1].Result)
		}
		if _, err := f.WithdrawObjective(sys, "SVHTT", yearly.ID, ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("withdraw without reason: %v", err)
		}
		if _, err := f.WithdrawObjective(sys, "SVHTT", yearly.ID, "Gộp vào mục tiêu quý"); err != nil {
			t.Fatal(err)
		}
		if sts, _ = f.Statuses(sys, "SVHTT", 2026); len(sts) != 1 {
			t.Fatalf("withdrawn objective still measured: %d", len(sts))
		}
		title := "Sửa"
		if _, err := f.UpdateObjective(sys, "SVHTT", yearly.ID, qms.ObjectiveUpdate{Title: &title}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("edit a withdrawn objective: %v", err)
		}
		all, _ := f.FindObjectives(sys, qms.ObjectiveFilter{AgencyCode: "SVHTT", IncludeWithdrawn: true})
		if len(all) != 3 {
			t.Fatalf("objectives on record = %d, want 3", len(all))
		}
		for action, want := range map[string]int{"objective.create": 3, "objective.update": 1, "objective.withdraw": 1} {
			if es, _, _ := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); len(es) != want {
				t.Errorf("%s audited %d times, want %d", action, len(es), want)
			}
		}
		if _, err := f.FindObjective(sys, "SYS", quarterly.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("another agency finds the objective: %v", err)
		}
	})
}

// TestReviewPackHasObjectivesAndFeedback: the management review pack
// (9.3.2 c) carries the objectives' status lines and the feedback counts.
func TestReviewPackHasObjectivesAndFeedback(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := objectiveAgency(f)
		completed(t, f, "SVHTT", "Q1E", 3, hanoi(2026, 2, 10, 9, 0), hanoi(2026, 2, 5, 9, 0))
		o := &qms.Objective{AgencyCode: "SVHTT", Year: 2026, Title: "Đúng hạn", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter}
		if err := f.CreateObjective(sys, o); err != nil {
			t.Fatal(err)
		}
		public := qms.WithActor(context.Background(), qms.PublicActor("SVHTT"))
		if err := f.SubmitFeedback(public, &qms.Feedback{AgencyCode: "SVHTT", Name: "An", Contact: "an@example.vn", Content: "Góp ý"}, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		r := &qms.ManagementReview{AgencyCode: "SVHTT", Title: "Họp xem xét năm 2026", HeldOn: hanoi(2026, 5, 20, 8, 0)}
		if err := f.CreateReview(sys, r); err != nil {
			t.Fatal(err)
		}
		want := "Đúng hạn (≥ 95\u00a0%): Quý 1/2026 100,00\u00a0% đạt; Quý 2/2026 chưa có số liệu"
		if len(r.Pack.Objectives) != 1 || r.Pack.Objectives[0] != want || r.Pack.FeedbackCount[qms.FeedbackReceived] != 1 {
			t.Fatalf("pack objectives %q, feedback %v", r.Pack.Objectives, r.Pack.FeedbackCount)
		}
	})
}
