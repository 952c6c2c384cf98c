package importer

import (
	"cmp"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"isodt/qms"
	"isodt/qms/msg"
)

// tthcColumns are the columns of a TTHC catalogue file. The aliases are the
// headers of the national public-service portal's export and of agency
// spreadsheets.
func tthcColumns() []column {
	return []column{
		{key: "code", required: true, aliases: []string{"mã", "mã thủ tục"}},
		{key: "name", required: true, aliases: []string{"tên", "tên thủ tục"}},
		{key: "field", required: true, aliases: []string{"lĩnh vực"}},
		{key: "time_limit_days", required: true, aliases: []string{"thời hạn", "thời hạn giải quyết"}},
		{key: "fee", aliases: []string{"phí", "lệ phí"}},
		{key: "legal_basis", aliases: []string{"căn cứ pháp lý"}},
		{key: "published_by", aliases: []string{"quyết định công bố"}},
		{key: "published_on", aliases: []string{"ngày công bố"}},
		{key: "status", aliases: []string{"trạng thái"}},
		{key: "service_level", aliases: []string{"mức độ"}},
	}
}

// ParseTTHC reads a TTHC catalogue from CSV or XLSX (see the package
// documentation for the columns). It returns every row, or nil and an
// error: *Errors listing every problem when any row is wrong, or a
// *qms.Error (EINVALID) when the file itself cannot be used.
//
// published_on is a civil date returned as midnight UTC of that date.
func ParseTTHC(r io.Reader, name string, opts Options) ([]qms.TTHC, error) {
	t, err := readTable(r, name, opts, CatalogueLimits())
	if err != nil {
		return nil, err
	}
	l, err := t.columns(tthcColumns())
	if err != nil {
		return nil, err
	}
	c := tthcChecker{t: t, l: l, opts: opts, fields: catalogue(opts.KnownFields), seen: map[string]int{}, ps: newProblems(t.lim.Problems)}
	out := make([]qms.TTHC, 0, len(t.rows))
	tick := opts.progress(len(t.rows))
	for i, r := range t.rows {
		if p, ok := c.check(r); ok {
			out = append(out, p)
		}
		tick(i + 1)
	}
	if err := c.ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type tthcChecker struct {
	t      *table
	l      layout
	opts   Options
	fields map[string]string // folded name → catalogue spelling; nil = any field
	seen   map[string]int    // code → first row
	ps     problems
}

// check converts one row, adding its problems; ok is false if it had any.
func (c *tthcChecker) check(r row) (qms.TTHC, bool) {
	if c.t.rowProblems(r, c.l, &c.ps) {
		return qms.TTHC{}, false
	}
	before, mark := c.ps.total, len(c.ps.list)
	get := func(key string) string { return c.l.get(r, key) }
	p := qms.TTHC{
		AgencyCode:   c.opts.AgencyCode,
		Code:         get("code"),
		Name:         get("name"),
		Field:        get("field"),
		Fee:          get("fee"),
		LegalBasis:   get("legal_basis"),
		PublishedBy:  get("published_by"),
		ServiceLevel: get("service_level"),
	}

	// Parse the typed columns first; on failure leave a value that passes
	// Validate so the same cell is not reported twice.
	switch s := get("time_limit_days"); {
	case s == "":
		c.ps.add(r.num, "time_limit_days", "thiếu thời hạn giải quyết")
	case !digits(s):
		c.ps.add(r.num, "time_limit_days", "thời hạn giải quyết %s phải là số ngày viết bằng chữ số, như 15", quote(s))
	default:
		n, err := strconv.Atoi(s)
		if err != nil {
			n = qms.MaxTimeLimitDays + 1 // too many digits: let Validate say the range
		}
		p.TimeLimitDays = n
	}
	if s := get("published_on"); s != "" {
		if d, ok := parseDate(s); ok {
			p.PublishedOn = d
		} else {
			c.ps.add(r.num, "published_on", "ngày công bố %s không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)", quote(s))
		}
	}
	switch s := strings.ToLower(get("status")); s {
	case "", qms.TTHCActive, "còn hiệu lực":
		p.Status = qms.TTHCActive
	case qms.TTHCAbolished, "đã bãi bỏ":
		p.Status = qms.TTHCAbolished
	default:
		c.ps.add(r.num, "status", "trạng thái %s không hợp lệ (active hoặc còn hiệu lực, abolished hoặc đã bãi bỏ)", quote(get("status")))
		p.Status = qms.TTHCActive
	}

	p.Normalize()
	c.validate(r.num, p)

	if c.fields != nil && p.Field != "" {
		if canon, ok := c.fields[headerKey(p.Field)]; ok {
			p.Field = canon
		} else {
			c.ps.add(r.num, "field", "lĩnh vực %s không có trong danh mục", clip(p.Field, quoteRunes))
		}
	}
	if p.Code != "" {
		if first, dup := c.seen[p.Code]; dup {
			c.ps.add(r.num, "code", "mã %s trùng với dòng %d", clip(p.Code, quoteRunes), first)
		} else {
			c.seen[p.Code] = r.num
		}
	}

	// Report a row's problems left to right, as the user reads it.
	slices.SortStableFunc(c.ps.list[mark:], func(a, b Problem) int {
		return cmp.Compare(columnOrder(c.l, a.Column), columnOrder(c.l, b.Column))
	})
	return p, c.ps.total == before
}

// validate runs the domain rules. TTHC.Validate stops at the first wrong
// field; replacing that field with a valid stand-in and validating again
// finds the others, so the user fixes a row in one pass while the rules
// stay in one place (qms/tthc.go).
func (c *tthcChecker) validate(rowNum int, p qms.TTHC) {
	// Validate quotes a wrong code whole; a valid one is 9 characters, so
	// clipping it changes the message only.
	p.Code = clip(p.Code, quoteRunes)
	for range 8 { // more than the number of fields Validate checks
		var e *qms.Error
		err := p.Validate()
		if err == nil {
			return
		}
		if !errors.As(err, &e) {
			c.ps.addText(rowNum, wholeRow, qms.Quoted(err))
			return
		}
		said := qms.Quoted(e)
		switch e.Field {
		case "code":
			if truncatedCode(p.Code) {
				said = msg.New("%s; ô có thể đang ở dạng số nên mất chữ số 0 ở cuối, hãy định dạng cột mã là Text", said)
			}
			p.Code = "1.000000"
		case "name":
			p.Name = "-"
		case "field":
			p.Field = "-"
		case "time_limit_days":
			p.TimeLimitDays = 0
		case "status":
			p.Status = qms.TTHCActive
		default: // a rule this loop does not know: report it and stop
			c.ps.addText(rowNum, e.Field, said)
			return
		}
		c.ps.addText(rowNum, e.Field, said)
	}
}

// catalogue indexes the known fields by their folded name.
func catalogue(known []string) map[string]string {
	if known == nil {
		return nil
	}
	m := make(map[string]string, len(known))
	for _, f := range known {
		m[headerKey(f)] = strings.TrimSpace(cleanCell(f))
	}
	return m
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isTTHCCode is the national code format, ^[0-9]{1,2}\.[0-9]{6}$, the same
// rule as qms.TTHC.Validate (which has no exported helper).
func isTTHCCode(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && len(a) >= 1 && len(a) <= 2 && digits(a) && len(b) == 6 && digits(b)
}

// truncatedCode reports a code that looks like a national code stored as a
// number: Excel shows 1.000100 as 1.0001.
func truncatedCode(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && len(a) >= 1 && len(a) <= 2 && digits(a) && len(b) < 6 && digits(b)
}
