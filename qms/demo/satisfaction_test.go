package demo_test

import (
	"testing"
	"time"

	"isodt/qms"
)

// TestSatisfaction9DemoResponses: the showcase agency has survey
// responses on returned dossiers, over more than one quarter, and its
// management review reads them.
func TestSatisfaction9DemoResponses(t *testing.T) {
	db, _, sys := smallDemo(t, 200, 10)
	rs, err := db.FindSatisfaction(sys, qms.SatisfactionFilter{Agencies: []string{"SVHTT"}})
	if err != nil || len(rs) < 5 {
		t.Fatalf("%d responses, %v", len(rs), err)
	}
	// A response names no dossier (the survey is anonymous): each is of
	// the agency and was given after the first dossier returned.
	agency, completed := "SVHTT", qms.DossierCompleted
	ds, _, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency, Status: &completed, Limit: 500, Brief: true})
	if err != nil || len(ds) == 0 {
		t.Fatalf("returned dossiers: %d %v", len(ds), err)
	}
	var first time.Time
	for _, d := range ds {
		if d.ReturnedAt != nil && (first.IsZero() || d.ReturnedAt.Before(first)) {
			first = *d.ReturnedAt
		}
	}
	quarters := map[string]bool{}
	for _, r := range rs {
		if r.AgencyCode != agency || r.SubmittedAt.Before(first) || r.TTHCCode == "" {
			t.Fatalf("response %+v before the first return %v", r, first)
		}
		quarters[qms.Quarter(r.SubmittedAt)] = true
	}
	if len(quarters) < 2 {
		t.Errorf("responses in quarters %v", quarters)
	}
	reviews, _ := db.FindReviews(sys, "SVHTT")
	if len(reviews) != 1 {
		t.Fatalf("%d reviews", len(reviews))
	}
	if r, _ := db.FindReview(sys, "SVHTT", reviews[0].ID); r.Pack.Satisfaction == nil || r.Pack.Satisfaction.Responses == 0 {
		t.Errorf("review pack %+v", r.Pack.Satisfaction)
	}
}
