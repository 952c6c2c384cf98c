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
// locale ("03-15-24", "15/03/2024"), so they become ISO text ("2024-03-15"
// or "2024-03-15 09:30:00") that the date parsers read.
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
	nums := numberCells{f: f, sheet: sheet, kinds: map[int]numberKind{}}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		nums.date1904 = *p.Date1904
	}

	// Stream raw values: text is final, and only numbers need their format.
	// (Letting excelize format every cell costs ~150 µs per date cell.)
	// Counting Next calls gives the sheet row number, as excelize's own
	// GetRows does.
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, errBadXLSX()
	}
	defer rows.Close()
	t = &table{padded: true}
	for num := 1; rows.Next(); num++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errBadXLSX()
		}
		for i, c := range cells {
			if _, err := strconv.ParseFloat(c, 64); err == nil {
				c = nums.text(i+1, num, c)
			}
			cells[i] = cleanCell(c)
		}
		if !t.add(row{num: num, cells: cells}, opts.maxRows()) {
			return nil, errTooManyRows(opts.maxRows())
		}
	}
	if rows.Error() != nil {
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

// numberCells displays numeric cells. Looking a cell up loads the whole
// worksheet into excelize's memory, once; text-only sheets never pay it.
// Styles are few and cells many, so the kind of format is cached by style.
type numberCells struct {
	f        *excelize.File
	sheet    string
	date1904 bool
	kinds    map[int]numberKind
}

type numberKind int

const (
	numberPlain numberKind = iota + 1 // shown by excelize with its format
	numberDate                        // shown as ISO text
)

// text returns what to import for the cell holding raw: ISO text for a date,
// excelize's formatted value for any other number, raw itself for a text
// cell that only looks like a number.
func (n numberCells) text(col, rowNum int, raw string) string {
	cell, err := excelize.CoordinatesToCellName(col, rowNum)
	if err != nil {
		return raw
	}
	if typ, err := n.f.GetCellType(n.sheet, cell); err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
		return raw
	}
	idx, err := n.f.GetCellStyle(n.sheet, cell)
	if err != nil {
		return raw
	}
	kind, ok := n.kinds[idx]
	if !ok {
		kind = numberPlain
		if st, err := n.f.GetStyle(idx); err == nil && isDateStyle(st) {
			kind = numberDate
		}
		n.kinds[idx] = kind
	}
	if kind == numberDate {
		if iso, ok := n.dateText(raw); ok {
			return iso
		}
	}
	if shown, err := n.f.GetCellValue(n.sheet, cell); err == nil {
		return shown
	}
	return raw
}

func (n numberCells) dateText(raw string) (string, bool) {
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil || serial < 1 { // below 1 is a time of day, not a date
		return "", false
	}
	tm, err := excelize.ExcelDateToTime(serial, n.date1904)
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
