package storetest_test

import (
	"testing"

	"isodt/qms"
)

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
