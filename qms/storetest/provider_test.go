package storetest_test

import (
	"testing"

	"isodt/qms"
)

// External providers (qms/sqlstore): one provider of a name in use per
// agency; criteria are marked one by one; a provider is suspended or
// ended, never deleted, and refuses changes once ended. Linking
// nonconformities needs NCService, which stays in qms/sqlite.
func TestProviders(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		for _, code := range []string{"PA", "PB"} {
			if err := f.CreateAgency(ctx, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
				t.Fatal(err)
			}
		}
		postal := func(agency string) *qms.Provider {
			return &qms.Provider{AgencyCode: agency, Name: "Bưu điện tỉnh", Service: "Chuyển phát kết quả giải quyết TTHC",
				Criteria: []string{"Đúng hẹn", "Không thất lạc hồ sơ", " Đúng hẹn ", ""}, PeriodMonths: 12}
		}
		p := postal("PA")
		for _, tt := range []struct {
			name string
			p    *qms.Provider
			code string
		}{
			{"first", p, ""},
			{"same name", postal("PA"), qms.ECONFLICT},
			{"same name elsewhere", postal("PB"), ""},
			{"unknown agency", postal("NOPE"), qms.ENOTFOUND},
			{"no period", &qms.Provider{AgencyCode: "PA", Name: "X", Service: "Y", Criteria: []string{"Z"}}, qms.EINVALID},
		} {
			if err := f.CreateProvider(ctx, tt.p); qms.ErrorCode(err) != tt.code {
				t.Errorf("create %s: %v, want %q", tt.name, err, tt.code)
			}
		}
		if len(p.Criteria) != 2 || p.Status != qms.ProviderActive || p.CreatedBy != "system:test" {
			t.Fatalf("provider = %+v", p)
		}
		today := qms.CivilDate(f.clk.Now())
		pass := func() []qms.CriterionScore {
			return []qms.CriterionScore{{Criterion: "Đúng hẹn", Mark: "5"}, {Criterion: "Không thất lạc hồ sơ", Mark: "5"}}
		}
		for _, tt := range []struct {
			name  string
			e     *qms.ProviderEvaluation
			field string
		}{
			{"criterion missing", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalPass, Scores: pass()[:1]}, "scores"},
			{"no result", &qms.ProviderEvaluation{EvaluatedOn: today, Scores: pass()}, "result"},
			{"conditional without note", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalConditional, Scores: pass()}, "note"},
			{"future date", &qms.ProviderEvaluation{EvaluatedOn: today.AddDate(0, 0, 1), Result: qms.EvalPass, Scores: pass()}, "evaluated_on"},
		} {
			if err := f.EvaluateProvider(ctx, "PA", p.ID, tt.e); qms.ErrorField(err) != tt.field {
				t.Errorf("evaluate %s: %v, want an error on %s", tt.name, err, tt.field)
			}
		}
		first := &qms.ProviderEvaluation{EvaluatedOn: today.AddDate(0, 0, -10), Result: qms.EvalPass, Scores: pass()}
		second := &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalConditional, Note: "Hai hồ sơ giao chậm", Scores: pass()}
		second.Scores[1].Mark = qms.EvalFail
		for _, e := range []*qms.ProviderEvaluation{second, first} { // the older one recorded last
			if err := f.EvaluateProvider(ctx, "PA", p.ID, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.EvaluateProvider(ctx, "PB", p.ID, first); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PB evaluates PA's provider: %v", err)
		}
		evs, err := f.ProviderEvaluations(ctx, "PA", p.ID)
		if err != nil || len(evs) != 2 || evs[0].ID != second.ID || evs[0].Evaluator != "system:test" || evs[0].Scores[1].Mark != qms.EvalFail || !evs[1].EvaluatedOn.Equal(first.EvaluatedOn) {
			t.Fatalf("evaluations = %+v, %v", evs, err)
		}
		got, err := f.FindProvider(ctx, "PA", p.ID)
		if err != nil || got.LastEvaluation == nil || got.LastEvaluation.ID != second.ID || got.LastEvaluation.Note != "Hai hồ sơ giao chậm" {
			t.Fatalf("latest evaluation = %+v, %v", got, err)
		}
		upd := qms.ProviderUpdate{Name: "Bưu điện tỉnh", Service: "Chuyển phát", ContractRef: "HĐ 1", Criteria: []string{"Đúng hẹn"}, PeriodMonths: 6}
		if u, err := f.UpdateProvider(ctx, "PA", p.ID, upd); err != nil || u.PeriodMonths != 6 || u.ContractRef != "HĐ 1" || len(u.Criteria) != 1 {
			t.Fatalf("update = %+v, %v", u, err)
		}
		if _, err := f.SetProviderStatus(ctx, "PA", p.ID, qms.ProviderSuspended, "Tạm dừng"); err != nil {
			t.Fatal(err)
		}
		if err := f.CreateProvider(ctx, postal("PA")); qms.ErrorCode(err) != qms.ECONFLICT {
			t.Fatalf("a name held by a suspended provider taken: %v", err)
		}
		if r, err := f.SetProviderStatus(ctx, "PA", p.ID, qms.ProviderActive, "Đã khắc phục"); err != nil || r.Status != qms.ProviderActive {
			t.Fatalf("resume = %+v, %v", r, err)
		}
		if _, err := f.SetProviderStatus(ctx, "PA", p.ID, qms.ProviderEnded, ""); qms.ErrorField(err) != "reason" {
			t.Fatalf("ended without a reason: %v", err)
		}
		ended, err := f.SetProviderStatus(ctx, "PA", p.ID, qms.ProviderEnded, "Hết hạn hợp đồng")
		if err != nil || ended.StatusAt == nil || ended.StatusBy != "system:test" {
			t.Fatalf("end = %+v, %v", ended, err)
		}
		if _, err := f.UpdateProvider(ctx, "PA", p.ID, upd); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("an ended provider edited: %v", err)
		}
		if err := f.EvaluateProvider(ctx, "PA", p.ID, first); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("an ended provider evaluated: %v", err)
		}
		if _, err := f.SetProviderStatus(ctx, "PA", p.ID, qms.ProviderActive, "Ký lại"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("an ended provider resumed: %v", err)
		}
		other := postal("PA") // the name is free again
		if err := f.CreateProvider(ctx, other); err != nil {
			t.Fatal(err)
		}
		ps, err := f.FindProviders(ctx, "PA")
		if err != nil || len(ps) != 2 || ps[0].ID != other.ID || ps[0].LastEvaluation != nil || ps[1].Status != qms.ProviderEnded || ps[1].LastEvaluation == nil {
			t.Fatalf("providers = %+v, %v", ps, err)
		}
		action := "provider."
		entries, _, err := f.FindAuditEntries(ctx, qms.AuditFilter{Action: &action, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
		}
		for act, n := range map[string]int{"provider.create": 3, "provider.evaluate": 2, "provider.update": 1, "provider.status": 3} {
			if seen[act] != n {
				t.Errorf("%d audit entries %s, want %d (%v)", seen[act], act, n, seen)
			}
		}
		if _, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
