package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"isodt/qms"
)

// CreateReview assembles the review pack of the year from the data (on-time
// figures, audits, nonconformities, findings, ISO control) and stores it
// as it is now: later changes do not rewrite what the leaders reviewed.
func (s *Store) CreateReview(ctx context.Context, r *qms.ManagementReview) error {
	r.Title = strings.TrimSpace(r.Title)
	if err := r.Validate(); err != nil {
		return err
	}
	if r.HeldOn.IsZero() {
		return qms.FieldError("held_on", "Nhập ngày họp (dd/mm/yyyy).")
	}
	pack, err := s.reviewPack(ctx, r.AgencyCode, r.HeldOn.Year())
	if err != nil {
		return err
	}
	r.Pack = pack
	return s.update(ctx, func(tx Tx) error {
		sent, err := firstSend(ctx, tx, r.AgencyCode, "review", r.Title, FormatDate(r.HeldOn))
		if err != nil {
			return err
		}
		b, _ := json.Marshal(r.Pack)
		r.CreatedAt, r.Decisions = tx.Now(), []qms.ReviewDecision{}
		if err := tx.QueryRow(ctx, `INSERT INTO management_reviews (agency_code, title, held_on, pack_json, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			r.AgencyCode, r.Title, FormatDate(r.HeldOn), string(b), FormatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, r.AgencyCode, "review.create", "management_review", Itoa(r.ID), nil, r, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "cuộc họp xem xét "+qms.QuoteShort(r.Title)+" ngày "+r.HeldOn.Format("02/01/2006"))
	})
}

func (s *Store) reviewPack(ctx context.Context, agency string, year int) (qms.ReviewPack, error) {
	p := qms.ReviewPack{Year: year, AuditAnswers: map[string]int{}, NCByStatus: map[string]int{}, OpenFindings: map[string]int{}}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, qms.Zone)
	reps, err := s.OnTime(ctx, agency, from, from.AddDate(1, 0, 0), "")
	if err != nil {
		return p, err
	}
	p.OnTime = *reps[""]
	// An agency never audits itself (auditors are independent of the
	// unit), so the audits of its own system are mostly run by the agency
	// above it: the pack counts those as well as the ones it ran.
	plans, err := s.PlansConcerning(ctx, agency)
	if err != nil {
		return p, err
	}
	for _, pl := range plans {
		if pl.Status == qms.PlanReported && pl.StartOn.Year() == year {
			p.AuditsDone++
			for k, v := range pl.Tally() {
				p.AuditAnswers[k] += v
			}
		}
	}
	ncs, err := s.FindNCs(ctx, agency)
	if err != nil {
		return p, err
	}
	today := qms.CivilDate(s.cfg.Now())
	for _, n := range ncs {
		p.NCByStatus[n.Status]++
		for _, a := range n.Actions {
			if a.DoneAt == nil && a.DueOn.Before(today) && n.Status != qms.NCClosed {
				p.CAPAOverdue++
			}
		}
	}
	if err := s.reviewCompliance(ctx, agency, &p); err != nil {
		return p, err
	}
	if p.Objectives, err = s.ObjectiveLines(ctx, agency, year); err != nil {
		return p, err
	}
	if p.FeedbackCount, err = s.FeedbackCounts(ctx, agency, year); err != nil {
		return p, err
	}
	if p.Risks, err = s.RiskSummary(ctx, agency); err != nil {
		return p, err
	}
	if p.Context, err = s.ContextSummary(ctx, agency); err != nil {
		return p, err
	}
	if p.Satisfaction, err = s.SatisfactionSummary(ctx, agency, year); err != nil {
		return p, err
	}
	return p, nil
}

func findReviews(ctx context.Context, q Querier, where string, args ...any) ([]*qms.ManagementReview, error) {
	rows, err := q.Query(ctx, `SELECT id, agency_code, title, held_on, pack_json, minutes, created_at FROM management_reviews WHERE `+where+` ORDER BY held_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.ManagementReview
	for rows.Next() {
		var r qms.ManagementReview
		var held, pack, created string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Title, &held, &pack, &r.Minutes, &created); err != nil {
			rows.Close()
			return nil, err
		}
		r.HeldOn, r.CreatedAt = ParseDate(held), ParseTime(created)
		json.Unmarshal([]byte(pack), &r.Pack)
		out = append(out, &r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		drows, err := q.Query(ctx, `SELECT id, text, owner, due_on, done_at FROM review_decisions WHERE review_id = ? ORDER BY id`, r.ID)
		if err != nil {
			return nil, err
		}
		r.Decisions = []qms.ReviewDecision{}
		for drows.Next() {
			var d qms.ReviewDecision
			var due string
			var done *string
			if err := drows.Scan(&d.ID, &d.Text, &d.Owner, &due, &done); err != nil {
				drows.Close()
				return nil, err
			}
			d.DueOn, d.DoneAt = ParseDate(due), OptTime(done)
			r.Decisions = append(r.Decisions, d)
		}
		if err := drows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindReview returns ENOTFOUND unless the agency has the review.
func (s *Store) FindReview(ctx context.Context, agency string, id int64) (*qms.ManagementReview, error) {
	rs, err := findReviews(ctx, s.read(), `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(rs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy cuộc họp xem xét.")
	}
	return rs[0], nil
}

// FindReviews lists an agency's reviews, newest first.
func (s *Store) FindReviews(ctx context.Context, agency string) ([]*qms.ManagementReview, error) {
	return findReviews(ctx, s.read(), `agency_code = ?`, agency)
}

// changeReview runs one audited change of a review.
func (s *Store) changeReview(ctx context.Context, agency string, id int64, action string, fn func(tx Tx) (any, error)) (*qms.ManagementReview, error) {
	err := s.update(ctx, func(tx Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM management_reviews WHERE id = ? AND agency_code = ?`, id, agency).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy cuộc họp xem xét.")
		}
		after, err := fn(tx)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "review."+action, "management_review", Itoa(id), nil, after, "")
	})
	if err != nil {
		return nil, err
	}
	return s.FindReview(ctx, agency, id)
}

// SaveMinutes stores the minutes (biên bản) of the meeting.
func (s *Store) SaveMinutes(ctx context.Context, agency string, id int64, minutes string) (*qms.ManagementReview, error) {
	if err := qms.ValidateMinutes(minutes); err != nil {
		return nil, err
	}
	return s.changeReview(ctx, agency, id, "minutes", func(tx Tx) (any, error) {
		_, err := tx.Exec(ctx, `UPDATE management_reviews SET minutes = ? WHERE id = ?`, strings.TrimSpace(minutes), id)
		return map[string]string{"minutes": minutes}, err
	})
}

// AddDecision records a decision with its owner and due date.
func (s *Store) AddDecision(ctx context.Context, agency string, id int64, d qms.ReviewDecision) (*qms.ManagementReview, error) {
	d.Text, d.Owner = strings.TrimSpace(d.Text), strings.TrimSpace(d.Owner)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return s.changeReview(ctx, agency, id, "decision", func(tx Tx) (any, error) {
		// Given to someone of the agency (it named users of other
		// agencies and users that do not exist), due from today on.
		if err := checkAssignee(ctx, tx, agency, "owner", d.Owner, qms.ActionOwnerRoles); err != nil {
			return nil, err
		}
		if today := qms.CivilDate(tx.Now()); d.DueOn.Before(today) {
			return nil, qms.FieldError("due_on", "Hạn thực hiện %s đã qua: chọn từ hôm nay (%s) trở đi.", d.DueOn.Format("02/01/2006"), today.Format("02/01/2006"))
		}
		if err := qms.CheckDueWithin("due_on", d.DueOn, tx.Now()); err != nil {
			return nil, err
		}
		sent, err := firstSend(ctx, tx, agency, "review_decision", id, d.Text, d.Owner, FormatDate(d.DueOn))
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_decisions (review_id, text, owner, due_on) VALUES (?, ?, ?, ?)`, id, d.Text, d.Owner, FormatDate(d.DueOn)); err != nil {
			return nil, err
		}
		return d, sent.keep(ctx, tx, "quyết định "+qms.QuoteShort(d.Text))
	})
}

// CompleteDecision marks a decision carried out.
func (s *Store) CompleteDecision(ctx context.Context, agency string, id, decisionID int64) (*qms.ManagementReview, error) {
	return s.changeReview(ctx, agency, id, "decision_done", func(tx Tx) (any, error) {
		n, err := tx.Exec(ctx, `UPDATE review_decisions SET done_at = ? WHERE id = ? AND review_id = ? AND done_at IS NULL`, FormatTime(tx.Now()), decisionID, id)
		if err != nil {
			return nil, err
		} else if n == 0 {
			return nil, qms.Errorf(qms.ENOTFOUND, "Không có quyết định chưa hoàn thành này.")
		}
		return map[string]int64{"decision": decisionID}, nil
	})
}

// reviewCompliance fills the pack's open findings by rule and its count
// of active TTHCs not under ISO control.
func (s *Store) reviewCompliance(ctx context.Context, agency string, p *qms.ReviewPack) error {
	open := true
	fs, err := s.FindFindings(ctx, qms.FindingFilter{AgencyCode: &agency, Open: &open})
	if err != nil {
		return err
	}
	for _, f := range fs {
		p.OpenFindings[f.Rule]++
	}
	cs, err := s.ControlStatuses(ctx, agency)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != qms.Controlled {
			p.Uncontrolled++
		}
	}
	return nil
}
