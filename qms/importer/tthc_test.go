package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/importer"
)

const header = "code,name,field,time_limit_days,fee,legal_basis,published_by,published_on,status\n"

func TestParseTTHCSample(t *testing.T) {
	sample := sampleCSV(t)
	vietnameseHeader := "Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Lệ phí,Căn cứ pháp lý,Quyết định công bố,Ngày công bố,Trạng thái"
	vietnamese := vietnameseHeader + string(sample[bytes.IndexByte(sample, '\n'):])
	vietnamese = strings.NewReplacer(",active", ",còn hiệu lực", ",abolished", ",Đã bãi bỏ", "2024-03-15", "15/03/2024", "2024-05-02", "2/5/2024").Replace(vietnamese)
	tests := []struct {
		name, file string
		data       []byte
	}{
		{"csv", "tthc-sample.csv", sample},
		{"bom", "tthc.csv", append([]byte("\xEF\xBB\xBF"), sample...)},
		{"crlf", "tthc.csv", bytes.ReplaceAll(sample, []byte("\n"), []byte("\r\n"))},
		{"semicolon", "tthc.csv", bytes.ReplaceAll(sample, []byte(","), []byte(";"))},
		{"vietnamese headers and values", "tthc.csv", []byte(vietnamese)},
		{"upper-case spaced headers", "tthc.csv", append([]byte(" CODE , Name,FIELD,Time_Limit_Days,fee,legal_basis,published_by,published_on,status"), sample[bytes.IndexByte(sample, '\n'):]...)},
		{"blank and empty rows", "tthc.csv", append(append([]byte("\n"), sample...), "\n,,,,,,,,\n\n"...)},
		{"no extension", "upload", sample},
		{"decomposed unicode", "tthc.csv", []byte(nfd(string(sample)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := importer.ParseTTHC(bytes.NewReader(tt.data), tt.file, importer.Options{AgencyCode: "SVHTTDL"})
			if err != nil {
				t.Fatal(err)
			}
			if want := wantSample(); !reflect.DeepEqual(got, want) {
				t.Errorf("got %d rows\n%+v\nwant\n%+v", len(got), got, want)
			}
		})
	}
}

// nfd decomposes the Vietnamese letters the sample uses, as macOS and the
// "Unicode tổ hợp" input mode write them.
func nfd(s string) string {
	return strings.NewReplacer("ó", "o\u0301", "ấ", "a\u0302\u0301", "ệ", "e\u0302\u0323", "ị", "i\u0323", "ễ", "e\u0302\u0303", "ă", "a\u0306").Replace(s)
}

func TestParseTTHCXLSX(t *testing.T) {
	rows := [][]any{{"code", "name", "field", "time_limit_days", "fee", "legal_basis", "published_by", "published_on", "status"}}
	for i, p := range wantSample() {
		// Dates as typed in Excel: the locale's short date (built-in 14),
		// a custom day-first format, and plain text.
		var date any = xlsxCell{v: p.PublishedOn, numFmt: 14}
		switch i % 3 {
		case 1:
			date = xlsxCell{v: p.PublishedOn, custom: `[$-42A]dd/mm/yyyy;@`}
		case 2:
			date = p.PublishedOn.Format("02/01/2006")
		}
		rows = append(rows, []any{p.Code, p.Name, p.Field, p.TimeLimitDays, p.Fee, p.LegalBasis, p.PublishedBy, date, p.Status})
	}
	// A title above the table, as agency spreadsheets have: row numbers
	// must still be the sheet's.
	data := buildXLSX(t, 3, rows)
	for _, name := range []string{"tthc.xlsx", "upload"} {
		got, err := importer.ParseTTHC(bytes.NewReader(data), name, importer.Options{AgencyCode: "SVHTTDL"})
		if err != nil {
			t.Fatal(err)
		}
		if want := wantSample(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", name, got, want)
		}
	}

	rows[4][3] = "năm" // sheet row 3+4 = 7
	_, err := importer.ParseTTHC(bytes.NewReader(buildXLSX(t, 3, rows)), "tthc.xlsx", importer.Options{})
	want := []string{`row 7: time_limit_days: thời hạn giải quyết "năm" phải là số ngày viết bằng chữ số, như 15`}
	if got := problems(t, err); !slices.Equal(got, want) {
		t.Errorf("problems = %q, want %q", got, want)
	}

	// Numbers are imported as displayed.
	shown := buildXLSX(t, 1, [][]any{
		{"code", "name", "field", "time_limit_days", "fee"},
		{"1.000001", "A", "F", 5, xlsxCell{v: 4000000, numFmt: 3}},
	})
	got, err := importer.ParseTTHC(bytes.NewReader(shown), "tthc.xlsx", importer.Options{Sheet: "sheet1"})
	if err != nil || len(got) != 1 || got[0].Fee != "4,000,000" || got[0].TimeLimitDays != 5 {
		t.Errorf("formatted number: got %+v, %v", got, err)
	}

	_, err = importer.ParseTTHC(bytes.NewReader(data), "tthc.xlsx", importer.Options{Sheet: "Khác"})
	if qms.ErrorCode(err) != qms.EINVALID || !strings.Contains(qms.ErrorMessage(err), "Khác") {
		t.Errorf("missing sheet: err = %v", err)
	}
}

func TestParseTTHCBadRows(t *testing.T) {
	csv := header +
		"1.000001,Karaoke,Văn hóa,5,0,,,2024-03-15,active\n" + // 2 good
		",Vũ trường,Văn hóa,5,0,,,2024-03-15,active\n" + // 3
		"1.000003,Biểu diễn,Văn hóa,năm,0,,,2024-03-15,active\n" + // 4
		"1.000004,Bóng đá,Bóng đá,5,0,,,2024-03-15,active\n" + // 5
		"1.000005,Triển lãm,Văn hóa,5,0,,,31/02/2024,active\n" + // 6
		"1.000001,Karaoke 2,Văn hóa,5,0,,,2024-03-15,active\n" + // 7
		"1.000007,Thiếu cột,Văn hóa,5\n" + // 8
		"1.000008,Lưu trú,Du lịch,30,0,,,2024-03-15,tạm dừng\n" + // 9
		"1.0001,,văn hóa,-1,0,,,2024-13-01,active\n" + // 10: several problems, one row
		"1.000010,Điểm du lịch,du lịch,30,0,,,2024-05-02,abolished\n" // 11 good
	_, err := importer.ParseTTHC(strings.NewReader(csv), "tthc.csv", importer.Options{KnownFields: []string{"Văn hóa", "Du lịch"}})
	want := []string{
		"row 3: code: thiếu mã thủ tục",
		`row 4: time_limit_days: thời hạn giải quyết "năm" phải là số ngày viết bằng chữ số, như 15`,
		"row 5: field: lĩnh vực Bóng đá không có trong danh mục",
		`row 6: published_on: ngày công bố "31/02/2024" không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)`,
		"row 7: code: mã 1.000001 trùng với dòng 2",
		"row 8: *: dòng có 4 ô nhưng dòng tiêu đề có 9 cột",
		`row 9: status: trạng thái "tạm dừng" không hợp lệ (active hoặc còn hiệu lực, abolished hoặc đã bãi bỏ)`,
		`row 10: code: mã thủ tục "1.0001" không đúng dạng mã quốc gia (ví dụ 1.001234); ô có thể đang ở dạng số nên mất chữ số 0 ở cuối, hãy định dạng cột mã là Text`,
		"row 10: name: thiếu tên thủ tục",
		`row 10: time_limit_days: thời hạn giải quyết "-1" phải là số ngày viết bằng chữ số, như 15`,
		`row 10: published_on: ngày công bố "2024-13-01" không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)`,
	}
	got := problems(t, err)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", qms.ErrorCode(err), qms.EINVALID)
	}
	if msg := qms.ErrorMessage(err); msg != "Tệp có 11 lỗi, không dòng nào được nhập." {
		t.Errorf("ErrorMessage = %q", msg)
	}
	if err.Error() != strings.Join(want, "\n") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestParseTTHCRowChecks(t *testing.T) {
	tests := []struct {
		name, rows string
		opts       importer.Options
		want       []string // problems; nil means the file parses
	}{
		{"time limit with unit", "1.000001,A,F, 5 ngày ,0,,,,\n", importer.Options{},
			[]string{`row 2: time_limit_days: thời hạn giải quyết "5 ngày" phải là số ngày viết bằng chữ số, như 15`}},
		{"time limit too large", "1.000001,A,F,99999999999999999999,0,,,,\n", importer.Options{},
			[]string{"row 2: time_limit_days: thời hạn giải quyết phải từ 0 đến 3650 ngày làm việc"}},
		{"time limit empty", "1.000001,A,F,,0,,,,\n", importer.Options{},
			[]string{"row 2: time_limit_days: thiếu thời hạn giải quyết"}},
		{"same-day limit and no date or status", "1.000001,A,F,0,,,,,\n", importer.Options{}, nil},
		{"field matched without case, catalogue spelling kept", "1.000001,A, VĂN HÓA ,5,,,,,\n", importer.Options{KnownFields: []string{"Văn hóa"}}, nil},
		{"empty catalogue rejects all", "1.000001,A,Văn hóa,5,,,,,\n", importer.Options{KnownFields: []string{}},
			[]string{"row 2: field: lĩnh vực Văn hóa không có trong danh mục"}},
		{"year typo", "1.000001,A,F,5,,,,0024-03-15,\n", importer.Options{},
			[]string{`row 2: published_on: ngày công bố "0024-03-15" không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)`}},
		{"extra empty cells are fine", "1.000001,A,F,5,,,,,,,\n", importer.Options{}, nil},
		{"extra cell with text", "1.000001,A,F,5,,,,,,x\n", importer.Options{},
			[]string{"row 2: *: dòng có 10 ô nhưng dòng tiêu đề chỉ có 9 cột"}},
		{"invalid utf-8", "1.000001,V\xe3n,F,5,,,,,\n", importer.Options{},
			[]string{`row 2: *: ô thứ 2 có ký tự không phải UTF-8: hãy lưu tệp dạng "CSV UTF-8"`}},
		{"bare quote, later rows still checked", "1.000001,A \"B\",F,5,,,,,\n1.000002,B,F,x,,,,,\n", importer.Options{},
			[]string{`row 2: *: lỗi cú pháp CSV: ô có dấu ngoặc kép phải được bao trong ngoặc kép, và mỗi dấu ngoặc kép bên trong viết thành ""`,
				`row 3: time_limit_days: thời hạn giải quyết "x" phải là số ngày viết bằng chữ số, như 15`}},
		{"unclosed quote swallows the rest", "1.000001,\"A,F,5,,,,,\n1.000002,B,F,x,,,,,\n", importer.Options{},
			[]string{"row 2: *: lỗi cú pháp CSV: thiếu hoặc thừa dấu ngoặc kép (đến dòng 3 của tệp)"}},
		{"spreadsheet row numbers across multi-line cells and blank lines", "1.000001,\"Hai\ndòng\",F,5,,,,,\n\n1.000002,B,F,x,,,,,\n", importer.Options{},
			[]string{`row 4: time_limit_days: thời hạn giải quyết "x" phải là số ngày viết bằng chữ số, như 15`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := importer.ParseTTHC(strings.NewReader(header+tt.rows), "t.csv", tt.opts)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) == 0 || (tt.opts.KnownFields != nil && got[0].Field != tt.opts.KnownFields[0]) {
					t.Errorf("got %+v", got)
				}
				return
			}
			if got != nil {
				t.Errorf("got %d rows with an error, want nil", len(got))
			}
			if ps := problems(t, err); !slices.Equal(ps, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ps, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseTTHCHeader(t *testing.T) {
	const row = "\n1.000001,A,F,5\n"
	tests := []struct {
		name, header string
		want         []string
	}{
		{"missing required", "code,name,field", []string{"row 1: time_limit_days: thiếu cột bắt buộc (tên khác: thời hạn, thời hạn giải quyết)"}},
		{"unknown column", "code,name,field,time_limit_days,ghi chú",
			[]string{"row 1: ghi chú: cột không được hỗ trợ (các cột hợp lệ: code, name, field, time_limit_days, fee, legal_basis, published_by, published_on, status, service_level)"}},
		{"duplicate through alias", "code,name,field,time_limit_days,Mã", []string{`row 1: code: cột "Mã" trùng với cột "code"`}},
		{"unnamed column", "code,,field,time_limit_days", []string{
			"row 1: B: cột thứ 2 không có tên",
			"row 1: name: thiếu cột bắt buộc (tên khác: tên, tên thủ tục)",
		}},
		{"header after blank line", "\ncode,name,field", []string{"row 2: time_limit_days: thiếu cột bắt buộc (tên khác: thời hạn, thời hạn giải quyết)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importer.ParseTTHC(strings.NewReader(tt.header+row), "t.csv", importer.Options{})
			if got := problems(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseTTHCFileErrors(t *testing.T) {
	const unsupported = "Định dạng tệp không được hỗ trợ: chỉ nhận CSV (UTF-8) hoặc XLSX."
	sample := sampleCSV(t)
	tests := []struct {
		name, file string
		data       []byte
		opts       importer.Options
		want       string // start of qms.ErrorMessage
	}{
		{"empty", "t.csv", nil, importer.Options{}, "Tệp trống"},
		{"blank lines only", "t.csv", []byte("\n\r\n  \n"), importer.Options{}, "Tệp trống"},
		{"header only", "t.csv", []byte(header), importer.Options{}, "Tệp không có dòng dữ liệu"},
		{"binary", "t.bin", []byte("\x00\x01\x02garbage\xff"), importer.Options{}, unsupported},
		{"binary named csv", "t.csv", []byte("\x7fELF\x02\x01\x01\x00\x00"), importer.Options{}, unsupported},
		{"legacy xls", "t.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), importer.Options{}, unsupported},
		{"xls content without name", "upload", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), importer.Options{}, unsupported},
		{"pdf", "t.pdf", []byte("%PDF-1.7\n"), importer.Options{}, unsupported},
		{"utf-16", "t.csv", []byte("\xFF\xFEc\x00o\x00"), importer.Options{}, unsupported},
		{"xlsx renamed csv", "t.csv", []byte("PK\x03\x04rest"), importer.Options{}, unsupported},
		{"corrupt xlsx", "t.xlsx", []byte("PK\x03\x04not really a zip"), importer.Options{}, "Tệp XLSX bị hỏng"},
		{"text named xlsx", "t.xlsx", sample, importer.Options{}, "Tệp XLSX bị hỏng"},
		{"too many rows", "t.csv", sample, importer.Options{MaxRows: 7}, "Tệp có hơn 7 dòng dữ liệu"},
		{"too many bytes", "t.csv", sample, importer.Options{MaxBytes: 1 << 10}, "Tệp lớn hơn giới hạn 1 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := importer.ParseTTHC(bytes.NewReader(tt.data), tt.file, tt.opts)
			if got != nil || err == nil {
				t.Fatalf("got %d rows, err %v; want nil and an error", len(got), err)
			}
			var list *importer.Errors
			if errors.As(err, &list) {
				t.Errorf("err is *importer.Errors (%v), want a file-level *qms.Error", err)
			}
			if qms.ErrorCode(err) != qms.EINVALID || !strings.HasPrefix(qms.ErrorMessage(err), tt.want) {
				t.Errorf("err = %v (code %s), want EINVALID %q…", err, qms.ErrorCode(err), tt.want)
			}
		})
	}

	// The limits are inclusive.
	if _, err := importer.ParseTTHC(bytes.NewReader(sample), "t.csv", importer.Options{MaxRows: 8, MaxBytes: int64(len(sample))}); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

func TestParseTTHCProgress(t *testing.T) {
	var calls [][2]int
	_, err := importer.ParseTTHC(bytes.NewReader(sampleCSV(t)), "t.csv", importer.Options{
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 || calls[0] != [2]int{0, 8} || calls[len(calls)-1] != [2]int{8, 8} {
		t.Errorf("progress calls = %v, want from {0 8} to {8 8}", calls)
	}

	calls = nil
	_, _ = importer.ParseTTHC(strings.NewReader(generateCSV(3000)), "t.csv", importer.Options{
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) },
	})
	if n := len(calls); n < 50 || n > 150 || calls[n-1] != [2]int{3000, 3000} {
		t.Errorf("3000 rows: %d progress calls ending %v, want about 100 ending {3000 3000}", n, calls[n-1])
	}
}

func TestErrorsCap(t *testing.T) {
	var e importer.Errors
	for i := range 1005 {
		e.Problems = append(e.Problems, importer.Problem{Row: i + 2, Column: "code", Message: "thiếu mã thủ tục"})
	}
	lines := strings.Split(e.Error(), "\n")
	if len(lines) != 101 || lines[0] != "row 2: code: thiếu mã thủ tục" || lines[100] != "… và 905 lỗi khác" {
		t.Errorf("%d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if qms.ErrorCode(&e) != qms.EINVALID {
		t.Errorf("ErrorCode = %q", qms.ErrorCode(&e))
	}
}

// generateCSV returns a catalogue of n valid rows.
func generateCSV(n int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		b.WriteString("1." + pad6(i) + ",Cấp giấy phép số " + pad6(i) + ",Văn hóa,15,\"1.000.000\",Nghị định 54/2019/NĐ-CP,Quyết định 100/QĐ-UBND,15/03/2024,còn hiệu lực\n")
	}
	return b.String()
}

func pad6(i int) string { return fmt.Sprintf("%06d", i) }

func BenchmarkParseTTHC3000(b *testing.B) {
	data := []byte(generateCSV(3000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rows, err := importer.ParseTTHC(bytes.NewReader(data), "t.csv", importer.Options{KnownFields: []string{"Văn hóa"}})
		if err != nil || len(rows) != 3000 {
			b.Fatal(len(rows), err)
		}
	}
}
