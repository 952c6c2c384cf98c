package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestSatisfaction9RuleBelowTarget: the rule fires on an agency whose
// last quarter's index is below the 90% target on enough responses, not
// on one with too few responses or one above the target, and clears
// once a quarter meets the target.
func TestSatisfaction9RuleBelowTarget(t *testing.T) {
	db, clk, sys := openDB(t) // 2 March 2026: the first quarter
	answers := map[string]int{"low": 3, "few": 1, "high": 5}
	agencies := map[string]string{"low": "SKA", "few": "SKB", "high": "SKC"}
	counts := map[string]int{"low": 5, "few": qms.SatisfactionMinResponses - 1, "high": 5}
	ip := 0
	rate := func(agency string, n, score int, prefix string) {
		t.Helper()
		at := clk.Now().Add(-time.Hour)
		var rows []sqlite.DossierImport
		for i := range n {
			rows = append(rows, sqlite.DossierImport{Code: fmt.Sprintf("%s-%s-%02d", agency, prefix, i), TTHCCode: "1.000001",
				ReceivedAt: at.Add(-72 * time.Hour), DueAt: at.Add(48 * time.Hour), CompletedAt: &at, Status: qms.DossierCompleted})
		}
		if _, err := db.ImportDossiers(sys, agency, rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ip++
			if err := db.SubmitSatisfaction(qms.WithActor(context.Background(), qms.PublicActor(agency)), agency, r.Code,
				&qms.SatisfactionResponse{Answers: sipasAnswers(score)}, fmt.Sprintf("198.51.100.%d", ip)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, code := range agencies {
		if err := db.CreateAgency(sys, &qms.Agency{Code: code, Name: "Sở " + code}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ImportTTHC(sys, code, sampleTTHC()[:1]); err != nil {
			t.Fatal(err)
		}
		rate(code, counts[k], answers[k], "Q1")
	}
	rule, open := qms.RuleSatisfactionBelowTarget, true
	findings := func() []*qms.Finding {
		t.Helper()
		if _, err := db.RunChecks(sys, qms.CheckScope{Rule: rule}); err != nil {
			t.Fatal(err)
		}
		fs, err := db.FindFindings(sys, qms.FindingFilter{Rule: &rule, Open: &open})
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	// Still in the first quarter: the last complete one has no responses.
	if fs := findings(); len(fs) != 0 {
		t.Fatalf("before the quarter ends: %+v", fs)
	}
	clk.Set(time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC))
	fs := findings()
	if len(fs) != 1 || fs[0].AgencyCode != "SKA" || !strings.Contains(fs[0].Message, "quý 1/2026 là 0,00%") ||
		!strings.Contains(fs[0].Message, "76/NQ-CP") {
		t.Fatalf("fired %+v", fs)
	}
	// The second quarter meets the target: the finding closes in the third.
	rate("SKA", 5, 5, "Q2")
	if fs := findings(); len(fs) != 1 {
		t.Fatalf("during the second quarter: %+v", fs)
	}
	clk.Set(time.Date(2026, 7, 2, 2, 0, 0, 0, time.UTC))
	if fs := findings(); len(fs) != 0 {
		t.Fatalf("after a quarter at target: %+v", fs)
	}
}
