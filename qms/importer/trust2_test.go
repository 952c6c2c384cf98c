package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/importer"
	"isodt/qms/importer/importertest"
)

// measure runs parse and returns its error, the bytes it allocated (an
// upper bound of its peak heap) and how long it took.
func measure(parse func() error) (error, uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	err := parse()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return err, after.TotalAlloc - before.TotalAlloc, took
}

// csvRows is the trust-test header followed by n copies of row.
func csvRows(n int, row string) []byte {
	var b bytes.Buffer
	b.WriteString(importertest.Header + "\n")
	for range n {
		b.WriteString(row)
	}
	return b.Bytes()
}

// TestTrust2HostileFiles feeds files that are small, or small once
// compressed, but would make a naive reader allocate or inflate gigabytes.
// Each is refused with a message naming the row and column where there is
// one, quickly, with bounded memory and a bounded error.
func TestTrust2HostileFiles(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name      string
		file      string
		data      []byte
		wantList  []string // *importer.Errors: the first problems
		wantCount int
		wantFile  string // *qms.Error: the start of the message
		maxAlloc  uint64
	}{
		{
			name: "8 MB shared string in 2,000 rows", file: "t.xlsx",
			data:      importertest.SharedStringBomb(8*mb, 2000),
			wantList:  []string{"row 2: legal_basis: ô E2 dài 8", "row 3: legal_basis: ô E3 dài 8"},
			wantCount: 2000, maxAlloc: 120 * mb,
		},
		{
			name: "shared strings of 21 MiB", file: "t.xlsx",
			data:     importertest.SharedStringBomb(21*mb, 1),
			wantFile: "Phần xl/sharedStrings.xml của tệp XLSX lớn hơn giới hạn 20 MiB", maxAlloc: 8 * mb,
		},
		{
			name: "4,000-byte shared string in 64 columns of 5,000 rows", file: "t.xlsx",
			data:     importertest.WideSharedStrings(5000, 64, 4000),
			wantFile: "Nội dung các ô của tệp lớn hơn giới hạn 64 MiB", maxAlloc: 24 * mb,
		},
		{
			name: "part declaring 4 GiB", file: "t.xlsx",
			data:     importertest.DeclaredBomb(4 << 30),
			wantFile: "Tệp XLSX khi giải nén lớn hơn giới hạn 50 MiB", maxAlloc: 8 * mb,
		},
		{
			name: "part declaring 1 KiB, inflating to 200 MB", file: "t.xlsx",
			data:     importertest.LyingBomb(200 * mb),
			wantFile: "Tệp XLSX bị hỏng", maxAlloc: 8 * mb,
		},
		{
			name: "3 million blank rows", file: "t.xlsx",
			data:     importertest.BlankRows(3_000_000),
			wantFile: "Tệp có hơn 20000 dòng trống (đến dòng 20003)", maxAlloc: 16 * mb,
		},
		{
			name: "CSV field of 5 MB", file: "t.csv",
			data:      append(csvRows(1, "1.000001,A,Văn hóa,5,x\n"), "1.000002,B,Văn hóa,5,\""+strings.Repeat("x", 5*mb)+"\"\n"...),
			wantList:  []string{"row 3: *: dòng dài hơn giới hạn 64 KiB"},
			wantCount: 1, maxAlloc: 24 * mb,
		},
		{
			name: "CSV fields of 10 KiB", file: "t.csv",
			data:      csvRows(300, "1.000001,A,Văn hóa,5,"+strings.Repeat("y", 10<<10)+"\n"),
			wantList:  []string{"row 2: legal_basis: ô E2 dài 10240 byte, vượt giới hạn 4 KiB: hãy rút gọn nội dung ô"},
			wantCount: 300, maxAlloc: 24 * mb,
		},
		{
			name: "CSV of 30,000 empty rows", file: "t.csv",
			data:     csvRows(30_000, ",,,,\n"),
			wantFile: "Tệp có hơn 20000 dòng trống", maxAlloc: 24 * mb,
		},
	}
	// Nothing is written to disk: excelize unzips large parts to temporary
	// files, this reader never does.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []qms.TTHC
			err, alloc, took := measure(func() (err error) {
				got, err = importer.ParseTTHC(bytes.NewReader(tt.data), tt.file, importer.Options{AgencyCode: "A"})
				return err
			})
			if got != nil || err == nil {
				t.Fatalf("got %d rows, err %v: want the file refused", len(got), err)
			}
			if qms.ErrorCode(err) != qms.EINVALID {
				t.Errorf("code %s: %v", qms.ErrorCode(err), err)
			}
			var list *importer.Errors
			switch {
			case tt.wantFile != "":
				if errors.As(err, &list) || !strings.HasPrefix(qms.ErrorMessage(err), tt.wantFile) {
					t.Errorf("err = %.300v, want a file error %q…", err, tt.wantFile)
				}
			case !errors.As(err, &list):
				t.Fatalf("err = %.300v, want *importer.Errors", err)
			default:
				for i, want := range tt.wantList {
					if i >= len(list.Problems) || !strings.HasPrefix(list.Problems[i].String(), want) {
						t.Errorf("problem %d = %.200v, want %q…", i, list.Problems, want)
					}
				}
				if list.Count() != tt.wantCount || len(list.Problems) != min(tt.wantCount, 100) {
					t.Errorf("%d problems listed of %d, want %d of %d", len(list.Problems), list.Count(), min(tt.wantCount, 100), tt.wantCount)
				}
			}
			if n := len(err.Error()) + len(qms.ErrorMessage(err)); n > 64<<10 {
				t.Errorf("error of %d bytes, want under 64 KiB", n)
			}
			if alloc > tt.maxAlloc {
				t.Errorf("allocated %d MB, want under %d MB", alloc/mb, tt.maxAlloc/mb)
			}
			if took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if files, _ := os.ReadDir(tmp); len(files) > 0 {
				t.Errorf("%d temporary files written", len(files))
			}
			t.Logf("%d KB file, %d MB allocated, %v", len(tt.data)>>10, alloc/mb, took)
		})
	}
}

// TestTrust2ErrorList: every row of a 4,000-row file is wrong with a
// 3,600-byte cell. The error lists the first 100 problems and counts them
// all, and each message quotes at most 80 characters of the cell.
func TestTrust2ErrorList(t *testing.T) {
	bad := strings.Repeat("năm", 900) // 3,600 bytes
	_, err := importer.ParseTTHC(bytes.NewReader(csvRows(4000, "1.000001,A,Văn hóa,"+bad+",\n")), "t.csv", importer.Options{})
	var list *importer.Errors
	if !errors.As(err, &list) {
		t.Fatalf("err = %.300v", err)
	}
	if list.Count() != 4000+3999 || len(list.Problems) != 100 { // each row's bad number, and every row but the first a duplicate code
		t.Errorf("%d listed of %d", len(list.Problems), list.Count())
	}
	want := `row 2: time_limit_days: thời hạn giải quyết "` + strings.Repeat("năm", 26) + `nă…" phải là số ngày viết bằng chữ số, như 15`
	if got := list.Problems[0].String(); got != want {
		t.Errorf("first problem\n%s\nwant\n%s", got, want)
	}
	if !strings.HasSuffix(err.Error(), fmt.Sprintf("… và %d lỗi khác", list.Count()-100)) || len(err.Error()) > 32<<10 {
		t.Errorf("Error() of %d bytes ends %q", len(err.Error()), err.Error()[len(err.Error())-40:])
	}
	if msg := qms.ErrorMessage(err); msg != "Tệp có 7999 lỗi, không dòng nào được nhập." {
		t.Errorf("message %q", msg)
	}
}

// TestTrust2RowLimits: each kind of import has its own row limit.
func TestTrust2RowLimits(t *testing.T) {
	tests := []struct {
		name       string
		parse      func([]byte) error
		limit      int
		row        func(i int) string
		head       string
		atTheLimit bool // also parse a file of exactly limit rows (slow for 100,000 dossiers)
	}{
		{"catalogue", func(b []byte) error {
			_, err := importer.ParseTTHC(bytes.NewReader(b), "t.csv", importer.Options{})
			return err
		}, importer.CatalogueLimits().Rows, func(i int) string { return fmt.Sprintf("1.%06d,A,F,5\n", i) }, "code,name,field,time_limit_days\n", true},
		{"dossier history", func(b []byte) error {
			_, err := importer.ParseDossierHistory(bytes.NewReader(b), "h.csv", importer.Options{})
			return err
		}, importer.DossierLimits().Rows, func(i int) string { return fmt.Sprintf("HS-%d,1.000001,2024-03-15,2024-03-20,received\n", i) }, "code,tthc_code,received_at,due_at,status\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString(tt.head)
			for i := range tt.limit {
				b.WriteString(tt.row(i))
			}
			if tt.atTheLimit {
				if err := tt.parse(b.Bytes()); err != nil {
					t.Fatalf("at the limit of %d rows: %.300v", tt.limit, err)
				}
			}
			b.WriteString(tt.row(tt.limit))
			err := tt.parse(b.Bytes())
			if want := fmt.Sprintf("Tệp có hơn %d dòng dữ liệu", tt.limit); !strings.HasPrefix(qms.ErrorMessage(err), want) {
				t.Errorf("over the limit: %.300v, want %q", err, want)
			}
		})
	}
}

// TestTrust2XLSXText: the worksheet and shared strings, now read by this
// package, give the text Excel shows: rich-text runs joined, phonetic
// guides left out, _xHHHH_ escapes decoded, inline strings, row numbers
// from the sheet; deep nesting and huge tags are refused.
func TestTrust2XLSXText(t *testing.T) {
	data := importertest.XLSX(
		`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c></row>`+
			`<row r="4"><c r="A4" t="inlineStr"><is><t>1.000001</t></is></c><c r="B4" t="inlineStr"><is><r><t>Cấp </t></r><r><t>phép</t></r></is></c><c r="C4" t="s"><v>4</v></c><c r="D4"><v>5</v></c></row>`,
		`<si><t>code</t></si><si><t>name</t></si><si><t>field</t></si><si><t>time_limit_days</t></si>`+
			`<si><r><t>Văn</t></r><r><t xml:space="preserve"> hóa</t></r><rPh sb="0" eb="1"><t>ブン</t></rPh><t>_x0021_</t></si>`)
	got, err := importer.ParseTTHC(bytes.NewReader(data), "t.xlsx", importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Code != "1.000001" || got[0].Name != "Cấp phép" || got[0].Field != "Văn hóa!" || got[0].TimeLimitDays != 5 {
		t.Errorf("got %+v", got)
	}

	for name, rows := range map[string]string{
		"nesting":              strings.Repeat("<x>", 1000) + strings.Repeat("</x>", 1000),
		"100 KB of attributes": `<row r="1" ` + strings.Repeat(`a=">" `, 20_000) + `/>`,
	} {
		_, err := importer.ParseTTHC(bytes.NewReader(importertest.XLSX(rows, "")), "t.xlsx", importer.Options{})
		if !strings.HasPrefix(qms.ErrorMessage(err), "Tệp XLSX bị hỏng") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
