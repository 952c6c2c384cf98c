package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestTrust3MigrationKeepsDossiers: migration 0016 rebuilds the dossiers
// table of a database that has some, as an upgrade finds it: every row
// keeps its id, the step records, pauses and open steps still reference
// it, and a code is then unique
// within its agency only.
func TestTrust3MigrationKeepsDossiers(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	var ds []*qms.Dossier
	for range 3 {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Đỗ Minh Châu"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", ds[0].Code, qms.CompleteStep{StepID: "check"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PauseDossier(staff, "SVHTT", ds[1].Code, "Bổ sung"); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	downgradeTo0015(t, path)

	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys := map[string]bool{}
	for _, want := range ds {
		p, err := db.DossierProgress(sys, "SVHTT", want.Code)
		if err != nil || p.Dossier.ID != want.ID || p.Dossier.Applicant.Name != "Đỗ Minh Châu" {
			t.Fatalf("%s after the upgrade: %+v %v", want.Code, p, err)
		}
		// Migration 0048 keys the dossiers it finds, each its own.
		if k := p.Dossier.SurveyKey; len(k) != qms.SurveyKeyLength || strings.Trim(k, "0123456789ABCDEF") != "" || keys[k] {
			t.Fatalf("%s's survey key after the upgrade: %q", want.Code, k)
		}
		keys[p.Dossier.SurveyKey] = true
		if want == ds[0] && len(p.Steps) != 2 || want == ds[1] && (len(p.Pauses) != 1 || p.Dossier.Status != qms.DossierPaused) {
			t.Fatalf("%s lost its records: %d steps, %d pauses", want.Code, len(p.Steps), len(p.Pauses))
		}
	}
	checkOpenStepsMirror(t, db)
	raw := rawDB(t, db)
	for _, child := range []string{"dossier_steps", "dossier_open_steps", "dossier_pauses"} {
		var parent string
		if err := raw.QueryRow(`SELECT "table" FROM pragma_foreign_key_list(?) WHERE "from" = 'dossier_id'`, child).Scan(&parent); err != nil || parent != "dossiers" {
			t.Fatalf("%s references %q: %v", child, parent, err)
		}
	}
	// The same code in another agency is another dossier; in the same
	// agency it is still a conflict.
	db.CreateAgency(sys, &qms.Agency{Code: "STP", Name: "Sở Tư pháp"})
	row := []sqlite.DossierImport{{Code: ds[0].Code, TTHCCode: "1.000001", ReceivedAt: clk.Now(), DueAt: clk.Now(), Status: qms.DossierReceived}}
	if _, err := db.ImportDossiers(sys, "STP", row); err != nil {
		t.Fatalf("the same code in another agency: %v", err)
	}
	if _, err := db.ImportDossiers(sys, "SVHTT", row); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("the same code in the same agency: %v", err)
	}
}

// downgradeTo0015 puts the dossiers table of the database at path back
// as it was before migration 0016 (code unique across agencies, no
// delegation columns), the rows as they are, and forgets the migration.
func downgradeTo0015(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	// Columns added after 0016 go first, with their migrations' records:
	// the upgrade adds them back after rebuilding the table.
	for _, s := range []string{`DROP TRIGGER dossiers_row_before_insert`, `DROP TRIGGER dossiers_row_before_update`, `DROP TRIGGER dossiers_row_before_delete`,
		`DELETE FROM migrations WHERE name = 'migration/0063_row_before.sql'`,
		`DROP TRIGGER dossiers_row_insert`, `DROP TRIGGER dossiers_row_update`, `DROP TRIGGER dossiers_row_delete`, `ALTER TABLE dossiers DROP COLUMN steps_digest`,
		`DELETE FROM migrations WHERE name IN ('migration/0061_dossier_step_digest.sql', 'migration/0062_trust_dossiers.sql')`,
		`ALTER TABLE dossiers DROP COLUMN survey_key`, `DELETE FROM migrations WHERE name = 'migration/0048_dossier_survey_key.sql'`,
		`DROP TRIGGER dossiers_signed`, `ALTER TABLE dossiers DROP COLUMN tthc_name`, `ALTER TABLE dossiers DROP COLUMN tthc_time_limit_days`,
		`ALTER TABLE dossiers DROP COLUMN tthc_fee`, `DELETE FROM migrations WHERE name = 'migration/0058_dossier_terms.sql'`,
		`ALTER TABLE dossiers DROP COLUMN agency_name`, `DELETE FROM migrations WHERE name = 'migration/0060_dossier_agency_name.sql'`} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var table string
	if err := raw.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'dossiers'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(strings.Replace(table, ",\n\tUNIQUE (agency_code, code)", "", 1), "code            TEXT NOT NULL,", "code            TEXT NOT NULL UNIQUE,", 1)
	old = strings.Replace(old, "CREATE TABLE \"dossiers\"", "CREATE TABLE dossiers_0015", 1)
	if !strings.Contains(old, "UNIQUE,") || strings.Contains(old, "UNIQUE (") || !strings.Contains(old, "dossiers_0015") {
		t.Fatalf("unexpected schema of dossiers:\n%s", table)
	}
	stmts := []string{`PRAGMA foreign_keys = OFF`, `BEGIN`, old, `INSERT INTO dossiers_0015 SELECT * FROM dossiers`}
	rows, err := raw.Query(`SELECT sql FROM sqlite_master WHERE tbl_name = 'dossiers' AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		keep = append(keep, s)
	}
	rows.Close()
	stmts = append(stmts, `DROP TABLE dossiers`, `ALTER TABLE dossiers_0015 RENAME TO dossiers`)
	stmts = append(stmts, keep...)
	stmts = append(stmts, `ALTER TABLE dossier_steps DROP COLUMN delegated_by`, `ALTER TABLE dossier_steps DROP COLUMN delegation_reason`,
		`DELETE FROM migrations WHERE name = 'migration/0016_dossier_code_per_agency.sql'`, `COMMIT`, `PRAGMA foreign_keys = ON`)
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var n int
	raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_dossiers_1'`).Scan(&n)
	if n != 1 {
		t.Fatal("the downgrade did not restore the unique code")
	}
}
