package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRefusedSubmitKeepsInput: a text that no handler sees (a
// control character, refused by the form check before the reception
// form's handler) gives an error page naming the field by its label; its
// link leads back to the form with everything typed still there and the
// field marked with the message, and nothing was received.
func TestBrowserRefusedSubmitKeepsInput(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/dossiers/new"),
		chromedp.WaitVisible(id("applicant_name")),
		chromedp.SendKeys(id("applicant_name"), "Nguyễn Thị Hoa"),
		// A pasted text carrying a control character (U+0001).
		chromedp.Evaluate[chromedp.Void](`document.querySelector('textarea[name=note]').value = 'Bản sao\u0001 giấy tờ'`),
		chromedp.Click(id("receive-dossier")),
	)
	if err == nil {
		err = waitForElement(ctx, "error-back")
	}
	if err != nil {
		t.Fatal(err)
	}
	message, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".error")))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(id("error-back"))); err != nil {
		t.Fatal(err)
	}
	if err := waitForElement(ctx, "receive-dossier"); err != nil {
		t.Fatal(err)
	}
	marked, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitForElement(marked, "refused-note"); err != nil {
		t.Fatalf("the refused field is not marked on the form: %v", err)
	}
	typed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[document.getElementById('applicant_name').value, document.querySelector('textarea[name=note]').value,
		document.querySelector('textarea[name=note]').getAttribute('aria-invalid'), document.getElementById('refused-note').textContent,
		document.activeElement.getAttribute('name')].join('|')`))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(typed, "|")
	name, note := parts[0], parts[1]
	if !strings.Contains(message, "Ô “Ghi chú”") || !strings.Contains(message, "ký tự điều khiển") {
		t.Errorf("the error page's message: %q", message)
	}
	// Back on the form, the refused field is marked with the message and
	// has the focus.
	if invalid, shown, focused := parts[2], parts[3], parts[4]; invalid != "true" || shown != message || focused != "note" {
		t.Errorf("the refused field on the form: aria-invalid %q, message %q, focus on %q", invalid, shown, focused)
	}
	if name != "Nguyễn Thị Hoa" || !strings.HasPrefix(note, "Bản sao") {
		t.Errorf("back on the form: applicant %q, note %q", name, note)
	}
	if n := a.auditCount("dossier.receive"); n != 0 {
		t.Errorf("%d dossiers received from a refused submit", n)
	}
}

// waitForElement waits until the current document has an element of the
// id, asking anew each time: chromedp's WaitVisible, started while a
// form's POST answered 400 was loading, kept querying the form's
// document and never saw the error page's.
func waitForElement(ctx context.Context, id string) error {
	for {
		found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && !!document.getElementById(`+strconv.Quote(id)+`)`))
		if err == nil && found {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for #%s: %w", id, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestBrowserDoubleClickSendsOnce: a second click on a form's button
// while the first submit is under way sends nothing more (outsider: two
// nonconformities from one form).
func TestBrowserDoubleClickSendsOnce(t *testing.T) {
	a := newApp(t)
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, "a-auditor"); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/nonconformities/new"),
		chromedp.WaitVisible(chromedp.ID("nc-description")),
		chromedp.SendKeys(chromedp.ID("nc-description"), "Thiếu sổ theo dõi hồ sơ"),
		chromedp.Evaluate[chromedp.Void](`(() => { const b = document.getElementById('create-nc'); b.click(); setTimeout(() => b.click(), 40); setTimeout(() => b.click(), 80); })()`),
	)
	if err == nil {
		err = waitForElement(ctx, "add-action")
	}
	if err != nil {
		t.Fatal(err)
	}
	if ns, err := a.db.FindNCs(context.Background(), "A"); err != nil || len(ns) != 1 {
		t.Fatalf("three clicks made %d nonconformities (%v), want 1", len(ns), err)
	}
}
