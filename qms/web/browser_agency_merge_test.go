package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"isodt/qms"
)

// TestAgencyMerge1BrowserTwoIntoOne: two agencies with dossiers in
// progress and dossiers closed in a past period are merged into a new
// one through the admin pages, in a real browser: the preview shows what
// will move, the merge loses no dossier, the open ones keep their codes
// and due dates, a step is completed on a moved dossier (on its own form,
// renamed in the successor), and the on-time report stays continuous: the
// predecessors' past figures are still there, read under the successor.
func TestAgencyMerge1BrowserTwoIntoOne(t *testing.T) {
	a := newApp(t)
	for _, ag := range []string{"A", "B"} {
		a.effectiveProcedureOf(ag)
	}
	a.formOnCheckIn("A", checkFormSchema)
	a.formOnCheckIn("B", checkFormSchemaB)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	root := &qms.User{Username: "quan-tri-he-thong", FullName: "Nguyễn Quản Trị", Memberships: []qms.Membership{{AgencyCode: qms.SystemAgencyCode, Role: qms.RoleAdmin}}}
	if err := a.db.CreateUser(sys, root, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	if err := a.srv.Authz.Reload(); err != nil {
		t.Fatal(err)
	}
	as := func(agency, role string) context.Context {
		u := a.users[strings.ToLower(agency)+"-"+role]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
	}
	entries := map[string]map[string]any{"A": {"ket_luan": "Đạt"}, "B": {"y_kien_b": "Đủ điều kiện"}}
	receive := func(agency, applicant string) *qms.Dossier {
		d := &qms.Dossier{AgencyCode: agency, TTHCCode: "1.000001", Applicant: qms.Applicant{Name: applicant}, Channel: qms.ChannelCounter}
		if err := a.db.ReceiveDossier(as(agency, "staff"), d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	closeDossier := func(agency string, d *qms.Dossier) {
		for _, st := range []struct {
			role string
			in   qms.CompleteStep
		}{
			{"staff", qms.CompleteStep{StepID: "check", Entry: entries[agency], FormVersion: 1}},
			{"staff", qms.CompleteStep{StepID: "ok", Exit: "Đạt"}},
			{"leader", qms.CompleteStep{StepID: "sign"}},
			{"staff", qms.CompleteStep{StepID: "e"}},
		} {
			if _, err := a.db.CompleteStep(as(agency, st.role), agency, d.Code, st.in); err != nil {
				t.Fatalf("%s %s: %v", d.Code, st.in.StepID, err)
			}
		}
	}
	// The past period: one day, in which each agency closed one dossier
	// and received the ones still open.
	day := a.clock.Now().In(qms.Zone)
	dayFrom := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, qms.Zone)
	period := dayFrom.Format("02/01/2006")
	closeDossier("A", receive("A", "Lê Văn Cường"))
	closeDossier("B", receive("B", "Phạm Thị Dung"))
	open := []*qms.Dossier{receive("A", "Nguyễn Văn An"), receive("A", "Hoàng Văn Em"), receive("B", "Trần Thị Bình")}
	before := map[string]*qms.OnTimeReport{}
	for _, ag := range []string{"A", "B"} {
		r, err := a.db.OnTime(sys, ag, dayFrom, dayFrom.AddDate(0, 0, 1), "")
		if err != nil {
			t.Fatal(err)
		}
		before[ag] = r[""]
	}
	if before["A"].Received != 3 || before["A"].Completed != 1 || before["B"].Received != 2 || before["B"].Completed != 1 {
		t.Fatalf("figures before: A %+v, B %+v", before["A"], before["B"])
	}
	dossiers := func(agencies ...string) int {
		n := 0
		for _, ag := range agencies {
			code := ag
			ds, _, err := a.db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &code})
			if err != nil {
				t.Fatal(err)
			}
			n += len(ds)
		}
		return n
	}
	total := dossiers("A", "B")
	a.clock.Add(40 * 24 * time.Hour) // the merge comes in a later period

	ctx, base := browser(t, a)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := browserLogin(ctx, base, root.Username); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin/agencies"),
		chromedp.WaitVisible(id("agency-merge-link")),
		chromedp.Click(id("agency-merge-link")),
		chromedp.WaitVisible(id("merge-form")),
		chromedp.Click(id("from-A")),
		chromedp.Click(id("from-B")),
		chromedp.SendKeys(id("merge-new-code"), "AB"),
		chromedp.SendKeys(id("merge-name"), "Sở Văn hóa, Thể thao và Du lịch"),
		chromedp.Click(id("merge-preview")),
		chromedp.WaitVisible(id("merge-report")),
	)
	if err != nil {
		t.Fatal(err)
	}
	moving, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-table="dossiers"]').children[1].textContent + '/' + document.querySelector('tr[data-table="dossiers"]').children[2].textContent`))
	if err != nil || moving != "3/2" {
		t.Fatalf("the preview moves %q dossiers (moved/stayed), want 3/2: %v", moving, err)
	}
	if _, err := a.db.FindAgencyByCode(sys, "AB"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("the preview wrote the successor: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(id("merge-run")),
		chromedp.WaitVisible(id("agency-status")),
	)
	if err != nil {
		t.Fatal(err)
	}
	flash, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
	if err != nil || !strings.Contains(flash, "Đã sáp nhập") {
		t.Fatalf("after the merge: %q %v", flash, err)
	}

	// Nothing lost; the open dossiers in AB with their codes and clocks.
	if got := dossiers("A", "B", "AB"); got != total || dossiers("AB") != len(open) {
		t.Fatalf("%d dossiers after the merge (%d in AB), %d before", got, dossiers("AB"), total)
	}
	for _, d := range open {
		got, err := a.db.FindDossier(sys, "AB", d.Code)
		if err != nil || !got.DueAt.Equal(d.DueAt) || got.VersionNumber != d.VersionNumber {
			t.Fatalf("%s in AB: %+v %v", d.Code, got, err)
		}
	}

	// B's staff, now in AB, completes the check step of B's dossier on
	// B's form.
	moved := open[2]
	err = chromedp.Do(ctx,
		chromedp.Click(id("logout")),
		chromedp.WaitVisible(id("username")),
	)
	if err == nil {
		err = browserLogin(ctx, base, "b-staff")
	}
	if err == nil {
		err = chromedp.Do(ctx,
			chromedp.Navigate(base+"/dossiers/"+moved.Code),
			chromedp.WaitVisible(id("complete-check")),
			chromedp.SendKeys(id("f-y_kien_b"), "Đủ điều kiện cấp phép"),
			chromedp.Click(id("complete-check")),
			chromedp.WaitVisible(id("complete-ok")),
		)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, _ := a.db.FindDossier(sys, "AB", moved.Code)
	steps, _ := a.db.StepRecords(sys, got.ID)
	if last := steps[len(steps)-1]; last.StepID != "check" || last.FormCode != "BM-QT01-01-B" || !got.DueAt.Equal(moved.DueAt) {
		t.Fatalf("step on the moved dossier: %+v, due %v (was %v)", last, got.DueAt, moved.DueAt)
	}

	// The report of the past period: the predecessors' figures read under
	// the successor, unchanged; the successor counts the dossiers that
	// moved; each dossier received is counted once.
	if err := chromedp.Do(ctx, chromedp.Click(id("logout")), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatal(err)
	}
	if err := browserLogin(ctx, base, "a-leader"); err != nil {
		t.Fatal(err)
	}
	figures := func(agency string) (received, completed string) {
		t.Helper()
		wait := chromedp.WaitVisible(chromedp.CSS("tr.total"))
		if agency != "" {
			wait = chromedp.WaitVisible(id("report-of-agency"))
		}
		err := chromedp.Do(ctx, chromedp.Navigate(base+"/reports/ontime?from="+period+"&to="+period+"&agency="+agency), wait)
		if err != nil {
			t.Fatalf("report of %q: %v", agency, err)
		}
		cells, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () { var c = document.querySelector('tr.total').children; return c[1].textContent + '/' + c[3].textContent; })()`))
		if err != nil {
			t.Fatal(err)
		}
		received, completed, _ = strings.Cut(cells, "/")
		return received, completed
	}
	recvA, doneA := figures("A")
	recvB, doneB := figures("B")
	recvAB, doneAB := figures("")
	if doneA != "1" || doneB != "1" || doneAB != "0" || recvA != "1" || recvB != "1" || recvAB != "3" {
		t.Fatalf("report of %s: A %s/%s, B %s/%s, AB %s/%s (received/completed); before A %d/%d, B %d/%d", period,
			recvA, doneA, recvB, doneB, recvAB, doneAB, before["A"].Received, before["A"].Completed, before["B"].Received, before["B"].Completed)
	}
}
