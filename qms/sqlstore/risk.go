package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"isodt/qms"
)

// CreateRisk enters a risk or opportunity in its agency's register with
// its first assessment, and tells the owner.
func (s *Store) CreateRisk(ctx context.Context, r *qms.Risk) error {
	return s.update(ctx, func(tx Tx) error {
		if err := r.Validate(qms.CivilDate(tx.Now())); err != nil {
			return err
		}
		if err := agencyExists(ctx, tx, r.AgencyCode); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT code, title FROM procedures WHERE id = ? AND agency_code = ?`, r.ProcedureID, r.AgencyCode).
			Scan(&r.ProcedureCode, &r.ProcedureTitle); errors.Is(err, sql.ErrNoRows) {
			return qms.FieldErrorf(qms.ENOTFOUND, "procedure_id", "Đơn vị %s không có quy trình #%d.", r.AgencyCode, r.ProcedureID)
		} else if err != nil {
			return err
		}
		// An owner who can carry the risk: an active account holding a
		// role that does such work, as an action's owner (it took a
		// disabled account, or an admin's).
		if err := checkAssignee(ctx, tx, r.AgencyCode, "owner", r.Owner, qms.ActionOwnerRoles); err != nil {
			return err
		}
		sent, err := firstSend(ctx, tx, r.AgencyCode, "risk", r.Kind, r.ProcedureID, r.Description)
		if err != nil {
			return err
		}
		year := tx.Now().In(qms.Zone).Year()
		k, err := countCodes(ctx, tx, "risks", fmt.Sprintf("RR-%s-%d-", r.AgencyCode, year))
		if err != nil {
			return err
		}
		r.Code = fmt.Sprintf("RR-%s-%d-%03d", r.AgencyCode, year, k+1)
		r.Status, r.CreatedBy, r.CreatedAt = qms.RiskOpen, tx.Actor().Username, tx.Now()
		r.Actions, r.Links = []qms.RiskAction{}, []qms.RiskLink{}
		if err := tx.QueryRow(ctx, `INSERT INTO risks (agency_code, code, kind, description, procedure_id, likelihood, impact, owner, review_on, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.AgencyCode, r.Code, r.Kind, r.Description, r.ProcedureID, r.Likelihood, r.Impact, r.Owner,
			FormatDate(r.ReviewOn), r.Status, r.CreatedBy, FormatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("create risk: %w", err)
		}
		a := qms.RiskAssessment{Likelihood: r.Likelihood, Impact: r.Impact, ReviewOn: r.ReviewOn, By: tx.Actor().Username, At: tx.Now()}
		if err := insertAssessment(ctx, tx, r.ID, a); err != nil {
			return err
		}
		r.Assessments = []qms.RiskAssessment{a}
		if err := notifyUser(ctx, tx, r.AgencyCode, r.Owner, qms.NewNotice(qms.NoticeRiskOwner, r.Code, r.Description, r.ReviewOn.Format("02/01/2006")),
			riskLink(r.ID)); err != nil {
			return err
		}
		if err := tx.Audit(ctx, r.AgencyCode, "risk.create", "risk", r.Code, nil, r, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "mục "+r.Code)
	})
}

func riskLink(id int64) string { return "/risks/" + Itoa(id) }

func insertAssessment(ctx context.Context, tx Tx, riskID int64, a qms.RiskAssessment) error {
	_, err := tx.Exec(ctx, `INSERT INTO risk_assessments (risk_id, likelihood, impact, note, review_on, assessed_by, assessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		riskID, a.Likelihood, a.Impact, a.Note, FormatDate(a.ReviewOn), a.By, FormatTime(a.At))
	return err
}

const riskColumns = `r.id, r.agency_code, r.code, r.kind, r.description, r.procedure_id, p.code, p.title, r.likelihood, r.impact, r.owner, r.review_on,
	r.status, r.close_reason, r.closed_by, r.closed_at, r.created_by, r.created_at`

// findRisks reads the entries matching where (on risks r), highest score
// first, with their actions, links and assessments.
func (s *Store) findRisks(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Risk, error) {
	rows, err := q.Query(ctx, `SELECT `+riskColumns+` FROM risks r JOIN procedures p ON p.id = r.procedure_id
		WHERE `+where+` ORDER BY r.status = 'closed', r.likelihood * r.impact DESC, r.review_on, r.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.Risk
	byID := map[int64]*qms.Risk{}
	for rows.Next() {
		r := &qms.Risk{Actions: []qms.RiskAction{}, Links: []qms.RiskLink{}, Assessments: []qms.RiskAssessment{}}
		var review, created string
		var closed *string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Code, &r.Kind, &r.Description, &r.ProcedureID, &r.ProcedureCode, &r.ProcedureTitle, &r.Likelihood, &r.Impact,
			&r.Owner, &review, &r.Status, &r.CloseReason, &r.ClosedBy, &closed, &r.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, err
		}
		r.ReviewOn, r.ClosedAt, r.CreatedAt = ParseDate(review), OptTime(closed), ParseTime(created)
		r.Score, r.Level = r.Likelihood*r.Impact, qms.RiskLevelOf(r.Likelihood*r.Impact)
		out = append(out, r)
		byID[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	return out, loadRiskParts(ctx, q, byID)
}

// loadRiskParts reads the actions, links and assessments of the entries,
// one query per part and batch of entries.
func loadRiskParts(ctx context.Context, q Querier, byID map[int64]*qms.Risk) error {
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		in := `(` + Placeholders(len(batch)) + `)`
		parts := []struct {
			query string
			scan  func(rows Rows) error
		}{
			{`SELECT risk_id, id, description, owner, due_on, done_at, done_by FROM risk_actions WHERE risk_id IN ` + in + ` ORDER BY id`, func(rows Rows) error {
				var rid int64
				var a qms.RiskAction
				var due string
				var done *string
				if err := rows.Scan(&rid, &a.ID, &a.Description, &a.Owner, &due, &done, &a.DoneBy); err != nil {
					return err
				}
				a.DueOn, a.DoneAt = ParseDate(due), OptTime(done)
				byID[rid].Actions = append(byID[rid].Actions, a)
				return nil
			}},
			// A link's label is read from its object, which the link
			// does not copy: a later change of the object shows. Links
			// are listed in the order they were made (seq).
			{`SELECT l.risk_id, l.kind, l.ref, COALESCE(p.code || ' – ' || p.title, n.code || ' – ' || n.description, '#' || f.id || ' – ' || f.message, '')
				FROM risk_links l LEFT JOIN procedures p ON l.kind = 'procedure' AND p.id = l.ref
				LEFT JOIN nonconformities n ON l.kind = 'nc' AND n.id = l.ref LEFT JOIN findings f ON l.kind = 'finding' AND f.id = l.ref
				WHERE l.risk_id IN ` + in + ` ORDER BY l.seq`, func(rows Rows) error {
				var rid int64
				var l qms.RiskLink
				if err := rows.Scan(&rid, &l.Kind, &l.Ref, &l.Label); err != nil {
					return err
				}
				byID[rid].Links = append(byID[rid].Links, l)
				return nil
			}},
			{`SELECT risk_id, likelihood, impact, note, review_on, assessed_by, assessed_at FROM risk_assessments WHERE risk_id IN ` + in + ` ORDER BY id`, func(rows Rows) error {
				var rid int64
				var a qms.RiskAssessment
				var review, at string
				if err := rows.Scan(&rid, &a.Likelihood, &a.Impact, &a.Note, &review, &a.By, &at); err != nil {
					return err
				}
				a.ReviewOn, a.At = ParseDate(review), ParseTime(at)
				byID[rid].Assessments = append(byID[rid].Assessments, a)
				return nil
			}},
		}
		for _, part := range parts {
			rows, err := q.Query(ctx, part.query, batch...)
			if err != nil {
				return err
			}
			for rows.Next() {
				if err := part.scan(rows); err != nil {
					rows.Close()
					return err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) findRisk(ctx context.Context, q Querier, agency string, id int64) (*qms.Risk, error) {
	rs, err := s.findRisks(ctx, q, `r.id = ? AND r.agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(rs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy rủi ro hoặc cơ hội.")
	}
	return rs[0], nil
}

// FindRisk returns ENOTFOUND unless the agency has the entry.
func (s *Store) FindRisk(ctx context.Context, agency string, id int64) (*qms.Risk, error) {
	r, err := s.findRisk(ctx, s.read(), agency, id)
	return r, internalf(err, "find risk %d", id)
}

// FindRisks lists an agency's entries, the open ones first, highest score
// first. The level filter is on the score's band.
func (s *Store) FindRisks(ctx context.Context, f qms.RiskFilter) ([]*qms.Risk, error) {
	where, args := `r.agency_code = ?`, []any{f.AgencyCode}
	if f.Status != "" {
		where, args = where+` AND r.status = ?`, append(args, f.Status)
	}
	if f.ProcedureID > 0 {
		where, args = where+` AND r.procedure_id = ?`, append(args, f.ProcedureID)
	}
	switch f.Level {
	case "":
	case qms.RiskHigh:
		where += ` AND r.likelihood * r.impact >= 15`
	case qms.RiskMedium:
		where += ` AND r.likelihood * r.impact BETWEEN 5 AND 14`
	case qms.RiskLow:
		where += ` AND r.likelihood * r.impact <= 4`
	default:
		return nil, qms.FieldError("level", "Mức %q không hợp lệ (high, medium, low).", f.Level)
	}
	rs, err := s.findRisks(ctx, s.read(), where, args...)
	return rs, internalf(err, "find risks of %s", f.AgencyCode)
}

// changeRisk loads, changes and saves an entry in one transaction with
// its audit entry; a closed entry is frozen (the domain refuses).
func (s *Store) changeRisk(ctx context.Context, agency string, id int64, action string, fn func(tx Tx, r *qms.Risk) error) (*qms.Risk, error) {
	var r *qms.Risk
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if r, err = s.findRisk(ctx, tx, agency, id); err != nil {
			return err
		}
		before := *r
		before.Actions = append([]qms.RiskAction(nil), r.Actions...)
		before.Links = append([]qms.RiskLink(nil), r.Links...)
		before.Assessments = nil // the history is in the table and the earlier entries
		if err := fn(tx, r); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE risks SET likelihood = ?, impact = ?, review_on = ?, status = ?, close_reason = ?, closed_by = ?, closed_at = ? WHERE id = ?`,
			r.Likelihood, r.Impact, FormatDate(r.ReviewOn), r.Status, r.CloseReason, r.ClosedBy, NullTime(r.ClosedAt), r.ID); err != nil {
			return fmt.Errorf("%s risk %d: %w", action, id, err)
		}
		after := *r
		after.Assessments = nil
		return tx.Audit(ctx, agency, "risk."+action, "risk", r.Code, before, after, r.CloseReason)
	})
	return r, err
}

// ReassessRisk records a new judgement of likelihood and impact and the
// next review date.
func (s *Store) ReassessRisk(ctx context.Context, agency string, id int64, a qms.RiskAssessment) (*qms.Risk, error) {
	return s.changeRisk(ctx, agency, id, "reassess", func(tx Tx, r *qms.Risk) error {
		a.By, a.At = tx.Actor().Username, tx.Now()
		if err := r.Reassess(a, qms.CivilDate(tx.Now())); err != nil {
			return err
		}
		a = r.Assessments[len(r.Assessments)-1]
		sent, err := firstSend(ctx, tx, agency, "risk_assessment", r.ID, a.Likelihood, a.Impact, FormatDate(a.ReviewOn), a.Note)
		if err != nil {
			return err
		}
		if err := insertAssessment(ctx, tx, r.ID, a); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "đánh giá lại mục "+r.Code)
	})
}

// AddRiskAction adds a treatment action and tells its owner.
func (s *Store) AddRiskAction(ctx context.Context, agency string, id int64, a qms.RiskAction) (*qms.Risk, error) {
	return s.changeRisk(ctx, agency, id, "action_add", func(tx Tx, r *qms.Risk) error {
		if err := a.Validate(r); err != nil {
			return err
		}
		if err := qms.CheckDueWithin("due_on", a.DueOn, tx.Now()); err != nil {
			return err
		}
		if err := checkAssignee(ctx, tx, agency, "owner", a.Owner, qms.ActionOwnerRoles); err != nil {
			return err
		}
		sent, err := firstSend(ctx, tx, agency, "risk_action", r.ID, a.Description, a.Owner, FormatDate(a.DueOn))
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO risk_actions (risk_id, description, owner, due_on) VALUES (?, ?, ?, ?) RETURNING id`,
			r.ID, a.Description, a.Owner, FormatDate(a.DueOn)).Scan(&a.ID); err != nil {
			return err
		}
		r.Actions = append(r.Actions, a)
		if err := notifyUser(ctx, tx, agency, a.Owner, qms.NewNotice(qms.NoticeRiskAction, r.Code, a.Description, a.DueOn.Format("02/01/2006")), riskLink(r.ID)); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "hành động "+qms.QuoteShort(a.Description)+" của mục "+r.Code)
	})
}

// CompleteRiskAction marks a treatment action done.
func (s *Store) CompleteRiskAction(ctx context.Context, agency string, id, actionID int64) (*qms.Risk, error) {
	return s.changeRisk(ctx, agency, id, "action_done", func(tx Tx, r *qms.Risk) error {
		for _, a := range r.Actions {
			if a.ID == actionID && a.DoneAt == nil {
				if err := checkActionDoer(ctx, tx, agency, a.Owner); err != nil {
					return err
				}
			}
		}
		if err := r.CompleteAction(actionID, tx.Actor().Username, tx.Now()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE risk_actions SET done_at = ?, done_by = ? WHERE id = ? AND risk_id = ?`, FormatTime(tx.Now()), tx.Actor().Username, actionID, r.ID)
		return err
	})
}

// linkTargets are the queries that find a link's object in the agency.
var linkTargets = map[string]string{
	qms.RiskLinkProcedure: `SELECT 1 FROM procedures WHERE id = ? AND agency_code = ?`,
	qms.RiskLinkFinding:   `SELECT 1 FROM findings WHERE id = ? AND agency_code = ?`,
	qms.RiskLinkNC:        `SELECT 1 FROM nonconformities WHERE id = ? AND agency_code = ?`,
}

// LinkRisk ties an entry to a procedure, finding or nonconformity of its
// own agency; another agency's object is answered as a missing one, so
// that its existence does not leak.
func (s *Store) LinkRisk(ctx context.Context, agency string, id int64, l qms.RiskLink) (*qms.Risk, error) {
	return s.changeRisk(ctx, agency, id, "link", func(tx Tx, r *qms.Risk) error {
		if err := r.CheckLink(l); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, linkTargets[l.Kind], l.Ref, agency).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return qms.FieldErrorf(qms.ENOTFOUND, "ref", "Đơn vị %s không có đối tượng #%d để liên kết.", agency, l.Ref)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO risk_links (risk_id, kind, ref, created_by, created_at, seq)
			VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM risk_links WHERE risk_id = ?))`,
			r.ID, l.Kind, l.Ref, tx.Actor().Username, FormatTime(tx.Now()), r.ID); err != nil {
			return err
		}
		r.Links = append(r.Links, l)
		return nil
	})
}

// CloseRisk closes an entry with the reason; it stays in the register.
func (s *Store) CloseRisk(ctx context.Context, agency string, id int64, reason string) (*qms.Risk, error) {
	return s.changeRisk(ctx, agency, id, "close", func(tx Tx, r *qms.Risk) error {
		return r.Close(reason, tx.Actor().Username, tx.Now())
	})
}

// RiskSummary is the register's part of the management review pack.
func (s *Store) RiskSummary(ctx context.Context, agency string) (*qms.RiskSummary, error) {
	open, err := s.FindRisks(ctx, qms.RiskFilter{AgencyCode: agency, Status: qms.RiskOpen})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	rows, err := s.read().Query(ctx, `SELECT DISTINCT u.username, u.full_name FROM risks r JOIN users u ON u.username = r.owner WHERE r.agency_code = ? AND r.status = 'open'`, agency)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var u, n string
		if err := rows.Scan(&u, &n); err != nil {
			rows.Close()
			return nil, err
		}
		names[u] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return qms.SummarizeRisks(open, qms.CivilDate(s.cfg.Now()), func(u string) string {
		if n := names[u]; n != "" {
			return n
		}
		return u
	}), nil
}
