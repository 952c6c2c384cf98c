package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
// its fonts are loaded. It returns the text of each page and the fonts
// the PDF embeds.
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
	text, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", file, "-").Output()
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
		lines := strings.Split(strings.TrimSpace(text), "\n")
		header := lines[0]
		for _, want := range []string{"Sở A", "QT-15", "Lần ban hành 01", issued, fmt.Sprintf("Trang %d/%d", i+1, len(pages))} {
			if !strings.Contains(header, want) {
				t.Errorf("page %d: the running header %q lacks %q", i+1, header, want)
			}
		}
		last := strings.TrimSpace(lines[len(lines)-1])
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
