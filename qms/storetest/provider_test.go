package storetest_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// External providers (qms/sqlstore): one provider of a name in use per
// agency; criteria are marked one by one; a provider is suspended or
// ended, never deleted, and refuses changes once ended.
func TestProviders(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		createAgencies(t, f, qms.Agency{Code: "PA", Name: "Sở PA"}, qms.Agency{Code: "PB", Name: "Sở PB"})
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

func postalProvider(agency string) *qms.Provider {
	return &qms.Provider{AgencyCode: agency, Name: "Bưu điện tỉnh", Service: "Chuyển phát kết quả giải quyết TTHC (dịch vụ bưu chính công ích)",
		ContractRef: "HĐ 12/2026/HĐ-BĐ", Contact: "0236 3822 222", Criteria: []string{"Đúng hẹn", "Không thất lạc hồ sơ", " Đúng hẹn ", ""}, PeriodMonths: 12}
}

func passAll(p *qms.Provider, on time.Time) *qms.ProviderEvaluation {
	e := &qms.ProviderEvaluation{EvaluatedOn: on, Result: qms.EvalPass}
	for _, c := range p.Criteria {
		e.Scores = append(e.Scores, qms.CriterionScore{Criterion: c, Mark: "5"})
	}
	return e
}

// TestProvider8EvaluationOverdueRule: PROVIDER_EVALUATION_OVERDUE fires
// for an active provider not evaluated within its period (from its
// registration, then from its last evaluation), clears with an
// evaluation, and never fires for a suspended provider.
func TestProvider8EvaluationOverdueRule(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		if err := f.CreateAgency(sys, &qms.Agency{Code: "PA", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		p := postalProvider("PA")
		if err := f.CreateProvider(sys, p); err != nil {
			t.Fatal(err)
		}
		if len(p.Criteria) != 2 {
			t.Fatalf("criteria not tidied: %q", p.Criteria)
		}
		rule := qms.RuleProviderEvaluationOverdue
		if got := findingLines(t, f, "PA", rule); len(got) != 0 {
			t.Fatalf("a provider just registered is flagged: %v", got)
		}
		clk.Add(370 * 24 * time.Hour) // past one period of 12 months
		got := findingLines(t, f, "PA", rule)
		if len(got) != 1 || !strings.Contains(got[0], "Bưu điện tỉnh") || !strings.Contains(got[0], "chưa được đánh giá") {
			t.Fatalf("not flagged after 12 months without evaluation: %v", got)
		}
		today := qms.CivilDate(clk.Now())
		if err := f.EvaluateProvider(sys, "PA", p.ID, passAll(p, today)); err != nil {
			t.Fatal(err)
		}
		if got := findingLines(t, f, "PA", rule); len(got) != 0 {
			t.Fatalf("still flagged after the evaluation: %v", got)
		}
		clk.Add(400 * 24 * time.Hour)
		if got := findingLines(t, f, "PA", rule); len(got) != 1 || !strings.Contains(got[0], today.Format("02/01/2006")) {
			t.Fatalf("not flagged a period after the last evaluation: %v", got)
		}
		if _, err := f.SetProviderStatus(sys, "PA", p.ID, qms.ProviderSuspended, "Tạm dừng để khắc phục thất lạc hồ sơ"); err != nil {
			t.Fatal(err)
		}
		if got := findingLines(t, f, "PA", rule); len(got) != 0 {
			t.Fatalf("a suspended provider is flagged: %v", got)
		}
	})
}

// TestProvider8NCLinks: an NC of the agency is linked to a provider once,
// each way round, with its audit entry.
func TestProvider8NCLinks(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		createAgencies(t, f, qms.Agency{Code: "PA", Name: "Sở PA"}, qms.Agency{Code: "PB", Name: "Sở PB"})
		p := postalProvider("PA")
		if err := f.CreateProvider(sys, p); err != nil {
			t.Fatal(err)
		}
		nc := &qms.Nonconformity{AgencyCode: "PA", Source: qms.NCFromComplaint, Description: "Kết quả TTHC giao chậm qua bưu điện"}
		if err := f.CreateNC(sys, nc); err != nil {
			t.Fatal(err)
		}
		ncB := &qms.Nonconformity{AgencyCode: "PB", Source: qms.NCFromOther, Description: "Phiếu của đơn vị khác"}
		if err := f.CreateNC(sys, ncB); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			nc   int64
			code string
		}{
			{"first link", nc.ID, ""},
			{"linked twice", nc.ID, qms.ECONFLICT},
			{"another agency's NC", ncB.ID, qms.ENOTFOUND},
			{"unknown NC", ncB.ID + 100, qms.ENOTFOUND},
		} {
			if err := f.LinkProviderNC(sys, "PA", p.ID, c.nc); qms.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %q", c.name, err, c.code)
			}
		}
		links, err := f.ProviderNCs(sys, "PA", p.ID)
		if err != nil || len(links) != 1 || links[0].Code != nc.Code || links[0].LinkedBy != "system:test" || links[0].Status != nc.Status {
			t.Fatalf("links: %+v %v", links, err)
		}
		if _, err := f.ProviderNCs(sys, "PB", p.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PB reads PA's provider's links: %v", err)
		}
		if named, err := f.NCProviders(sys, "PA", nc.ID); err != nil || len(named) != 1 || named[0].ID != p.ID {
			t.Fatalf("providers named by %s: %+v %v", nc.Code, named, err)
		}
		if _, err := f.NCProviders(sys, "PA", ncB.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("PA reads PB's NC: %v", err)
		}
		action := "provider.link_nc"
		if _, n, err := f.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); err != nil || n != 1 {
			t.Fatalf("%d audit entries %s, %v", n, action, err)
		}
	})
}

// TestProvider8AgencyMerge: a provider in use moves to the successor with
// its evaluations and NC links; an ended one stays with its predecessor.
func TestProvider8AgencyMerge(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		used, ended := postalProvider("PA"), postalProvider("PB")
		for _, p := range []*qms.Provider{used, ended} {
			mergeAgency(t, f, p.AgencyCode, false)
		}
		ended.Name = "Công ty số hóa hồ sơ"
		for _, p := range []*qms.Provider{used, ended} {
			if err := f.CreateProvider(sys, p); err != nil {
				t.Fatal(err)
			}
			if err := f.EvaluateProvider(sys, p.AgencyCode, p.ID, passAll(p, qms.CivilDate(clk.Now()))); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.SetProviderStatus(sys, "PB", ended.ID, qms.ProviderEnded, "Hoàn thành số hóa"); err != nil {
			t.Fatal(err)
		}
		rep := mergePAPB(t, f)
		var counted bool
		for _, c := range rep.Tables {
			if c.Table == "providers" {
				counted = c.Moved == 1 && c.Stayed == 1
			}
		}
		if !counted {
			t.Errorf("merge report: %+v", rep.Tables)
		}
		if p, err := f.FindProvider(sys, "NEW", used.ID); err != nil || p.LastEvaluation == nil {
			t.Fatalf("the provider in use did not move with its evaluation: %+v %v", p, err)
		}
		if _, err := f.FindProvider(sys, "PB", ended.ID); err != nil {
			t.Fatalf("the ended provider left its predecessor: %v", err)
		}
	})
}
