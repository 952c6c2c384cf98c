package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Widths the layout must work at: a laptop and a phone.
const (
	desktopWidth, desktopHeight = 1280, 800
	phoneWidth, phoneHeight     = 390, 844
)

// visibleJS is true when the element with the id is rendered and takes
// room: checkVisibility also sees the content of a closed <details>.
func visibleJS(id string) string {
	return `(() => { const e = document.getElementById("` + id + `"); if (!e) return false;
		const r = e.getBoundingClientRect();
		return e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) && r.width > 0 && r.height > 0; })()`
}

// noSideScrollJS is true when the page is no wider than the window.
const noSideScrollJS = `document.documentElement.scrollWidth <= window.innerWidth`

// browserVisible reports whether the element with the id is on screen.
func browserVisible(ctx context.Context, id string) (bool, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[bool](visibleJS(id)))
}

// TestProduct9BrowserSidebar: at 1,280 px the sections of the sidebar
// stand beside the page and the toggle is hidden; at 390 px the sidebar
// folds behind the toggle, opens and leads to a page; the task list, the
// dossier page with its step completion form and the dossier list never
// scroll sideways on the phone. The user menu holds the language.
func TestProduct9BrowserSidebar(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("Nguyễn Thị Điện Thoại Di Động Có Tên Rất Dài Để Thử Bố Cục")
	ctx, base := browser(t, a)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(desktopWidth, desktopHeight)); err != nil {
		t.Fatal(err)
	}
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	check := func(what, id string, want bool) {
		t.Helper()
		got, err := browserVisible(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: #%s visible = %v, want %v", what, id, got, want)
		}
	}
	check("desktop", "mainnav", true)
	check("desktop", "nav-toggle", false)
	sections, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#mainnav h2")].map(h => h.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sections, "|") != "Một cửa|Hệ thống ISO|Kiểm tra & cải tiến" {
		t.Errorf("staff's sidebar sections: %q", sections)
	}
	// The language is in the user menu, shown when it opens.
	check("user menu closed", "current-agency", false)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#user-menu > summary"))); err != nil {
		t.Fatal(err)
	}
	check("user menu open", "current-agency", true)

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight), chromedp.Navigate(base+"/tasks"), chromedp.WaitVisible(chromedp.ID("nav-toggle"))); err != nil {
		t.Fatal(err)
	}
	check("phone", "mainnav", false)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("nav-toggle")), chromedp.WaitVisible(chromedp.ID("mainnav"))); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#mainnav a[href="/dossiers"]`)), chromedp.WaitVisible(chromedp.ID("nav-toggle")))
	if err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/dossiers") {
		t.Fatalf("the sidebar's link led to %q %v", loc, err)
	}
	check("phone, after following a link", "mainnav", false)

	for _, page := range []struct{ path, mark string }{
		{"/tasks", "tasks"}, {"/dossiers/" + d.Code, "complete-check"}, {"/dossiers", "nav-toggle"}, {"/", "dashboard-title"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+page.path), chromedp.WaitVisible(chromedp.ID(page.mark))); err != nil {
			t.Fatalf("%s: %v", page.path, err)
		}
		fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](noSideScrollJS))
		if err != nil {
			t.Fatal(err)
		}
		if !fits {
			width, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			t.Errorf("%s scrolls sideways at %d px: %d px wide", page.path, phoneWidth, width)
		}
	}
}

// TestProduct10BrowserDashboards: each role signs in and sees its own
// section of the dashboard first, on a laptop and on a phone, without
// sideways scrolling.
func TestProduct10BrowserDashboards(t *testing.T) {
	a := newApp(t)
	sc := a.seedDashboards()
	ctx, base := browser(t, a)
	for _, tt := range []struct{ who, section, id, want string }{
		{"a-staff", "dash-staff", "staff-overdue", "1 bước đã quá hạn"},
		{"a-leader", "dash-leader", "leader-late-list", sc.overdue.Code},
		{"a-quality-officer", "dash-quality", "quality-decisions", "Rà soát quy trình cấp phép"},
		{"a-auditor", "dash-auditor", "auditor-next-audit", sc.planTitle},
	} {
		for _, width := range []int64{desktopWidth, phoneWidth} {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, desktopHeight))
			if err == nil {
				err = browserLogin(ctx, base, tt.who)
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.who, err)
			}
			got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(tt.id)))
			if err != nil {
				t.Fatalf("%s at %d px: %v", tt.who, width, err)
			}
			if got = strings.Join(strings.Fields(got), " "); !strings.Contains(got, tt.want) {
				t.Errorf("%s at %d px: #%s = %q, want %q", tt.who, width, tt.id, got, tt.want)
			}
			fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](noSideScrollJS))
			if err != nil {
				t.Fatal(err)
			}
			if !fits {
				t.Errorf("%s's dashboard scrolls sideways at %d px", tt.who, width)
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
				t.Fatal(err)
			}
		}
	}
}
