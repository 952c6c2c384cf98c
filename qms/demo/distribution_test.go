package demo_test

import (
	"context"
	"testing"

	"isodt/qms"
	"isodt/qms/demo"
)

// TestDistribution6DemoHasReads: the small demo shows documents to read
// both acknowledged and pending, and the overdue acknowledgements among
// the findings.
func TestDistribution6DemoHasReads(t *testing.T) {
	ctx := context.Background()
	db, clk := openDB(t)
	sc := demo.Small
	sc.Dossiers, sc.TTHC = 100, 10
	if _, err := demo.Generate(ctx, db, clk, sc, nil); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
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
