package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestProduct1OverdueMeasuredAtNow: through the API, the report page and
// the management review pack, an open dossier due after now is in
// progress, not overdue, while the period has not ended; a period that
// has ended is measured at its end.
func TestProduct1OverdueMeasuredAtNow(t *testing.T) {
	a := newApp(t)
	now := a.clock.Now()
	day := 24 * time.Hour
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	open := func(code string, received, due time.Duration) sqlite.DossierImport {
		return sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: now.Add(received), DueAt: now.Add(due), Status: qms.DossierInProgress}
	}
	if _, err := a.db.ImportDossiers(sys, "A", []sqlite.DossierImport{
		open("A-DUE-YESTERDAY", -20*day, -day),
		open("A-DUE-TOMORROW", -20*day, day),
		open("A-OLD", -50*day, -5*day),
	}); err != nil {
		t.Fatal(err)
	}
	dmy := func(d time.Duration) string { return now.Add(d).In(qms.Zone).Format("02/01/2006") }
	tok := a.token("a-leader")
	for _, tc := range []struct {
		name                string
		from, to            time.Duration
		inProgress, overdue int
		measuredAt          time.Time
	}{
		{"period ending in the future", -30 * day, 60 * day, 1, 2, now},
		{"period ended ten days ago", -60 * day, -10 * day, 3, 0, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"from": {dmy(tc.from)}, "to": {dmy(tc.to)}}.Encode()
			resp := a.api("GET", "/api/v1/reports/ontime?"+q, tok, "")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			var out struct{ Total qms.OnTimeReport }
			decode(t, resp, &out)
			if out.Total.InProgress != tc.inProgress || out.Total.Overdue != tc.overdue {
				t.Fatalf("in progress %d, overdue %d; want %d, %d", out.Total.InProgress, out.Total.Overdue, tc.inProgress, tc.overdue)
			}
			if !tc.measuredAt.IsZero() && !out.Total.MeasuredAt.Equal(tc.measuredAt) {
				t.Fatalf("measured at %v, want %v", out.Total.MeasuredAt, tc.measuredAt)
			}
		})
	}
	// The page says when the open dossiers were measured.
	leader := a.login("a-leader")
	page := bodyOf(t, a.do("GET", "/reports/ontime?from="+dmy(-30*day)+"&to="+dmy(60*day), &leader, nil))
	if !strings.Contains(page, `<span class="num" id="report-overdue">2</span>Đang quá hạn</div>`) || !strings.Contains(page, "tính tại "+now.In(qms.Zone).Format("02/01/2006 15:04")) {
		t.Fatalf("report page:\n%s", page)
	}
	x, err := excelize.OpenReader(a.do("GET", "/reports/ontime.xlsx?from="+dmy(-30*day)+"&to="+dmy(60*day), &leader, nil).Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("Báo cáo", "A2"); !strings.HasSuffix(v, "tính tại "+now.In(qms.Zone).Format("02/01/2006 15:04")) {
		t.Fatalf("xlsx measured at: %q", v)
	}
	if v, _ := x.GetCellValue("Báo cáo", "I4"); v != "2" {
		t.Fatalf("xlsx overdue: %q", v)
	}
	// The review pack of this year counts the same two.
	resp := a.do("POST", "/reviews", &leader, url.Values{"title": {"Xem xét năm"}, "held_on": {dmy(0)}})
	if resp.StatusCode != 303 {
		t.Fatalf("create review: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	loc := resp.Header.Get("Location")
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/reviews/")
	var rv qms.ManagementReview
	decode(t, a.api("GET", "/api/v1/reviews/"+id, tok, ""), &rv)
	if p := rv.Pack.OnTime; p.InProgress != 1 || p.Overdue != 2 {
		t.Fatalf("review pack: in progress %d, overdue %d", p.InProgress, p.Overdue)
	}
	if page := bodyOf(t, a.do("GET", "/reviews/"+id, &leader, nil)); !strings.Contains(page, "đang quá hạn 2") {
		t.Fatalf("review page:\n%s", page)
	}
}
