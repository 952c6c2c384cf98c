package web_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium; browser tests skip without it
// (make test prints a SKIP line too, so the gap is visible).
func chromiumPath() string {
	if p := os.Getenv("QMS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts the app on a real port and a headless chromium driving it.
func browser(t *testing.T, a *app) (context.Context, string) {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("SKIP: chromium not found; install Debian's chromium to run browser tests")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go a.srv.Serve(ln)
	t.Cleanup(func() { a.srv.Shutdown(context.Background()) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx, "http://" + ln.Addr().String()
}

// TestBrowserLoginDashboardLogout: a person logs in, sees the dashboard
// and logs out, in a real browser with the real CSP and cookies.
func TestBrowserLoginDashboardLogout(t *testing.T) {
	a := newApp(t)
	ctx, base := browser(t, a)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(id("username")),
		chromedp.SendKeys(id("username"), "a-admin"),
		chromedp.SendKeys(id("password"), "sai-mat-khau"),
		chromedp.Click(id("login-submit")),
		chromedp.WaitVisible(id("login-error")),
	)
	if err != nil {
		t.Fatal(err)
	}
	loginErr, err := chromedp.Run(ctx, chromedp.Text(id("login-error")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(id("password"), "mat-khau-123"),
		chromedp.Click(id("login-submit")),
		chromedp.WaitVisible(id("dashboard-title")),
	)
	if err != nil {
		t.Fatal(err)
	}
	title, err1 := chromedp.Run(ctx, chromedp.Text(id("dashboard-title")))
	who, err2 := chromedp.Run(ctx, chromedp.Text(id("current-user")))
	err3 := chromedp.Do(ctx, chromedp.Click(id("logout")), chromedp.WaitVisible(id("username")))
	flash, err4 := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(loginErr, "không đúng") {
		t.Errorf("wrong password message = %q", loginErr)
	}
	if title != "Tổng quan" || who != "Người A" {
		t.Errorf("dashboard title %q, user %q", title, who)
	}
	if !strings.Contains(flash, "đăng xuất") {
		t.Errorf("after logout: %q", flash)
	}
	if a.auditCount("auth.login") != 1 || a.auditCount("auth.logout") != 1 {
		t.Errorf("login/logout audited %d/%d times", a.auditCount("auth.login"), a.auditCount("auth.logout"))
	}
}
