package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// readCSV reads UTF-8 CSV (with or without a BOM) into a table. Row numbers
// are those a spreadsheet shows when it opens the file: one per record, a
// quoted field spanning lines stays in one row, and a blank line is a row.
func readCSV(data []byte, maxRows int) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	// A row with the wrong number of cells is a problem of that row, not
	// the end of the file (see table.shapeProblem).
	cr.FieldsPerRecord = -1
	t := &table{}
	prevRow, prevEnd := 0, 0 // spreadsheet row and last line of the previous record
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var start, end int
		r := row{cells: rec}
		var perr *csv.ParseError
		switch {
		case errors.As(err, &perr):
			// The reader has skipped the bad record; report it and go on so
			// that the user sees every bad row at once.
			start, end = perr.StartLine, perr.Line
			r.cells, r.problem = nil, csvSyntaxMessage(perr)
		case err != nil:
			return nil, fmt.Errorf("read csv: %w", err)
		default:
			start, _ = cr.FieldPos(0)
			end = start
			for _, f := range rec {
				end += strings.Count(f, "\n")
			}
		}
		r.num = prevRow + 1 + max(0, start-prevEnd-1)
		prevRow, prevEnd = r.num, end
		for i, c := range r.cells {
			if !utf8.ValidString(c) {
				r.cells, r.problem = nil, fmt.Sprintf("ô thứ %d có ký tự không phải UTF-8: hãy lưu tệp dạng \"CSV UTF-8\"", i+1)
				break
			}
			r.cells[i] = cleanCell(c)
		}
		if !t.add(r, maxRows) {
			return nil, errTooManyRows(maxRows)
		}
	}
	return t, nil
}

// delimiter is ';' when the first non-blank line has semicolons and no
// comma: Excel with Vietnamese regional settings (decimal comma) writes
// "CSV" that way.
func delimiter(data []byte) rune {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if bytes.IndexByte(line, ',') < 0 && bytes.IndexByte(line, ';') >= 0 {
			return ';'
		}
		break
	}
	return ','
}

// csvSyntaxMessage explains a CSV syntax error. The column the reader gives
// counts bytes, not letters, so it is left out; the row number is enough.
func csvSyntaxMessage(e *csv.ParseError) string {
	switch {
	case errors.Is(e.Err, csv.ErrBareQuote):
		return `lỗi cú pháp CSV: ô có dấu ngoặc kép phải được bao trong ngoặc kép, và mỗi dấu ngoặc kép bên trong viết thành ""`
	case errors.Is(e.Err, csv.ErrQuote):
		return fmt.Sprintf("lỗi cú pháp CSV: thiếu hoặc thừa dấu ngoặc kép (đến dòng %d của tệp)", e.Line)
	}
	return "lỗi cú pháp CSV: " + e.Err.Error()
}
