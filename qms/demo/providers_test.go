package demo_test

import (
	"testing"

	"isodt/qms"
)

// TestProvider8DemoAndContext10: the small demo shows external providers
// in each state (one evaluated with a condition and named in a
// nonconformity, one overdue and flagged by PROVIDER_EVALUATION_OVERDUE,
// one suspended) and a reviewed context register that the management
// review pack carries, with CONTEXT_REVIEW_OVERDUE not flagged.
func TestProvider8DemoAndContext10(t *testing.T) {
	db, clk, sys := smallDemo(t, 100, 10)
	ps, err := db.FindProviders(sys, "SVHTT")
	if err != nil || len(ps) != 3 {
		t.Fatalf("providers: %d %v", len(ps), err)
	}
	today := qms.CivilDate(clk.Now())
	var overdue, suspended, linked int
	for _, p := range ps {
		if p.Overdue(today) {
			overdue++
		}
		if p.Status == qms.ProviderSuspended {
			suspended++
		}
		ls, _ := db.ProviderNCs(sys, "SVHTT", p.ID)
		linked += len(ls)
	}
	if overdue != 1 || suspended != 1 || linked != 1 {
		t.Errorf("%d overdue, %d suspended, %d linked NCs; want one each", overdue, suspended, linked)
	}
	open := true
	count := func(rule string) int {
		fs, _ := db.FindFindings(sys, qms.FindingFilter{AgencyCode: ptr("SVHTT"), Rule: &rule, Open: &open})
		return len(fs)
	}
	if count(qms.RuleProviderEvaluationOverdue) != 1 || count(qms.RuleContextReviewOverdue) != 0 {
		t.Errorf("findings: %d provider, %d context", count(qms.RuleProviderEvaluationOverdue), count(qms.RuleContextReviewOverdue))
	}
	reviews, _ := db.FindReviews(sys, "SVHTT")
	if len(reviews) != 1 {
		t.Fatalf("%d management reviews", len(reviews))
	}
	r, _ := db.FindReview(sys, "SVHTT", reviews[0].ID)
	if c := r.Pack.Context; c == nil || c.Counts[qms.ContextParty] != 3 || c.LastReviewedAt == nil {
		t.Errorf("review pack context: %+v", r.Pack.Context)
	}
}
