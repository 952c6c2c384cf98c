package importer

import (
	"fmt"
	"strings"

	"isodt/qms"
)

// maxListedProblems caps Errors.Error: a file with 100,000 bad rows should
// not produce a message of several megabytes. Problems keeps them all.
const maxListedProblems = 1000

// wholeRow is the Column of a problem about the row as a whole (a CSV
// syntax error, a wrong number of cells, bytes that are not UTF-8).
const wholeRow = "*"

// Problem is one thing wrong in an imported file.
type Problem struct {
	Row     int    // spreadsheet row number: the header is usually row 1
	Column  string // canonical column name (code, time_limit_days, …); in the header, an unknown header as written or the letter of an unnamed column; "*" for the whole row
	Message string // Vietnamese, safe to show to the user
}

// String formats the problem as "row N: column: message".
func (p Problem) String() string {
	return fmt.Sprintf("row %d: %s: %s", p.Row, p.Column, p.Message)
}

// Errors is returned when any row of a file is wrong. Imports are
// all-or-nothing, so it lists every problem of every row, in file order,
// for the user to fix in one pass.
//
// It unwraps to a *qms.Error with code EINVALID, so qms.ErrorCode and
// qms.ErrorMessage work on it like on any domain error.
type Errors struct {
	Problems []Problem
}

// Error lists the problems one per line, at most the first 1,000.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "\n… và %d lỗi khác", len(e.Problems)-maxListedProblems)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap gives the domain error behind the list: EINVALID with a summary.
func (e *Errors) Unwrap() error {
	return qms.Errorf(qms.EINVALID, "Tệp có %d lỗi, không dòng nào được nhập.", len(e.Problems))
}

// problems collects the problems of a file as the rows are checked.
type problems []Problem

func (ps *problems) add(row int, column, format string, args ...any) {
	*ps = append(*ps, Problem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was wrong, an *Errors otherwise. It returns
// the error interface so that callers never get a typed nil.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &Errors{Problems: ps}
}

// errUnsupported is the error for any file that is neither CSV nor XLSX.
func errUnsupported() error {
	return qms.Errorf(qms.EINVALID, "Định dạng tệp không được hỗ trợ: chỉ nhận CSV (UTF-8) hoặc XLSX.")
}
