package web_test

import (
	"context"
	"fmt"

	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/net/html"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestProduct13NumbersVietnamese: 10,497 dossiers, 45 of them late, show
// as "10.497" and "99,57 %" (a no-break space) in Vietnamese (and "10,497", "99.57%" in
// English) on the report, the dossier list and the public page, never
// as 10497 or 99.57 in Vietnamese.
func TestProduct13NumbersVietnamese(t *testing.T) {
	a := newApp(t)
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	if _, _, err := a.db.ImportTTHC(officer, "A", []qms.TTHC{{Code: "1.000001", Name: "Cấp phép", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	now := a.clock.Now()
	received := now.Add(-72 * time.Hour)
	rows := make([]sqlite.DossierImport, 10497)
	for i := range rows {
		done := received.Add(time.Hour)
		if i < 45 {
			done = now.Add(-time.Hour) // after the due time
		}
		// Codes of letters only, so that no figure hides in them.
		rows[i] = sqlite.DossierImport{Code: fmt.Sprintf("H-%c%c%c", 'A'+i/676, 'A'+i/26%26, 'A'+i%26), TTHCCode: "1.000001", ReceivedAt: received, DueAt: received.Add(24 * time.Hour),
			CompletedAt: &done, Status: qms.DossierCompleted}
	}
	if _, err := a.db.ImportDossiers(officer, "A", rows); err != nil {
		t.Fatal(err)
	}
	day := func(t time.Time) string { return t.In(qms.Zone).Format("02/01/2006") }
	report := "/reports/ontime?from=" + day(received.AddDate(0, 0, -1)) + "&to=" + day(now)
	s := a.login("a-leader")
	cases := []struct {
		lang, path string
		want       []string
	}{
		{"vi", report, []string{"10.497", "99,57\u00a0%", "10.452"}},
		{"vi", report + "&group_by=field", []string{"10.497", "99,57\u00a0%"}},
		{"en", report, []string{"10,497", "99.57%"}},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", c.path, nil)
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: c.lang})
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		resp := a.send(req)
		body := bodyOf(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
		}
		text := strings.Join(uiTexts(parsePage(t, body).root), " ")
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("GET %s (%s) lacks %q", c.path, c.lang, w)
			}
		}
		if c.lang == "vi" {
			for _, bad := range []string{"10497", "99.57", "10452"} {
				if strings.Contains(text, bad) {
					t.Errorf("GET %s shows %q, not the Vietnamese way", c.path, bad)
				}
			}
		}
	}
}

var titleOf = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

// TestProduct13PageTitles: every page's <title> names the page (its
// heading, then the product), and no two different pages share one.
func TestProduct13PageTitles(t *testing.T) {
	a := newAppNamed(t, "Agency ", "User ")
	paths := a.seedASCII()
	all := a.allRoles()
	app := "ISO điện tử"
	seen := map[string]string{} // title → page
	a.everyPage(paths, all, "vi", func(target, body string) {
		m := titleOf.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("GET %s: no <title>", target)
			return
		}
		title := html.UnescapeString(strings.TrimSpace(m[1]))
		h1 := find(parsePage(t, body).root, func(n *html.Node) bool { return n.Data == "h1" })
		heading := ""
		if len(h1) > 0 {
			heading = attr(h1[0], "data-title")
			if heading == "" {
				heading = strings.Join(strings.Fields(textOf(h1[0])), " ")
			}
		}
		switch {
		case title == "" || title == app:
			t.Errorf("GET %s: title %q does not name the page", target, title)
		case !strings.HasPrefix(title, heading):
			t.Errorf("GET %s: title %q is not its heading %q", target, title, heading)
		}
		if target == "/audit" {
			return // an alias of /audit-log
		}
		if other, ok := seen[title]; ok {
			t.Errorf("GET %s and GET %s share the title %q", other, target, title)
		}
		seen[title] = target
	})
}

// TestProduct13Contrast computes the WCAG 2.1 contrast ratio of every rule
// of app.css that sets a text colour: against the rule's own background,
// or its parent selector's, or the page's (white and --bg) when it sets
// none. Each pair must reach 4.5:1 (AA for normal text).
func TestProduct13Contrast(t *testing.T) {
	b, err := os.ReadFile("../../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	css := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(b), "")
	css = regexp.MustCompile(`(?s)@media print \{.*?\}\s*\}`).ReplaceAllString(css, "") // paper is white, ink black
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})`).FindAllStringSubmatch(css, -1) {
		vars[m[1]] = m[2]
	}
	resolve := func(v string) string {
		v = strings.TrimSpace(v)
		if m := regexp.MustCompile(`^var\(--([a-z-]+)\)$`).FindStringSubmatch(v); m != nil {
			return vars[m[1]]
		}
		if v == "#fff" {
			return "#ffffff"
		}
		if strings.HasPrefix(v, "#") {
			return v
		}
		return "" // inherit, transparent, currentColor: not a pair
	}
	type rule struct{ fg, bg string }
	rules := map[string]rule{}
	var order []string
	for _, m := range regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`).FindAllStringSubmatch(css, -1) {
		var r rule
		for _, decl := range strings.Split(m[2], ";") {
			k, v, _ := strings.Cut(decl, ":")
			switch strings.TrimSpace(k) {
			case "color":
				r.fg = resolve(v)
			case "background", "background-color":
				r.bg = resolve(v)
			}
		}
		for _, sel := range strings.Split(m[1], ",") {
			sel = strings.TrimSpace(sel)
			old := rules[sel]
			if r.fg != "" {
				old.fg = r.fg
			}
			if r.bg != "" {
				old.bg = r.bg
			}
			if _, ok := rules[sel]; !ok {
				order = append(order, sel)
			}
			rules[sel] = old
		}
	}
	if len(vars) < 10 {
		t.Fatalf("only %d colour tokens in app.css", len(vars))
	}
	pairs := 0
	for _, sel := range order {
		r := rules[sel]
		if r.fg == "" {
			continue
		}
		bgs := []string{r.bg}
		if r.bg == "" {
			// The background of the selector without its last part
			// (".topbar a" → ".topbar"), else the page's.
			bgs = []string{"#ffffff", vars["bg"]}
			if i := strings.LastIndexAny(sel, " >"); i > 0 {
				if p := rules[strings.TrimSpace(sel[:i])]; p.bg != "" {
					bgs = []string{p.bg}
				}
			}
		}
		for _, bg := range bgs {
			pairs++
			if c := contrast(r.fg, bg); c < 4.5 {
				t.Errorf("%s: %s on %s has contrast %.2f:1, under 4.5:1", sel, r.fg, bg, c)
			}
		}
	}
	if pairs < 20 {
		t.Errorf("only %d colour pairs checked", pairs)
	}
	for _, badge := range []string{".badge-effective", ".badge-late", ".badge-open", ".badge-submitted", ".badge-superseded", ".badge-critical", ".badge-conform"} {
		if r, ok := rules[badge]; !ok || r.fg == "" || r.bg == "" {
			t.Errorf("%s: no colour pair", badge)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two #rrggbb (or #rgb) colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// TestProduct13BrowserFocusVisible: moving through the login page with the
// Tab key, the focused link and the focused button each show a visible
// focus ring (a computed outline of 2px or more).
func TestProduct13BrowserFocusVisible(t *testing.T) {
	a := newApp(t)
	ctx, base := browser(t, a)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatal(err)
	}
	focused := `(() => { const e = document.activeElement, s = getComputedStyle(e);
		return e.tagName + "|" + s.outlineStyle + "|" + s.outlineWidth + "|" + s.boxShadow; })()`
	found := map[string]bool{}
	for i := 0; i < 12 && !(found["A"] && found["BUTTON"]); i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](focused))
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(got, "|")
		tag := parts[0]
		if tag != "A" && tag != "BUTTON" {
			continue
		}
		found[tag] = true
		width, _ := strconv.ParseFloat(strings.TrimSuffix(parts[2], "px"), 64)
		if (parts[1] == "none" || width < 2) && (parts[3] == "none" || parts[3] == "") {
			t.Errorf("focused %s shows no focus ring: %s", tag, got)
		}
	}
	if !found["A"] || !found["BUTTON"] {
		t.Errorf("Tab reached links %v and buttons %v", found["A"], found["BUTTON"])
	}
}

// TestProduct13EmptyStates: a list with nothing in it says so and names
// the next action, a link where the viewer may take it.
func TestProduct13EmptyStates(t *testing.T) {
	a := newApp(t)
	cases := []struct{ user, path, link string }{
		{"a-staff", "/dossiers", "/dossiers/new"},
		{"a-staff", "/tasks", "/dossiers"},
		{"a-quality-officer", "/procedures", "/procedures/new"},
		{"a-quality-officer", "/nonconformities", "/compliance"},
		{"a-auditor", "/audit-log?action=nc.close", "/audit-log"},
		{"a-auditor", "/audits", ""},
		{"a-leader", "/objectives", ""},
		{"a-leader", "/reviews", ""},
		{"a-quality-officer", "/compliance", ""},
		{"a-leader", "/feedback", ""},
	}
	for _, c := range cases {
		s := a.login(c.user)
		d := parsePage(t, bodyOf(t, a.do("GET", c.path, &s, nil)))
		empty := find(d.root, func(n *html.Node) bool { return strings.Contains(" "+attr(n, "class")+" ", " empty ") })
		if len(empty) != 1 {
			t.Errorf("GET %s as %s: %d empty states", c.path, c.user, len(empty))
			continue
		}
		if text := textOf(empty[0]); len(strings.Fields(text)) < 8 {
			t.Errorf("GET %s: the empty state %q does not say what to do", c.path, text)
		}
		if c.link != "" && !slices.Contains(hrefs(empty[0]), c.link) {
			t.Errorf("GET %s: the empty state links %v, not %s", c.path, hrefs(empty[0]), c.link)
		}
	}
}

// TestProduct13ReportCharts: the report draws the on-time rate by month
// and by field, one bar a month of the period and a field, each labelled
// with its rate the Vietnamese way.
func TestProduct13ReportCharts(t *testing.T) {
	a := newApp(t)
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	if _, _, err := a.db.ImportTTHC(officer, "A", []qms.TTHC{{Code: "1.000001", Name: "Cấp phép", Field: "Văn hóa", TimeLimitDays: 5}, {Code: "2.000001", Name: "Đăng ký", Field: "Xây dựng", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	// March: 1 of 2 on time (Văn hóa); April: 3 of 3 (Xây dựng).
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, qms.Zone) }
	var rows []sqlite.DossierImport
	add := func(code, tthc string, recv time.Time, late bool) {
		done := recv.Add(time.Hour)
		if late {
			done = recv.Add(10 * 24 * time.Hour)
		}
		rows = append(rows, sqlite.DossierImport{Code: code, TTHCCode: tthc, ReceivedAt: recv, DueAt: recv.Add(48 * time.Hour), CompletedAt: &done, Status: qms.DossierCompleted})
	}
	add("M-A", "1.000001", at(time.March, 2), false)
	add("M-B", "1.000001", at(time.March, 3), true)
	add("A-A", "2.000001", at(time.April, 6), false)
	add("A-B", "2.000001", at(time.April, 7), false)
	add("A-C", "2.000001", at(time.April, 8), false)
	if _, err := a.db.ImportDossiers(officer, "A", rows); err != nil {
		t.Fatal(err)
	}
	s := a.login("a-leader")
	d := parsePage(t, bodyOf(t, a.do("GET", "/reports/ontime?from=01/03/2026&to=30/04/2026", &s, nil)))
	for id, want := range map[string][]string{
		"chart-by-month": {"03/2026", "50,00 % (2)", "04/2026", "100,00 % (3)"},
		"chart-by-field": {"Văn hóa", "50,00 % (2)", "Xây dựng", "100,00 % (3)"},
	} {
		n := d.byID(id)
		if n == nil {
			t.Errorf("no chart #%s", id)
			continue
		}
		if bars := find(n, func(n *html.Node) bool { return n.Data == "rect" }); len(bars) != 2 {
			t.Errorf("#%s: %d bars, want 2", id, len(bars))
		}
		var texts []string
		for _, x := range find(n, func(n *html.Node) bool { return n.Data == "text" }) {
			texts = append(texts, textOf(x))
		}
		if !slices.Equal(texts, want) {
			t.Errorf("#%s: %q, want %q", id, texts, want)
		}
	}
}
