package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"isodt/qms"
)

// TestOneSourceSpeedDossierCounts: the list's total comes from the
// counts migration 0026 keeps by trigger. They follow receipts, step
// completions, pauses and a status written by another connection, and
// the total of an agency (and status) filter is the real number.
func TestOneSourceSpeedDossierCounts(t *testing.T) {
	db, _, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	raw := rawDB(t, db)
	var codes []string
	for i := 0; i < 4; i++ {
		d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(staff, d); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, d.Code)
	}
	svhtt := "SVHTT"
	total := func(status qms.DossierStatus) int {
		t.Helper()
		f := qms.DossierFilter{AgencyCode: &svhtt, Limit: 1}
		if status != "" {
			f.Status = &status
		}
		_, n, err := db.FindDossiers(sys, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	checkDossierCounts(t, raw)
	for _, step := range []struct {
		ctx      context.Context
		id, exit string
	}{{staff, "check", ""}, {staff, "ok", "Đạt"}, {leader, "sign", ""}, {staff, "e", ""}} {
		if _, err := db.CompleteStep(step.ctx, "SVHTT", codes[0], qms.CompleteStep{StepID: step.id, Exit: step.exit}); err != nil {
			t.Fatalf("step %s: %v", step.id, err)
		}
	}
	if _, err := db.PauseDossier(staff, "SVHTT", codes[1], "Bổ sung"); err != nil {
		t.Fatal(err)
	}
	checkDossierCounts(t, raw)
	// Another process writes the table directly: the trigger counts it too.
	if _, err := raw.Exec(`UPDATE dossiers SET status = 'refused' WHERE code = ?`, codes[2]); err != nil {
		t.Fatal(err)
	}
	checkDossierCounts(t, raw)
	for status, want := range map[qms.DossierStatus]int{"": 4, qms.DossierCompleted: 1, qms.DossierPaused: 1, qms.DossierRefused: 1, qms.DossierReceived: 1, qms.DossierInProgress: 0} {
		if got := total(status); got != want {
			t.Errorf("total of %q = %d, want %d", status, got, want)
		}
	}
}

// checkDossierCounts fails the test when dossier_counts differs from a
// count of the dossiers themselves.
func checkDossierCounts(t *testing.T, raw *sql.DB) {
	t.Helper()
	read := func(q string) string {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out string
		for rows.Next() {
			var agency, status string
			var n int
			if err := rows.Scan(&agency, &status, &n); err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s/%s=%d ", agency, status, n)
		}
		return out
	}
	want := read(`SELECT agency_code, status, COUNT(*) FROM dossiers GROUP BY agency_code, status ORDER BY 1, 2`)
	if got := read(`SELECT agency_code, status, n FROM dossier_counts WHERE n != 0 ORDER BY 1, 2`); got != want {
		t.Fatalf("dossier_counts %s, dossiers %s", got, want)
	}
}
