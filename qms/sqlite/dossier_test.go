package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// effectiveProcedure sets up agency SVHTT with TTHC 1.000001 (5 days) and
// an effective procedure with the decision chart; it returns a staff and
// a leader context.
func effectiveProcedure(t testing.TB, db *sqlite.DB, sys context.Context) (staff, leader context.Context) {
	t.Helper()
	staff, leader, _ = qmstest.EffectiveProcedure(t, db, sys, qmstest.SampleTTHC())
	return staff, leader
}

func hanoi(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, qms.Zone)
}

// checkOpenStepsMirror fails the test when an open step's copy of its
// dossier (migration 0013) differs from the dossier, or an open step
// survives its finished dossier.
func checkOpenStepsMirror(t *testing.T, db *sqlite.DB) {
	t.Helper()
	var n int
	if err := rawDB(t, db).QueryRow(`SELECT count(*) FROM dossier_open_steps o JOIN dossiers d ON d.id = o.dossier_id
		WHERE o.dossier_code != d.code OR o.tthc_code != d.tthc_code OR o.dossier_due != d.due_at OR o.procedure_id != COALESCE(d.procedure_id, 0)
		OR o.version_number != d.version_number OR o.paused != (d.status = 'paused') OR d.status IN ('completed', 'refused', 'withdrawn')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d open steps differ from their dossier", n)
	}
}

// The list's queries seek the filtered dossiers through an index in the
// list's order: neither a sort of every match (a temp b-tree) nor a walk
// through the agency's other dossiers, row by row, to find the matches.
func TestDossierListPlans(t *testing.T) {
	db, _, _ := openDB(t)
	raw := rawDB(t, db)
	for _, tc := range []struct{ name, where, seek string }{
		{"agency", "agency_code = 'A'", "(agency_code=?)"},
		{"status", "agency_code = 'A' AND status = 'completed'", "(agency_code=? AND status=?)"},
		{"TTHC", "agency_code = 'A' AND tthc_code = '1.000001'", "(agency_code=? AND tthc_code=?)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := raw.Query(`EXPLAIN QUERY PLAN SELECT id, code, applicant_json FROM dossiers WHERE ` + tc.where + ` ORDER BY received_at DESC, id DESC LIMIT 50 OFFSET 100`)
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
			if p := fmt.Sprint(plan); strings.Contains(p, "TEMP B-TREE") || !strings.Contains(p, "USING INDEX") || !strings.HasSuffix(p, tc.seek+"]") {
				t.Fatalf("plan %s", p)
			}
		})
	}
}

// TestOpenStepsMigration: migration 0013 fills the new columns of the open
// steps a database already had, as an upgrade finds them.
func TestOpenStepsMigration(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	var codes []string
	for range 3 {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "B"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, d.Code)
	}
	if _, err := db.PauseDossier(staff, "SVHTT", codes[1], "Bổ sung"); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	// Back to the schema before 0013, the rows as they were.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TRIGGER dossier_open_steps_follow`, `DROP INDEX dossier_open_steps_tasks`,
		`ALTER TABLE dossier_open_steps DROP COLUMN dossier_code`, `ALTER TABLE dossier_open_steps DROP COLUMN tthc_code`,
		`ALTER TABLE dossier_open_steps DROP COLUMN dossier_due`, `ALTER TABLE dossier_open_steps DROP COLUMN procedure_id`,
		`ALTER TABLE dossier_open_steps DROP COLUMN version_number`, `ALTER TABLE dossier_open_steps DROP COLUMN paused`,
		`CREATE INDEX dossier_open_steps_role ON dossier_open_steps (agency_code, role, due_at)`,
		`DELETE FROM migrations WHERE name = 'migration/0013_open_step_tasks.sql'`} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	raw.Close()
	db, err = sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkOpenStepsMirror(t, db)
	if ts, _ := db.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff}); len(ts) != 2 || ts[0].DossierCode == codes[1] || ts[1].DossierCode == codes[1] {
		t.Fatalf("tasks after the upgrade: %+v", ts)
	}
}
