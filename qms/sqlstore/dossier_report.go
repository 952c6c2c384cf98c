package sqlstore

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// OnTime computes the period figures of an agency over [from, to) (UTC
// instants; callers pass Hà Nội midnights), in one pass of SQL over the
// agency's dossiers, grouped by "" (one total), "field" or "tthc".
//
//   - received: received in the period;
//   - carried_over: received before and still open at its start;
//   - completed/early/on_time/late: finished with a result in the period;
//   - in_progress/overdue: open at its end, within or past the due time
//     at min(now, end): a period that has not ended yet is measured now,
//     as the dossier list's overdue filter is.
func (s *Store) OnTime(ctx context.Context, agency string, from, to time.Time, groupBy string) (map[string]*qms.OnTimeReport, error) {
	key := `''`
	join := ``
	switch groupBy {
	case "":
	case "field":
		key, join = `COALESCE(t.field, '')`, `LEFT JOIN tthc t ON t.agency_code = d.agency_code AND t.code = d.tthc_code`
	case "tthc":
		key = `d.tthc_code`
	default:
		return nil, qms.FieldError("group_by", "Nhóm theo %q không hỗ trợ: dùng field hoặc tthc.", groupBy)
	}
	at := to.UTC()
	if now := s.cfg.Now().UTC(); now.Before(at) {
		at = now
	}
	rows, err := s.read().Query(ctx, s.cfg.Dossiers.onTimeSQL(key, join), FormatTime(from), FormatTime(to), agency, FormatTime(at))
	if err != nil {
		return nil, fmt.Errorf("on-time report: %w", err)
	}
	defer rows.Close()
	out := map[string]*qms.OnTimeReport{}
	for rows.Next() {
		var k string
		var r qms.OnTimeReport
		if err := rows.Scan(&k, &r.Received, &r.CarriedOver, &r.Completed, &r.Early, &r.OnTime, &r.Late, &r.InProgress, &r.Overdue); err != nil {
			return nil, err
		}
		r.Rates()
		r.MeasuredAt = at
		out[k] = &r
	}
	if groupBy == "" && out[""] == nil {
		out[""] = &qms.OnTimeReport{MeasuredAt: at}
	}
	return out, rows.Err()
}

// onTimeSQL is the query of OnTime grouped by key (on dossiers d, with
// join); its arguments are the period's start and end, the agency and the
// instant it is measured at.
//
// Each figure is a sum over the rows touching the period: received in
// it, or received before its start and not returned before it. Those are
// three disjoint ranges of the agency's indexes (received in the period;
// returned since its start; still open), so the query reads the dossiers
// the period concerns, not the agency's whole history.
func (d DossierDialect) onTimeSQL(key, join string) string {
	if d == DossiersPostgreSQL {
		part := func(where string) string {
			return `SELECT ` + key + ` AS k, d.received_at, d.returned_at, d.result, d.status, d.due_at FROM dossiers d ` + join + `
			WHERE d.agency_code = $3 AND ` + where
		}
		return `SELECT k,
			COUNT(*) FILTER (WHERE received_at >= $1 AND received_at < $2),
			COUNT(*) FILTER (WHERE received_at < $1 AND (returned_at IS NULL OR returned_at >= $1)),
			COUNT(*) FILTER (WHERE returned_at >= $1 AND returned_at < $2 AND result != ''),
			COUNT(*) FILTER (WHERE returned_at >= $1 AND returned_at < $2 AND result = 'early'),
			COUNT(*) FILTER (WHERE returned_at >= $1 AND returned_at < $2 AND result = 'on_time'),
			COUNT(*) FILTER (WHERE returned_at >= $1 AND returned_at < $2 AND result = 'late'),
			COUNT(*) FILTER (WHERE (returned_at IS NULL OR returned_at >= $2) AND status != 'withdrawn' AND due_at >= $4),
			COUNT(*) FILTER (WHERE (returned_at IS NULL OR returned_at >= $2) AND status != 'withdrawn' AND due_at < $4)
			FROM (` + part(`d.received_at >= $1 AND d.received_at < $2`) + `
			UNION ALL ` + part(`d.returned_at >= $1 AND d.received_at < $1`) + `
			UNION ALL ` + part(`d.returned_at IS NULL AND d.received_at < $1`) + `) AS x
			GROUP BY k`
	}
	// INDEXED BY: the planner, which may not look at the bound values,
	// would read the last two ranges from dossiers_received as well.
	part := func(index, where string) string {
		return `SELECT ` + key + ` AS k, d.received_at, d.returned_at, d.result, d.status, d.due_at FROM dossiers d INDEXED BY ` + index + ` ` + join + `
		WHERE d.agency_code = ?3 AND ` + where
	}
	return `SELECT k,
		SUM(received_at >= ?1 AND received_at < ?2),
		SUM(received_at < ?1 AND (returned_at IS NULL OR returned_at >= ?1)),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result != ''),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'early'),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'on_time'),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'late'),
		SUM((returned_at IS NULL OR returned_at >= ?2) AND status != 'withdrawn' AND due_at >= ?4),
		SUM((returned_at IS NULL OR returned_at >= ?2) AND status != 'withdrawn' AND due_at < ?4)
		FROM (` + part("dossiers_received", `d.received_at >= ?1 AND d.received_at < ?2`) + `
		UNION ALL ` + part("dossiers_returned", `d.returned_at >= ?1 AND d.received_at < ?1`) + `
		UNION ALL ` + part("dossiers_returned", `d.returned_at IS NULL AND d.received_at < ?1`) + `)
		GROUP BY k`
}

// OnTimeReturned is one range of the (agency, returned_at) index, where
// the full report per month or per field would also walk every open
// dossier of the agency each time.
func (s *Store) OnTimeReturned(ctx context.Context, agency string, from, to time.Time, by string) (map[string]*qms.OnTimeReport, error) {
	key, join := s.cfg.Dossiers.returnMonth(), ``
	switch by {
	case "month":
	case "field":
		key, join = `COALESCE(t.field, '')`, `LEFT JOIN tthc t ON t.agency_code = d.agency_code AND t.code = d.tthc_code`
	default:
		return nil, qms.FieldError("by", "Nhóm theo %q không hỗ trợ: dùng month hoặc field.", by)
	}
	rows, err := s.read().Query(ctx, s.cfg.Dossiers.onTimeReturnedSQL(key, join), agency, FormatTime(from), FormatTime(to))
	if err != nil {
		return nil, fmt.Errorf("on-time report by month: %w", err)
	}
	defer rows.Close()
	out := map[string]*qms.OnTimeReport{}
	for rows.Next() {
		var k string
		var r qms.OnTimeReport
		if err := rows.Scan(&k, &r.Completed, &r.Early, &r.OnTime, &r.Late); err != nil {
			return nil, fmt.Errorf("on-time report by month: %w", err)
		}
		r.Rates()
		out[k] = &r
	}
	return out, rows.Err()
}

// returnMonth is the month of a dossier's return in Vietnam (UTC+7, no
// daylight saving), "2026-03".
func (d DossierDialect) returnMonth() string {
	if d == DossiersPostgreSQL {
		return `to_char(CAST(d.returned_at AS timestamptz) AT TIME ZONE 'UTC' + interval '7 hours', 'YYYY-MM')`
	}
	return `strftime('%Y-%m', d.returned_at, '+7 hours')`
}

// onTimeReturnedSQL is the query of OnTimeReturned grouped by key; its
// arguments are the agency and the period's start and end.
func (d DossierDialect) onTimeReturnedSQL(key, join string) string {
	count := `SUM(d.result = 'early'), SUM(d.result = 'on_time'), SUM(d.result = 'late')`
	if d == DossiersPostgreSQL {
		count = `COUNT(*) FILTER (WHERE d.result = 'early'), COUNT(*) FILTER (WHERE d.result = 'on_time'), COUNT(*) FILTER (WHERE d.result = 'late')`
	}
	return `SELECT ` + key + ` AS k, COUNT(*), ` + count + `
		FROM dossiers d ` + join + ` WHERE d.agency_code = ? AND d.returned_at >= ? AND d.returned_at < ? AND d.result != ''
		GROUP BY k`
}
