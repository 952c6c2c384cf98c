package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"isodt/qms/msg"
)

// readCSV reads UTF-8 CSV (with or without a BOM) into the table. Row
// numbers are those a spreadsheet shows when it opens the file: one per
// record, a quoted field spanning lines stays in one row, and a blank line
// is a row.
func (t *table) readCSV(data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	src := &recordLimiter{r: bytes.NewReader(data), limit: int64(t.lim.RowBytes)}
	cr := csv.NewReader(src)
	cr.Comma = delimiter(data)
	// A row with the wrong number of cells is a problem of that row, not
	// the end of the file (see table.shapeProblem).
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	prevRow, prevEnd := 0, 0 // spreadsheet row and last line of the previous record
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var start, end int
		r := row{}
		var perr *csv.ParseError
		switch {
		case errors.Is(err, errRecordTooLong):
			start = nextLine(data, cr.InputOffset())
			num := prevRow + 1 + max(0, start-prevEnd-1)
			ps := newProblems(1)
			ps.add(num, wholeRow, "dòng dài hơn giới hạn %s (có thể thiếu dấu ngoặc kép đóng): hãy sửa hoặc rút gọn dòng này", formatBytes(int64(t.lim.RowBytes)))
			return ps.err()
		case errors.As(err, &perr):
			// The reader has skipped the bad record; report it and go on so
			// that the user sees every bad row at once.
			start, end = perr.StartLine, perr.Line
			r.problem = csvSyntaxMessage(perr)
		case err != nil:
			return fmt.Errorf("read csv: %w", err)
		default:
			start, _ = cr.FieldPos(0)
			end = start
			for _, f := range rec {
				end += strings.Count(f, "\n")
			}
		}
		r.num = prevRow + 1 + max(0, start-prevEnd-1)
		prevRow, prevEnd = r.num, end
		src.recordDone(cr.InputOffset())
		if r.problem.Format == "" {
			t.csvCells(&r, rec)
		}
		if err := t.add(r); err != nil {
			return err
		}
	}
	return nil
}

// csvCells stores a record's fields in r, or a problem when one is not
// UTF-8.
func (t *table) csvCells(r *row, rec []string) {
	r.cells = make([]string, 0, min(len(rec), t.lim.Columns))
	for i, c := range rec {
		if !utf8.ValidString(c) {
			r.cells, r.long, r.problem = nil, nil, msg.New("ô thứ %d có ký tự không phải UTF-8: hãy lưu tệp dạng \"CSV UTF-8\"", i+1)
			return
		}
		if len(c) <= t.lim.CellBytes {
			c = cleanCell(c)
		}
		t.setCell(r, i, c)
	}
}

// errRecordTooLong stops the CSV reader in a record over Limits.RowBytes:
// encoding/csv keeps a whole record in memory, so an unclosed quote or a
// huge field would otherwise be read in full.
var errRecordTooLong = errors.New("csv record too long")

// recordLimiter is the CSV reader's input. It fails once the reader has
// taken more than limit bytes (plus its read-ahead buffer) since the end of
// the last record.
type recordLimiter struct {
	r            io.Reader
	limit        int64
	read, recEnd int64
}

// csvReadAhead is the buffer encoding/csv reads through (bufio's default).
const csvReadAhead = 4096

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.read-l.recEnd > l.limit+csvReadAhead {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func (l *recordLimiter) recordDone(offset int64) { l.recEnd = offset }

// nextLine is the 1-based number of the first non-blank line at or after
// offset: where the record that starts there begins.
func nextLine(data []byte, offset int64) int {
	offset = min(offset, int64(len(data)))
	line := 1 + bytes.Count(data[:offset], []byte("\n"))
	for rest := data[offset:]; len(rest) > 0; line++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 || len(bytes.TrimRight(rest[:i], "\r")) > 0 {
			break
		}
		rest = rest[i+1:]
	}
	return line
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
func csvSyntaxMessage(e *csv.ParseError) msg.Text {
	switch {
	case errors.Is(e.Err, csv.ErrBareQuote):
		return msg.New(`lỗi cú pháp CSV: ô có dấu ngoặc kép phải được bao trong ngoặc kép, và mỗi dấu ngoặc kép bên trong viết thành ""`)
	case errors.Is(e.Err, csv.ErrQuote):
		return msg.New("lỗi cú pháp CSV: thiếu hoặc thừa dấu ngoặc kép (đến dòng %d của tệp)", e.Line)
	}
	return msg.New("lỗi cú pháp CSV: %s", e.Err.Error())
}
