package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"isodt/qms"
)

// TestProduct8BrowserSizeCheck: in a real browser, choosing evidence over
// 20 MiB shows the message next to the field at once, and the form is not
// sent; a file within the limit clears it.
func TestProduct8BrowserSizeCheck(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("An")
	dir := t.TempDir()
	big, small := filepath.Join(dir, "lon.pdf"), filepath.Join(dir, "nho.pdf")
	if err := os.WriteFile(small, []byte("%PDF-1.4 nhỏ"), 0o600); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	fh.Truncate(qms.MaxTemplateSize + 1) // sparse: the size is what counts
	fh.Close()

	ctx, base := browser(t, a)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/dossiers/"+d.Code),
		chromedp.WaitVisible(id("evidence-check")),
		chromedp.SetUploadFiles(id("evidence-check"), []string{big}),
		chromedp.WaitVisible(id("evidence-check-too-large")),
		chromedp.Click(id("complete-check")),
		chromedp.Sleep(500*time.Millisecond),
	)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(id("evidence-check-too-large")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "lon.pdf") || !strings.Contains(msg, "vượt giới hạn 20 MiB") {
		t.Errorf("message = %q", msg)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/dossiers/"+d.Code) {
		t.Errorf("the form was sent: at %q %v", loc, err)
	}
	if recs, _ := a.db.StepRecords(context.Background(), d.ID); len(recs) != 1 {
		t.Fatalf("the step was completed with an oversize file: %d records", len(recs))
	}
	// A file within the limit clears the message and goes through.
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(id("evidence-check"), []string{small}),
		chromedp.WaitNotVisible(id("evidence-check-too-large")),
		chromedp.Click(id("complete-check")),
		chromedp.WaitVisible(id("complete-ok")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := a.db.StepRecords(context.Background(), d.ID); len(recs) != 2 || len(recs[1].Files) != 1 {
		t.Fatalf("the step with a small file: %+v", recs)
	}
}

// TestProduct4BrowserFormRecord: in a real browser, the step's form opens
// with the dossier code and applicant filled in; once the step is done,
// its record shows on the dossier page under the form's labels.
func TestProduct4BrowserFormRecord(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheckSchema(recordFormSchema)
	ctx, base := browser(t, a)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/dossiers/new"),
		chromedp.WaitVisible(id("applicant_name")),
		chromedp.SendKeys(id("applicant_name"), "Nguyễn Thị Hoa"),
		chromedp.Click(id("receive-dossier")),
		chromedp.WaitVisible(id("complete-check")),
	)
	if err != nil {
		t.Fatal(err)
	}
	code, err1 := chromedp.Run(ctx, chromedp.Value(id("f-ma_ho_so")))
	name, err2 := chromedp.Run(ctx, chromedp.Value(id("f-ten_nguoi_nop")))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	ds, _, _ := a.db.FindDossiers(context.Background(), qms.DossierFilter{})
	if len(ds) != 1 || code != ds[0].Code || name != "Nguyễn Thị Hoa" {
		t.Fatalf("prefilled code %q, applicant %q", code, name)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(id("f-ket_luan"), "Đạt"),
		chromedp.Click(id("complete-check")),
		chromedp.WaitVisible(id("complete-ok")),
		chromedp.WaitVisible(chromedp.CSS(`td[id^="record-"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	record, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`td[id^="record-"]`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BM-QT01-01", "Mã hồ sơ", ds[0].Code, "Kết luận thẩm định", "Đạt", "Tên người nộp", "Nguyễn Thị Hoa"} {
		if !strings.Contains(record, want) {
			t.Errorf("the record shown lacks %q: %q", want, record)
		}
	}
}
