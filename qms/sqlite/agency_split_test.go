package sqlite_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// splitAgency sets up PA (mergeAgency: QT-01 on TTHC 1.000001 recording
// on form BM-QT01-01, an open and a closed dossier) with a second
// procedure QT-02 on 1.000004 whose steps name the same form, and PN, an
// existing agency with a form BM-QT01-01 of its own and a staff member.
func splitAgency(t *testing.T, db *sqlite.DB, sys context.Context) (open, closed *qms.Dossier, staffN context.Context) {
	t.Helper()
	open, closed = mergeAgency(t, db, sys, "PA", true)
	p := &qms.Procedure{AgencyCode: "PA", Code: "QT-02", Title: "Công nhận điểm du lịch", TTHCCodes: []string{"1.000004"}}
	if err := db.CreateProcedure(sys, p); err != nil {
		t.Fatal(err)
	}
	v, err := db.CreateVersion(sys, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.DecisionChart()
	v.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	if err := db.UpdateVersion(sys, v); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAgency(sys, &qms.Agency{Code: "PN", Name: "Phòng nhận"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateForm(sys, &qms.Form{AgencyCode: "PN", Code: "BM-QT01-01", Title: "Phiếu khác"}, json.RawMessage(checkSchema)); err != nil {
		t.Fatal(err)
	}
	u := &qms.User{Username: "chuyen.vien.pn", Memberships: []qms.Membership{{AgencyCode: "PN", Role: qms.RoleStaff}}}
	if err := db.CreateUser(sys, u, "mat-khau-123"); err != nil {
		t.Fatal(err)
	}
	return open, closed, qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "PN"})
}

// TestAgencySplit1MovesWithDossiers: QT-01 and its TTHC go from PA to PN
// with the open dossier (code, clock, pinned version unchanged, workable
// in PN on PA's form, renamed there), the form QT-02 still uses is
// copied with its versions, PA stays active with its history. SQLite
// only: it receives and works dossiers (not shared yet); qms/storetest
// runs the split itself, its refusals and what follows it on both stores.
func TestAgencySplit1MovesWithDossiers(t *testing.T) {
	db, clk, sys := openDB(t)
	open, closed, staffN := splitAgency(t, db, sys)
	raw := rawDB(t, db)
	from, to := hanoi(2026, 1, 1, 0, 0), hanoi(2026, 4, 1, 0, 0)
	repBefore, _ := db.OnTime(sys, "PA", from, to, "")
	var origVersions []string
	rows, _ := raw.Query(`SELECT v.number || ' ' || v.status || ' ' || v.schema_json FROM form_versions v JOIN forms f ON f.id = v.form_id WHERE f.agency_code = 'PA' AND f.code = 'BM-QT01-01' ORDER BY v.number`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		origVersions = append(origVersions, s)
	}
	rows.Close()

	clk.Add(1e9)
	rep, err := db.SplitAgency(sys, qms.SplitPlan{From: "pa", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table                     string
		moved, stayed, reconciled int
	}{
		{"tthc", 1, 1, 0}, {"procedures", 1, 1, 0}, {"forms", 0, 0, 0}, {"forms (copied)", 1, 0, 0}, {"dossiers", 1, 1, 0}, {"findings", 0, 2, 0},
	} {
		if got := rep.Count(c.table); got.Moved != c.moved || got.Stayed != c.stayed || got.Reconciled != c.reconciled {
			t.Errorf("%s: %+v, want moved %d stayed %d reconciled %d", c.table, got, c.moved, c.stayed, c.reconciled)
		}
	}
	if len(rep.Copied) != 1 || rep.Copied[0].NewCode != "BM-QT01-01-PA" || !reflect.DeepEqual(rep.Dossiers, []string{open.Code}) {
		t.Fatalf("copied %+v, dossiers %v", rep.Copied, rep.Dossiers)
	}
	// The form stays in PA as it was; PN's copy holds the same versions.
	for _, agency := range []string{"PA", "PN"} {
		code := map[string]string{"PA": "BM-QT01-01", "PN": "BM-QT01-01-PA"}[agency]
		var got []string
		rows, _ := raw.Query(`SELECT v.number || ' ' || v.status || ' ' || v.schema_json FROM form_versions v JOIN forms f ON f.id = v.form_id WHERE f.agency_code = ? AND f.code = ? ORDER BY v.number`, agency, code)
		for rows.Next() {
			var s string
			rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		if len(origVersions) != 2 || !reflect.DeepEqual(got, origVersions) {
			t.Errorf("%s %s versions %v, want %v", agency, code, got, origVersions)
		}
	}
	// The open dossier: in PN, found from PA's public page too, clock
	// and pinned version as they were.
	for _, agency := range []string{"PA", "PN"} {
		got, err := db.FindDossierByCode(sys, agency, open.Code)
		if err != nil || got.AgencyCode != "PN" || !got.DueAt.Equal(open.DueAt) || got.ProcedureID != open.ProcedureID || got.VersionNumber != open.VersionNumber {
			t.Fatalf("%s at %s: %+v %v", open.Code, agency, got, err)
		}
	}
	if f, v, err := db.EffectiveStepForm(sys, "PN", open.ProcedureID, "BM-QT01-01"); err != nil || f.Code != "BM-QT01-01-PA" || v.Number != 2 {
		t.Fatalf("step form in PN: %+v %+v %v", f, v, err)
	}
	if _, err := db.CompleteStep(staffN, "PN", open.Code, qms.CompleteStep{StepID: "check", Entry: checkEntry, FormVersion: 2}); err != nil {
		t.Fatalf("step in PN: %v", err)
	}
	if steps, _ := db.StepRecords(sys, open.ID); steps[len(steps)-1].FormCode != "BM-QT01-01-PA" {
		t.Fatalf("recorded on %q", steps[len(steps)-1].FormCode)
	}
	// PA stays active with the rest and its history.
	if a, _ := db.FindAgencyByCode(sys, "PA"); a.IsMerged() {
		t.Fatal("the source was marked merged")
	}
	if d, err := db.FindDossier(sys, "PA", closed.Code); err != nil || d.Status != qms.DossierCompleted {
		t.Fatalf("closed dossier: %+v %v", d, err)
	}
	repAfter, _ := db.OnTime(sys, "PA", from, to, "")
	if repAfter[""].Completed != repBefore[""].Completed || repBefore[""].Completed != 1 {
		t.Fatalf("PA's report: before %+v after %+v", repBefore[""], repAfter[""])
	}
	if err := db.CreateProcedure(sys, &qms.Procedure{AgencyCode: "PA", Code: "QT-09", Title: "Vẫn ghi được"}); err != nil {
		t.Fatalf("the source is not read-only: %v", err)
	}
	checkDossierCounts(t, raw)
	var entries int
	raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'agency.split.%'`).Scan(&entries)
	if n, err := db.VerifyAuditChain(sys); err != nil || n == 0 || entries != 2 {
		t.Fatalf("audit: %d split entries, chain %d %v", entries, n, err)
	}
}
