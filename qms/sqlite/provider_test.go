package sqlite_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// openFindings runs one rule for one agency and returns its open findings
// as "agency object: message".
func openFindings(t *testing.T, db *sqlite.DB, sys context.Context, agency, rule string) []string {
	t.Helper()
	if _, err := db.RunChecks(sys, qms.CheckScope{AgencyCode: agency, Rule: rule}); err != nil {
		t.Fatal(err)
	}
	yes := true
	fs, err := db.FindFindings(sys, qms.FindingFilter{Rule: &rule, AgencyCode: &agency, Open: &yes})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.AgencyCode+" "+f.ObjectID+": "+f.Message)
	}
	sort.Strings(out)
	return out
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
	db, clk, sys := openDB(t)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "PA", Name: "Sở A"}); err != nil {
		t.Fatal(err)
	}
	p := postalProvider("PA")
	if err := db.CreateProvider(sys, p); err != nil {
		t.Fatal(err)
	}
	if len(p.Criteria) != 2 {
		t.Fatalf("criteria not tidied: %q", p.Criteria)
	}
	rule := qms.RuleProviderEvaluationOverdue
	if got := openFindings(t, db, sys, "PA", rule); len(got) != 0 {
		t.Fatalf("a provider just registered is flagged: %v", got)
	}
	clk.Add(370 * 24 * time.Hour) // past one period of 12 months
	got := openFindings(t, db, sys, "PA", rule)
	if len(got) != 1 || !strings.Contains(got[0], "Bưu điện tỉnh") || !strings.Contains(got[0], "chưa được đánh giá") {
		t.Fatalf("not flagged after 12 months without evaluation: %v", got)
	}
	today := qms.CivilDate(clk.Now())
	if err := db.EvaluateProvider(sys, "PA", p.ID, passAll(p, today)); err != nil {
		t.Fatal(err)
	}
	if got := openFindings(t, db, sys, "PA", rule); len(got) != 0 {
		t.Fatalf("still flagged after the evaluation: %v", got)
	}
	clk.Add(400 * 24 * time.Hour)
	if got := openFindings(t, db, sys, "PA", rule); len(got) != 1 || !strings.Contains(got[0], today.Format("02/01/2006")) {
		t.Fatalf("not flagged a period after the last evaluation: %v", got)
	}
	if _, err := db.SetProviderStatus(sys, "PA", p.ID, qms.ProviderSuspended, "Tạm dừng để khắc phục thất lạc hồ sơ"); err != nil {
		t.Fatal(err)
	}
	if got := openFindings(t, db, sys, "PA", rule); len(got) != 0 {
		t.Fatalf("a suspended provider is flagged: %v", got)
	}
}

// TestProvider8Register: criteria are marked one by one, a result other
// than "đạt" needs a note, an NC of the agency is linked once, a provider
// is ended, never deleted, and refuses changes once ended; every change is
// audited.
func TestProvider8Register(t *testing.T) {
	db, clk, sys := openDB(t)
	for _, code := range []string{"PA", "PB"} {
		if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
			t.Fatal(err)
		}
	}
	p := postalProvider("PA")
	if err := db.CreateProvider(sys, p); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProvider(sys, postalProvider("PA")); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("a second provider of the same name: %v", err)
	}
	today := qms.CivilDate(clk.Now())
	bad := []struct {
		name  string
		e     *qms.ProviderEvaluation
		field string
	}{
		{"criterion missing", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalPass, Scores: []qms.CriterionScore{{Criterion: "Đúng hẹn", Mark: "5"}}}, "scores"},
		{"unknown mark", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalPass, Scores: []qms.CriterionScore{{Criterion: "Đúng hẹn", Mark: "9"}, {Criterion: "Không thất lạc hồ sơ", Mark: "pass"}}}, "scores"},
		{"unknown criterion", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalPass, Scores: append(passAll(p, today).Scores, qms.CriterionScore{Criterion: "Giá", Mark: "3"})}, "scores"},
		{"no result", &qms.ProviderEvaluation{EvaluatedOn: today, Scores: passAll(p, today).Scores}, "result"},
		{"conditional without note", &qms.ProviderEvaluation{EvaluatedOn: today, Result: qms.EvalConditional, Scores: passAll(p, today).Scores}, "note"},
		{"future date", passAll(p, today.AddDate(0, 0, 1)), "evaluated_on"},
	}
	for _, c := range bad {
		if err := db.EvaluateProvider(sys, "PA", p.ID, c.e); qms.ErrorField(err) != c.field {
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
	e := passAll(p, today)
	e.Result, e.Note = qms.EvalConditional, "Hai hồ sơ giao chậm 1 ngày"
	e.Scores[1].Mark = qms.EvalFail
	if err := db.EvaluateProvider(sys, "PA", p.ID, e); err != nil {
		t.Fatal(err)
	}
	evs, err := db.ProviderEvaluations(sys, "PA", p.ID)
	if err != nil || len(evs) != 1 || evs[0].Result != qms.EvalConditional || evs[0].Evaluator != "system:test" || evs[0].Scores[1].Mark != qms.EvalFail {
		t.Fatalf("evaluations: %+v %v", evs, err)
	}
	if _, err := db.ProviderEvaluations(sys, "PB", p.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("PB reads PA's provider: %v", err)
	}
	nc := &qms.Nonconformity{AgencyCode: "PA", Source: qms.NCFromComplaint, Description: "Kết quả TTHC giao chậm qua bưu điện"}
	if err := db.CreateNC(sys, nc); err != nil {
		t.Fatal(err)
	}
	ncB := &qms.Nonconformity{AgencyCode: "PB", Source: qms.NCFromOther, Description: "Phiếu của đơn vị khác"}
	if err := db.CreateNC(sys, ncB); err != nil {
		t.Fatal(err)
	}
	if err := db.LinkProviderNC(sys, "PA", p.ID, nc.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.LinkProviderNC(sys, "PA", p.ID, nc.ID); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("linked twice: %v", err)
	}
	if err := db.LinkProviderNC(sys, "PA", p.ID, ncB.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("linked another agency's NC: %v", err)
	}
	links, err := db.ProviderNCs(sys, "PA", p.ID)
	if err != nil || len(links) != 1 || links[0].Code != nc.Code {
		t.Fatalf("links: %+v %v", links, err)
	}
	if named, err := db.NCProviders(sys, "PA", nc.ID); err != nil || len(named) != 1 || named[0].ID != p.ID {
		t.Fatalf("providers named by %s: %+v %v", nc.Code, named, err)
	}
	if _, err := db.SetProviderStatus(sys, "PA", p.ID, qms.ProviderEnded, ""); qms.ErrorField(err) != "reason" {
		t.Fatalf("ended without a reason: %v", err)
	}
	if _, err := db.SetProviderStatus(sys, "PA", p.ID, qms.ProviderEnded, "Hết hạn hợp đồng"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetProviderStatus(sys, "PA", p.ID, qms.ProviderActive, "Ký lại"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("an ended provider resumed: %v", err)
	}
	if err := db.EvaluateProvider(sys, "PA", p.ID, passAll(p, today)); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("an ended provider evaluated: %v", err)
	}
	// The name is free again for a new contract; the ended one stays listed.
	if err := db.CreateProvider(sys, postalProvider("PA")); err != nil {
		t.Fatal(err)
	}
	ps, err := db.FindProviders(sys, "PA")
	if err != nil || len(ps) != 2 || ps[1].Status != qms.ProviderEnded || ps[1].LastEvaluation == nil {
		t.Fatalf("providers: %+v %v", ps, err)
	}
	action := "provider."
	entries, _, err := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, en := range entries {
		seen[en.Action]++
	}
	for act, n := range map[string]int{"provider.create": 2, "provider.evaluate": 1, "provider.link_nc": 1, "provider.status": 1} {
		if seen[act] != n {
			t.Errorf("%d audit entries %s, want %d (%v)", seen[act], act, n, seen)
		}
	}
}

// TestProvider8AgencyMerge: a provider in use moves to the successor with
// its evaluations and NC links; an ended one stays with its predecessor.
func TestProvider8AgencyMerge(t *testing.T) {
	db, clk, sys := openDB(t)
	mergeAgency(t, db, sys, "PA", false)
	mergeAgency(t, db, sys, "PB", false)
	used, ended := postalProvider("PA"), postalProvider("PB")
	ended.Name = "Công ty số hóa hồ sơ"
	for _, p := range []*qms.Provider{used, ended} {
		if err := db.CreateProvider(sys, p); err != nil {
			t.Fatal(err)
		}
		if err := db.EvaluateProvider(sys, p.AgencyCode, p.ID, passAll(p, qms.CivilDate(clk.Now()))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SetProviderStatus(sys, "PB", ended.ID, qms.ProviderEnded, "Hoàn thành số hóa"); err != nil {
		t.Fatal(err)
	}
	rep, err := db.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	var counted bool
	for _, c := range rep.Tables {
		if c.Table == "providers" {
			counted = c.Moved == 1 && c.Stayed == 1
		}
	}
	if !counted {
		t.Errorf("merge report: %+v", rep.Tables)
	}
	if p, err := db.FindProvider(sys, "NEW", used.ID); err != nil || p.LastEvaluation == nil {
		t.Fatalf("the provider in use did not move with its evaluation: %+v %v", p, err)
	}
	if _, err := db.FindProvider(sys, "PB", ended.ID); err != nil {
		t.Fatalf("the ended provider left its predecessor: %v", err)
	}
}
