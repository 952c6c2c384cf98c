package demo_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/sqlite"
)

// start is the generation time of the tests: 18 months back reaches into
// December 2024, so codes of three years are given.
var start = time.Date(2026, 6, 30, 3, 0, 0, 0, time.UTC)

func openDB(t *testing.T) (*sqlite.DB, *demo.Clock) {
	t.Helper()
	ctx := context.Background()
	clk := demo.NewClock(start)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	return db, clk
}

// TestGenerateSmall builds a reduced data set and checks it is consistent:
// the audit chain verifies, the report has finished dossiers, most TTHC
// are under control, and late returns carry an apology.
func TestGenerateSmall(t *testing.T) {
	ctx := context.Background()
	db, clk := openDB(t)
	sc := demo.Small
	sc.Dossiers, sc.TTHC = 200, 10
	calls := 0
	sum, err := demo.Generate(ctx, db, clk, sc, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil || n < 200 {
		t.Fatalf("audit chain: %d %v", n, err)
	}
	reps, _ := db.OnTime(ctx, "SVHTT", clk.Now().AddDate(0, -7, 0), clk.Now(), "")
	r := reps[""]
	if r.Received != 200 || r.Completed < 150 || r.TimelyRate < 50 || calls == 0 {
		t.Fatalf("report %+v (progress calls %d)", r, calls)
	}
	if c := sum.Total; r.Early != c.Early || r.OnTime != c.OnTime || r.Late != c.Late || r.Overdue != c.Overdue {
		t.Fatalf("report %+v, generated %+v", r, c)
	}
	cs, _ := db.ControlStatuses(ctx, "SVHTT")
	controlled := 0
	for _, c := range cs {
		if c.Status == qms.Controlled {
			controlled++
		}
	}
	if controlled != 8 {
		t.Fatalf("%d of %d TTHC controlled, want 8", controlled, len(cs))
	}
	res, err := db.RunChecks(qms.WithActor(ctx, qms.SystemActor("test")), qms.CheckScope{Rule: qms.RuleLateWithoutApology})
	// Only dossiers still open past their date lack the slip; every late
	// return was preceded by one.
	if err != nil || res.Open > r.Overdue {
		t.Fatalf("late without apology: %+v (overdue open %d) %v", res, r.Overdue, err)
	}
}

// provinceShape is the province scale cut down: same bulk path, batches
// small enough that each agency takes several.
func provinceShape() demo.Scale {
	sc := demo.Province
	sc.Agencies, sc.TTHC, sc.Dossiers, sc.Batch = 2, 10, 300, 128
	return sc
}

// TestGenerateProvinceShape checks the data set the bulk path writes
// against what the rest of the system relies on.
func TestGenerateProvinceShape(t *testing.T) {
	ctx := context.Background()
	db, clk := openDB(t)
	sc := provinceShape()
	last := 0
	sum, err := demo.Generate(ctx, db, clk, sc, func(done, total int) {
		if done <= last || total != 600 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != 600 || sum.Total.Dossiers != 600 || len(sum.Agencies) != 2 || sum.Users != 200 {
		t.Fatalf("progress %d, summary %+v", last, sum)
	}
	if n, err := db.VerifyAuditChain(ctx); err != nil {
		t.Fatalf("audit chain after %d entries: %v", n, err)
	}
	// Three batches (128 + 128 + 44) per agency, one entry each.
	if _, n, _ := db.FindAuditEntries(ctx, qms.AuditFilter{Action: ptr("dossier.generate")}); n != 6 {
		t.Errorf("%d dossier.generate entries, want 6", n)
	}
	if sum.Total.Open == 0 || sum.Total.Late == 0 || sum.Total.Open > 60 || sum.Total.Late > 120 {
		t.Errorf("open %d and late %d of 600: want some of each, not most", sum.Total.Open, sum.Total.Late)
	}
	for _, code := range sum.Agencies {
		t.Run(code, func(t *testing.T) {
			checkAgency(t, db, code, sc, sum.ByAgency[code])
		})
	}
	checkCompliance(t, db, sum)
}

// checkCompliance: the compliance scan finds in the data set only what a
// real agency's backlog gives (overdue dossiers and steps), never a
// broken rule of the records themselves: each record is on the form
// version in force at its time, procedures are in their review period.
func checkCompliance(t *testing.T, db *sqlite.DB, sum *demo.Summary) {
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if _, err := db.RunChecks(ctx, qms.CheckScope{}); err != nil {
		t.Fatal(err)
	}
	open := true
	fs, err := db.FindFindings(ctx, qms.FindingFilter{Open: &open})
	if err != nil {
		t.Fatal(err)
	}
	byRule := map[string]int{}
	for _, f := range fs {
		byRule[f.Rule]++
	}
	for _, rule := range []string{qms.RuleRecordWrongVersion, qms.RuleStepMissingRecord, qms.RuleReviewOverdue, qms.RuleFormNotEffective,
		qms.RuleFlowchartOverLimit, qms.RuleAuditChainBroken} {
		if byRule[rule] != 0 {
			t.Errorf("%d findings of %s in a consistent data set", byRule[rule], rule)
		}
	}
	if byRule[qms.RuleDossierOverdue] != sum.Total.Overdue || byRule[qms.RuleTTHCNotControlled] != sum.TTHC-sum.Procedures {
		t.Errorf("findings %v; generated %d overdue dossiers, %d TTHC without a procedure", byRule, sum.Total.Overdue, sum.TTHC-sum.Procedures)
	}
}

// checkAgency: every dossier has its step log from the receipt to where
// it stands; the open steps, the report and the users match what was
// generated; the next receipt gets a fresh code.
func checkAgency(t *testing.T, db *sqlite.DB, code string, sc demo.Scale, want *demo.Counts) {
	ctx := context.Background()
	var ds []*qms.Dossier
	for off := 0; ; off += 500 {
		page, total, err := db.FindDossiers(ctx, qms.DossierFilter{AgencyCode: &code, Limit: 500, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, page...)
		if len(ds) >= total {
			break
		}
	}
	if len(ds) != sc.Dossiers || want.Dossiers != sc.Dossiers {
		t.Fatalf("%d dossiers, summary %d, want %d", len(ds), want.Dossiers, sc.Dossiers)
	}
	open, steps, lastSeq := 0, 0, 0
	for _, d := range ds {
		recs, err := db.StepRecords(ctx, d.ID)
		if err != nil || len(recs) < 1 || recs[0].StepID != "tiep-nhan" {
			t.Fatalf("%s: step log %v %v", d.Code, recs, err)
		}
		steps += len(recs)
		end := recs[len(recs)-1].StepID == "tra"
		switch {
		case d.Status.Finished() && (!end || d.ReturnedAt == nil || d.Result != qms.Classify(*d.ReturnedAt, d.DueAt)):
			t.Errorf("%s finished (%s) but log ends at %s", d.Code, d.Result, recs[len(recs)-1].StepID)
		case !d.Status.Finished() && (end || len(d.Flow.Open) == 0):
			t.Errorf("%s open but log ends at %s, open %v", d.Code, recs[len(recs)-1].StepID, d.Flow.Open)
		case d.Result == qms.Late && d.NewAppointment == nil:
			t.Errorf("%s returned late without an apology", d.Code)
		}
		if !d.Status.Finished() {
			open += len(d.Flow.Open)
		}
		for _, r := range recs {
			if r.StepID == "tham-dinh" && (r.FormCode != "Mẫu số 05" || r.FormVersion != 1 || r.Entry["ma_ho_so"] != d.Code) {
				t.Errorf("%s: review recorded on %q v%d, entry %v", d.Code, r.FormCode, r.FormVersion, r.Entry)
			}
		}
		if y, n, ok := qms.ParseDossierCode(code, d.Code); !ok {
			t.Errorf("code %s not of the agency's shape", d.Code)
		} else if y == 2026 {
			lastSeq = max(lastSeq, n)
		}
	}
	if steps != want.Steps || open != want.OpenSteps {
		t.Errorf("%d step records and %d open steps, generated %d and %d", steps, open, want.Steps, want.OpenSteps)
	}
	tasks, _ := db.Tasks(ctx, code, qms.Roles)
	staffTasks, _ := db.Tasks(ctx, code, []qms.Role{qms.RoleStaff})
	if len(tasks) != open || len(staffTasks) == 0 {
		t.Errorf("%d tasks (%d for staff), want %d open steps", len(tasks), len(staffTasks), open)
	}
	reps, err := db.OnTime(ctx, code, start.AddDate(0, -sc.Months-1, 0), start, "")
	if r := reps[""]; err != nil || r.Received != want.Dossiers || r.Early != want.Early || r.OnTime != want.OnTime || r.Late != want.Late ||
		r.Completed != want.Early+want.OnTime+want.Late || r.Overdue != want.Overdue || r.InProgress+r.Overdue != want.Open {
		t.Errorf("report %+v, generated %+v (%v)", r, want, err)
	}
	users, _ := db.FindUsers(ctx, qms.UserFilter{Within: &code})
	roles := map[qms.Role]int{}
	for _, u := range users {
		roles[u.Memberships[0].Role]++
	}
	if !reflect.DeepEqual(roles, sc.Users) {
		t.Errorf("users by role %v, want %v", roles, sc.Users)
	}
	staff, err := db.Authenticate(ctx, strings.ToLower(code)+".staff1", demo.Password, "")
	if err != nil {
		t.Fatalf("staff login with the demo password: %v", err)
	}
	d := &qms.Dossier{AgencyCode: code, TTHCCode: ds[0].TTHCCode, Applicant: qms.Applicant{Name: "Hoàng Nam"}, Channel: qms.ChannelCounter}
	as := qms.WithActor(ctx, qms.Actor{UserID: staff.ID, Username: staff.Username, AgencyCode: code})
	if err := db.ReceiveDossier(as, d); err != nil || d.Code != qms.DossierCode(code, 2026, lastSeq+1) {
		t.Errorf("receipt after the load: %q %v, want number %d", d.Code, err, lastSeq+1)
	}
}

// TestGenerateIsDeterministic: the same scale gives the same data set.
func TestGenerateIsDeterministic(t *testing.T) {
	sc := provinceShape()
	sc.Agencies = 1
	var sums []*demo.Summary
	for range 2 {
		db, clk := openDB(t)
		sum, err := demo.Generate(context.Background(), db, clk, sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	if !reflect.DeepEqual(sums[0], sums[1]) {
		t.Fatalf("two runs differ:\n%+v\n%+v", sums[0].Total, sums[1].Total)
	}
}

func ptr[T any](v T) *T { return &v }

// TestProduct17DemoShowsEveryPart checks that the small demo has
// something on every page: a subordinate unit audited by the agency,
// audits reported and planned, nonconformities at each stage, objectives,
// feedback at each stage, findings and a management review reading them.
func TestProduct17DemoShowsEveryPart(t *testing.T) {
	db, clk, sys := smallDemo(t, 100, 10)
	unit, err := db.FindAgencyByCode(sys, "SVHTTVP")
	if err != nil || unit.ParentCode != "SVHTT" {
		t.Fatalf("subordinate unit: %+v %v", unit, err)
	}
	plans, _ := db.FindPlans(sys, "SVHTT")
	ncs, _ := db.FindNCs(sys, "SVHTT")
	objs, _ := db.Statuses(sys, "SVHTT", clk.Now().In(qms.Zone).Year())
	fbs, _ := db.FindFeedbacks(sys, qms.FeedbackFilter{AgencyCode: "SVHTT"})
	reviews, _ := db.FindReviews(sys, "SVHTT")
	findings, _ := db.FindFindings(sys, qms.FindingFilter{AgencyCode: ptr("SVHTT")})
	got := map[string]int{}
	for _, p := range plans {
		got["plan "+p.Status]++
	}
	for _, n := range ncs {
		stage := n.Status
		if n.Verdict != "" {
			stage += "+" + n.Verdict
		}
		got["nc "+stage]++
	}
	for _, f := range fbs {
		got["feedback "+f.Status]++
	}
	want := map[string]int{"plan planned": 1, "plan reported": 1,
		"nc open": 2, "nc in_progress": 1, "nc in_progress+effective": 1, "nc closed+effective": 1,
		"feedback received": 1, "feedback assigned": 1, "feedback published": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("showcase records %v, want %v", got, want)
	}
	waiting, _ := db.FindVersionsByStatus(sys, "SVHTT", qms.StatusSubmitted)
	if len(waiting) != 1 {
		t.Errorf("%d versions awaiting approval, want 1", len(waiting))
	}
	if len(objs) != 2 || len(findings) == 0 {
		t.Errorf("%d objectives, %d findings", len(objs), len(findings))
	}
	if len(reviews) != 1 {
		t.Fatalf("%d management reviews", len(reviews))
	}
	r, _ := db.FindReview(sys, "SVHTT", reviews[0].ID)
	if len(r.Decisions) != 2 || r.Minutes == "" || r.Pack.AuditsDone != 1 || r.Pack.NCByStatus[qms.NCClosed] != 1 || len(r.Pack.Objectives) != 2 {
		t.Errorf("review %+v", r)
	}
}

// TestOnTimeReturnedAgreesWithOnTime: the report page's charts read one
// grouped query each; for every month of six months of demo dossiers the
// figures are those of the on-time report of that month alone (months in
// Vietnam's time), and by field those of the report by field.
func TestOnTimeReturnedAgreesWithOnTime(t *testing.T) {
	ctx := context.Background()
	db, clk := openDB(t)
	sc := demo.Small
	sc.Dossiers, sc.TTHC, sc.Showcase = 300, 10, false
	if _, err := demo.Generate(ctx, db, clk, sc, nil); err != nil {
		t.Fatal(err)
	}
	now := clk.Now().In(qms.Zone)
	first := time.Date(now.Year(), now.Month()-6, 1, 0, 0, 0, 0, qms.Zone)
	last := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, qms.Zone)
	byMonth, err := db.OnTimeReturned(ctx, "SVHTT", first, last, "month")
	if err != nil {
		t.Fatal(err)
	}
	// By field, over the whole span, as the full report by field.
	byField, err := db.OnTimeReturned(ctx, "SVHTT", first, last, "field")
	if err != nil {
		t.Fatal(err)
	}
	full, err := db.OnTime(ctx, "SVHTT", first, last, "field")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range full {
		got := byField[k]
		if want.Completed == 0 && got == nil {
			continue
		}
		if got == nil || got.Completed != want.Completed || got.Late != want.Late || got.TimelyRate != want.TimelyRate {
			t.Errorf("field %q: returned %+v, report %+v", k, got, *want)
		}
	}
	completed := 0
	for m := first; m.Before(last); m = m.AddDate(0, 1, 0) {
		reps, err := db.OnTime(ctx, "SVHTT", m, m.AddDate(0, 1, 0), "")
		if err != nil {
			t.Fatal(err)
		}
		want, got := reps[""], byMonth[m.Format("2006-01")]
		if got == nil {
			got = &qms.OnTimeReport{}
		}
		if got.Completed != want.Completed || got.Early != want.Early || got.OnTime != want.OnTime || got.Late != want.Late || got.TimelyRate != want.TimelyRate {
			t.Errorf("%s: by month %+v, report %+v", m.Format("01/2006"), *got, *want)
		}
		completed += got.Completed
	}
	if completed < 200 {
		t.Fatalf("only %d dossiers completed over the months: the test compares nothing", completed)
	}
}

// smallDemo generates the small demo (its showcase agency SVHTT included)
// with the given numbers of dossiers and TTHC into a fresh database, and
// returns it with its clock and a system actor's context.
func smallDemo(t *testing.T, dossiers, tthc int) (*sqlite.DB, *demo.Clock, context.Context) {
	t.Helper()
	db, clk := openDB(t)
	sc := demo.Small
	sc.Dossiers, sc.TTHC = dossiers, tthc
	if _, err := demo.Generate(context.Background(), db, clk, sc, nil); err != nil {
		t.Fatal(err)
	}
	return db, clk, qms.WithActor(context.Background(), qms.SystemActor("test"))
}
