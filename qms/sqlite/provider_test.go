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

// TestProvider8NCLinks: an NC of the agency is linked to a provider once,
// each way round, with its audit entry. (The register itself runs on both
// stores: storetest.TestProviders; nonconformities are this store's yet.)
func TestProvider8NCLinks(t *testing.T) {
	db, _, sys := openDB(t)
	for _, code := range []string{"PA", "PB"} {
		if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
			t.Fatal(err)
		}
	}
	p := postalProvider("PA")
	if err := db.CreateProvider(sys, p); err != nil {
		t.Fatal(err)
	}
	nc := &qms.Nonconformity{AgencyCode: "PA", Source: qms.NCFromComplaint, Description: "Kết quả TTHC giao chậm qua bưu điện"}
	if err := db.CreateNC(sys, nc); err != nil {
		t.Fatal(err)
	}
	ncB := &qms.Nonconformity{AgencyCode: "PB", Source: qms.NCFromOther, Description: "Phiếu của đơn vị khác"}
	if err := db.CreateNC(sys, ncB); err != nil {
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
		if err := db.LinkProviderNC(sys, "PA", p.ID, c.nc); qms.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
	}
	links, err := db.ProviderNCs(sys, "PA", p.ID)
	if err != nil || len(links) != 1 || links[0].Code != nc.Code || links[0].LinkedBy != "system:test" || links[0].Status != nc.Status {
		t.Fatalf("links: %+v %v", links, err)
	}
	if _, err := db.ProviderNCs(sys, "PB", p.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("PB reads PA's provider's links: %v", err)
	}
	if named, err := db.NCProviders(sys, "PA", nc.ID); err != nil || len(named) != 1 || named[0].ID != p.ID {
		t.Fatalf("providers named by %s: %+v %v", nc.Code, named, err)
	}
	if _, err := db.NCProviders(sys, "PA", ncB.ID); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("PA reads PB's NC: %v", err)
	}
	action := "provider.link_nc"
	if _, n, err := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action}); err != nil || n != 1 {
		t.Fatalf("%d audit entries %s, %v", n, action, err)
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
