package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/sqlite"
)

// TestGenerateSmall builds a reduced data set and checks it is consistent:
// the audit chain verifies, the report has finished dossiers, most TTHC
// are under control, and late returns carry an apology.
func TestGenerateSmall(t *testing.T) {
	ctx := context.Background()
	clk := demo.NewClock(time.Date(2026, 6, 30, 3, 0, 0, 0, time.UTC))
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, _ := policies.Default()
	db.Bootstrap(ctx, rules)
	sc := demo.Small
	sc.Dossiers, sc.TTHC = 200, 10
	calls := 0
	if err := demo.Generate(ctx, db, clk, sc, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil || n < 200 {
		t.Fatalf("audit chain: %d %v", n, err)
	}
	reps, _ := db.OnTime(ctx, "SVHTT", clk.Now().AddDate(0, -7, 0), clk.Now(), "")
	r := reps[""]
	if r.Received != 200 || r.Completed < 150 || r.TimelyRate < 50 || calls == 0 {
		t.Fatalf("report %+v (progress calls %d)", r, calls)
	}
	cs, _ := db.ControlStatuses(ctx, "SVHTT")
	controlled := 0
	for _, c := range cs {
		if c.Status == qms.Controlled {
			controlled++
		}
	}
	if controlled != 8 {
		t.Fatalf("%d of %d TTHC controlled, want 8", controlled, len(cs))
	}
	res, err := db.RunChecks(qms.WithActor(ctx, qms.SystemActor("test")), qms.CheckScope{Rule: qms.RuleLateWithoutApology})
	// Only dossiers still open past their date lack the slip; every late
	// return was preceded by one.
	if err != nil || res.Open > r.Overdue {
		t.Fatalf("late without apology: %+v (overdue open %d) %v", res, r.Overdue, err)
	}
}
