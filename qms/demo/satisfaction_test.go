package demo_test

import (
	"testing"

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
	quarters := map[string]bool{}
	for _, r := range rs {
		d, err := db.FindDossier(sys, "SVHTT", r.DossierCode)
		if err != nil || d.ReturnedAt == nil || r.SubmittedAt.Before(*d.ReturnedAt) {
			t.Fatalf("response on %s: %+v %v", r.DossierCode, d, err)
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
