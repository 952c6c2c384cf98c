package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The version in force of a TTHC is found from the TTHC, not from every
// version in force of the province: the query runs inside each receipt's
// write (its check), so its cost is paid by every write queued behind.
func TestOneSource5InForcePlan(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "qms.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+inForceSQL, "SVHTT", "1.000001")
	if err != nil {
		t.Fatal(err)
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
	if len(plan) == 0 || !strings.Contains(plan[0], "procedure_tthc_code") || strings.Contains(strings.Join(plan, "\n"), "procedure_versions_status") {
		t.Fatalf("plan:\n%s", strings.Join(plan, "\n"))
	}
}
