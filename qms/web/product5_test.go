package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms/jobs"
	"isodt/qms/web"
)

// TestProduct5JobsPageOffersOnlyAllowedRuns: "Chạy ngay" shows exactly to
// those whose run the server accepts (Casbin's rule and the system
// agency); an agency admin or auditor sees the schedule without it.
func TestProduct5JobsPageOffersOnlyAllowedRuns(t *testing.T) {
	a := newApp(t)
	for _, user := range []string{"admin", "a-admin", "a-auditor", "b-admin"} {
		t.Run(user, func(t *testing.T) {
			s := a.login(user)
			page := bodyOf(t, a.do("GET", "/admin/jobs", &s, nil))
			offered := strings.Contains(page, `id="run-compliance"`)
			code := a.do("POST", "/admin/jobs/compliance/run", &s, url.Values{}).StatusCode
			allowed := code != http.StatusForbidden
			if offered != allowed {
				t.Fatalf("%s: run button shown %v, but the run answers %d", user, offered, code)
			}
			if user == "admin" && !offered {
				t.Fatal("the system admin is not offered the run")
			}
		})
	}
}

// TestProduct5SchedulesInWords: the jobs page writes each schedule in
// words, in the page's language, with the spec kept as the cell's title;
// a spec without words is shown as written.
func TestProduct5SchedulesInWords(t *testing.T) {
	a := newApp(t)
	sched := jobs.New(jobs.Config{Recorder: a.db, Logger: slog.New(slog.DiscardHandler)})
	noop := func(context.Context) (map[string]int, error) { return nil, nil }
	cases := []struct{ name, spec, vi, en string }{
		{"compliance", "0 6 * * *", "06:00 hằng ngày", "06:00 daily"},
		{"deadlines", "@hourly", "mỗi giờ", "every hour"},
		{"quarter", "15 * * * *", "phút 15 mỗi giờ", "every hour at :15"},
		{"backup", "30 1 * * *", "01:30 hằng đêm", "01:30 nightly"},
		{"weekly", "0 7 * * 1", "07:00 thứ Hai hằng tuần", "07:00 every Monday"},
		{"monthly", "0 8 1 * *", "08:00 ngày 1 hằng tháng", "08:00 on day 1 of every month"},
		{"every", "@every 30m", "mỗi 30 phút", "every 30 minutes"},
		{"odd", "0 6,18 * * 1-5", "0 6,18 * * 1-5", "0 6,18 * * 1-5"},
	}
	for _, c := range cases {
		if err := sched.Add(jobs.Job{Name: c.name, Title: c.name, Spec: c.spec, Run: noop}); err != nil {
			t.Fatal(err)
		}
	}
	deps := a.srv.Deps
	deps.Jobs = sched
	srv := web.New(web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, deps)
	admin := a.login("admin")
	for _, lang := range []string{"vi", "en"} {
		req := httptest.NewRequest("GET", "/admin/jobs", nil)
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: admin.cookie})
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		resp, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		page := bodyOf(t, resp)
		for _, c := range cases {
			want := c.vi
			if lang == "en" {
				want = c.en
			}
			cell := `title="` + c.spec + `" id="schedule-` + c.name + `">` + want + `</td>`
			if !strings.Contains(page, cell) {
				t.Errorf("%s: %s (%s) not shown as %q", lang, c.name, c.spec, want)
			}
		}
		if strings.Contains(page, "<code>0 6 * * *</code>") {
			t.Errorf("%s: the cron spec is still the schedule", lang)
		}
	}
}
