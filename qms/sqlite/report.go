package sqlite

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
func (db *DB) OnTime(ctx context.Context, agency string, from, to time.Time, groupBy string) (map[string]*qms.OnTimeReport, error) {
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
	if now := db.now().UTC(); now.Before(at) {
		at = now
	}
	f, t := formatTime(from), formatTime(to)
	// Each figure is a SUM over the rows touching the period: received in
	// it, or received before its start and not returned before it. Those
	// are three disjoint ranges of the agency's indexes (received in the
	// period; returned since its start; still open), so the query reads
	// the dossiers the period concerns, not the agency's whole history.
	// INDEXED BY: the planner, which may not look at the bound values,
	// would read the last two ranges from dossiers_received as well.
	part := func(index, where string) string {
		return `SELECT ` + key + ` AS k, d.received_at, d.returned_at, d.result, d.status, d.due_at FROM dossiers d INDEXED BY ` + index + ` ` + join + `
		WHERE d.agency_code = ?3 AND ` + where
	}
	rows, err := db.read.QueryContext(ctx, `SELECT k,
		SUM(received_at >= ?1 AND received_at < ?2),
		SUM(received_at < ?1 AND (returned_at IS NULL OR returned_at >= ?1)),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result != ''),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'early'),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'on_time'),
		SUM(returned_at >= ?1 AND returned_at < ?2 AND result = 'late'),
		SUM((returned_at IS NULL OR returned_at >= ?2) AND status != 'withdrawn' AND due_at >= ?4),
		SUM((returned_at IS NULL OR returned_at >= ?2) AND status != 'withdrawn' AND due_at < ?4)
		FROM (`+part("dossiers_received", `d.received_at >= ?1 AND d.received_at < ?2`)+`
		UNION ALL `+part("dossiers_returned", `d.returned_at >= ?1 AND d.received_at < ?1`)+`
		UNION ALL `+part("dossiers_returned", `d.returned_at IS NULL AND d.received_at < ?1`)+`)
		GROUP BY k`, f, t, agency, formatTime(at))
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

// OnTimeReturned is one range of the (agency, returned_at) index, where
// the full report per month or per field would also walk every open
// dossier of the agency each time.
func (db *DB) OnTimeReturned(ctx context.Context, agency string, from, to time.Time, by string) (map[string]*qms.OnTimeReport, error) {
	key, join := `strftime('%Y-%m', d.returned_at, '+7 hours')`, ``
	switch by {
	case "month":
	case "field":
		key, join = `COALESCE(t.field, '')`, `LEFT JOIN tthc t ON t.agency_code = d.agency_code AND t.code = d.tthc_code`
	default:
		return nil, qms.FieldError("by", "Nhóm theo %q không hỗ trợ: dùng month hoặc field.", by)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+key+` AS k, COUNT(*),
		SUM(d.result = 'early'), SUM(d.result = 'on_time'), SUM(d.result = 'late')
		FROM dossiers d `+join+` WHERE d.agency_code = ? AND d.returned_at >= ? AND d.returned_at < ? AND d.result != ''
		GROUP BY k`, agency, formatTime(from), formatTime(to))
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

// DossierImport is one row of a one-stop system's history.
type DossierImport struct {
	Code              string
	TTHCCode          string
	ReceivedAt, DueAt time.Time
	CompletedAt       *time.Time
	Status            qms.DossierStatus
}

// ImportDossiers loads history rows as given by the source system (its due
// times included) in one transaction: all or nothing. Finished rows are
// classified from their completion time.
func (db *DB) ImportDossiers(ctx context.Context, agency string, rows []DossierImport) (int, error) {
	err := db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx, agency); err != nil {
			return err
		}
		for i, r := range rows {
			d := &qms.Dossier{Code: r.Code, AgencyCode: agency, TTHCCode: r.TTHCCode, Channel: qms.ChannelCounter, ReceivedAt: r.ReceivedAt.UTC(),
				DueAt: r.DueAt.UTC(), Status: r.Status, UpdatedAt: tx.now, Flow: qms.FlowState{Open: []qms.OpenStep{}}, Note: "nhập từ hệ thống một cửa"}
			if r.CompletedAt != nil {
				done := r.CompletedAt.UTC()
				d.ReturnedAt = &done
				if r.Status == qms.DossierCompleted || r.Status == qms.DossierRefused {
					d.Result = qms.Classify(done, d.DueAt)
				}
			}
			if err := insertDossier(ctx, tx, d); err != nil {
				return fmt.Errorf("row %d: %w", i+2, err)
			}
		}
		return tx.audit(ctx, agency, "dossier.import", "dossier_history", agency, nil, map[string]int{"rows": len(rows)}, "")
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}
