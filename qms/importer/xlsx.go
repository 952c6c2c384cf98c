package importer

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
)

func errBadXLSX() error {
	return qms.Errorf(qms.EINVALID, "Tệp XLSX bị hỏng, có mật khẩu hoặc không phải XLSX. Hãy mở bằng Excel và lưu lại dạng .xlsx hoặc CSV UTF-8.")
}

// readXLSX reads one worksheet into a table, cells as Excel displays them,
// except date cells: their display depends on the format and the user's
// locale ("03-15-24", "15/03/2024"), so they become ISO text
// ("2024-03-15" or "2024-03-15 09:30:00") that the date parsers read.
//
// excelize is a large parser fed with untrusted bytes; a panic in it becomes
// a "corrupt file" error rather than taking the server down.
func readXLSX(data []byte, opts Options) (t *table, err error) {
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, errBadXLSX()
		}
	}()
	// Bound the unzipped size too: a small ZIP can inflate to gigabytes.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: max(16*opts.maxBytes(), 16<<20),
	})
	if err != nil {
		return nil, errBadXLSX()
	}
	defer f.Close()

	sheet, err := pickSheet(f, opts.Sheet)
	if err != nil {
		return nil, err
	}
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	dates := dateStyles{f: f, sheet: sheet, known: map[int]bool{}}

	// Two iterators over the same sheet in step: one gives the displayed
	// text, the other the raw value that a date cell needs. Counting Next
	// calls gives the sheet row number, as excelize's own GetRows does.
	shown, err := f.Rows(sheet)
	if err != nil {
		return nil, errBadXLSX()
	}
	defer shown.Close()
	raw, err := f.Rows(sheet)
	if err != nil {
		return nil, errBadXLSX()
	}
	defer raw.Close()

	t = &table{padded: true}
	for num := 1; shown.Next(); num++ {
		raw.Next()
		cells, err := shown.Columns()
		if err != nil {
			return nil, errBadXLSX()
		}
		values, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errBadXLSX()
		}
		for i, c := range cells {
			if i < len(values) && values[i] != c {
				if iso, ok := dates.text(i+1, num, values[i], date1904); ok {
					c = iso
				}
			}
			cells[i] = cleanCell(c)
		}
		if !t.add(row{num: num, cells: cells}, opts.maxRows()) {
			return nil, errTooManyRows(opts.maxRows())
		}
	}
	if shown.Error() != nil {
		return nil, errBadXLSX()
	}
	return t, nil
}

func pickSheet(f *excelize.File, want string) (string, error) {
	list := f.GetSheetList()
	if len(list) == 0 {
		return "", errBadXLSX()
	}
	if want == "" {
		return list[0], nil
	}
	for _, s := range list {
		if strings.EqualFold(s, want) {
			return s, nil
		}
	}
	return "", qms.Errorf(qms.EINVALID, "Tệp không có trang tính %q (có: %s).", want, strings.Join(list, ", "))
}

// dateStyles finds which cells are formatted as dates. Styles are few and
// cells many, so the answer is cached by style index. Only cells whose
// displayed text differs from their numeric value are looked at, so text
// cells never cost a lookup.
type dateStyles struct {
	f     *excelize.File
	sheet string
	known map[int]bool
}

// text returns the ISO form of a date cell's serial value.
func (d dateStyles) text(col, rowNum int, value string, date1904 bool) (string, bool) {
	serial, err := strconv.ParseFloat(value, 64)
	if err != nil || serial < 1 { // below 1 is a time of day, not a date
		return "", false
	}
	cell, err := excelize.CoordinatesToCellName(col, rowNum)
	if err != nil {
		return "", false
	}
	idx, err := d.f.GetCellStyle(d.sheet, cell)
	if err != nil {
		return "", false
	}
	isDate, ok := d.known[idx]
	if !ok {
		if st, err := d.f.GetStyle(idx); err == nil {
			isDate = isDateStyle(st)
		}
		d.known[idx] = isDate
	}
	if !isDate {
		return "", false
	}
	tm, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return "", false
	}
	if tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0 {
		return tm.Format("2006-01-02"), true
	}
	return tm.Format("2006-01-02 15:04:05"), true
}

func isDateStyle(st *excelize.Style) bool {
	if st.CustomNumFmt != nil {
		return isDateFormatCode(*st.CustomNumFmt)
	}
	// Built-in formats with a date part (14–17, 22), and the East Asian
	// date formats that depend on the workbook's language (27–31, 36, 50–58).
	switch n := st.NumFmt; {
	case 14 <= n && n <= 17, n == 22, 27 <= n && n <= 31, n == 36, 50 <= n && n <= 58:
		return true
	}
	return false
}

// isDateFormatCode reports whether a custom number format shows a date: it
// has a year or day token outside quoted text, escapes and [brackets]
// ([Red], [$-42A], [h]). A month "m" alone is ambiguous with minutes, and a
// "mm:ss" format is a duration, so only y and d count.
func isDateFormatCode(code string) bool {
	code, _, _ = strings.Cut(code, ";") // the positive section decides
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == 'y' || c == 'Y' || c == 'd' || c == 'D':
			return true
		}
	}
	return false
}
