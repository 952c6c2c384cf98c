package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestProduct1BrowserReportOverdue: a leader reads the on-time report of
// a period that ends in the future; its overdue figure counts only the
// dossiers already past their date, the same as the dossier list's
// overdue filter, not every open dossier.
func TestProduct1BrowserReportOverdue(t *testing.T) {
	a := newApp(t)
	now := a.clock.Now()
	day := 24 * time.Hour
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	open := func(code string, received, due time.Duration) sqlite.DossierImport {
		return sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: now.Add(received), DueAt: now.Add(due), Status: qms.DossierInProgress}
	}
	if _, err := a.db.ImportDossiers(sys, "A", []sqlite.DossierImport{
		open("A-DUE-YESTERDAY", -20*day, -day), open("A-DUE-TOMORROW", -20*day, day), open("A-DUE-NEXT-WEEK", -3*day, 7*day),
	}); err != nil {
		t.Fatal(err)
	}
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, "a-leader"); err != nil {
		t.Fatal(err)
	}
	dmy := func(d time.Duration) string { return now.Add(d).In(qms.Zone).Format("02/01/2006") }
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/reports/ontime?from="+dmy(-30*day)+"&to="+dmy(60*day)), chromedp.WaitVisible(chromedp.ID("report-overdue"))); err != nil {
		t.Fatal(err)
	}
	overdue, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("report-overdue")))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dossiers?overdue=1"), chromedp.WaitVisible(chromedp.ID("dossier-total"))); err != nil {
		t.Fatal(err)
	}
	listed, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("dossier-total")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(overdue) != "1" || strings.TrimSpace(listed) != "1" {
		t.Errorf("report says %q overdue, the list's overdue filter %q; want 1 and 1", overdue, listed)
	}
}

// TestProduct3BrowserNCOfAFinding: a quality officer raises a
// nonconformity from a compliance finding in the browser; the findings
// page then links that NC instead of offering a second one, the NC page
// links its source, and closing it as effective while the finding is
// still open asks for a reason next to its field.
func TestProduct3BrowserNCOfAFinding(t *testing.T) {
	a := newApp(t)
	bg := context.Background()
	officer := qms.WithActor(bg, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	if _, _, err := a.db.ImportTTHC(officer, "A", []qms.TTHC{{Code: "1.000009", Name: "Thủ tục chưa có quy trình", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.RunChecks(qms.WithActor(bg, qms.SystemActor("test")), qms.CheckScope{AgencyCode: "A"}); err != nil {
		t.Fatal(err)
	}
	rule, open := qms.RuleTTHCNotControlled, true
	fs, err := a.db.FindFindings(bg, qms.FindingFilter{Rule: &rule, Open: &open})
	if err != nil || len(fs) == 0 {
		t.Fatalf("findings %v %v", fs, err)
	}
	var f *qms.Finding
	for _, x := range fs {
		if x.ObjectID == "1.000009" {
			f = x
		}
	}
	if f == nil {
		t.Fatal("no finding for 1.000009")
	}
	fid := itoa(f.ID)
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, "a-quality-officer"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/compliance"),
		chromedp.Click(chromedp.ID("nc-from-"+fid)),
		chromedp.WaitVisible(chromedp.ID("create-nc")),
		chromedp.SetValue(chromedp.ID("nc-description"), "TTHC 1.000009 chưa có quy trình nội bộ"),
		chromedp.Click(chromedp.ID("create-nc")),
		chromedp.WaitVisible(chromedp.ID("nc-source-link")),
	)
	if err != nil {
		t.Fatal(err)
	}
	ncPage, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	// The findings page now leads to this NC, and offers no second one.
	js := `(() => { const row = document.getElementById("finding-` + fid + `"); if (!row) return "no row";
		if (document.getElementById("nc-from-` + fid + `")) return "offers a new NC";
		const a = [...row.querySelectorAll("a")].find(a => a.href.includes("/nonconformities/")); return a ? a.pathname : "no link"; })()`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/compliance"), chromedp.WaitVisible(chromedp.ID("finding-"+fid))); err != nil {
		t.Fatal(err)
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.SplitN(ncPage, "?", 2)[0], link) {
		t.Fatalf("findings page row: %q, want a link to %s", link, ncPage)
	}
	// Plan, do and verify the NC through the store, then close it in the
	// browser while the finding is still open: a reason is asked for.
	ncs, _ := a.db.FindNCs(bg, "A")
	n := ncs[0]
	if _, err := a.db.UpdateNC(officer, "A", n.ID, n.Description, "Khắc phục", "Chưa rà soát danh mục"); err != nil {
		t.Fatal(err)
	}
	n, err = a.db.AddAction(officer, "A", n.ID, qms.CorrectiveAction{Description: "Ban hành quy trình", Owner: "a-quality-officer", DueOn: a.clock.Now().AddDate(0, 0, 7)})
	if err == nil {
		_, err = a.db.ChangeNC(officer, "A", n.ID, "start", "")
	}
	if err == nil {
		_, err = a.db.CompleteAction(officer, "A", n.ID, n.Actions[0].ID, "Đã ban hành")
	}
	if err == nil {
		_, err = a.db.ChangeNC(qms.WithActor(bg, qms.Actor{UserID: a.users["a-auditor"].ID, Username: "a-auditor", AgencyCode: "A"}), "A", n.ID, "verify", qms.VerdictEffective)
	}
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ncPage),
		chromedp.WaitVisible(chromedp.ID("close-reason")),
		chromedp.Click(chromedp.ID("close-nc")),
		chromedp.WaitVisible(chromedp.ID("error-close_reason")),
	)
	if err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("nc-status"), "data-status"))
	if err != nil || status.Value != qms.NCInProgress {
		t.Errorf("closed without a reason while its finding is open: status %q %v", status.Value, err)
	}
}
