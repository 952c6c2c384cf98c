package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"isodt/qms"
)

// CreateProvider registers an external provider of the agency.
func (s *Store) CreateProvider(ctx context.Context, p *qms.Provider) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := agencyExists(ctx, tx, p.AgencyCode); err != nil {
			return err
		}
		if err := providerNameFree(ctx, tx, p.AgencyCode, p.Name, 0); err != nil {
			return err
		}
		p.Status, p.CreatedBy, p.CreatedAt = qms.ProviderActive, tx.Actor().Username, tx.Now()
		crit, _ := json.Marshal(p.Criteria)
		if err := tx.QueryRow(ctx, `INSERT INTO providers (agency_code, name, service, contract_ref, contact, criteria_json, period_months, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.AgencyCode, p.Name, p.Service, p.ContractRef, p.Contact, string(crit), p.PeriodMonths,
			p.Status, p.CreatedBy, FormatTime(p.CreatedAt)).Scan(&p.ID); err != nil {
			return fmt.Errorf("create provider: %w", err)
		}
		return tx.Audit(ctx, p.AgencyCode, "provider.create", "provider", Itoa(p.ID), nil, p, "")
	})
}

// providerNameFree refuses a second provider of the same name in use in
// the agency: evaluations would be split between two rows.
func providerNameFree(ctx context.Context, q Querier, agency, name string, self int64) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM providers WHERE agency_code = ? AND name = ? AND status != 'ended' AND id != ?`, agency, name, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return qms.FieldErrorf(qms.ECONFLICT, "name", "Đơn vị đã có nhà cung cấp “%s” đang theo dõi.", name)
	}
	return nil
}

const providerColumns = `p.id, p.agency_code, p.name, p.service, p.contract_ref, p.contact, p.criteria_json, p.period_months, p.status, p.status_reason, p.status_by, p.status_at, p.created_by, p.created_at,
	e.id, e.evaluated_on, e.scores_json, e.result, e.evaluator, e.note, e.created_at`

// findProviders reads providers with their latest evaluation (the one
// evaluated last, the last recorded among those of the same day).
func findProviders(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Provider, error) {
	rows, err := q.Query(ctx, `SELECT `+providerColumns+` FROM providers p
		LEFT JOIN provider_evaluations e ON e.id = (SELECT id FROM provider_evaluations WHERE provider_id = p.id ORDER BY evaluated_on DESC, id DESC LIMIT 1)
		WHERE `+where+` ORDER BY p.status = 'ended', p.name, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Provider
	for rows.Next() {
		var p qms.Provider
		var crit, created string
		var statusAt *string
		var eid *int64
		var eOn, eScores, eResult, eBy, eNote, eCreated *string
		if err := rows.Scan(&p.ID, &p.AgencyCode, &p.Name, &p.Service, &p.ContractRef, &p.Contact, &crit, &p.PeriodMonths, &p.Status, &p.StatusReason, &p.StatusBy, &statusAt,
			&p.CreatedBy, &created, &eid, &eOn, &eScores, &eResult, &eBy, &eNote, &eCreated); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(crit), &p.Criteria)
		p.StatusAt, p.CreatedAt = OptTime(statusAt), ParseTime(created)
		if eid != nil {
			e := &qms.ProviderEvaluation{ID: *eid, ProviderID: p.ID, EvaluatedOn: ParseDate(*eOn), Result: *eResult, Evaluator: *eBy,
				Note: *eNote, CreatedAt: ParseTime(*eCreated)}
			json.Unmarshal([]byte(*eScores), &e.Scores)
			p.LastEvaluation = e
		}
		out = append(out, &p)
	}
	return out, rows.Err()
}

func findProvider(ctx context.Context, q Querier, agency string, id int64) (*qms.Provider, error) {
	ps, err := findProviders(ctx, q, `p.id = ? AND p.agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy nhà cung cấp.")
	}
	return ps[0], nil
}

// FindProvider returns ENOTFOUND unless the agency has the provider.
func (s *Store) FindProvider(ctx context.Context, agency string, id int64) (*qms.Provider, error) {
	return findProvider(ctx, s.read(), agency, id)
}

// FindProviders lists the agency's providers, ended ones last.
func (s *Store) FindProviders(ctx context.Context, agency string) ([]*qms.Provider, error) {
	return findProviders(ctx, s.read(), `p.agency_code = ?`, agency)
}

// ActiveProviders lists the providers in use of the agencies (the
// PROVIDER_EVALUATION_OVERDUE rule's).
func (s *Store) ActiveProviders(ctx context.Context, agencies []string) ([]*qms.Provider, error) {
	in, args := inList(agencies)
	return findProviders(ctx, s.read(), `p.status = 'active' AND p.agency_code IN `+in, args...)
}

// changeProvider loads, changes and saves a provider in one transaction
// with its audit entry.
func (s *Store) changeProvider(ctx context.Context, agency string, id int64, action, reason string, fn func(tx Tx, p *qms.Provider) error) (*qms.Provider, error) {
	var p *qms.Provider
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if p, err = findProvider(ctx, tx, agency, id); err != nil {
			return err
		}
		before := *p
		if err := fn(tx, p); err != nil {
			return err
		}
		crit, _ := json.Marshal(p.Criteria)
		if _, err := tx.Exec(ctx, `UPDATE providers SET name = ?, service = ?, contract_ref = ?, contact = ?, criteria_json = ?, period_months = ?,
			status = ?, status_reason = ?, status_by = ?, status_at = ? WHERE id = ?`, p.Name, p.Service, p.ContractRef, p.Contact, string(crit), p.PeriodMonths,
			p.Status, p.StatusReason, p.StatusBy, NullTime(p.StatusAt), p.ID); err != nil {
			return fmt.Errorf("%s provider %d: %w", action, id, err)
		}
		return tx.Audit(ctx, agency, "provider."+action, "provider", Itoa(p.ID), before, p, reason)
	})
	return p, err
}

// UpdateProvider changes the details of a provider not ended.
func (s *Store) UpdateProvider(ctx context.Context, agency string, id int64, upd qms.ProviderUpdate) (*qms.Provider, error) {
	return s.changeProvider(ctx, agency, id, "update", "", func(tx Tx, p *qms.Provider) error {
		if p.Status == qms.ProviderEnded {
			return qms.Errorf(qms.EINVALID, "Nhà cung cấp “%s” đã chấm dứt: không thể sửa.", p.Name)
		}
		p.Name, p.Service, p.ContractRef, p.Contact, p.Criteria, p.PeriodMonths = upd.Name, upd.Service, upd.ContractRef, upd.Contact, upd.Criteria, upd.PeriodMonths
		if err := p.Validate(); err != nil {
			return err
		}
		return providerNameFree(ctx, tx, agency, p.Name, p.ID)
	})
}

// SetProviderStatus suspends, ends or resumes a provider with a reason.
func (s *Store) SetProviderStatus(ctx context.Context, agency string, id int64, status, reason string) (*qms.Provider, error) {
	return s.changeProvider(ctx, agency, id, "status", reason, func(tx Tx, p *qms.Provider) error {
		if status == qms.ProviderActive && p.Status == qms.ProviderSuspended {
			if err := providerNameFree(ctx, tx, agency, p.Name, p.ID); err != nil {
				return err
			}
		}
		return p.SetStatus(status, reason, tx.Actor().Username, tx.Now())
	})
}

// EvaluateProvider records an evaluation of the provider by the caller.
func (s *Store) EvaluateProvider(ctx context.Context, agency string, id int64, e *qms.ProviderEvaluation) error {
	return s.update(ctx, func(tx Tx) error {
		p, err := findProvider(ctx, tx, agency, id)
		if err != nil {
			return err
		}
		if err := p.ValidateEvaluation(e, qms.CivilDate(tx.Now())); err != nil {
			return err
		}
		scores, _ := json.Marshal(e.Scores)
		sent, err := firstSend(ctx, tx, agency, "provider_evaluation", p.ID, FormatDate(e.EvaluatedOn), string(scores), e.Result, e.Note)
		if err != nil {
			return err
		}
		e.ProviderID, e.Evaluator, e.CreatedAt = p.ID, tx.Actor().Username, tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO provider_evaluations (provider_id, evaluated_on, scores_json, result, evaluator, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ProviderID, FormatDate(e.EvaluatedOn), string(scores), e.Result, e.Evaluator, e.Note, FormatTime(e.CreatedAt)).Scan(&e.ID); err != nil {
			return fmt.Errorf("evaluate provider %d: %w", id, err)
		}
		if err := tx.Audit(ctx, agency, "provider.evaluate", "provider", Itoa(p.ID), nil, e, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "đánh giá ngày "+e.EvaluatedOn.Format("02/01/2006")+" của nhà cung cấp "+qms.QuoteShort(p.Name))
	})
}

// ProviderEvaluations lists a provider's evaluations, latest first.
func (s *Store) ProviderEvaluations(ctx context.Context, agency string, id int64) ([]*qms.ProviderEvaluation, error) {
	if _, err := findProvider(ctx, s.read(), agency, id); err != nil {
		return nil, err
	}
	rows, err := s.read().Query(ctx, `SELECT id, evaluated_on, scores_json, result, evaluator, note, created_at FROM provider_evaluations
		WHERE provider_id = ? ORDER BY evaluated_on DESC, id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*qms.ProviderEvaluation{}
	for rows.Next() {
		e := &qms.ProviderEvaluation{ProviderID: id}
		var on, scores, created string
		if err := rows.Scan(&e.ID, &on, &scores, &e.Result, &e.Evaluator, &e.Note, &created); err != nil {
			return nil, err
		}
		e.EvaluatedOn, e.CreatedAt = ParseDate(on), ParseTime(created)
		json.Unmarshal([]byte(scores), &e.Scores)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LinkProviderNC records that a nonconformity of the agency names the
// provider. The link is kept apart from the nonconformity, so that
// linking changes no controlled record.
func (s *Store) LinkProviderNC(ctx context.Context, agency string, id, ncID int64) error {
	return s.update(ctx, func(tx Tx) error {
		p, err := findProvider(ctx, tx, agency, id)
		if err != nil {
			return err
		}
		n, err := findNC(ctx, tx, agency, ncID)
		if err != nil {
			return qms.FieldErrorf(qms.ENOTFOUND, "nc_id", "Không tìm thấy phiếu sự không phù hợp của đơn vị.")
		}
		k, err := tx.Exec(ctx, `INSERT INTO provider_ncs (provider_id, nc_id, linked_by, linked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			p.ID, n.ID, tx.Actor().Username, FormatTime(tx.Now()))
		if err != nil {
			return fmt.Errorf("link provider %d to nc %d: %w", id, ncID, err)
		}
		if k == 0 {
			return qms.FieldErrorf(qms.ECONFLICT, "nc_id", "Phiếu %s đã được liên kết với nhà cung cấp “%s”.", n.Code, p.Name)
		}
		return tx.Audit(ctx, agency, "provider.link_nc", "provider", Itoa(p.ID), nil, map[string]any{"nc_id": n.ID, "nc_code": n.Code}, "")
	})
}

// ProviderNCs lists the nonconformities naming the provider, newest link
// first. A nonconformity that stayed with a merged predecessor is still
// listed: the link is by id.
func (s *Store) ProviderNCs(ctx context.Context, agency string, id int64) ([]qms.ProviderNC, error) {
	if _, err := findProvider(ctx, s.read(), agency, id); err != nil {
		return nil, err
	}
	ns, err := findNCs(ctx, s.read(), `id IN (SELECT nc_id FROM provider_ncs WHERE provider_id = ?)`, id)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*qms.Nonconformity, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	rows, err := s.read().Query(ctx, `SELECT nc_id, linked_by, linked_at FROM provider_ncs WHERE provider_id = ? ORDER BY linked_at DESC, nc_id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.ProviderNC{}
	for rows.Next() {
		var l qms.ProviderNC
		var at string
		if err := rows.Scan(&l.NCID, &l.LinkedBy, &at); err != nil {
			return nil, err
		}
		n, ok := byID[l.NCID]
		if !ok {
			continue
		}
		l.Code, l.Status, l.Description, l.LinkedAt = n.Code, n.Status, n.Description, ParseTime(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// NCProviders lists the providers a nonconformity of the agency names,
// wherever they are now (a provider that moved in a merger included).
func (s *Store) NCProviders(ctx context.Context, agency string, ncID int64) ([]*qms.Provider, error) {
	if _, err := findNC(ctx, s.read(), agency, ncID); err != nil {
		return nil, err
	}
	return findProviders(ctx, s.read(), `p.id IN (SELECT provider_id FROM provider_ncs WHERE nc_id = ?)`, ncID)
}
