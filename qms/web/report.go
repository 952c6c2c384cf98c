package web

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"isodt/qms"
)

// queryDay reads a day a query gives as parseDay does (dd/mm/yyyy as the
// pages write it, or yyyy-mm-dd as programs do), at midnight in Vietnam.
func queryDay(v string) (time.Time, bool) {
	t, ok := parseDay(v)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, qms.Zone), ok
}

// dayFormat refuses a day queryDay cannot read.
const dayFormat = "Ngày %q không hợp lệ: nhập dạng dd/mm/yyyy (hoặc yyyy-mm-dd)."

// period reads from/to (dd/mm/yyyy or yyyy-mm-dd, "to" inclusive) and
// defaults to the current quarter in Hà Nội. It returns the half-open
// range [from, to+1 day).
func period(c *fiber.Ctx, now time.Time) (from, to time.Time, err error) {
	n := now.In(qms.Zone)
	q := (int(n.Month()) - 1) / 3
	from = time.Date(n.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, qms.Zone)
	to = from.AddDate(0, 3, 0)
	for key, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		v := strings.TrimSpace(c.Query(key))
		if v == "" {
			continue
		}
		t, ok := queryDay(v)
		if !ok {
			return from, to, qms.FieldError(key, dayFormat, v)
		}
		if key == "to" {
			t = t.AddDate(0, 0, 1)
		}
		*dst = t
	}
	if !to.After(from) {
		return from, to, qms.FieldError("to", "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	return from, to, nil
}

// reportRow is one line of the report table.
type reportRow struct {
	Key string
	*qms.OnTimeReport
}

func (s *Server) onTimeRows(c *fiber.Ctx) ([]reportRow, *qms.OnTimeReport, time.Time, time.Time, error) {
	from, to, err := period(c, s.cfg.Now())
	if err != nil {
		return nil, nil, from, to, err
	}
	agency, err := s.reportAgency(c)
	if err != nil {
		return nil, nil, from, to, err
	}
	group := c.Query("group_by")
	reps, err := s.Dossiers.OnTime(c.UserContext(), agency, from, to, group)
	if err != nil {
		return nil, nil, from, to, err
	}
	// Ungrouped, the figures are the total: one pass over the dossiers.
	total := reps
	if group != "" {
		if total, err = s.Dossiers.OnTime(c.UserContext(), agency, from, to, ""); err != nil {
			return nil, nil, from, to, err
		}
	}
	var rows []reportRow
	if group != "" {
		for k, r := range reps {
			rows = append(rows, reportRow{k, r})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	}
	return rows, total[""], from, to, nil
}

func (s *Server) reportOnTime(c *fiber.Ctx) error {
	rows, total, from, to, err := s.onTimeRows(c)
	p := &reportPage{page: s.page(c), Query: reportQuery{From: c.Query("from"), To: c.Query("to"), GroupBy: c.Query("group_by"), Agency: c.Query("agency")}}
	preds, perr := s.predecessors(c)
	if perr != nil {
		return perr
	}
	p.Predecessors = preds
	if err == nil {
		agency, _ := s.reportAgency(c)
		p.Rows, p.Total, p.From, p.To = rows, total, from, to.AddDate(0, 0, -1)
		if agency != callerOf(c).agency {
			p.OfAgency = agency
		}
		p.Chart = barChart(total, dictionaries[langOf(c)])
		if p.RateCharts, err = s.rateCharts(c.UserContext(), agency, from, to, dictionaries[langOf(c)]); err != nil {
			return err
		}
		p.XLSX = "/reports/ontime.xlsx?" + string(c.Request().URI().QueryString())
		if p.Merged, err = s.figuresWithPredecessors(c.UserContext(), callerOf(c).agency, total, from, to); err != nil {
			return err
		}
	}
	return s.renderPage(c, "report", &p.page, p, err)
}

// reportPage is the data of the on-time report.
type reportPage struct {
	page
	Query        reportQuery
	Predecessors []*qms.Agency // the agencies merged into the caller's, whose figures one may ask for
	// The figures, when the query is accepted:
	Rows       []reportRow       // by group, when grouped
	Total      *qms.OnTimeReport // nil when the query is refused
	From, To   time.Time         // the period, "to" inclusive
	OfAgency   string            // the merged agency whose figures these are, if not the caller's
	Chart      []chartBar
	RateCharts []rateChart
	XLSX       string         // the same report as a spreadsheet
	Merged     *mergedFigures // the figures of the agencies merged into the caller's, if any
}

// reportQuery is the report's query, as typed.
type reportQuery struct {
	From, To, GroupBy, Agency string
}

func (s *Server) apiReportOnTime(c *fiber.Ctx) error {
	rows, total, from, to, err := s.onTimeRows(c)
	if err != nil {
		return err
	}
	groups := map[string]*qms.OnTimeReport{}
	for _, r := range rows {
		groups[r.Key] = r.OnTimeReport
	}
	out := fiber.Map{"agency": callerOf(c).agency, "from": from.Format("2006-01-02"), "to": to.AddDate(0, 0, -1).Format("2006-01-02"), "total": total, "groups": groups}
	m, err := s.figuresWithPredecessors(c.UserContext(), callerOf(c).agency, total, from, to)
	if err != nil {
		return err
	} else if m != nil {
		out["predecessors"], out["total_with_predecessors"] = m.Rows, m.Combined
	}
	return c.JSON(out)
}

// reportOnTimeXLSX exports the same figures as a spreadsheet.
func (s *Server) reportOnTimeXLSX(c *fiber.Ctx) error {
	rows, total, from, to, err := s.onTimeRows(c)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Báo cáo"
	f.SetSheetName("Sheet1", sheet)
	agency, _ := s.reportAgency(c)
	f.SetCellValue(sheet, "A1", fmt.Sprintf("Kết quả giải quyết hồ sơ – đơn vị %s, từ %s đến %s", agency, from.Format("02/01/2006"), to.AddDate(0, 0, -1).Format("02/01/2006")))
	f.SetCellValue(sheet, "A2", "Đang giải quyết và quá hạn chưa giải quyết tính tại "+formatDateTime(total.MeasuredAt))
	header := []any{"Nhóm", "Tiếp nhận", "Kỳ trước chuyển sang", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang giải quyết", "Quá hạn chưa giải quyết", "Tỷ lệ đúng hạn (%)"}
	f.SetSheetRow(sheet, "A3", &header)
	line := func(cell, key string, r *qms.OnTimeReport) {
		vals := []any{key, r.Received, r.CarriedOver, r.Completed, r.Early, r.OnTime, r.Late, r.InProgress, r.Overdue, r.TimelyRate}
		f.SetSheetRow(sheet, cell, &vals)
	}
	for i, r := range rows {
		line(fmt.Sprintf("A%d", 4+i), r.Key, r.OnTimeReport)
	}
	line(fmt.Sprintf("A%d", 4+len(rows)), "Tổng cộng", total)
	m, err := s.figuresWithPredecessors(c.UserContext(), callerOf(c).agency, total, from, to)
	if err != nil {
		return err
	} else if m != nil {
		next := 6 + len(rows)
		f.SetCellValue(sheet, fmt.Sprintf("A%d", next), mergedNote(m.Groups))
		for i, p := range m.Rows {
			line(fmt.Sprintf("A%d", next+1+i), p.Agency.Name+" (đã sáp nhập)", p.Report)
		}
		line(fmt.Sprintf("A%d", next+1+len(m.Rows)), "Tổng cộng, gồm đơn vị đã sáp nhập", m.Combined)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Attachment(fmt.Sprintf("bao-cao-dung-han-%s-%s.xlsx", callerOf(c).agency, from.Format("20060102")))
	return c.Send(buf.Bytes())
}

// chartBar is one bar of the report chart, in SVG units.
type chartBar struct {
	Label, Class string
	Value        int
	X, Y, H      int
}

// barChart draws early/on time/late/overdue as bars; the template puts
// them in an inline SVG with presentation attributes only (no style).
func barChart(r *qms.OnTimeReport, l map[string]string) []chartBar {
	vals := []chartBar{{Label: l["result.early"], Class: "early", Value: r.Early}, {Label: l["result.on_time"], Class: "ontime", Value: r.OnTime},
		{Label: l["result.late"], Class: "late", Value: r.Late}, {Label: l["report.dang_qua_han"], Class: "overdue", Value: r.Overdue}}
	peak := 1
	for _, v := range vals {
		peak = max(peak, v.Value)
	}
	for i := range vals {
		vals[i].H = vals[i].Value * 160 / peak
		vals[i].X, vals[i].Y = 20+i*110, 180-vals[i].H
	}
	return vals
}

// reportAgency is the agency whose figures the report shows: the
// caller's, or (?agency=) an agency merged into it, directly or through
// an earlier merge: a merged agency's figures by period stay readable
// under its successor (issue #16 item 1).
func (s *Server) reportAgency(c *fiber.Ctx) (string, error) {
	own := callerOf(c).agency
	code := strings.ToUpper(strings.TrimSpace(c.Query("agency")))
	if code == "" || code == own {
		return own, nil
	}
	for hops, cur := 0, code; hops < 16; hops++ {
		a, err := s.Agencies.FindAgencyByCode(c.UserContext(), cur)
		if err != nil || !a.IsMerged() {
			break
		}
		if a.MergedInto == own {
			return code, nil
		}
		cur = a.MergedInto
	}
	return own, qms.FieldError("agency", "Đơn vị %q không phải đơn vị đã sáp nhập vào %q.", code, own)
}

// predecessors are the agencies merged into the caller's, whose reports
// the report page links to.
func (s *Server) predecessors(c *fiber.Ctx) ([]*qms.Agency, error) {
	own := callerOf(c).agency
	as, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{})
	if err != nil {
		return nil, err
	}
	var out []*qms.Agency
	for _, a := range as {
		if a.MergedInto == own {
			out = append(out, a)
		}
	}
	return out, nil
}
