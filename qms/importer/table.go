package importer

import (
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"

	"isodt/qms"
	"isodt/qms/msg"
)

// A table is an imported file reduced to text cells: a header and data
// rows, each with its spreadsheet row number. Both parsers work on tables,
// so CSV and XLSX behave the same past this point.
type table struct {
	lim           Limits
	headerRow     int
	header        []string
	headerProblem msg.Text // the header row could not be read (see row.problem)
	rows          []row
	blankRows     int
	textBytes     int64 // of the cells kept

	// padded is set for XLSX, where a row simply ends at its last non-empty
	// cell; in CSV a short row means a missing separator.
	padded bool
}

type row struct {
	num   int
	cells []string
	// problem is set when the row could not be read as cells at all (CSV
	// syntax, invalid UTF-8); its cells are then not checked.
	problem msg.Text
	// long lists the cells over Limits.CellBytes, left empty in cells.
	long []longCell
}

// longCell is a cell too long to import: its column (0-based) and size.
type longCell struct {
	col  int
	size int
}

// readTable reads a CSV or XLSX file into a table. Its errors are
// *qms.Error (EINVALID) for what is wrong with the file as a whole, or
// *Errors for a header that cannot be read.
func readTable(r io.Reader, name string, opts Options, def Limits) (*table, error) {
	lim := opts.limits(def)
	data, err := readAll(r, lim.FileBytes)
	if err != nil {
		return nil, err
	}
	t := &table{lim: lim}
	switch detectFormat(name, data) {
	case formatCSV:
		err = t.readCSV(data)
	case formatXLSX:
		t.padded = true
		err = t.readXLSX(data, opts.Sheet)
	default:
		return nil, errUnsupported()
	}
	switch {
	case err != nil:
		return nil, err
	case t.header == nil:
		return nil, qms.Errorf(qms.EINVALID, "Tệp trống: không có dòng tiêu đề.")
	case len(t.rows) == 0:
		return nil, qms.Errorf(qms.EINVALID, "Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề).")
	}
	return t, nil
}

// setCell stores the text of column col (0-based) in r, applying the
// limits: a cell over Limits.CellBytes is recorded as long and left empty,
// and columns past Limits.Columns are not kept (a non-empty one makes the
// row wrong).
func (t *table) setCell(r *row, col int, s string) {
	switch {
	case col >= t.lim.Columns:
		if strings.TrimSpace(s) != "" && r.problem.Format == "" {
			r.problem = msg.New("ô %s%d nằm ngoài %d cột được đọc", columnLetter(col), r.num, t.lim.Columns)
		}
		return
	case len(s) > t.lim.CellBytes:
		r.long = append(r.long, longCell{col: col, size: len(s)})
		s = ""
	}
	t.textBytes += int64(len(s))
	for len(r.cells) < col {
		r.cells = append(r.cells, "")
	}
	if col == len(r.cells) {
		r.cells = append(r.cells, s)
	} else {
		r.cells[col] = s
	}
}

// setLong records in r a cell of column col whose text, of size bytes,
// is over Limits.CellBytes and was not kept.
func (t *table) setLong(r *row, col, size int) {
	if col >= t.lim.Columns {
		t.setCell(r, col, "x") // a non-empty cell past the columns read
		return
	}
	r.long = append(r.long, longCell{col: col, size: size})
}

// add appends a row read from the file: the first non-blank row becomes the
// header and blank rows are dropped (Excel leaves them anywhere, and they
// carry nothing to import). It refuses the file, with a *qms.Error, once it
// holds more data rows, blank rows or text than the limits allow.
func (t *table) add(r row) error {
	switch {
	case t.textBytes > t.lim.TextBytes:
		return qms.Errorf(qms.EINVALID, "Nội dung các ô của tệp lớn hơn giới hạn %s (đến dòng %d). Hãy chia thành nhiều tệp nhỏ hơn.", formatBytes(t.lim.TextBytes), r.num)
	case r.problem.Format == "" && len(r.long) == 0 && blank(r.cells):
		t.blankRows++
		if t.blankRows > t.lim.BlankRows {
			return qms.Errorf(qms.EINVALID, "Tệp có hơn %d dòng trống (đến dòng %d). Hãy xoá các dòng trống thừa, thường ở cuối trang tính, rồi nhập lại.", t.lim.BlankRows, r.num)
		}
		return nil
	case t.header == nil:
		t.headerRow, t.header, t.headerProblem = r.num, append([]string{}, r.cells...), r.problem
		if len(r.long) > 0 && r.problem.Format == "" {
			t.headerProblem = msg.New("ô tiêu đề %s%d dài %d byte, vượt giới hạn %s", columnLetter(r.long[0].col), r.num, r.long[0].size, formatBytes(int64(t.lim.CellBytes)))
		}
		return nil
	case len(t.rows) >= t.lim.Rows:
		return errTooManyRows(t.lim.Rows)
	}
	t.rows = append(t.rows, r)
	return nil
}

func errTooManyRows(maxRows int) error {
	return qms.Errorf(qms.EINVALID, "Tệp có hơn %d dòng dữ liệu, vượt giới hạn. Hãy chia thành nhiều tệp nhỏ hơn.", maxRows)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cleanCell puts text into NFC: Vietnamese typed with some input methods
// ("Unicode tổ hợp") or saved on macOS is decomposed, and "Văn hóa" would
// otherwise differ from "Văn hóa" in matching, uniqueness and reports.
func cleanCell(s string) string {
	return norm.NFC.String(s)
}

// column describes one column a parser accepts.
type column struct {
	key      string   // canonical name, used in Problem.Column
	required bool     // the header must have it
	aliases  []string // Vietnamese names, lower case
}

// layout maps a canonical column name to its index in the rows.
type layout map[string]int

// headerKey folds a header cell for matching: trimmed, NFC, lower case,
// inner spaces collapsed.
func headerKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(s)), " "))
}

// columns matches the header against the accepted columns. Every problem
// is on the header row; with one, the data rows are not worth checking.
func (t *table) columns(accepted []column) (layout, error) {
	ps := newProblems(t.lim.Problems)
	if t.headerProblem.Format != "" {
		ps.addText(t.headerRow, wholeRow, t.headerProblem)
		return nil, ps.err()
	}
	byName := map[string]string{}
	var names []string
	for _, c := range accepted {
		byName[c.key] = c.key
		names = append(names, c.key)
		for _, a := range c.aliases {
			byName[a] = c.key
		}
	}
	// Excel writes trailing separators for formatted but empty columns.
	header := t.header
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	l, seen := layout{}, map[string]string{}
	for i, h := range header {
		key, ok := byName[headerKey(h)]
		switch {
		case strings.TrimSpace(h) == "":
			ps.add(t.headerRow, columnLetter(i), "cột thứ %d không có tên", i+1)
		case !ok:
			ps.add(t.headerRow, strings.TrimSpace(h), "cột không được hỗ trợ (các cột hợp lệ: %s)", strings.Join(names, ", "))
		case seen[key] != "":
			ps.add(t.headerRow, key, "cột %s trùng với cột %s", quote(strings.TrimSpace(h)), quote(seen[key]))
		default:
			seen[key], l[key] = strings.TrimSpace(h), i
		}
	}
	for _, c := range accepted {
		if _, ok := l[c.key]; c.required && !ok {
			if len(c.aliases) > 0 {
				ps.add(t.headerRow, c.key, "thiếu cột bắt buộc (tên khác: %s)", strings.Join(c.aliases, ", "))
			} else {
				ps.add(t.headerRow, c.key, "thiếu cột bắt buộc")
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	t.header = header
	return l, nil
}

// get returns the trimmed cell of a column, "" when the column is absent or
// the row ends before it.
func (l layout) get(r row, key string) string {
	i, ok := l[key]
	if !ok || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// rowProblems adds what keeps a row from being checked cell by cell and
// reports whether there was anything: cells too long to import, a read
// problem, or a number of cells that does not match the header (a shifted
// row would only produce misleading errors in every column).
func (t *table) rowProblems(r row, l layout, ps *problems) bool {
	for _, c := range r.long {
		ps.add(r.num, l.name(c.col), "ô %s%d dài %d byte, vượt giới hạn %s: hãy rút gọn nội dung ô", columnLetter(c.col), r.num, c.size, formatBytes(int64(t.lim.CellBytes)))
	}
	if len(r.long) > 0 {
		return true
	}
	if m := t.shapeProblem(r); m.Format != "" {
		ps.addText(r.num, wholeRow, m)
		return true
	}
	return false
}

func (t *table) shapeProblem(r row) msg.Text {
	if r.problem.Format != "" {
		return r.problem
	}
	n, want := len(r.cells), len(t.header)
	for n > want && strings.TrimSpace(r.cells[n-1]) == "" {
		n-- // trailing empty cells are harmless
	}
	switch {
	case n > want:
		return msg.New("dòng có %d ô nhưng dòng tiêu đề chỉ có %d cột", n, want)
	case n < want && !t.padded:
		return msg.New("dòng có %d ô nhưng dòng tiêu đề có %d cột", n, want)
	}
	return msg.Text{}
}

// name is the canonical name of the column at index i, or its letter when
// the header does not name it.
func (l layout) name(i int) string {
	for key, j := range l {
		if j == i {
			return key
		}
	}
	return columnLetter(i)
}

// columnLetter names a column as a spreadsheet does: 0 → A, 26 → AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
