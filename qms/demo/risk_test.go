package demo_test

import (
	"testing"

	"isodt/qms"
)

// TestRisk4DemoRegister: the small demo's register has a high risk whose
// review and action are overdue (both rules flag it), open entries of
// each kind, a closed one, a link to a nonconformity, and the management
// review pack names the top risk.
func TestRisk4DemoRegister(t *testing.T) {
	db, _, sys := smallDemo(t, 100, 10)
	all, err := db.FindRisks(sys, qms.RiskFilter{AgencyCode: "SVHTT"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range all {
		got[r.Status+" "+r.Kind+" "+r.Level]++
		if len(r.Links) > 0 {
			got["linked"]++
		}
	}
	want := map[string]int{"open risk high": 1, "open risk medium": 1, "open opportunity medium": 1, "closed risk low": 1, "linked": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("register %v, want %v", got, want)
			break
		}
	}
	for _, rule := range []string{qms.RuleRiskReviewOverdue, qms.RuleRiskActionOverdue} {
		fs, _ := db.FindFindings(sys, qms.FindingFilter{AgencyCode: ptr("SVHTT"), Rule: ptr(rule), Open: ptr(true)})
		if len(fs) != 1 {
			t.Errorf("%s: %d open findings, want 1", rule, len(fs))
		}
	}
	reviews, _ := db.FindReviews(sys, "SVHTT")
	if len(reviews) != 1 {
		t.Fatalf("%d reviews", len(reviews))
	}
	p := reviews[0].Pack.Risks
	if p == nil || p.Open != 3 || p.ReviewOverdue != 1 || p.ActionsOverdue != 1 || len(p.Top) != 2 || p.Top[0].Level != qms.RiskHigh {
		t.Fatalf("review pack risks %+v", p)
	}
}
