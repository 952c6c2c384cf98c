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
// copied with its versions, PA stays active with its history.
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

// TestAgencySplit1RefusedPlansChangeNothing: a plan the rules refuse
// fails before or after moving (rolled back), a caller other than the
// system admin is refused, and a dry run reports without writing.
func TestAgencySplit1RefusedPlansChangeNothing(t *testing.T) {
	db, _, sys := openDB(t)
	splitAgency(t, db, sys)
	mergeAgency(t, db, sys, "PB", false)
	// PD has both codes QT-01's form could take: refused after the
	// catalogue moved.
	db.CreateAgency(sys, &qms.Agency{Code: "PD", Name: "Phòng D"})
	for _, code := range []string{"BM-QT01-01", "BM-QT01-01-PA"} {
		if err := db.CreateForm(sys, &qms.Form{AgencyCode: "PD", Code: code, Title: "Phiếu"}, json.RawMessage(checkSchema)); err != nil {
			t.Fatal(err)
		}
	}
	db.CreateAgency(sys, &qms.Agency{Code: "PM", Name: "Phòng M"})
	db.CreateAgency(sys, &qms.Agency{Code: "PX", Name: "Phòng X"})
	if _, err := db.MergeAgencies(sys, qms.MergePlan{Into: "PX", From: []string{"PM"}}, false); err != nil {
		t.Fatal(err)
	}
	admin, _ := db.FindUserByUsername(sys, "admin")
	sysAdmin := qms.WithActor(context.Background(), qms.Actor{UserID: admin.ID, Username: admin.Username, AgencyCode: qms.SystemAgencyCode})
	leaderA := mergeActor(t, db, "giam.doc.pa")
	raw := rawDB(t, db)
	before := dumpTables(t, raw)
	plan := func(into string, tthc, procs []string) qms.SplitPlan {
		return qms.SplitPlan{From: "PA", Into: into, Name: "Mới", TTHC: tthc, Procedures: procs}
	}
	one, qt1 := []string{"1.000001"}, []string{"QT-01"}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		plan qms.SplitPlan
		code string
	}{
		{"unknown source", sys, qms.SplitPlan{From: "XX", Into: "NEW", Name: "Mới", TTHC: one}, qms.ENOTFOUND},
		{"unknown tthc", sys, plan("NEW", []string{"9.999999"}, nil), qms.ENOTFOUND},
		{"unknown procedure", sys, plan("NEW", one, []string{"QT-99"}), qms.ENOTFOUND},
		{"nothing chosen", sys, plan("NEW", nil, nil), qms.EINVALID},
		{"into itself", sys, plan("PA", one, qt1), qms.EINVALID},
		{"system agency", sys, plan("SYS", one, qt1), qms.EINVALID},
		{"new agency without name", sys, qms.SplitPlan{From: "PA", Into: "NEW", TTHC: one, Procedures: qt1}, qms.EINVALID},
		{"procedure without its tthc", sys, plan("NEW", nil, qt1), qms.EINVALID},
		{"tthc without its procedure", sys, plan("NEW", one, nil), qms.EINVALID},
		{"into an agency that has the tthc", sys, plan("PB", one, qt1), qms.ECONFLICT},
		{"into a merged agency", sys, plan("PM", one, qt1), qms.EFORBIDDEN},
		{"clash after moves", sys, plan("PD", one, qt1), qms.ECONFLICT},
		{"not the system admin", leaderA, plan("NEW", one, qt1), qms.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.SplitAgency(tc.ctx, tc.plan, false); qms.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	// A merge asked by anyone but the system admin is refused as well.
	if _, err := db.MergeAgencies(leaderA, qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"PA", "PB"}}, false); qms.ErrorCode(err) != qms.EFORBIDDEN {
		t.Fatalf("merge by an agency's leader: %v", err)
	}
	rep, err := db.SplitAgency(sysAdmin, plan("NEW", one, qt1), true)
	if err != nil || !rep.DryRun || !rep.Created || rep.Count("dossiers").Moved != 1 || rep.Count("forms (copied)").Moved != 1 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if after := dumpTables(t, raw); !reflect.DeepEqual(before, after) {
		for n := range after {
			if !reflect.DeepEqual(before[n], after[n]) {
				t.Errorf("table %s changed", n)
			}
		}
		t.Fatal("a refused plan or a dry run changed the database")
	}
}

// TestAgencySplit1WorkFollowsWhatMoved (outsider finding): what is still to
// do about a moved procedure or dossier moves with it — the open findings
// on its versions, forms and steps, the pending reads of its versions,
// its open risks — while done work and what concerns the rest stays.
func TestAgencySplit1WorkFollowsWhatMoved(t *testing.T) {
	db, _, sys := openDB(t)
	open, _, _ := splitAgency(t, db, sys)
	raw := rawDB(t, db)
	ids := map[string]int64{}
	for _, code := range []string{"QT-01", "QT-02"} {
		var id int64
		if err := raw.QueryRow(`SELECT id FROM procedures WHERE agency_code = 'PA' AND code = ?`, code).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[code] = id
	}
	var user int64
	if err := raw.QueryRow(`SELECT id FROM users LIMIT 1`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	q1, q2 := itoa(ids["QT-01"]), itoa(ids["QT-02"])
	for _, stmt := range []string{
		`INSERT INTO findings (rule, severity, agency_code, object_type, object_id, message, opened_at) VALUES
			('ACK_OVERDUE', 'low', 'PA', 'procedure_version', '` + q1 + `/1', 'moves', '2026-01-01T00:00:00Z'),
			('FORM_NOT_EFFECTIVE', 'high', 'PA', 'procedure', '` + q1 + `/BM-X', 'moves', '2026-01-01T00:00:00Z'),
			('STEP_OVERDUE', 'medium', 'PA', 'dossier_step', '` + open.Code + `/check', 'moves', '2026-01-01T00:00:00Z'),
			('ACK_OVERDUE', 'low', 'PA', 'procedure_version', '` + q2 + `/1', 'stays', '2026-01-01T00:00:00Z'),
			('STEP_OVERDUE', 'medium', 'PA', 'dossier_step', '` + open.Code + `X/check', 'stays', '2026-01-01T00:00:00Z')`,
		`INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at) VALUES
			('PA', 'procedure', ` + q1 + `, 901, 1, ` + itoa(user) + `, 'test', '2026-01-01T00:00:00Z', NULL),
			('PA', 'procedure', ` + q1 + `, 902, 1, ` + itoa(user) + `, 'test', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
			('PA', 'procedure', ` + q2 + `, 903, 1, ` + itoa(user) + `, 'test', '2026-01-01T00:00:00Z', NULL)`,
		`INSERT INTO risks (agency_code, code, kind, description, procedure_id, likelihood, impact, owner, review_on, status, created_by, created_at) VALUES
			('PA', 'RR-1', 'risk', 'moves', ` + q1 + `, 3, 3, 'x', '2026-06-01', 'open', 'x', '2026-01-01T00:00:00Z'),
			('PA', 'RR-2', 'risk', 'stays: closed', ` + q1 + `, 3, 3, 'x', '2026-06-01', 'closed', 'x', '2026-01-01T00:00:00Z'),
			('PA', 'RR-3', 'risk', 'stays: other process', ` + q2 + `, 3, 3, 'x', '2026-06-01', 'open', 'x', '2026-01-01T00:00:00Z')`,
	} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SplitAgency(sys, qms.SplitPlan{From: "PA", Into: "PN", TTHC: []string{"1.000001"}, Procedures: []string{"QT-01"}}, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ what, query, want string }{
		{"findings", `SELECT group_concat(agency_code || ':' || message, ' ') FROM (SELECT agency_code, message FROM findings WHERE message IN ('moves', 'stays') ORDER BY agency_code, message)`,
			"PA:stays PA:stays PN:moves PN:moves PN:moves"},
		{"reads", `SELECT group_concat(agency_code || ':' || version_id, ' ') FROM (SELECT agency_code, version_id FROM document_reads WHERE roles = 'test' ORDER BY version_id)`, "PN:901 PA:902 PA:903"},
		{"risks", `SELECT group_concat(agency_code || ':' || code, ' ') FROM (SELECT agency_code, code FROM risks ORDER BY code)`, "PN:RR-1 PA:RR-2 PA:RR-3"},
	} {
		var got string
		if err := raw.QueryRow(tc.query).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s after the split: %s, want %s", tc.what, got, tc.want)
		}
	}
}
