package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
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
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	if _, _, err := db.ImportTTHC(sys, "SVHTT", sampleTTHC()); err != nil {
		t.Fatal(err)
	}
	users := map[string]*qms.User{}
	for _, u := range []struct {
		name string
		role qms.Role
	}{{"thu.ky", qms.RoleQualityOfficer}, {"giam.doc", qms.RoleLeader}, {"chuyen.vien", qms.RoleStaff}} {
		usr := &qms.User{Username: u.name, Memberships: []qms.Membership{{AgencyCode: "SVHTT", Role: u.role}}}
		if err := db.CreateUser(sys, usr, "mat-khau-123"); err != nil {
			t.Fatal(err)
		}
		users[u.name] = usr
	}
	as := func(name string) context.Context {
		return qms.WithActor(context.Background(), qms.Actor{UserID: users[name].ID, Username: name, AgencyCode: "SVHTT"})
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := db.CreateProcedure(as("thu.ky"), p); err != nil {
		t.Fatal(err)
	}
	v, _ := db.CreateVersion(as("thu.ky"), p.ID)
	v.Flowchart = qmstest.DecisionChart()
	if err := db.UpdateVersion(as("thu.ky"), v); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(as("thu.ky"), p.ID, 1, qms.ActionSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionVersion(as("giam.doc"), p.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	return as("chuyen.vien"), as("giam.doc")
}

func hanoi(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, qms.Zone)
}

// TestDossierLife: received before Tết, paused for a supplement, a
// decision branch, a late return refused without an apology.
func TestDossierLife(t *testing.T) {
	db, clk, sys := openDB(t)
	staff, leader := effectiveProcedure(t, db, sys)
	if err := db.ReceiveDossier(staff, &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000004", Applicant: qms.Applicant{Name: "A"}, Channel: qms.ChannelCounter}); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("TTHC without procedure received: %v", err)
	}
	// Friday 13/02/2026 10:00: 5 working days skip Tết (16–20/02) → 27/02/2026 10:00.
	received := hanoi(2026, 2, 13, 10, 0)
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099012345"}, Channel: qms.ChannelCounter, ReceivedAt: received}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	if want := hanoi(2026, 2, 27, 10, 0); !d.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v", d.DueAt.In(qms.Zone), want)
	}
	if d.Code != "SVHTT-2026-000001" || d.Status != qms.DossierReceived || len(d.Flow.Open) != 1 {
		t.Fatalf("received: %+v", d)
	}
	tasks, _ := db.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff})
	if len(tasks) != 1 || tasks[0].StepID != "check" {
		t.Fatalf("staff tasks: %+v", tasks)
	}
	clk.Set(hanoi(2026, 2, 23, 9, 0).UTC())
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("completing a closed step: %v", err)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check", Note: "Đủ thành phần"}); err != nil {
		t.Fatal(err)
	}
	// Pause Monday 23/02 10:00 → resume Wednesday 25/02 10:00: 2 working days move the due time.
	clk.Set(hanoi(2026, 2, 23, 10, 0).UTC())
	if _, err := db.PauseDossier(staff, "SVHTT", d.Code, "Bổ sung bản sao giấy chứng nhận PCCC"); err != nil {
		t.Fatal(err)
	}
	checkOpenStepsMirror(t, db)
	if tasks, _ = db.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff}); len(tasks) != 0 {
		t.Fatalf("a paused dossier's step is a task: %+v", tasks)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("step completed while paused: %v", err)
	}
	clk.Set(hanoi(2026, 2, 25, 10, 0).UTC())
	if d, _ = db.ResumeDossier(staff, "SVHTT", d.Code); !d.DueAt.Equal(hanoi(2026, 3, 3, 10, 0)) {
		t.Fatalf("due after resume %v, want 03/03 10:00", d.DueAt.In(qms.Zone))
	}
	checkOpenStepsMirror(t, db)
	if tasks, _ = db.Tasks(staff, "SVHTT", []qms.Role{qms.RoleStaff}); len(tasks) != 1 || !tasks[0].DossierDue.Equal(d.DueAt) || tasks[0].DossierCode != d.Code {
		t.Fatalf("tasks after resume: %+v", tasks)
	}
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Sai"}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("unknown exit: %v", err)
	}
	if d, _ = db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "ok", Exit: "Đạt"}); d.Flow.Open[0].StepID != "sign" {
		t.Fatalf("decision went to %v", d.Flow.Open)
	}
	if tasks, _ = db.Tasks(leader, "SVHTT", []qms.Role{qms.RoleLeader}); len(tasks) != 1 || tasks[0].StepName != "Ký giấy phép" {
		t.Fatalf("leader tasks: %+v", tasks)
	}
	db.CompleteStep(leader, "SVHTT", d.Code, qms.CompleteStep{StepID: "sign"})
	// Returned on 05/03, a day after the due date: refused until the apology slip.
	clk.Set(hanoi(2026, 3, 5, 9, 0).UTC())
	if _, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("late return without apology: %v", err)
	}
	if _, err := db.Apologize(staff, "SVHTT", d.Code, hanoi(2026, 3, 6, 16, 0), "Chờ ý kiến cơ quan PCCC"); err != nil {
		t.Fatal(err)
	}
	checkOpenStepsMirror(t, db)
	if d, _ = db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "e"}); d.Status != qms.DossierCompleted || d.Result != qms.Late {
		t.Fatalf("completed: %s %s", d.Status, d.Result)
	}
	steps, _ := db.StepRecords(sys, d.ID)
	pauses, _ := db.Pauses(sys, d.ID)
	if len(steps) != 5 || steps[2].Exit != "Đạt" || len(pauses) != 1 || pauses[0].EndedAt == nil {
		t.Fatalf("%d steps, %d pauses", len(steps), len(pauses))
	}
	p, err := db.DossierProgress(staff, "SVHTT", strings.ToLower(d.Code))
	if err != nil || p.Dossier.Code != d.Code || len(p.Steps) != len(steps) || p.Steps[2].Exit != "Đạt" || len(p.Pauses) != 1 || p.Pauses[0].Reason != pauses[0].Reason {
		t.Fatalf("progress: %+v, %v", p, err)
	}
	if _, err := db.DossierProgress(staff, "STP", d.Code); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("another agency's dossier: %v", err)
	}
	if _, err := db.PauseDossier(staff, "SVHTT", d.Code, "x"); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("finished dossier paused: %v", err)
	}
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

// TestOnTimeReportSeedFigures: the department's figures from the domain
// brief — 2,002 completed, 1,856 early, 65 on time, 81 late → 95.95.
func TestOnTimeReportSeedFigures(t *testing.T) {
	db, clk, sys := openDB(t)
	db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"})
	clk.Set(hanoi(2026, 7, 1, 8, 0).UTC())
	var rows []sqlite.DossierImport
	add := func(n int, received, due time.Time, done *time.Time, status qms.DossierStatus) {
		for i := 0; i < n; i++ {
			rows = append(rows, sqlite.DossierImport{Code: fmt.Sprintf("H-%05d", len(rows)), TTHCCode: "1.000001", ReceivedAt: received, DueAt: due, CompletedAt: done, Status: status})
		}
	}
	day := func(m time.Month, d int) *time.Time { t := hanoi(2026, m, d, 15, 0); return &t }
	add(1856, hanoi(2026, 4, 6, 9, 0), hanoi(2026, 4, 13, 9, 0), day(4, 10), qms.DossierCompleted)
	add(65, hanoi(2026, 4, 6, 9, 0), hanoi(2026, 4, 13, 9, 0), day(4, 13), qms.DossierCompleted)
	add(81, hanoi(2026, 5, 4, 9, 0), hanoi(2026, 5, 8, 9, 0), day(5, 12), qms.DossierCompleted)
	add(10, hanoi(2026, 3, 20, 9, 0), hanoi(2026, 5, 20, 9, 0), nil, qms.DossierInProgress) // carried over, open
	add(7, hanoi(2026, 6, 1, 9, 0), hanoi(2026, 6, 10, 9, 0), nil, qms.DossierInProgress)   // overdue at the end
	add(3, hanoi(2026, 6, 25, 9, 0), hanoi(2026, 7, 10, 9, 0), nil, qms.DossierInProgress)  // within time
	if n, err := db.ImportDossiers(sys, "SVHTT", rows); err != nil || n != len(rows) {
		t.Fatalf("import: %d %v", n, err)
	}
	reps, err := db.OnTime(sys, "SVHTT", hanoi(2026, 4, 1, 0, 0), hanoi(2026, 7, 1, 0, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	r := reps[""]
	want := qms.OnTimeReport{Received: 2002 + 10, CarriedOver: 10, Completed: 2002, Early: 1856, OnTime: 65, Late: 81, InProgress: 3, Overdue: 17, TimelyRate: 95.95}
	want.Received = 2002 + 7 + 3
	want.LateRate = r.LateRate
	want.MeasuredAt = hanoi(2026, 7, 1, 0, 0).UTC()
	if *r != want {
		t.Fatalf("report %+v\nwant   %+v", *r, want)
	}
	// A bad row rejects the whole import.
	bad := []sqlite.DossierImport{{Code: "NEW-1", TTHCCode: "1.000001", ReceivedAt: time.Now(), DueAt: time.Now(), Status: qms.DossierReceived}, rows[0]}
	if _, err := db.ImportDossiers(sys, "SVHTT", bad); qms.ErrorCode(err) != qms.ECONFLICT {
		t.Fatalf("duplicate code: %v", err)
	}
	if _, err := db.FindDossier(sys, "SVHTT", "NEW-1"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatal("a failed import left a row")
	}
}

// TestConcurrentCompletionsOfOneStep: many people completing the same
// open step at once (the step is worked out before the write) leave one
// record; the others are told the step is no longer open.
func TestConcurrentCompletionsOfOneStep(t *testing.T) {
	db, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Trần Thị Bình"}, Channel: qms.ChannelOnline}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := db.CompleteStep(staff, "SVHTT", d.Code, qms.CompleteStep{StepID: "check"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case qms.ErrorField(err) != "step_id" && qms.ErrorCode(err) != qms.ECONFLICT:
			t.Errorf("a losing completion: %v", err)
		}
	}
	recs, _ := db.StepRecords(sys, d.ID)
	if ok != 1 || len(recs) != 2 {
		t.Fatalf("%d completions succeeded, %d records; want 1 and 2 (receipt, check)", ok, len(recs))
	}
}

// TestFindDossiers pages an agency's dossiers newest first (ties by id,
// newest first) under each filter, with the exact total and, for the
// list page, the total capped at CountLimit+1.
func TestFindDossiers(t *testing.T) {
	db, _, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "SGDDT", Name: "Sở GDĐT"}); err != nil {
		t.Fatal(err)
	}
	// SVHTT-00 … SVHTT-11 received an hour apart, SVHTT-12 at the same
	// time as SVHTT-11; even ones completed, odd ones in progress; every
	// third on TTHC 1.000004.
	base := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	var rows []sqlite.DossierImport
	for i := 0; i <= 12; i++ {
		r := sqlite.DossierImport{Code: fmt.Sprintf("SVHTT-%02d", i), TTHCCode: "1.000001", ReceivedAt: base.Add(time.Duration(min(i, 11)) * time.Hour),
			DueAt: base.Add(240 * time.Hour), Status: qms.DossierInProgress}
		if i%2 == 0 {
			done := r.ReceivedAt.Add(24 * time.Hour)
			r.Status, r.CompletedAt = qms.DossierCompleted, &done
		}
		if i%3 == 0 {
			r.TTHCCode = "1.000004"
		}
		rows = append(rows, r)
	}
	if _, err := db.ImportDossiers(sys, "SVHTT", rows); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportDossiers(sys, "SGDDT", []sqlite.DossierImport{{Code: "SGDDT-01", TTHCCode: "1.000001", ReceivedAt: base.Add(99 * time.Hour),
		DueAt: base.Add(240 * time.Hour), Status: qms.DossierInProgress}}); err != nil {
		t.Fatal(err)
	}
	svhtt, tthc := "SVHTT", "1.000004"
	completed, inProgress := qms.DossierCompleted, qms.DossierInProgress
	codes := func(nums ...int) []string {
		var out []string
		for _, n := range nums {
			out = append(out, fmt.Sprintf("SVHTT-%02d", n))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		f     qms.DossierFilter
		want  []string
		total int
	}{
		{"first page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5}, codes(12, 11, 10, 9, 8), 13},
		{"second page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 5}, codes(7, 6, 5, 4, 3), 13},
		{"short last page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 10}, codes(2, 1, 0), 13},
		{"past the end", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 20}, nil, 13},
		{"status", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3}, codes(12, 10, 8), 7},
		{"status, second page", qms.DossierFilter{AgencyCode: &svhtt, Status: &inProgress, Limit: 3, Offset: 3}, codes(5, 3, 1), 6},
		{"TTHC", qms.DossierFilter{AgencyCode: &svhtt, TTHCCode: &tthc, Limit: 3}, codes(12, 9, 6), 5},
		{"status and TTHC", qms.DossierFilter{AgencyCode: &svhtt, Status: &inProgress, TTHCCode: &tthc, Limit: 3}, codes(9, 3), 2},
		{"capped", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 4}, codes(12, 10, 8), 5},
		{"at the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 7}, codes(12, 10, 8), 7},
		{"one past the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 6}, codes(12, 10, 8), 7},
		{"under the cap", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 3, CountLimit: 100}, codes(12, 10, 8), 7},
		{"capped, short last page", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 5, Offset: 5, CountLimit: 4}, codes(2, 0), 5},
		{"capped, past the end", qms.DossierFilter{AgencyCode: &svhtt, Limit: 5, Offset: 20, CountLimit: 4}, nil, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, total, err := db.FindDossiers(sys, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.Code)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || total != tc.total {
				t.Fatalf("got %v, total %d; want %v, total %d", got, total, tc.want, tc.total)
			}
		})
	}
}

// A brief list has what a row shows, without decoding the applicant's
// and the flow's JSON.
func TestFindDossiersBrief(t *testing.T) {
	db, _, sys := openDB(t)
	staff, _ := effectiveProcedure(t, db, sys)
	d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Channel: qms.ChannelCounter,
		Applicant: qms.Applicant{Name: "Nguyễn Văn An", IDNumber: "001099012345"}}
	if err := db.ReceiveDossier(staff, d); err != nil {
		t.Fatal(err)
	}
	agency := "SVHTT"
	full, _, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency})
	if err != nil || len(full) != 1 || full[0].Applicant.IDNumber == "" || len(full[0].Flow.Open) == 0 {
		t.Fatalf("full: %+v %v", full, err)
	}
	brief, _, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency, Brief: true})
	if err != nil || len(brief) != 1 {
		t.Fatalf("brief: %+v %v", brief, err)
	}
	b, f := brief[0], full[0]
	if b.Applicant != (qms.Applicant{Name: "Nguyễn Văn An"}) || b.Flow.Open != nil || b.Code != f.Code || b.Status != f.Status ||
		!b.ReceivedAt.Equal(f.ReceivedAt) || !b.DueAt.Equal(f.DueAt) || b.ProcedureID != f.ProcedureID || b.VersionNumber != f.VersionNumber {
		t.Fatalf("brief %+v\nfull  %+v", b, f)
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
