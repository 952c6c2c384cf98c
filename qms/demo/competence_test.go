package demo_test

import (
	"context"
	"testing"

	"isodt/qms"
)

// TestCompetence5DemoShowsTheMatrix: the showcase agency has a competence
// catalogue with requirements, records in every state (one expired) and
// the COMPETENCE_MISSING findings its scan opened.
func TestCompetence5DemoShowsTheMatrix(t *testing.T) {
	db, _, _ := smallDemo(t, 100, 10)
	ctx := context.Background()
	m, err := db.CompetenceMatrix(ctx, "SVHTT")
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	for _, row := range m.Rows {
		for _, c := range row.Cells {
			if c.Required {
				states[c.Status]++
			}
		}
	}
	if len(m.Competences) != 3 || len(m.Applied) != 3 {
		t.Fatalf("%d competences, %d requirements", len(m.Competences), len(m.Applied))
	}
	for _, st := range []string{qms.CompetenceValid, qms.CompetenceExpiring, qms.CompetenceExpired, qms.CompetenceMissing} {
		if states[st] == 0 {
			t.Errorf("no required cell %s in the demo matrix: %v", st, states)
		}
	}
	open := true
	fs, _ := db.FindFindings(ctx, qms.FindingFilter{Rule: ptr(qms.RuleCompetenceMissing), Open: &open})
	if len(fs) != len(m.Gaps()) || len(fs) == 0 {
		t.Errorf("%d COMPETENCE_MISSING findings for %d gaps", len(fs), len(m.Gaps()))
	}
}
