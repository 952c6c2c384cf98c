package storetest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/sqlstore"
)

// dossierRow is a dossier as receipt and the steps keep it, entered
// behind the store's back: receipt and step completion stay in qms/sqlite
// (its dossier tests), the reads are shared.
type dossierRow struct {
	agency, code, tthc      string
	received, due, returned string // returned "" is NULL
	status, result          string
}

// dossierFixture is agency SVHTT with the sample TTHC, a procedure version
// whose flowchart the open steps pin, and the dossiers below; STC has one
// dossier of its own. The clock stands at 2026-03-02 09:00 in Hà Nội.
func dossierFixture(t *testing.T, f *fixture) {
	t.Helper()
	ctx := f.ctx
	for _, a := range []qms.Agency{{Code: "SVHTT", Name: "Sở VHTT"}, {Code: "STC", Name: "Sở Tài chính"}, {Code: "SCU", Name: "Sở cũ"}} {
		if err := f.CreateAgency(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.ImportTTHC(ctx, "SVHTT", qmstest.SampleTTHC()); err != nil {
		t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: "SVHTT", Code: "QT-01", Title: "Cấp giấy phép karaoke", TTHCCodes: []string{"1.000001"}}
	if err := f.CreateProcedure(ctx, p); err != nil {
		t.Fatal(err)
	}
	v, err := f.CreateVersion(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.ValidChart(16)
	if err := f.UpdateVersion(ctx, v); err != nil {
		t.Fatal(err)
	}
	for _, d := range []dossierRow{
		// returned at 01:00 on 1 March in Hà Nội, still February in UTC
		{"SVHTT", "HS-1", "1.000001", "2026-02-10T02:00:00Z", "2026-02-17T10:00:00Z", "2026-02-28T18:00:00Z", "completed", "late"},
		{"SVHTT", "HS-2", "1.000004", "2026-03-01T02:00:00Z", "2026-03-20T10:00:00Z", "", "in_progress", ""},
		{"SVHTT", "HS-3", "1.000001", "2026-03-01T04:00:00Z", "2026-03-01T20:00:00Z", "", "received", ""},
		{"SVHTT", "HS-4", "1.000009", "2026-01-05T02:00:00Z", "2026-01-20T10:00:00Z", "2026-01-15T03:00:00Z", "completed", "early"},
		{"SVHTT", "HS-5", "1.000001", "2026-02-20T02:00:00Z", "2026-03-10T10:00:00Z", "", "paused", ""},
		{"SVHTT", "HS-6", "1.000004", "2026-03-01T05:00:00Z", "2026-03-05T10:00:00Z", "2026-03-02T01:00:00Z", "completed", "on_time"},
		{"STC", "X-1", "2.000001", "2026-03-01T03:00:00Z", "2026-03-01T04:00:00Z", "", "received", ""},
	} {
		returned := "NULL"
		if d.returned != "" {
			returned = "'" + d.returned + "'"
		}
		if err := f.exec(fmt.Sprintf(`INSERT INTO dossiers (code, agency_code, tthc_code, procedure_id, version_number, applicant_json, channel, received_at, due_at, status, result, returned_at, updated_at)
			VALUES ('%s', '%s', '%s', %d, 1, '{"name":"Người nộp %s","phone":"0900"}', 'counter', '%s', '%s', '%s', '%s', %s, '%s')`,
			d.code, d.agency, d.tthc, p.ID, d.code, d.received, d.due, d.status, d.result, returned, d.received)); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range []struct {
		code, step, role, due string
		paused                bool
	}{
		{"HS-2", "a", "staff", "2026-03-03T02:00:00Z", false},
		{"HS-3", "a", "staff", "2026-03-01T10:00:00Z", false},
		{"HS-5", "b", "leader", "2026-03-04T02:00:00Z", true},
	} {
		if err := f.exec(fmt.Sprintf(`INSERT INTO dossier_open_steps (dossier_id, step_id, agency_code, role, opened_at, due_at, dossier_code, tthc_code, dossier_due, procedure_id, version_number, paused)
			SELECT id, '%s', agency_code, '%s', received_at, '%s', code, tthc_code, due_at, procedure_id, version_number, %t FROM dossiers WHERE agency_code = 'SVHTT' AND code = '%s'`,
			o.step, o.role, o.due, o.paused, o.code)); err != nil {
			t.Fatal(err)
		}
	}
}

// Finding a dossier, the dossier list with its filters, paging and
// totals (the counts the triggers keep), and the citizen's lookup that
// follows merges and moves.
func TestDossierReads(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		dossierFixture(t, f)
		ctx := f.ctx
		d, err := f.FindDossier(ctx, "SVHTT", " hs-1 ")
		if err != nil || d.Code != "HS-1" || d.Applicant.Name != "Người nộp HS-1" || d.Applicant.Phone != "0900" || d.ReturnedAt == nil ||
			!d.ReturnedAt.Equal(time.Date(2026, 2, 28, 18, 0, 0, 0, time.UTC)) || d.Result != qms.Late || d.ProcedureID == 0 || d.VersionNumber != 1 {
			t.Fatalf("HS-1 = %+v, %v", d, err)
		}
		if d, err := f.FindDossier(ctx, "SVHTT", "HS-2"); err != nil || d.ReturnedAt != nil || d.NewAppointment != nil || d.Flow.Open == nil {
			t.Fatalf("HS-2 = %+v, %v", d, err)
		}
		for _, c := range [][2]string{{"SVHTT", "X-1"}, {"STC", "HS-1"}, {"SVHTT", "HS-9"}} {
			if _, err := f.FindDossier(ctx, c[0], c[1]); qms.ErrorCode(err) != qms.ENOTFOUND {
				t.Errorf("%s of %s: %v", c[1], c[0], err)
			}
		}

		svhtt, tthc, tthc4, code := "SVHTT", "1.000001", "1.000004", "hs-2"
		completed := qms.DossierCompleted
		yes := true
		lists := []struct {
			name   string
			filter qms.DossierFilter
			codes  string
			total  int
		}{
			{"all", qms.DossierFilter{AgencyCode: &svhtt}, "HS-6,HS-3,HS-2,HS-5,HS-1,HS-4", 6},
			{"every agency", qms.DossierFilter{}, "HS-6,HS-3,X-1,HS-2,HS-5,HS-1,HS-4", 7},
			{"first page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 2}, "HS-6,HS-3", 6},
			{"second page", qms.DossierFilter{AgencyCode: &svhtt, Limit: 2, Offset: 2}, "HS-2,HS-5", 6},
			{"past the end", qms.DossierFilter{AgencyCode: &svhtt, Limit: 2, Offset: 10}, "", 6},
			{"by status", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed}, "HS-6,HS-1,HS-4", 3},
			{"by status, a page", qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 1}, "HS-6", 3},
			{"by TTHC, a page", qms.DossierFilter{AgencyCode: &svhtt, TTHCCode: &tthc, Limit: 2}, "HS-3,HS-5", 3},
			{"overdue", qms.DossierFilter{AgencyCode: &svhtt, Overdue: &yes}, "HS-3", 1},
			{"by code", qms.DossierFilter{AgencyCode: &svhtt, Code: &code}, "HS-2", 1},
			{"capped count", qms.DossierFilter{AgencyCode: &svhtt, Limit: 2, CountLimit: 3}, "HS-6,HS-3", 4},
			{"capped exact count", qms.DossierFilter{AgencyCode: &svhtt, TTHCCode: &tthc4, Limit: 1, CountLimit: 1}, "HS-6", 2},
			{"capped count under the cap", qms.DossierFilter{AgencyCode: &svhtt, TTHCCode: &tthc4, Limit: 1, CountLimit: 5}, "HS-6", 2},
		}
		for _, tt := range lists {
			for _, brief := range []bool{false, true} {
				tt.filter.Brief = brief
				ds, total, err := f.FindDossiers(ctx, tt.filter)
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				codes := make([]string, len(ds))
				for i, d := range ds {
					codes[i] = d.Code
					if d.Applicant.Name != "Người nộp "+d.Code || brief && (d.Applicant.Phone != "" || d.Flow.Open != nil) || !brief && d.Applicant.Phone != "0900" {
						t.Errorf("%s (brief %t): %s reads %+v", tt.name, brief, d.Code, d)
					}
				}
				if got := strings.Join(codes, ","); got != tt.codes || total != tt.total {
					t.Errorf("%s (brief %t): %s of %d, want %s of %d", tt.name, brief, got, total, tt.codes, tt.total)
				}
			}
		}
		// The counts follow a change of status, whoever makes it.
		if err := f.exec(`UPDATE dossiers SET status = 'completed', result = 'on_time', returned_at = '2026-03-02T01:30:00Z' WHERE code = 'HS-2'`); err != nil {
			t.Fatal(err)
		}
		if ds, total, err := f.FindDossiers(ctx, qms.DossierFilter{AgencyCode: &svhtt, Status: &completed, Limit: 1}); err != nil || len(ds) != 1 || total != 4 {
			t.Errorf("completed after a change: %d of %d, %v", len(ds), total, err)
		}

		// The citizen's lookup follows a merge and a split's move.
		if err := f.exec(`UPDATE agencies SET merged_into = 'SVHTT' WHERE code = 'SCU'`); err != nil {
			t.Fatal(err)
		}
		if err := f.exec(`INSERT INTO dossier_moves (agency_code, code, moved_to, moved_at) VALUES ('STC', 'HS-5', 'SVHTT', '2026-03-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		lookups := []struct {
			agency, code, want string
			err                string
		}{
			{"SVHTT", "hs-3", "SVHTT/HS-3", ""},
			{"STC", "X-1", "STC/X-1", ""},
			{"SCU", "HS-2", "SVHTT/HS-2", ""},
			{"STC", "HS-5", "SVHTT/HS-5", ""},
			{"STC", "HS-4", "", qms.ENOTFOUND},
			{"SCU", "X-1", "", qms.ENOTFOUND},
		}
		for _, l := range lookups {
			d, err := f.FindDossierByCode(ctx, l.agency, l.code)
			if qms.ErrorCode(err) != l.err || err == nil && d.AgencyCode+"/"+d.Code != l.want {
				t.Errorf("lookup %s at %s: %+v, %v; want %s %q", l.code, l.agency, d, err, l.want, l.err)
			}
		}
	})
}

// The staff task list: each role's open steps, not paused, overdue first,
// with the step's name from the pinned flowchart and the TTHC's name; a
// dossier's status follows onto its open steps (the trigger).
func TestDossierTasks(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		dossierFixture(t, f)
		ctx := f.ctx
		show := func(ts []qms.Task) string {
			out := make([]string, len(ts))
			for i, t := range ts {
				out[i] = t.DossierCode + ":" + t.StepName
			}
			return strings.Join(out, ",")
		}
		staff, leader := []qms.Role{qms.RoleStaff}, []qms.Role{qms.RoleStaff, qms.RoleLeader}
		ts, err := f.Tasks(ctx, "SVHTT", staff)
		if err != nil || show(ts) != "HS-3:Thẩm định,HS-2:Thẩm định" {
			t.Fatalf("staff tasks: %s, %v", show(ts), err)
		}
		if ts[0].TTHCName != "Cấp giấy phép kinh doanh dịch vụ karaoke" || ts[0].Responsible != "Chuyên viên" || !ts[0].DueAt.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) ||
			!ts[0].DossierDue.Equal(time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)) {
			t.Errorf("task = %+v", ts[0])
		}
		if err := f.exec(`UPDATE dossiers SET status = 'in_progress', due_at = '2026-03-12T10:00:00Z' WHERE code = 'HS-5'`); err != nil {
			t.Fatal(err)
		}
		pages := []struct {
			name          string
			roles         []qms.Role
			offset, limit int
			want          string
		}{
			{"no role", nil, 0, 10, ""},
			{"two roles", leader, 0, 10, "HS-3:Thẩm định,HS-2:Thẩm định,HS-5:Ký duyệt"},
			{"a page", leader, 1, 1, "HS-2:Thẩm định"},
			{"no limit", leader, 2, -1, "HS-5:Ký duyệt"},
			{"another agency", staff, 0, 10, ""},
		}
		for _, p := range pages {
			agency := "SVHTT"
			if p.name == "another agency" {
				agency = "STC"
			}
			ts, err := f.TasksPage(ctx, agency, p.roles, p.offset, p.limit)
			if err != nil || show(ts) != p.want {
				t.Errorf("%s: %s, %v; want %s", p.name, show(ts), err, p.want)
			}
			if p.name == "two roles" && (len(ts) != 3 || !ts[2].DossierDue.Equal(time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC))) {
				t.Errorf("the resumed dossier's due time on its step: %+v", ts)
			}
		}
	})
}

// The on-time reports: a period's figures, whole or by TTHC or field, and
// the dossiers returned in it by month of return in Vietnam or by field.
func TestDossierOnTime(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		dossierFixture(t, f)
		ctx := f.ctx
		march, april := time.Date(2026, 3, 1, 0, 0, 0, 0, qms.Zone), time.Date(2026, 4, 1, 0, 0, 0, 0, qms.Zone)
		// received, carried over, completed, early, on time, late, in progress, overdue
		figures := func(r *qms.OnTimeReport) string {
			if r == nil {
				return "none"
			}
			return fmt.Sprint(r.Received, r.CarriedOver, r.Completed, r.Early, r.OnTime, r.Late, r.InProgress, r.Overdue)
		}
		reports := []struct {
			by   string
			want map[string]string
		}{
			{"", map[string]string{"": "3 2 2 0 1 1 2 1"}},
			{"tthc", map[string]string{"1.000001": "1 2 1 0 0 1 1 1", "1.000004": "2 0 1 0 1 0 1 0"}},
			{"field", map[string]string{"Văn hóa": "1 2 1 0 0 1 1 1", "Du lịch": "2 0 1 0 1 0 1 0"}},
		}
		for _, r := range reports {
			got, err := f.OnTime(ctx, "SVHTT", march, april, r.by)
			if err != nil || len(got) != len(r.want) {
				t.Fatalf("by %q: %v, %v", r.by, got, err)
			}
			for k, want := range r.want {
				if figures(got[k]) != want {
					t.Errorf("by %q, %q: %s, want %s", r.by, k, figures(got[k]), want)
				}
			}
			if r.by == "" && (!got[""].MeasuredAt.Equal(f.clk.Now()) || got[""].TimelyRate != 50 || got[""].LateRate != 40) {
				t.Errorf("whole: %+v", got[""])
			}
		}
		if got, err := f.OnTime(ctx, "STC", time.Date(2025, 1, 1, 0, 0, 0, 0, qms.Zone), time.Date(2025, 2, 1, 0, 0, 0, 0, qms.Zone), ""); err != nil ||
			figures(got[""]) != "0 0 0 0 0 0 0 0" || !got[""].MeasuredAt.Equal(time.Date(2025, 2, 1, 0, 0, 0, 0, qms.Zone)) {
			t.Errorf("an empty past period: %+v, %v", got, err)
		}
		if _, err := f.OnTime(ctx, "SVHTT", march, april, "month"); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("by month: %v", err)
		}
		// completed, early, on time, late
		returned := func(r *qms.OnTimeReport) string { return fmt.Sprint(r.Completed, r.Early, r.OnTime, r.Late) }
		jan := time.Date(2026, 1, 1, 0, 0, 0, 0, qms.Zone)
		returns := []struct {
			by   string
			want map[string]string
		}{
			{"month", map[string]string{"2026-01": "1 1 0 0", "2026-03": "2 0 1 1"}},
			{"field", map[string]string{"Văn hóa": "2 1 0 1", "Du lịch": "1 0 1 0"}},
		}
		for _, r := range returns {
			got, err := f.OnTimeReturned(ctx, "SVHTT", jan, april, r.by)
			if err != nil || len(got) != len(r.want) {
				t.Fatalf("returned by %s: %v, %v", r.by, got, err)
			}
			for k, want := range r.want {
				if got[k] == nil || returned(got[k]) != want {
					t.Errorf("returned by %s, %q: %+v, want %s", r.by, k, got[k], want)
				}
			}
		}
		if _, err := f.OnTimeReturned(ctx, "SVHTT", jan, april, "tthc"); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("returned by tthc: %v", err)
		}
		// Objectives are measured on the report on both stores now.
		if _, err := f.Statuses(ctx, "SVHTT", 2026); err != nil {
			t.Errorf("objective statuses: %v", err)
		}
	})
}

// TestProduct1OverdueMeasuredAtNow: an open dossier is overdue in the
// on-time report and the review pack only once its due time has passed
// at min(now, period end): a period that has not ended yet is measured
// now, one that has ended is measured at its end.
func TestProduct1OverdueMeasuredAtNow(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys, clk := f.ctx, f.clk
		if err := f.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
			t.Fatal(err)
		}
		now := hanoi(2026, 5, 15, 10, 0)
		clk.Set(now.UTC())
		open := func(code string, received, due time.Time) sqlstore.DossierImport {
			return sqlstore.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: received, DueAt: due, Status: qms.DossierInProgress}
		}
		rows := []sqlstore.DossierImport{
			open("D-PAST", hanoi(2026, 5, 1, 9, 0), hanoi(2026, 5, 10, 9, 0)),      // due before now
			open("D-YESTERDAY", hanoi(2026, 5, 4, 9, 0), hanoi(2026, 5, 14, 9, 0)), // due before now, after 12/05
			open("D-TOMORROW", hanoi(2026, 5, 6, 9, 0), hanoi(2026, 5, 16, 9, 0)),  // due after now
			open("D-LATER", hanoi(2026, 5, 7, 9, 0), hanoi(2026, 6, 20, 9, 0)),     // due after now
			open("D-2025", hanoi(2025, 12, 20, 9, 0), hanoi(2026, 1, 10, 9, 0)),    // open since last year
		}
		if _, err := f.ImportDossiers(sys, "SVHTT", rows); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name                string
			from, to            time.Time
			inProgress, overdue int
			measuredAt          time.Time
		}{
			{"quarter ending in the future: measured now", hanoi(2026, 4, 1, 0, 0), hanoi(2026, 7, 1, 0, 0), 2, 3, now},
			{"year ending in the future", hanoi(2026, 1, 1, 0, 0), hanoi(2027, 1, 1, 0, 0), 2, 3, now},
			{"period ended 13/05: measured at its end", hanoi(2026, 5, 1, 0, 0), hanoi(2026, 5, 13, 0, 0), 3, 2, hanoi(2026, 5, 13, 0, 0)},
			{"2025 ended: open dossiers due in 2026 are in progress", hanoi(2025, 1, 1, 0, 0), hanoi(2026, 1, 1, 0, 0), 1, 0, hanoi(2026, 1, 1, 0, 0)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				reps, err := f.OnTime(sys, "SVHTT", tc.from, tc.to, "")
				if err != nil {
					t.Fatal(err)
				}
				r := reps[""]
				if r.InProgress != tc.inProgress || r.Overdue != tc.overdue || !r.MeasuredAt.Equal(tc.measuredAt) {
					t.Fatalf("in progress %d, overdue %d, measured at %v; want %d, %d, %v", r.InProgress, r.Overdue, r.MeasuredAt, tc.inProgress, tc.overdue, tc.measuredAt)
				}
			})
		}
		// The dossier list's overdue filter agrees with the report of the
		// current period.
		yes := true
		agency := "SVHTT"
		if _, n, err := f.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency, Overdue: &yes}); err != nil || n != 3 {
			t.Fatalf("overdue filter: %d %v", n, err)
		}
		// The review pack of this year counts the same.
		rv := &qms.ManagementReview{AgencyCode: agency, Title: "Xem xét 2026", HeldOn: hanoi(2026, 5, 15, 0, 0)}
		if err := f.CreateReview(sys, rv); err != nil {
			t.Fatal(err)
		}
		if p := rv.Pack.OnTime; p.InProgress != 2 || p.Overdue != 3 || !p.MeasuredAt.Equal(now) {
			t.Fatalf("review pack: in progress %d, overdue %d, measured at %v", p.InProgress, p.Overdue, p.MeasuredAt)
		}
	})
}
