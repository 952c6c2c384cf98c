package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// TestOneSource1ListPlans: with no page kept in memory, every task list
// and dossier list is read from the database, so each must be a range of
// an index: no full scan of a table, no sort of more than the merged
// first rows of each role.
func TestOneSource1ListPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	status, tthc := qms.DossierReceived, "1.000001"
	agency := "SVHTT"
	list := func(f qms.DossierFilter) (string, []any) {
		f.AgencyCode = &agency
		cond, args := sqlstore.DossierWhere(f, db.now())
		return sqlstore.DossierPageSQL(sqlstore.DossiersSQLite.BriefDossierColumns(), cond), append(args, 50, 0)
	}
	tasks := func(roles int, delegated bool) (string, []any) {
		var args []any
		for range roles {
			args = append(args, agency, "staff", 51)
		}
		if delegated {
			args = append(args, agency, "a-staff")
			for range roles {
				args = append(args, "staff")
			}
			args = append(args, 51)
		}
		return sqlstore.TasksPageSQL(roles, delegated), append(args, 51, 0)
	}
	tests := []struct {
		name  string
		query func() (string, []any)
		// indexes: the first must be used; every search of a dossier
		// table must use one of them.
		indexes []string
	}{
		{"tasks, one role", func() (string, []any) { return tasks(1, false) }, []string{"dossier_open_steps_tasks"}},
		{"tasks, three roles", func() (string, []any) { return tasks(3, false) }, []string{"dossier_open_steps_tasks"}},
		{"tasks, two roles and delegations", func() (string, []any) { return tasks(2, true) },
			// each delegation finds its dossier and open step by their keys
			[]string{"step_delegations_to", "dossier_open_steps_tasks", "sqlite_autoindex_dossiers_1", "sqlite_autoindex_dossier_open_steps_1"}},
		{"dossiers", func() (string, []any) { return list(qms.DossierFilter{}) }, []string{"dossiers_received"}},
		{"dossiers by status", func() (string, []any) { return list(qms.DossierFilter{Status: &status}) }, []string{"dossiers_list"}},
		{"dossiers by TTHC", func() (string, []any) { return list(qms.DossierFilter{TTHCCode: &tthc}) }, []string{"dossiers_tthc"}},
	}
	for _, tt := range tests {
		q, args := tt.query()
		plan := queryPlan(t, db, q, args...)
		text := strings.Join(plan, "\n")
		for _, step := range plan {
			// The task page's arms are subqueries named arm0, arm1...
			subquery := strings.HasPrefix(step, "SCAN (subquery") || strings.HasPrefix(step, "SCAN arm")
			scansTable := strings.HasPrefix(step, "SCAN ") && !subquery && step != "SCAN CONSTANT ROW"
			usesOne := slices.ContainsFunc(tt.indexes, func(index string) bool { return strings.Contains(step, "INDEX "+index+" ") })
			if scansTable || strings.Contains(step, "dossier") && strings.HasPrefix(step, "SEARCH") && !usesOne {
				t.Fatalf("%s: plan step %q:\n%s", tt.name, step, text)
			}
		}
		if !strings.Contains(text, tt.indexes[0]) {
			t.Fatalf("%s: index %s not used:\n%s", tt.name, tt.indexes[0], text)
		}
	}
}

// queryPlan is SQLite's plan of query on the read pool, one line a step.
func queryPlan(t *testing.T, db *DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("plan of %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestOneSourceScanProceduresInForce: "a procedure in force" (the
// declaration and context rules, per agency) reads the procedure's own
// versions by its primary key; searching the status index instead read
// every effective version of the province for each procedure, 2.5 s of
// the province scan for each of the two rules.
func TestOneSourceScanProceduresInForce(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	plan := strings.Join(queryPlan(t, db, `SELECT COUNT(*) FROM procedures p WHERE p.agency_code = ? AND `+procInForceSQL, "SVHTT"), "\n")
	if strings.Contains(plan, "procedure_versions_status") || !strings.Contains(plan, "sqlite_autoindex_procedure_versions_1") {
		t.Fatalf("procedures in force:\n%s", plan)
	}
}
