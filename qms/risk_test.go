package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
)

// TestRisk4Levels: the bands of the 5 × 5 matrix at their edges.
func TestRisk4Levels(t *testing.T) {
	for _, tt := range []struct {
		l, i int
		want string
	}{
		{1, 1, qms.RiskLow}, {2, 2, qms.RiskLow}, {1, 4, qms.RiskLow},
		{1, 5, qms.RiskMedium}, {3, 3, qms.RiskMedium}, {3, 4, qms.RiskMedium},
		{3, 5, qms.RiskHigh}, {4, 4, qms.RiskHigh}, {5, 5, qms.RiskHigh},
	} {
		a := qms.RiskAssessment{Likelihood: tt.l, Impact: tt.i}
		if got := a.Level(); got != tt.want {
			t.Errorf("%d × %d = %d: %s, want %s", tt.l, tt.i, a.Score(), got, tt.want)
		}
	}
}

// TestRisk4Summary: the review pack's summary counts open entries only,
// puts threats (not opportunities) in the top by score, and stops at
// TopRisks.
func TestRisk4Summary(t *testing.T) {
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	mk := func(kind string, l, i int, review time.Time, status string) *qms.Risk {
		r := &qms.Risk{Kind: kind, Likelihood: l, Impact: i, Score: l * i, Level: qms.RiskLevelOf(l * i), Status: status, ReviewOn: review, Owner: "u", Code: kind}
		return r
	}
	var rs []*qms.Risk
	for i := 0; i < 7; i++ {
		rs = append(rs, mk(qms.RiskKindRisk, 1+i%5, 3, today.AddDate(0, 0, 1-i), qms.RiskOpen))
	}
	rs = append(rs, mk(qms.RiskKindOpportunity, 5, 5, today, qms.RiskOpen), mk(qms.RiskKindRisk, 5, 5, today.AddDate(0, 0, -9), qms.RiskClosed))
	rs[0].Actions = []qms.RiskAction{{DueOn: today.AddDate(0, 0, -1)}, {DueOn: today}, {DueOn: today.AddDate(0, 0, -3), DoneAt: &today}}
	s := qms.SummarizeRisks(rs, today, func(u string) string { return "Tên " + u })
	if s.Open != 8 || s.Opportunities != 1 || s.ReviewOverdue != 5 || s.ActionsOverdue != 1 {
		t.Fatalf("summary %+v", s)
	}
	if len(s.Top) != qms.TopRisks || s.Top[0].Score != 15 || s.Top[0].Kind != qms.RiskKindRisk || s.Top[0].Owner != "Tên u" {
		t.Fatalf("top %+v", s.Top)
	}
	for i := 1; i < len(s.Top); i++ {
		if s.Top[i].Score > s.Top[i-1].Score {
			t.Fatalf("top not by score: %+v", s.Top)
		}
	}
}
