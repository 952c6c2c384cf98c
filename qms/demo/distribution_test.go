package demo_test

import (
	"testing"

	"isodt/qms"
)

// TestDistribution6DemoHasReads: the small demo shows documents to read
// both acknowledged and pending, and the overdue acknowledgements among
// the findings.
func TestDistribution6DemoHasReads(t *testing.T) {
	db, _, sys := smallDemo(t, 100, 10)
	sums, err := db.ReadSummaries(sys, "SVHTT")
	if err != nil || len(sums) == 0 {
		t.Fatalf("no distribution in the demo: %v", err)
	}
	acked, pending := 0, 0
	for _, s := range sums {
		acked += s.Acknowledged
		pending += len(s.Pending)
	}
	if acked == 0 || pending == 0 {
		t.Fatalf("demo reads: %d acknowledged, %d pending; want both", acked, pending)
	}
	rule := qms.RuleAckOverdue
	if fs, _ := db.FindFindings(sys, qms.FindingFilter{AgencyCode: ptr("SVHTT"), Rule: &rule}); len(fs) == 0 {
		t.Fatal("no ACK_OVERDUE finding in the demo")
	}
}
