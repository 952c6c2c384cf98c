package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// needPDFTools skips a print test when poppler's pdftotext and pdffonts
// are missing (.ci/run installs them with chromium).
func needPDFTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIP: %s not found; apt-get install poppler-utils to run the print-to-PDF tests", tool)
		}
	}
}

// printedPDF prints the page open in the browser as Ctrl+P would: A4
// from the page's own CSS (no header template of the browser's), once
// its fonts are loaded. It returns the text of each page, its lines in
// reading order (the page margin's header first), and the fonts the PDF
// embeds.
func printedPDF(t *testing.T, ctx context.Context) (pages, fonts []string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.fonts.ready.then(() => document.fonts.status)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	prefer := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "print.pdf")
	if err := os.WriteFile(file, res.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Reading order, not layout: a cell's text wrapped on two lines stays
	// together, after the page's running header.
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages = strings.Split(strings.TrimSuffix(string(text), "\f"), "\f")
	list, err := exec.Command("pdffonts", file).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	// pdffonts prints two header lines, then one font a line, name first.
	for i, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		if f := strings.Fields(line); i >= 2 && len(f) > 0 {
			fonts = append(fonts, f[0])
		}
	}
	return pages, fonts
}

// nonBlank are the lines of a page's text that hold something, trimmed.
func nonBlank(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkOneFont fails unless every font of the PDF is the embedded Noto
// Serif: a glyph the print font lacked would come from another font.
func checkOneFont(t *testing.T, what string, fonts []string) {
	t.Helper()
	if len(fonts) == 0 {
		t.Errorf("%s: the PDF embeds no font", what)
	}
	for _, f := range fonts {
		if !strings.Contains(f, "NotoSerif") {
			t.Errorf("%s: the PDF mixes in font %q (fonts %v)", what, f, fonts)
		}
	}
}

// TestProduct15BrowserProcedurePrint: a procedure printed from the
// browser to PDF takes at least three A4 pages, each with the running
// header (agency, code, issue number, issue date) and "Trang x/y", in the
// one embedded font, with no section heading left alone at a page's foot.
func TestProduct15BrowserProcedurePrint(t *testing.T) {
	needPDFTools(t)
	a := newApp(t)
	path, issued := a.signedProcedure(30)
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, "a-quality-officer"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID("print-code"))); err != nil {
		t.Fatal(err)
	}
	pages, fonts := printedPDF(t, ctx)
	if len(pages) < 3 {
		t.Fatalf("the procedure prints on %d pages, want at least 3", len(pages))
	}
	headings := []string{"Theo dõi sửa đổi tài liệu", "1. Mục đích", "2. Phạm vi", "3. Tài liệu viện dẫn", "4. Định nghĩa, viết tắt",
		"5. Nội dung quy trình", "5.1 Lưu đồ", "5.2 Diễn giải các bước", "6. Biểu mẫu", "7. Hồ sơ cần lưu"}
	for i, text := range pages {
		lines := nonBlank(text)
		if len(lines) < 3 {
			t.Fatalf("page %d: %q", i+1, text)
		}
		if header := lines[0]; header != "Sở A · QT-15 · Lần ban hành 01 · "+issued {
			t.Errorf("page %d: running header %q", i+1, header)
		}
		if number := fmt.Sprintf("Trang %d/%d", i+1, len(pages)); !slices.Contains(lines, number) {
			t.Errorf("page %d: no %q", i+1, number)
		}
		last := lines[len(lines)-1]
		if strings.HasPrefix(last, "Trang ") {
			last = lines[len(lines)-2]
		}
		for _, h := range headings {
			if last == h && i < len(pages)-1 {
				t.Errorf("page %d ends on the heading %q", i+1, h)
			}
		}
	}
	if !strings.Contains(pages[0], "Trần Thị Soạn") || !strings.Contains(pages[0], "Lê Văn Duyệt") {
		t.Errorf("the sign-off of page 1 lacks the full names: %q", pages[0])
	}
	checkOneFont(t, "procedure print", fonts)
}

// TestProduct16BrowserSlips: in a real browser, the apology form refuses
// a dossier that is on time and will stay so, with the reason on the
// page; once the dossier is late it makes the slip, and the apology slip
// (Mẫu số 04, dated on the working day it was made), the process control
// slip (Mẫu số 05, the step's form record and the signers' full names)
// and the receipt (Mẫu số 01) print to PDF in the one embedded font.
func TestProduct16BrowserSlips(t *testing.T) {
	needPDFTools(t)
	a := newApp(t)
	a.clock.Set(hanoiTime(2026, 3, 2, 9, 0)) // Monday; due Monday 09/03 09:00
	d := a.signedDossier()
	ctx, base := browser(t, a)
	apology := func(when string) string {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/dossiers/"+d.Code),
			chromedp.WaitVisible(chromedp.ID("apology-form")),
			chromedp.SendKeys(chromedp.CSS(`#apology-form input[name="new_appointment"]`), when),
			chromedp.SendKeys(chromedp.CSS(`#apology-form input[name="reason"]`), "Chờ ý kiến cơ quan công an"),
			chromedp.Submit(chromedp.CSS(`#apology-form`)),
			chromedp.WaitVisible(chromedp.CSS(`[role="alert"], .flash`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	if text := apology("10/03/2026 09:00"); !strings.Contains(text, "còn trong hạn") || !strings.Contains(text, "chỉ lập phiếu xin lỗi cho hồ sơ đã hoặc sẽ quá hạn") {
		t.Errorf("an on-time dossier's apology is not refused with the reason: %q", text)
	}
	if n := a.auditCount("dossier.apology"); n != 0 {
		t.Fatalf("%d apologies recorded for an on-time dossier", n)
	}
	// Tuesday 10/03, the day after the appointment: late.
	a.clock.Set(hanoiTime(2026, 3, 10, 9, 0))
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	apology("12/03/2026 16:00")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("apology-slip")), chromedp.WaitVisible(chromedp.ID("form-no"))); err != nil {
		t.Fatal(err)
	}
	slips := []struct {
		name, path string
		want       []string
	}{
		{"apology slip", "", []string{"Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Nguyễn Thị Hoa", "Chờ ý kiến cơ quan công an",
			"09/03/2026 09:00", "12/03/2026 16:00", "Ngày 10 tháng 03 năm 2026", "THỦ TRƯỞNG CƠ QUAN", "Phạm Thị Chuyên"}},
		{"control slip", "/control-slip", []string{"Mẫu số 05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Cấp giấy phép karaoke",
			"Kết luận thẩm định", "Đạt", "Phạm Thị Chuyên", "Hoàng Văn Lãnh", "Lãnh đạo"}},
		{"receipt", "/receipt", []string{"Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Hoa", "001099012345",
			"Cấp giấy phép karaoke", "09/03/2026 09:00", "Phạm Thị Chuyên"}},
	}
	for _, s := range slips {
		if s.path != "" {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/dossiers/"+d.Code+s.path), chromedp.WaitVisible(chromedp.ID("form-no"))); err != nil {
				t.Fatal(err)
			}
		}
		pages, fonts := printedPDF(t, ctx)
		text := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
		for _, want := range s.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the PDF lacks %q:\n%s", s.name, want, text)
			}
		}
		for i, p := range pages {
			if !slices.Contains(nonBlank(p), fmt.Sprintf("Trang %d/%d", i+1, len(pages))) {
				t.Errorf("%s: page %d has no page number", s.name, i+1)
			}
		}
		checkOneFont(t, s.name, fonts)
	}
}
