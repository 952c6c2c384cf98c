package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"isodt/qms/sqlstore"
)

// TestProduct10DashboardPlans: the dashboards read the current data on
// every visit, on a province of a million dossiers, so each of their
// queries must be a range of an index: no scan of a whole table.
func TestProduct10DashboardPlans(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day, now := "2026-12-03", "2026-12-03T03:00:00Z"
	tests := []struct {
		name, query string
		args        []any
		index       string
	}{
		{"steps due, one role", sqlstore.StepsDueSQL(1), []any{now, now, "A", "staff", now}, "dossier_open_steps_tasks"},
		{"steps due, three roles", sqlstore.StepsDueSQL(3), []any{now, now, "A", "staff", "leader", "auditor", now}, "dossier_open_steps_tasks"},
		{"findings by rule", sqlstore.FindingsByRuleSQL, []any{"A"}, "findings_open_rule"},
		{"actions due", sqlstore.ActionsDueSQL, []any{day, "A", 5}, "corrective_actions_open"},
		{"review decisions due", sqlstore.DecisionsDueSQL, []any{"A", day, 5}, "review_decisions_open"},
		{"next audit", sqlstore.NextAuditSQL, []any{"A", day}, "audit_plans_next"},
		{"last review", sqlstore.LastReviewSQL, []any{"A"}, "management_reviews_agency"},
		{"open NCs", sqlstore.OpenNCsSQL, []any{"A"}, "nonconformities_agency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := queryPlan(t, db, tt.query, tt.args...)
			text := strings.Join(plan, "\n")
			for _, step := range plan {
				if strings.HasPrefix(step, "SCAN ") && step != "SCAN CONSTANT ROW" {
					t.Fatalf("plan step %q scans a table:\n%s", step, text)
				}
			}
			if !strings.Contains(text, tt.index) {
				t.Fatalf("index %s not used:\n%s", tt.index, text)
			}
		})
	}
}
