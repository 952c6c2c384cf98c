package storetest_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// mergeAgency sets up an agency as qmstest.MergeAgency does (two TTHC of
// the sample catalogue, the effective procedure QT-01, forms, users,
// quality records) with one open dossier received by its staff; with
// closed, a second dossier run to its end first. It returns the open and
// the closed dossier's codes and the procedure's id.
func mergeAgency(t *testing.T, f *fixture, code string, closed bool) (open, done string, procID int64) {
	t.Helper()
	p, as := qmstest.MergeAgency(t, f, f.ctx, code, qmstest.SampleTTHC()[:2], func(q string) int64 {
		var id int64
		fmt.Sscan(mustQuery(t, f, q)[0], &id)
		return id
	})
	receive := func() *qms.Dossier {
		t.Helper()
		d := &qms.Dossier{AgencyCode: code, TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelCounter}
		if err := f.ReceiveDossier(as["chuyen.vien"], d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if closed {
		d := receive()
		for _, s := range []qms.CompleteStep{{StepID: "check", Entry: checkEntry, FormVersion: formVersionOf(code)}, {StepID: "ok", Exit: "Đạt"}} {
			if _, err := f.CompleteStep(as["chuyen.vien"], code, d.Code, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.CompleteStep(as["giam.doc"], code, d.Code, qms.CompleteStep{StepID: "sign"}); err != nil {
			t.Fatal(err)
		}
		if d, err := f.CompleteStep(as["chuyen.vien"], code, d.Code, qms.CompleteStep{StepID: "e"}); err != nil || d.Status != qms.DossierCompleted {
			t.Fatalf("closing %s: %v", code, err)
		}
		done = d.Code
	}
	return receive().Code, done, p.ID
}

var checkEntry = map[string]any{"ket_luan": "Đạt"}

// formVersionOf is the version in force of qmstest.MergeAgency's form
// BM-QT01-01 in agency code.
func formVersionOf(code string) int {
	if code == "PA" {
		return 2
	}
	return 1
}

func mustExec(t *testing.T, f *fixture, q string) {
	t.Helper()
	if err := f.exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustTamper(t *testing.T, f *fixture, q string) {
	t.Helper()
	if err := f.tamper(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustQuery(t *testing.T, f *fixture, q string) []string {
	t.Helper()
	rows, err := f.query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows
}

// dumpTables returns every row of every table, to compare a database
// before and after something that must change nothing.
func dumpTables(t *testing.T, f *fixture) map[string][]string {
	t.Helper()
	names, err := f.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil { // PostgreSQL
		names = mustQuery(t, f, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	}
	if len(names) < 40 {
		t.Fatalf("%d tables: %v", len(names), names)
	}
	out := map[string][]string{}
	for _, n := range names {
		rows, err := f.query(`SELECT * FROM "` + n + `"`)
		if err != nil {
			continue // an FTS table reads through its shadow tables
		}
		sort.Strings(rows)
		out[n] = rows
	}
	return out
}

// sameTables fails t unless the database holds what before held.
func sameTables(t *testing.T, f *fixture, before map[string][]string) {
	t.Helper()
	if after := dumpTables(t, f); !reflect.DeepEqual(before, after) {
		for n := range after {
			if !reflect.DeepEqual(before[n], after[n]) {
				t.Errorf("table %s changed", n)
			}
		}
		t.Fatal("a refused plan or a dry run changed the database")
	}
}

// checkDossierCounts fails the test when dossier_counts differs from a
// count of the dossiers themselves.
func checkDossierCounts(t *testing.T, f *fixture) {
	t.Helper()
	want := mustQuery(t, f, `SELECT agency_code, status, COUNT(*) FROM dossiers GROUP BY agency_code, status ORDER BY 1, 2`)
	if got := mustQuery(t, f, `SELECT agency_code, status, n FROM dossier_counts WHERE n != 0 ORDER BY 1, 2`); !reflect.DeepEqual(got, want) {
		t.Fatalf("dossier_counts %q, dossiers %q", got, want)
	}
}

// createAgencies creates the agencies, failing t on an error.
func createAgencies(t *testing.T, f *fixture, as ...qms.Agency) {
	t.Helper()
	for _, a := range as {
		if err := f.CreateAgency(f.ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
}

// mergePAPB merges PA and PB into a new agency NEW.
func mergePAPB(t *testing.T, f *fixture) *qms.MergeReport {
	t.Helper()
	rep, err := f.MergeAgencies(f.ctx, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func countRows(t *testing.T, f *fixture, table string, agencies ...string) int {
	t.Helper()
	rows := mustQuery(t, f, `SELECT COUNT(*) FROM `+table+` WHERE agency_code IN ('`+strings.Join(agencies, "','")+`')`)
	var n int
	fmt.Sscan(rows[0], &n)
	return n
}

// TestAgencyMerge1RefusedPlansChangeNothing: a plan the rules refuse
// fails before anything moves, and a dry run reports without writing.
func TestAgencyMerge1RefusedPlansChangeNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		mergeAgency(t, f, "PA", false)
		mergeAgency(t, f, "PB", false)
		f.CreateAgency(sys, &qms.Agency{Code: "PC", Name: "Phòng C", ParentCode: "PA"})
		// PD holds both QT-01 and the code PB's QT-01 would be renamed to:
		// a merge into PD fails after it has moved the catalogue and PA's
		// procedure, and must undo them.
		f.CreateAgency(sys, &qms.Agency{Code: "PD", Name: "Phòng D"})
		for _, code := range []string{"QT-01", "QT-01-PB"} {
			if err := f.CreateProcedure(sys, &qms.Procedure{AgencyCode: "PD", Code: code, Title: "Quy trình " + code}); err != nil {
				t.Fatal(err)
			}
		}
		before := dumpTables(t, f)
		for _, tc := range []struct {
			name string
			plan qms.MergePlan
			code string
		}{
			{"unknown predecessor", qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"PA", "XX"}}, qms.ENOTFOUND},
			{"no predecessor", qms.MergePlan{Into: "NEW", Name: "Mới"}, qms.EINVALID},
			{"successor among predecessors", qms.MergePlan{Into: "PA", From: []string{"PA", "PB"}}, qms.EINVALID},
			{"new successor without name", qms.MergePlan{Into: "NEW", From: []string{"PA", "PB"}}, qms.EINVALID},
			{"system agency", qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"SYS"}}, qms.EINVALID},
			{"ancestor with its descendant", qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"PA", "PC"}}, qms.EINVALID},
			{"into a descendant", qms.MergePlan{Into: "PC", From: []string{"PA"}}, qms.EINVALID},
			{"new successor under a predecessor", qms.MergePlan{Into: "NEW", Name: "Mới", ParentCode: "PB", From: []string{"PA", "PB"}}, qms.EINVALID},
			{"clash after moves", qms.MergePlan{Into: "PD", From: []string{"PA", "PB"}}, qms.ECONFLICT},
			// Outsider finding: a name or parent for an agency that exists
			// was dropped without a word.
			{"existing successor with another name", qms.MergePlan{Into: "PD", Name: "Tên mới đè", From: []string{"PB"}}, qms.EINVALID},
			{"existing successor with another parent", qms.MergePlan{Into: "PD", ParentCode: "PA", From: []string{"PB"}}, qms.EINVALID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := f.MergeAgencies(sys, tc.plan, false); qms.ErrorCode(err) != tc.code {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
			})
		}
		rep, err := f.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Mới", From: []string{"PA", "PB"}}, true)
		if err != nil || !rep.DryRun || rep.Count("dossiers").Moved != 2 || len(rep.Users) != 6 {
			t.Fatalf("dry run: %+v %v", rep, err)
		}
		sameTables(t, f, before)
	})
}

// TestAgencyMerge1MovesWhatIsInProgress merges two agencies with dossiers
// in progress into a new one: nothing is lost, open dossiers keep code,
// clock and pinned version, are found from the old agency's page and
// wait on the moved staff; renamed codes still resolve, the search
// follows; the predecessors keep their history and are read-only.
func TestAgencyMerge1MovesWhatIsInProgress(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		openA, closedA, _ := mergeAgency(t, f, "PA", true)
		openB, _, procB := mergeAgency(t, f, "PB", false)
		tables := []string{"tthc", "procedures", "forms", "dossiers", "dossier_steps", "dossier_open_steps", "search_docs", "findings", "nonconformities", "objectives", "merged_codes"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = countRows(t, f, tb, "PA", "PB")
		}
		wantA, _ := f.FindDossier(sys, "PA", openA)
		wantB, _ := f.FindDossier(sys, "PB", openB)
		from, to := hanoi(2026, 1, 1, 0, 0), hanoi(2026, 4, 1, 0, 0)
		repBefore, err := f.OnTime(sys, "PA", from, to, "")
		if err != nil {
			t.Fatal(err)
		}

		f.clk.Add(3600e9)
		rep, err := f.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"pa", "PB"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			if got := countRows(t, f, tb, "PA", "PB", "NEW"); got != before[tb] && tb != "merged_codes" {
				t.Errorf("%s: %d rows before, %d after", tb, before[tb], got)
			}
		}
		for _, c := range []struct {
			table                     string
			moved, stayed, reconciled int
		}{
			{"tthc", 2, 2, 2}, {"procedures", 2, 0, 0}, {"forms", 4, 0, 0}, {"dossiers", 2, 1, 0}, {"dossier_open_steps", 2, 0, 0}, {"memberships", 6, 0, 0},
			{"findings", 1, 3, 1}, {"nonconformities", 2, 1, 0}, {"objectives", 2, 2, 0}, {"sessions", 0, 0, 0}, {"agencies (children)", 0, 0, 0},
		} {
			if got := rep.Count(c.table); got.Moved != c.moved || got.Stayed != c.stayed || got.Reconciled != c.reconciled {
				t.Errorf("%s: %+v, want moved %d stayed %d reconciled %d", c.table, got, c.moved, c.stayed, c.reconciled)
			}
		}
		if !rep.Created || len(rep.Duplicates) != 2 || !reflect.DeepEqual(rep.Duplicates[0].Predecessors, []string{"PA", "PB"}) {
			t.Errorf("duplicates: %+v", rep.Duplicates)
		}
		renamed := map[string]string{}
		for _, r := range rep.Renamed {
			renamed[r.Kind+" "+r.From+" "+r.OldCode] = r.NewCode
		}
		if len(rep.Renamed) != 3 || renamed["procedure PB QT-01"] != "QT-01-PB" || renamed["form PB BM-QT01-01"] != "BM-QT01-01-PB" {
			t.Errorf("renamed: %+v", rep.Renamed)
		}
		// Open dossiers: found by their code, under the old agency's
		// public page and the successor's, with clock and version as they
		// were; the closed one stays with PA.
		for _, d := range []*qms.Dossier{wantA, wantB} {
			for _, agency := range []string{d.AgencyCode, "NEW"} {
				got, err := f.FindDossierByCode(sys, agency, d.Code)
				if err != nil || got.AgencyCode != "NEW" || !got.DueAt.Equal(d.DueAt) || got.ProcedureID != d.ProcedureID || got.VersionNumber != 1 {
					t.Fatalf("%s at %s: %+v %v", d.Code, agency, got, err)
				}
			}
		}
		if d, err := f.FindDossier(sys, "PA", closedA); err != nil || d.Status != qms.DossierCompleted {
			t.Fatalf("closed dossier: %+v %v", d, err)
		}
		// The closed one, which stays with PA, is found on the successor's
		// public page too (outsider: "not found" there); not on the page of
		// PB, another predecessor.
		for _, agency := range []string{"PA", "NEW"} {
			if d, err := f.FindDossierByCode(sys, agency, closedA); err != nil || d.AgencyCode != "PA" {
				t.Errorf("closed %s on %s's page: %+v %v", closedA, agency, d, err)
			}
		}
		if _, err := f.FindDossierByCode(sys, "PB", closedA); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Errorf("closed %s on PB's page: %v", closedA, err)
		}
		if _, total, err := f.FindDossiers(sys, qms.DossierFilter{AgencyCode: ptr("NEW")}); err != nil || total != 2 {
			t.Fatalf("NEW lists %d dossiers: %v", total, err)
		}
		u, _ := f.FindUserByUsername(sys, "chuyen.vien.pb")
		if len(u.Memberships) != 1 || u.Memberships[0].AgencyCode != "NEW" {
			t.Fatalf("memberships: %+v", u.Memberships)
		}
		staffB := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "NEW"})
		if tasks, err := f.Tasks(staffB, "NEW", []qms.Role{qms.RoleStaff}); err != nil || len(tasks) != 2 {
			t.Fatalf("tasks in the successor: %+v %v", tasks, err)
		}
		// PB's procedure names its form BM-QT01-01: in NEW that is PA's
		// form (version 2); PB's own, renamed, is at version 1 and is the
		// one the moved dossier records on.
		if fm, v, err := f.EffectiveStepForm(sys, "NEW", procB, "BM-QT01-01"); err != nil || fm.Code != "BM-QT01-01-PB" || v.Number != 1 {
			t.Fatalf("step form of the moved procedure: %+v %+v %v", fm, v, err)
		}
		if d, err := f.CompleteStep(staffB, "NEW", openB, qms.CompleteStep{StepID: "check", Entry: checkEntry, FormVersion: 1}); err != nil || !d.DueAt.Equal(wantB.DueAt) {
			t.Fatalf("moved step: %v", err)
		}
		if steps, _ := f.StepRecords(sys, wantB.ID); steps[len(steps)-1].FormCode != "BM-QT01-01-PB" {
			t.Fatalf("record on form %q", steps[len(steps)-1].FormCode)
		}
		// Reports stay continuous: the predecessor keeps what it
		// completed, and what it received is counted by it or by the
		// successor, once.
		repAfter, err := f.OnTime(sys, "PA", from, to, "")
		if err != nil {
			t.Fatal(err)
		}
		repNew, _ := f.OnTime(sys, "NEW", from, to, "")
		pa, was, now := repAfter[""], repBefore[""], repNew[""]
		if pa.Completed != was.Completed || was.Completed != 1 || pa.Received+now.Received != was.Received+1 || now.InProgress != 2 {
			t.Fatalf("report of the period: before %+v, PA after %+v, NEW %+v", was, pa, now)
		}
		// The list totals kept by trigger follow the dossiers that moved.
		checkDossierCounts(t, f)
		// The search entries moved with the catalogue and the procedures.
		for agency, want := range map[string]int{"NEW": 3, "PA": 0, "PB": 1} {
			if hits, err := f.Search(sys, agency, "karaoke", 10); err != nil || len(hits) != want {
				t.Errorf("search in %s: %+v %v, want %d hits", agency, hits, err, want)
			}
		}
		if a, _ := f.FindAgencyByCode(sys, "PA"); a.MergedInto != "NEW" || a.Status() != "merged" {
			t.Fatalf("predecessor: %+v", a)
		}
		// Read-only: a SYS admin is refused too, with the successor named.
		name := "Tên khác"
		for _, err := range []error{
			func() error { _, err := f.UpdateAgency(sys, "PA", qms.AgencyUpdate{Name: &name}); return err }(),
			f.CreateProcedure(sys, &qms.Procedure{AgencyCode: "PB", Code: "QT-09", Title: "Mới"}),
			func() error { _, _, err := f.ImportTTHC(sys, "PB", qmstest.SampleTTHC()[2:]); return err }(),
			func() error {
				fs, _ := f.FindForms(sys, "SYS")
				_, err := f.AdoptForm(sys, "PA", fs[1].ID)
				return err
			}(),
		} {
			if qms.ErrorCode(err) != qms.EFORBIDDEN || !strings.Contains(qms.ErrorMessage(err), `"NEW"`) {
				t.Errorf("write to a merged agency: %v", err)
			}
		}
		if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "NEW", From: []string{"PA"}}, false); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("merging a merged agency again: %v", err)
		}
		if n, err := f.VerifyAuditChain(sys); err != nil || n == 0 {
			t.Fatalf("audit chain: %d %v", n, err)
		}
		if got := mustQuery(t, f, `SELECT action, agency_code FROM audit_log WHERE action LIKE 'agency.merge.%' ORDER BY id`); !reflect.DeepEqual(got,
			[]string{"agency.merge.from PA", "agency.merge.from PB", "agency.merge.into NEW"}) {
			t.Fatalf("merge audit entries: %q", got)
		}
	})
}

// TestAgencyMerge1ReissueRule: MERGED_NOT_REISSUED flags the procedures a
// merge brought once the grace period (90 days by default) has passed
// without a new version approved, and clears for one that is reissued.
func TestAgencyMerge1ReissueRule(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		mergeAgency(t, f, "PA", false)
		mergeAgency(t, f, "PB", false)
		if _, err := f.MergeAgencies(sys, qms.MergePlan{Into: "NEW", Name: "Sở mới", From: []string{"PA", "PB"}}, false); err != nil {
			t.Fatal(err)
		}
		rule := qms.RuleMergedNotReissued
		open := func() []string {
			t.Helper()
			if _, err := f.RunChecks(sys, qms.CheckScope{AgencyCode: "NEW", Rule: rule}); err != nil {
				t.Fatal(err)
			}
			yes := true
			fs, err := f.FindFindings(sys, qms.FindingFilter{Rule: &rule, Open: &yes})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, fd := range fs {
				out = append(out, fd.AgencyCode+" "+fd.ObjectID)
				if !strings.Contains(fd.Message, "khi sáp nhập ngày 02/03/2026 chưa được ban hành lại sau 90 ngày") {
					t.Errorf("message %q", fd.Message)
				}
			}
			sort.Strings(out)
			return out
		}
		if got := open(); len(got) != 0 {
			t.Fatalf("flagged within the grace period: %v", got)
		}
		f.clk.Add(91 * 24 * 3600e9)
		ps, _ := f.FindProcedures(sys, qms.ProcedureFilter{AgencyCode: ptr("NEW")})
		var reissue *qms.Procedure
		var all []string
		for _, p := range ps {
			all = append(all, fmt.Sprintf("NEW %d", p.ID))
			if p.Code == "QT-01" {
				reissue = p
			}
		}
		sort.Strings(all)
		if got := open(); len(all) != 2 || !reflect.DeepEqual(got, all) {
			t.Fatalf("flagged %v, want %v", got, all)
		}
		// The successor's officer and leader (moved from PA) reissue QT-01.
		as := func(username string) context.Context {
			u, err := f.FindUserByUsername(sys, username)
			if err != nil {
				t.Fatal(err)
			}
			return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "NEW"})
		}
		officer, leader := as("thu.ky.pa"), as("giam.doc.pa")
		v, err := f.CreateVersion(officer, reissue.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.TransitionVersion(officer, reissue.ID, v.Number, qms.ActionSubmit, "")
		if _, err := f.TransitionVersion(leader, reissue.ID, v.Number, qms.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		if got := open(); len(got) != 1 || got[0] == fmt.Sprintf("NEW %d", reissue.ID) {
			t.Fatalf("after reissuing QT-01: %v", got)
		}
	})
}
