package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/importer"
	"isodt/qms/sqlite"
)

// cmdCalendarHolidays lists the non-working holiday dates of a year.
func cmdCalendarHolidays(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "calendar holidays")
	year := fs.Int("year", 0, "năm (bắt buộc)")
	agency := fs.String("agency", qms.SystemAgencyCode, "mã đơn vị (giờ làm việc riêng)")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *year < calendar.MinYear || *year > calendar.MaxYear {
		return usagef("calendar holidays: --year phải từ %d đến %d", calendar.MinYear, calendar.MaxYear)
	}
	cal, err := openCalendar(ctx, e, *dbPath, *agency)
	if err != nil {
		return err
	}
	hs := cal.Holidays(*year)
	if *asJSON {
		type row struct {
			Date string `json:"date"`
			Name string `json:"name"`
			Kind string `json:"kind"`
		}
		out := make([]row, 0, len(hs))
		for _, h := range hs {
			out = append(out, row{h.Date.String(), h.Name, string(h.Kind)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, h := range hs {
		d := h.Date.In(qms.Zone)
		fmt.Fprintf(e.stdout, "%s  %-9s %s\n", d.Format("02/01/2006"), weekdayVI[d.Weekday()], h.Name)
	}
	return nil
}

var weekdayVI = [...]string{"Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"}

// cmdCalendarDue prints the due time of a dossier received at --start
// with a legal time limit of --days working days.
func cmdCalendarDue(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "calendar due")
	start := fs.String("start", "", "thời điểm tiếp nhận, ví dụ 2026-02-13T10:00 (giờ Việt Nam)")
	days := fs.Int("days", -1, "thời hạn giải quyết (ngày làm việc)")
	agency := fs.String("agency", qms.SystemAgencyCode, "mã đơn vị (giờ làm việc riêng)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *start == "" || *days < 0 {
		return usagef("calendar due: cần --start và --days")
	}
	at, err := parseLocalTime(*start)
	if err != nil {
		return qms.FieldError("start", "Thời điểm %q không hợp lệ: dùng 2026-02-13T10:00 hoặc RFC 3339.", *start)
	}
	cal, err := openCalendar(ctx, e, *dbPath, *agency)
	if err != nil {
		return err
	}
	due, err := cal.Due(at, *days)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, due.In(qms.Zone).Format(time.RFC3339))
	return nil
}

func openCalendar(ctx context.Context, e *env, dbPath, agency string) (*calendar.Calendar, error) {
	db, err := openExisting(ctx, e, dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	a, err := db.FindAgencyByCode(ctx, agency)
	if err != nil {
		return nil, err
	}
	return db.Calendar(ctx, a.Code)
}

// parseLocalTime reads RFC 3339 or a local time without offset (Hà Nội).
func parseLocalTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, qms.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// parseDay reads a report date: 2026-04-01 or 01/04/2026.
func parseDay(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, s, qms.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, qms.Errorf(qms.EINVALID, "Ngày %q không hợp lệ: dùng 2026-04-01 hoặc 01/04/2026.", s)
}

// cmdImportDossiers loads one-stop history from CSV: every row or none.
func cmdImportDossiers(ctx context.Context, e *env, args []string) error {
	in, err := openImport(ctx, e, "import dossiers", args)
	if err != nil {
		return err
	}
	defer in.Close()
	catalogue, err := in.db.FindTTHCs(ctx, in.agency)
	if err != nil {
		return err
	}
	// A dossier's TTHC is one of the agency's catalogue, as on receipt.
	// An abolished TTHC is taken: the dossiers it had before are history.
	limits := make(map[string]int, len(catalogue))
	for _, t := range catalogue {
		limits[t.Code] = t.TimeLimitDays
	}
	recs, err := importer.ParseDossierHistory(in.file, in.name, importer.Options{AgencyCode: in.agency, Progress: progressBar(e.stderr, "Kiểm tra"),
		KnownTTHC: func(code string) bool { _, ok := limits[code]; return ok },
		TimeLimit: func(code string) (int, bool) { days, ok := limits[code]; return days, ok }, Now: time.Now()})
	if err := importProblems(e, err); err != nil {
		return err
	}
	rows := make([]sqlite.DossierImport, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, sqlite.DossierImport{Code: r.Code, TTHCCode: r.TTHCCode, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt, CompletedAt: r.CompletedAt, Status: qms.DossierStatus(r.Status)})
	}
	n, err := in.db.ImportDossiers(cliContext(ctx, "import-dossiers"), in.agency, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok %d dossiers imported\n", n)
	return nil
}

// cmdReportOnTime prints the on-time figures of a period (dates inclusive).
func cmdReportOnTime(ctx context.Context, e *env, args []string) error {
	fs, dbPath := newFlags(e, "report ontime")
	agency := fs.String("agency", "", "mã đơn vị (bắt buộc)")
	fromS := fs.String("from", "", "từ ngày (2026-04-01)")
	toS := fs.String("to", "", "đến ngày, tính cả ngày này (2026-06-30)")
	asJSON := fs.Bool("json", false, "in kết quả dạng JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *agency == "" || *fromS == "" || *toS == "" {
		return usagef("report ontime: cần --agency, --from và --to")
	}
	from, err := parseDay(*fromS)
	if err != nil {
		return err
	}
	to, err := parseDay(*toS)
	if err != nil {
		return err
	}
	if to.Before(from) {
		return qms.FieldError("to", "Ngày kết thúc trước ngày bắt đầu.")
	}
	db, err := openExisting(ctx, e, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.FindAgencyByCode(ctx, *agency)
	if err != nil {
		return err
	}
	reps, err := db.OnTime(ctx, a.Code, from, to.AddDate(0, 0, 1), "")
	if err != nil {
		return err
	}
	r := reps[""]
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(r)
	}
	fmt.Fprintf(e.stdout, "Đơn vị %s, từ %s đến %s\n", a.Code, from.Format("02/01/2006"), to.Format("02/01/2006"))
	fmt.Fprintf(e.stdout, "  Tiếp nhận: %d   Kỳ trước chuyển sang: %d\n  Đã giải quyết: %d (trước hạn %d, đúng hạn %d, quá hạn %d)\n  Đang giải quyết: %d (quá hạn %d, tính tại %s)\n  Tỷ lệ đúng hạn: %s%%\n",
		r.Received, r.CarriedOver, r.Completed, r.Early, r.OnTime, r.Late, r.InProgress, r.Overdue, r.MeasuredAt.In(qms.Zone).Format("02/01/2006 15:04"),
		strings.Replace(fmt.Sprintf("%.2f", r.TimelyRate), ".", ",", 1))
	return nil
}
