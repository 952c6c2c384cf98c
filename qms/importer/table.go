package importer

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"

	"isodt/qms"
)

// A table is an imported file reduced to text cells: a header and data
// rows, each with its spreadsheet row number. Both parsers work on tables,
// so CSV and XLSX behave the same past this point.
type table struct {
	headerRow     int
	header        []string
	headerProblem string // the header row could not be read (see row.problem)
	rows          []row

	// padded is set for XLSX, where a row simply ends at its last non-empty
	// cell; in CSV a short row means a missing separator.
	padded bool
}

type row struct {
	num   int
	cells []string
	// problem is set when the row could not be read as cells at all (CSV
	// syntax, invalid UTF-8); its cells are then not checked.
	problem string
}

// readTable reads a CSV or XLSX file into a table. Its errors are
// *qms.Error (EINVALID) for what is wrong with the file as a whole, or
// *Errors for a header that cannot be read.
func readTable(r io.Reader, name string, opts Options) (*table, error) {
	data, err := readAll(r, opts.maxBytes())
	if err != nil {
		return nil, err
	}
	var t *table
	switch detectFormat(name, data) {
	case formatCSV:
		t, err = readCSV(data, opts.maxRows())
	case formatXLSX:
		t, err = readXLSX(data, opts)
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

// add appends a row read from the file: the first non-blank row becomes the
// header and blank rows are dropped (Excel leaves them anywhere, and they
// carry nothing to import). It reports false, leaving the row out, when the
// table already has maxRows data rows.
func (t *table) add(r row, maxRows int) bool {
	switch {
	case r.problem == "" && blank(r.cells):
		return true
	case t.header == nil:
		t.headerRow, t.header, t.headerProblem = r.num, append([]string{}, r.cells...), r.problem
		return true
	case len(t.rows) >= maxRows:
		return false
	}
	t.rows = append(t.rows, r)
	return true
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
	var ps problems
	if t.headerProblem != "" {
		ps.add(t.headerRow, wholeRow, "%s", t.headerProblem)
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
			ps.add(t.headerRow, key, "cột %q trùng với cột %q", strings.TrimSpace(h), seen[key])
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

// shapeProblem says what keeps a row from being checked cell by cell: a
// read problem or a number of cells that does not match the header. A
// shifted row would only produce misleading errors in every column.
func (t *table) shapeProblem(r row) string {
	if r.problem != "" {
		return r.problem
	}
	n, want := len(r.cells), len(t.header)
	for n > want && strings.TrimSpace(r.cells[n-1]) == "" {
		n-- // trailing empty cells are harmless
	}
	switch {
	case n > want:
		return fmt.Sprintf("dòng có %d ô nhưng dòng tiêu đề chỉ có %d cột", n, want)
	case n < want && !t.padded:
		return fmt.Sprintf("dòng có %d ô nhưng dòng tiêu đề có %d cột", n, want)
	}
	return ""
}

// columnLetter names a column as a spreadsheet does: 0 → A, 26 → AA.
func columnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
