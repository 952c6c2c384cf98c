package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// mergeAgency sets up an agency as qmstest.MergeAgency does (the sample
// TTHC catalogue, the effective procedure QT-01, forms, users, quality
// records) with one open dossier; with closed, a second dossier run to
// its end. It returns the open dossier and the closed one.
func mergeAgency(t *testing.T, db *sqlite.DB, sys context.Context, code string, closed bool) (*qms.Dossier, *qms.Dossier) {
	t.Helper()
	raw := rawDB(t, db)
	_, as := qmstest.MergeAgency(t, db, sys, code, sampleTTHC()[:2], func(q string) int64 {
		var id int64
		if err := raw.QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	})
	receive := func() *qms.Dossier {
		d := &qms.Dossier{AgencyCode: code, TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		if err := db.ReceiveDossier(as["chuyen.vien"], d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	var done *qms.Dossier
	if closed {
		done = receive()
		for _, s := range []qms.CompleteStep{{StepID: "check", Entry: checkEntry, FormVersion: 2}, {StepID: "ok", Exit: "Đạt"}} {
			if _, err := db.CompleteStep(as["chuyen.vien"], code, done.Code, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.CompleteStep(as["giam.doc"], code, done.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
			t.Fatal(err)
		}
		var err error
		if done, err = db.CompleteStep(as["chuyen.vien"], code, done.Code, qms.CompleteStep{StepID: "e"}); err != nil || done.Status != qms.DossierCompleted {
			t.Fatalf("closing %s: %v", code, err)
		}
	}
	return receive(), done
}

var checkEntry = map[string]any{"ket_luan": "Đạt"}

func countRows(t *testing.T, raw *sql.DB, table string, agencies ...string) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM ` + table + ` WHERE agency_code IN ('` + strings.Join(agencies, "','") + `')`
	if err := raw.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestAgencyMerge1NothingLost merges two agencies with dossiers in
// progress into a new one: nothing is lost, open dossiers keep code,
// clock and pinned version and stay workable by the moved users, the
// predecessors' history and reports stay, their data is read-only.
// SQLite only: it receives and works dossiers (not shared yet);
// qms/storetest runs the merge itself, and its refusals, on both stores.
func TestAgencyMerge1NothingLost(t *testing.T) {
	db, clk, sys := openDB(t)
	openA, closedA := mergeAgency(t, db, sys, "PA", true)
	openB, _ := mergeAgency(t, db, sys, "PB", false)
	raw := rawDB(t, db)
	tables := []string{"tthc", "procedures", "forms", "dossiers", "dossier_steps", "dossier_open_steps", "search_docs", "findings", "nonconformities", "objectives"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = countRows(t, raw, tb, "PA", "PB")
	}
	from, to := hanoi(2026, 1, 1, 0, 0), hanoi(2026, 4, 1, 0, 0)
	repBefore, err := db.OnTime(sys, "PA", from, to, "")
	if err != nil {
		t.Fatal(err)
	}

	clk.Add(time.Hour)
	rep, err := db.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"pa", "PB"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		if got := countRows(t, raw, tb, "PA", "PB", "NEW"); got != before[tb] {
			t.Errorf("%s: %d rows before, %d after", tb, before[tb], got)
		}
	}
	// The report's counts, renamed codes and duplicates: qms/storetest.
	if rep.Count("dossiers").Moved != 2 {
		t.Errorf("dossiers: %+v", rep.Count("dossiers"))
	}

	// Open dossiers: found by their code, under the old agency's public
	// page and the successor's, with clock and pinned version unchanged.
	for _, d := range []*qms.Dossier{openA, openB} {
		for _, agency := range []string{d.AgencyCode, "NEW"} {
			got, err := db.FindDossierByCode(sys, agency, d.Code)
			if err != nil || got.AgencyCode != "NEW" || !got.DueAt.Equal(d.DueAt) || got.ProcedureID != d.ProcedureID || got.VersionNumber != d.VersionNumber {
				t.Fatalf("%s at %s: %+v %v", d.Code, agency, got, err)
			}
		}
	}
	u, _ := db.FindUserByUsername(sys, "chuyen.vien.pb")
	staffB := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "NEW"})
	if len(u.Memberships) != 1 || u.Memberships[0].AgencyCode != "NEW" {
		t.Fatalf("memberships: %+v", u.Memberships)
	}
	// PB's procedure names its form BM-QT01-01: in NEW that is PA's form
	// (version 2); PB's own, renamed, is at version 1 and is the one used.
	if f, v, err := db.EffectiveStepForm(sys, "NEW", openB.ProcedureID, "BM-QT01-01"); err != nil || f.Code != "BM-QT01-01-PB" || v.Number != 1 {
		t.Fatalf("step form of the moved procedure: %+v %+v %v", f, v, err)
	}
	if d, err := db.CompleteStep(staffB, "NEW", openB.Code, qms.CompleteStep{StepID: "check", Entry: checkEntry, FormVersion: 1}); err != nil || !d.DueAt.Equal(openB.DueAt) {
		t.Fatalf("moved step: %v", err)
	}
	if steps, _ := db.StepRecords(sys, openB.ID); steps[len(steps)-1].FormCode != "BM-QT01-01-PB" {
		t.Fatalf("record on form %q", steps[len(steps)-1].FormCode)
	}
	tasks, _ := db.Tasks(staffB, "NEW", []qms.Role{qms.RoleStaff})
	if len(tasks) != 2 {
		t.Fatalf("tasks in the successor: %+v", tasks)
	}

	// History: the closed dossier and the period's report stay with PA.
	if d, err := db.FindDossier(sys, "PA", closedA.Code); err != nil || d.Status != qms.DossierCompleted {
		t.Fatalf("closed dossier: %+v %v", d, err)
	}
	// Reports stay continuous: the predecessor keeps what it completed,
	// and what it received is counted by it or by the successor, once.
	repAfter, err := db.OnTime(sys, "PA", from, to, "")
	if err != nil {
		t.Fatal(err)
	}
	repNew, _ := db.OnTime(sys, "NEW", from, to, "")
	pa, was, now := repAfter[""], repBefore[""], repNew[""]
	if pa.Completed != was.Completed || was.Completed != 1 || pa.Received+now.Received != was.Received+1 || now.InProgress != 2 {
		t.Fatalf("report of the period: before %+v, PA after %+v, NEW %+v", was, pa, now)
	}
	// The list totals kept by trigger follow the dossiers that moved.
	checkDossierCounts(t, raw)
	a, _ := db.FindAgencyByCode(sys, "PA")
	if a.MergedInto != "NEW" || a.Status() != "merged" {
		t.Fatalf("predecessor: %+v", a)
	}
	// Read-only predecessors, the audit entries: qms/storetest.
}

// mergeActor is the actor context of a user as a member of NEW.
func mergeActor(t *testing.T, db *sqlite.DB, username string) context.Context {
	t.Helper()
	u, err := db.FindUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "NEW"})
}
