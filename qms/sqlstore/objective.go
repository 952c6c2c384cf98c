package sqlstore

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// CreateObjective records a quality objective of an agency.
func (s *Store) CreateObjective(ctx context.Context, o *qms.Objective) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := agencyExists(ctx, tx, o.AgencyCode); err != nil {
			return err
		}
		// One objective in force per measure, period and year: a second
		// (a form sent twice, or typed again) would be measured beside
		// the first against another target.
		same, err := findObjectives(ctx, tx, `agency_code = ? AND year = ? AND measure = ? AND period = ? AND withdrawn = FALSE`, o.AgencyCode, o.Year, o.Measure, o.Period)
		if err != nil {
			return err
		}
		if len(same) > 0 {
			return qms.FieldErrorf(qms.ECONFLICT, "measure", "Năm %d đơn vị đã có mục tiêu “%s” cho chỉ số và kỳ này: sửa chỉ tiêu của mục tiêu đó, hoặc rút nó trước khi đặt mục tiêu mới.", o.Year, same[0].Title)
		}
		o.Withdrawn, o.CreatedBy, o.CreatedAt = false, tx.Actor().Username, tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO objectives (agency_code, year, title, measure, target, period, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.AgencyCode, o.Year, o.Title, o.Measure, o.Target, o.Period, o.CreatedBy, FormatTime(o.CreatedAt)).Scan(&o.ID); err != nil {
			return fmt.Errorf("create objective: %w", err)
		}
		return tx.Audit(ctx, o.AgencyCode, "objective.create", "objective", Itoa(o.ID), nil, o, "")
	})
}

const objectiveColumns = `id, agency_code, year, title, measure, target, period, withdrawn, withdrawn_reason, withdrawn_by, withdrawn_at, created_by, created_at`

func findObjectives(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Objective, error) {
	rows, err := q.Query(ctx, `SELECT `+objectiveColumns+` FROM objectives WHERE `+where+` ORDER BY year DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Objective
	for rows.Next() {
		var o qms.Objective
		var withdrawnAt *string
		var created string
		if err := rows.Scan(&o.ID, &o.AgencyCode, &o.Year, &o.Title, &o.Measure, &o.Target, &o.Period, (*Flag)(&o.Withdrawn), &o.WithdrawnReason,
			&o.WithdrawnBy, &withdrawnAt, &o.CreatedBy, &created); err != nil {
			return nil, err
		}
		o.WithdrawnAt, o.CreatedAt = OptTime(withdrawnAt), ParseTime(created)
		out = append(out, &o)
	}
	return out, rows.Err()
}

func findObjective(ctx context.Context, q Querier, agency string, id int64) (*qms.Objective, error) {
	objs, err := findObjectives(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(objs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy mục tiêu chất lượng.")
	}
	return objs[0], nil
}

// FindObjective returns ENOTFOUND unless the agency has the objective.
func (s *Store) FindObjective(ctx context.Context, agency string, id int64) (*qms.Objective, error) {
	o, err := findObjective(ctx, s.read(), agency, id)
	return o, internalf(err, "find objective %d", id)
}

// FindObjectives lists an agency's objectives, the latest year first.
func (s *Store) FindObjectives(ctx context.Context, f qms.ObjectiveFilter) ([]*qms.Objective, error) {
	where, args := `agency_code = ?`, []any{f.AgencyCode}
	if f.Year != nil {
		where, args = where+` AND year = ?`, append(args, *f.Year)
	}
	if !f.IncludeWithdrawn {
		where += ` AND withdrawn = FALSE`
	}
	objs, err := findObjectives(ctx, s.read(), where, args...)
	return objs, internalf(err, "find objectives of %s", f.AgencyCode)
}

// changeObjective loads, changes and saves an objective in one
// transaction with its audit entry; a withdrawn objective is frozen.
func (s *Store) changeObjective(ctx context.Context, agency string, id int64, action, reason string, fn func(tx Tx, o *qms.Objective) error) (*qms.Objective, error) {
	var o *qms.Objective
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if o, err = findObjective(ctx, tx, agency, id); err != nil {
			return err
		}
		if o.Withdrawn {
			return qms.Errorf(qms.EINVALID, "Mục tiêu đã được rút: không thể thay đổi.")
		}
		before := *o
		if err := fn(tx, o); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE objectives SET title = ?, target = ?, withdrawn = ?, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ?`,
			o.Title, o.Target, o.Withdrawn, o.WithdrawnReason, o.WithdrawnBy, NullTime(o.WithdrawnAt), o.ID); err != nil {
			return fmt.Errorf("%s objective %d: %w", action, id, err)
		}
		return tx.Audit(ctx, agency, "objective."+action, "objective", Itoa(o.ID), before, o, reason)
	})
	return o, err
}

// UpdateObjective changes the wording or the target.
func (s *Store) UpdateObjective(ctx context.Context, agency string, id int64, upd qms.ObjectiveUpdate) (*qms.Objective, error) {
	return s.changeObjective(ctx, agency, id, "update", "", func(tx Tx, o *qms.Objective) error {
		if upd.Title != nil {
			o.Title = *upd.Title
		}
		if upd.Target != nil {
			o.Target = *upd.Target
		}
		return o.Validate()
	})
}

// WithdrawObjective takes an objective out of use, keeping it on record.
func (s *Store) WithdrawObjective(ctx context.Context, agency string, id int64, reason string) (*qms.Objective, error) {
	return s.changeObjective(ctx, agency, id, "withdraw", reason, func(tx Tx, o *qms.Objective) error {
		return o.Withdraw(reason, tx.Actor().Username, tx.Now())
	})
}

// Statuses measures each objective in force for the year over each of its
// periods begun by now. A running period is measured up to now, so that a
// dossier due later in the quarter does not yet count as overdue.
func (s *Store) Statuses(ctx context.Context, agency string, year int) ([]*qms.ObjectiveStatus, error) {
	objs, err := s.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: agency, Year: &year})
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	// Quarterly and yearly objectives share spans: one report per span.
	reports := map[[2]time.Time]*qms.OnTimeReport{}
	out := make([]*qms.ObjectiveStatus, 0, len(objs))
	for _, o := range objs {
		st := &qms.ObjectiveStatus{Objective: o, Periods: []qms.PeriodResult{}}
		for _, sp := range o.Spans(now) {
			to := sp.To
			if now.Before(to) {
				to = now
			}
			key := [2]time.Time{sp.From, to}
			r, ok := reports[key]
			if !ok {
				rs, err := s.OnTime(ctx, agency, sp.From, to, "")
				if err != nil {
					return nil, fmt.Errorf("measure objective %d: %w", o.ID, err)
				}
				r, reports[key] = rs[""], rs[""]
			}
			m := measurement(o.Measure, r)
			st.Periods = append(st.Periods, qms.PeriodResult{Span: sp, Measurement: m, Result: o.Judge(m)})
		}
		out = append(out, st)
	}
	return out, nil
}

// ObjectiveLines are the objectives' status lines for the management
// review pack (ReviewPack.Objectives).
func (s *Store) ObjectiveLines(ctx context.Context, agency string, year int) ([]string, error) {
	sts, err := s.Statuses(ctx, agency, year)
	if err != nil {
		return nil, err
	}
	lines := make([]string, 0, len(sts))
	for _, st := range sts {
		lines = append(lines, st.Summary())
	}
	return lines, nil
}

// measurement reads one measure off a period's on-time figures.
func measurement(measure string, r *qms.OnTimeReport) qms.Measurement {
	switch measure {
	case qms.MeasureLateRate:
		return qms.Measurement{Value: r.LateRate, Samples: r.Received + r.CarriedOver}
	default: // qms.MeasureTimelyRate; Validate admits no other
		return qms.Measurement{Value: r.TimelyRate, Samples: r.Completed}
	}
}
