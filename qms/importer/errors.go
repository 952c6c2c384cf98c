package importer

import (
	"fmt"
	"strconv"
	"strings"

	"isodt/qms"
	"isodt/qms/msg"
)

// maxListedProblems caps Errors.Error for an Errors built by hand; the
// parsers already keep only the first Limits.Problems.
const maxListedProblems = defaultProblems

// maxMessageBytes bounds one problem's message: messages quote at most
// quoteRunes of a cell, this is the last line of defence.
const maxMessageBytes = 512

// wholeRow is the Column of a problem about the row as a whole (a CSV
// syntax error, a wrong number of cells, bytes that are not UTF-8).
const wholeRow = "*"

// Problem is one thing wrong in an imported file.
type Problem struct {
	Row     int      // spreadsheet row number: the header is usually row 1
	Column  string   // canonical column name (code, time_limit_days, …); in the header, an unknown header as written or the letter of an unnamed column; "*" for the whole row
	Message string   // Vietnamese, safe to show to the user
	Text    msg.Text // what Message is made of, for a page in another language
}

// Formatted is what the problem's message is made of (msg.Text).
func (p Problem) Formatted() (string, []any) { return p.Text.Formatted() }

// String formats the problem as "row N: column: message".
func (p Problem) String() string {
	return fmt.Sprintf("row %d: %s: %s", p.Row, p.Column, p.Message)
}

// Errors is returned when any row of a file is wrong. Imports are
// all-or-nothing, so it lists the problems of every row, in file order,
// for the user to fix in one pass: the first Limits.Problems of them
// (100 by default), with Total counting them all, so that a file with
// 100,000 bad rows does not produce a message of several megabytes.
//
// It unwraps to a *qms.Error with code EINVALID, so qms.ErrorCode and
// qms.ErrorMessage work on it like on any domain error.
type Errors struct {
	Problems []Problem
	Total    int // every problem found; at least len(Problems)
}

// Count is the number of problems found, listed or not.
func (e *Errors) Count() int {
	return max(e.Total, len(e.Problems))
}

// Omitted is the number of problems found but not listed.
func (e *Errors) Omitted() int {
	return e.Count() - min(len(e.Problems), maxListedProblems)
}

// Error lists the problems one per line, at most the first 100, then how
// many more there are.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxListedProblems {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	if n := e.Omitted(); n > 0 {
		fmt.Fprintf(&b, "\n… và %d lỗi khác", n)
	}
	return b.String()
}

// Unwrap gives the domain error behind the list: EINVALID with a summary.
func (e *Errors) Unwrap() error {
	return qms.Errorf(qms.EINVALID, "Tệp có %d lỗi, không dòng nào được nhập.", e.Count())
}

// problems collects the problems of a file as the rows are checked: the
// first limit of them, and the count of all.
type problems struct {
	list  []Problem
	total int
	limit int
}

func newProblems(limit int) problems {
	return problems{limit: limit}
}

func (ps *problems) add(row int, column, format string, args ...any) {
	ps.addText(row, column, msg.New(format, args...))
}

// addText adds a problem whose message is t: a message made elsewhere,
// such as a domain rule's refusal (qms.Quoted).
func (ps *problems) addText(row int, column string, t msg.Text) {
	ps.total++
	if len(ps.list) >= ps.limit {
		return
	}
	said := t.String()
	if len(said) > maxMessageBytes {
		said = clip(said, 200)
		t = msg.New("%s", said)
	}
	ps.list = append(ps.list, Problem{Row: row, Column: clip(column, quoteRunes), Message: said, Text: t})
}

// err returns nil when nothing was wrong, an *Errors otherwise. It returns
// the error interface so that callers never get a typed nil.
func (ps *problems) err() error {
	if ps.total == 0 {
		return nil
	}
	return &Errors{Problems: ps.list, Total: ps.total}
}

// clip returns s cut to at most n runes, marked with "…" when cut, so that
// a message never repeats a whole cell.
func clip(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// quote is %q of a cell's first quoteRunes runes.
func quote(s string) string {
	return strconv.Quote(clip(s, quoteRunes))
}

// errUnsupported is the error for any file that is neither CSV nor XLSX.
func errUnsupported() error {
	return qms.Errorf(qms.EINVALID, "Định dạng tệp không được hỗ trợ: chỉ nhận CSV (UTF-8) hoặc XLSX.")
}
