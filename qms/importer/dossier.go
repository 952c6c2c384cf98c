package importer

import (
	"cmp"
	"io"
	"slices"
	"strings"
	"time"

	"isodt/qms"
)

// DossierRecord is one dossier (hồ sơ) of the one-stop shop's history, as
// imported from an older system. Times are in Asia/Ho_Chi_Minh.
type DossierRecord struct {
	Row         int // spreadsheet row it came from, for messages after the import
	Code        string
	TTHCCode    string
	ReceivedAt  time.Time
	DueAt       time.Time
	CompletedAt *time.Time // always set: only finished dossiers are imported
	Status      string     // completed, refused or withdrawn
}

// dossierStatuses maps each status a one-stop system reports to whether
// it ends the dossier. Only finished dossiers are imported: an open one
// would come in without the procedure version in force pinned, so with no
// step to open or finish, and stay open for ever (the receipt is what
// pins it, POST /api/v1/dossiers).
func dossierStatuses() map[string]bool {
	return map[string]bool{
		"received": false, "in_progress": false, "paused": false,
		"completed": true, "refused": true, "withdrawn": true,
	}
}

func dossierColumns() []column {
	return []column{
		{key: "code", required: true, aliases: []string{"mã hồ sơ", "số hồ sơ"}},
		{key: "tthc_code", required: true, aliases: []string{"mã thủ tục"}},
		{key: "received_at", required: true, aliases: []string{"ngày tiếp nhận", "thời điểm tiếp nhận"}},
		{key: "due_at", required: true, aliases: []string{"hạn trả kết quả", "ngày hẹn trả"}},
		{key: "completed_at", aliases: []string{"ngày hoàn thành", "thời điểm hoàn thành"}},
		{key: "status", required: true, aliases: []string{"trạng thái"}},
	}
}

// ParseDossierHistory reads dossier history from CSV or XLSX with the
// columns code, tthc_code, received_at, due_at, completed_at (optional
// column) and status. Like ParseTTHC it returns every record or nil and
// an error: *Errors listing every problem, or a *qms.Error for the file.
//
// Rows are held to what a receipt through the API is held to: with
// Options.AgencyCode set, a code must be one the agency may choose
// (qms.CheckClientCode: "AGENCY-…"), with Options.KnownTTHC set, the
// TTHC must be in the agency's catalogue, and with Options.Now set, it
// was received and completed by then. Only finished dossiers
// (completed, refused, withdrawn) are taken (dossierStatuses).
//
// Times are RFC 3339 with an offset, or 2006-01-02T15:04,
// 2006-01-02 15:04:05, 02/01/2006 15:04 or a bare date (midnight) read in
// Asia/Ho_Chi_Minh.
func ParseDossierHistory(r io.Reader, name string, opts Options) ([]DossierRecord, error) {
	t, err := readTable(r, name, opts, DossierLimits())
	if err != nil {
		return nil, err
	}
	l, err := t.columns(dossierColumns())
	if err != nil {
		return nil, err
	}
	c := dossierChecker{t: t, l: l, opts: opts, loc: qms.Zone, statuses: dossierStatuses(), seen: map[string]int{}, ps: newProblems(t.lim.Problems)}
	out := make([]DossierRecord, 0, len(t.rows))
	tick := opts.progress(len(t.rows))
	for i, r := range t.rows {
		if d, ok := c.check(r); ok {
			out = append(out, d)
		}
		tick(i + 1)
	}
	if err := c.ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

type dossierChecker struct {
	t        *table
	l        layout
	opts     Options
	loc      *time.Location
	statuses map[string]bool
	seen     map[string]int // code → first row
	ps       problems
}

// timeLimit is the TTHC's legal time limit, when Options.TimeLimit knows it.
func (c *dossierChecker) timeLimit(code string) (int, bool) {
	if c.opts.TimeLimit == nil {
		return 0, false
	}
	return c.opts.TimeLimit(code)
}

// check converts one row, adding its problems; ok is false if it had any.
func (c *dossierChecker) check(r row) (DossierRecord, bool) {
	if c.t.rowProblems(r, c.l, &c.ps) {
		return DossierRecord{}, false
	}
	before, mark := c.ps.total, len(c.ps.list)
	get := func(key string) string { return c.l.get(r, key) }
	// The code is upper-cased as a receipt's is (ReceiveDossier).
	d := DossierRecord{Row: r.num, Code: strings.ToUpper(get("code")), TTHCCode: get("tthc_code"), Status: strings.ToLower(get("status"))}

	// The rule of the API's receipt, so that a file does not bring in a
	// dossier under another agency's code. The code is clipped for the
	// message, which quotes it: a clipped code is over 64 characters and
	// refused either way.
	var codeErr error
	if c.opts.AgencyCode != "" && d.Code != "" {
		codeErr = qms.CheckClientCode(c.opts.AgencyCode, clip(d.Code, quoteRunes))
	}
	switch first, dup := c.seen[d.Code]; {
	case d.Code == "":
		c.ps.add(r.num, "code", "thiếu mã hồ sơ")
	case codeErr != nil:
		c.ps.addText(r.num, "code", qms.Quoted(codeErr))
	case dup:
		c.ps.add(r.num, "code", "mã hồ sơ %s trùng với dòng %d", clip(d.Code, quoteRunes), first)
	default:
		c.seen[d.Code] = r.num
	}

	switch {
	case d.TTHCCode == "":
		c.ps.add(r.num, "tthc_code", "thiếu mã thủ tục")
	case !isTTHCCode(d.TTHCCode):
		c.ps.add(r.num, "tthc_code", "mã thủ tục %s không đúng dạng mã quốc gia (ví dụ 1.001234)", quote(d.TTHCCode))
	case c.opts.KnownTTHC != nil && !c.opts.KnownTTHC(d.TTHCCode):
		c.ps.add(r.num, "tthc_code", "thủ tục %s không có trong danh mục", clip(d.TTHCCode, quoteRunes))
	}

	received, okReceived := c.time(r, qms.FieldName{Field: "received_at", Label: "thời điểm tiếp nhận"}, true)
	due, okDue := c.time(r, qms.FieldName{Field: "due_at", Label: "hạn trả kết quả"}, true)
	completed, okCompleted := c.time(r, qms.FieldName{Field: "completed_at", Label: "thời điểm hoàn thành"}, false)
	d.ReceivedAt, d.DueAt = received, due
	// History has happened: a year typed 2036 for 2026 would put a
	// finished dossier into a report ten years ahead.
	if okReceived && !c.opts.Now.IsZero() && qms.InFuture(received, c.opts.Now) {
		c.ps.add(r.num, "received_at", "thời điểm tiếp nhận %s ở tương lai", received.In(qms.Zone).Format("02/01/2006 15:04"))
	}
	if okCompleted && !c.opts.Now.IsZero() && qms.InFuture(completed, c.opts.Now) {
		c.ps.add(r.num, "completed_at", "thời điểm hoàn thành %s ở tương lai", completed.In(qms.Zone).Format("02/01/2006 15:04"))
	}
	if okReceived && received.Before(qms.EarliestHistory) {
		c.ps.add(r.num, "received_at", "thời điểm tiếp nhận %s trước khi có cơ chế một cửa (2003): kiểm tra lại năm", received.In(qms.Zone).Format("02/01/2006"))
	}
	if okReceived && okDue && due.Before(received) {
		c.ps.add(r.num, "due_at", "hạn trả kết quả trước thời điểm tiếp nhận")
	} else if days, ok := c.timeLimit(d.TTHCCode); okReceived && okDue && ok && due.After(qms.FarthestHistoricDue(received, days)) {
		c.ps.add(r.num, "due_at", "hạn trả kết quả %s quá xa so với thời hạn %d ngày làm việc của thủ tục tính từ khi tiếp nhận: kiểm tra lại năm",
			due.In(qms.Zone).Format("02/01/2006"), days)
	}
	if okCompleted {
		d.CompletedAt = &completed
		if okReceived && completed.Before(received) {
			c.ps.add(r.num, "completed_at", "thời điểm hoàn thành trước thời điểm tiếp nhận")
		}
	}

	ends, known := c.statuses[d.Status]
	switch {
	case d.Status == "":
		c.ps.add(r.num, "status", "thiếu trạng thái")
	case !known:
		c.ps.add(r.num, "status", "trạng thái %s không hợp lệ (received, in_progress, paused, completed, refused hoặc withdrawn)", quote(get("status")))
	case !ends:
		c.ps.add(r.num, "status", "hồ sơ ở trạng thái %s chưa kết thúc: chỉ nhập hồ sơ đã kết thúc (completed, refused hoặc withdrawn); hồ sơ đang giải quyết được tiếp nhận vào hệ thống để theo quy trình có hiệu lực", d.Status)
	case get("completed_at") == "":
		c.ps.add(r.num, "completed_at", "hồ sơ ở trạng thái %s phải có thời điểm hoàn thành", d.Status)
	}

	slices.SortStableFunc(c.ps.list[mark:], func(a, b Problem) int {
		return cmp.Compare(columnOrder(c.l, a.Column), columnOrder(c.l, b.Column))
	})
	return d, c.ps.total == before
}

// time reads one time column; ok is false when it is empty or wrong (and
// then a problem has been added, unless an empty cell is allowed).
func (c *dossierChecker) time(r row, column qms.FieldName, required bool) (time.Time, bool) {
	key := column.Field
	s := c.l.get(r, key)
	if s == "" {
		if required {
			c.ps.add(r.num, key, "thiếu %s", column)
		}
		return time.Time{}, false
	}
	tm, ok := parseTime(s, c.loc)
	if !ok {
		c.ps.add(r.num, key, "%s %s không hợp lệ (ví dụ 2024-03-15 08:30, 15/03/2024 08:30 hoặc 2024-03-15T08:30:00+07:00)", column, quote(s))
	}
	return tm, ok
}

// columnOrder is a column's position in the file, for listing a row's
// problems left to right; -1 for a column the file does not have.
func columnOrder(l layout, key string) int {
	if i, ok := l[key]; ok {
		return i
	}
	return -1
}
