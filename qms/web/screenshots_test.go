package web_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// screenshotWidths are the widths of the README's screenshots: a common
// laptop and a phone.
var screenshotWidths = []int64{1366, phoneWidth}

// TestScreenshots writes each role's dashboard on the demo data (the
// small set `qms demo` and `make run RUNFLAGS=--demo` load) as
// <role>-<width>.png into the folder QMS_SCREENSHOTS names. Only `make
// screenshots` sets it: the pictures are for the README, not a check.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("QMS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set QMS_SCREENSHOTS to a folder (make screenshots) to write the dashboards' screenshots")
	}
	sqliteOnly(t, "the demo data (demo.Generate) loads dossier histories, which only the SQLite store does")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The demo is generated as `qms demo` does, on its own clock that
	// walks through the months it makes; the server then runs on today.
	path := filepath.Join(t.TempDir(), "demo.db")
	clk := demo.NewClock(time.Now())
	gen := openApp(t, path, qmstest.NewClock(clk.Now()))
	gen.db.Close()
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Generate(context.Background(), db, clk, demo.Small, nil)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	a := openApp(t, path, qmstest.NewClock(time.Now().UTC()))
	a.wire()
	ctx, base := browser(t, a)
	agency := strings.ToLower(sum.Agencies[0])
	for _, role := range []qms.Role{qms.RoleStaff, qms.RoleLeader, qms.RoleQualityOfficer, qms.RoleAuditor, qms.RoleAdmin} {
		if err := browserLoginAs(ctx, base, agency+"."+string(role)+"1", demo.Password); err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		for _, width := range screenshotWidths {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("dashboard-title")))
			if err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, strings.ReplaceAll(string(role), "_", "-")+"-"+itoa(width)+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", name)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
			t.Fatal(err)
		}
	}
}
