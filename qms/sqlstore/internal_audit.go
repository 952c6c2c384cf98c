package sqlstore

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"isodt/qms"
)

// CreateProgramme records an agency's audit programme for a year.
func (s *Store) CreateProgramme(ctx context.Context, p *qms.AuditProgramme) error {
	p.Title = strings.TrimSpace(p.Title)
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Year < 2000 || p.Year > 2199 {
		return qms.FieldError("year", "Năm %d không hợp lệ.", p.Year)
	}
	return s.update(ctx, func(tx Tx) error {
		p.CreatedAt = tx.Now()
		err := tx.QueryRow(ctx, `INSERT INTO audit_programmes (agency_code, year, title, notes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			p.AgencyCode, p.Year, p.Title, p.Notes, FormatTime(p.CreatedAt)).Scan(&p.ID)
		if s.cfg.IsUnique(err) {
			return qms.FieldError("year", "Đơn vị đã có chương trình đánh giá năm %d.", p.Year)
		} else if err != nil {
			return err
		}
		return tx.Audit(ctx, p.AgencyCode, "internal_audit.programme", "audit_programme", Itoa(p.ID), nil, p, "")
	})
}

// FindProgrammes lists an agency's programmes, newest year first.
func (s *Store) FindProgrammes(ctx context.Context, agency string) ([]*qms.AuditProgramme, error) {
	rows, err := s.read().Query(ctx, `SELECT id, agency_code, year, title, notes, created_at FROM audit_programmes WHERE agency_code = ? ORDER BY year DESC`, agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.AuditProgramme
	for rows.Next() {
		var p qms.AuditProgramme
		var created string
		if err := rows.Scan(&p.ID, &p.AgencyCode, &p.Year, &p.Title, &p.Notes, &created); err != nil {
			return nil, err
		}
		p.CreatedAt = ParseTime(created)
		out = append(out, &p)
	}
	return out, rows.Err()
}

type planScope struct {
	Units        []string `json:"units"`
	ProcedureIDs []int64  `json:"procedure_ids"`
	Clauses      []string `json:"clauses"`
	Auditors     []string `json:"auditors"`
}

// CreatePlan records an audit plan after checking its scope (units the
// plan's agency may audit, procedures of those units), that each auditor
// is a member of the plan's agency or an audited unit, that none of
// them belongs to an audited unit, and that each holds a role of the
// audit team (qms.AuditTeamRoles) in the plan's agency.
func (s *Store) CreatePlan(ctx context.Context, p *qms.AuditPlan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_programmes WHERE id = ? AND agency_code = ?`, p.ProgrammeID, p.AgencyCode).Scan(&n); err != nil || n == 0 {
			if err == nil {
				err = qms.FieldError("programme_id", "Chọn chương trình đánh giá của đơn vị.")
			}
			return err
		}
		if err := s.checkPlanScope(ctx, tx, p); err != nil {
			return err
		}
		reach, args := inList(p.Reach())
		err := p.CheckAuditors(func(username string) ([]string, bool) {
			var id int64
			if err := tx.QueryRow(ctx, `SELECT u.id FROM users u WHERE u.username = ?
				AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.agency_code IN `+reach+`)`, append([]any{username}, args...)...).Scan(&id); err != nil {
				return nil, false
			}
			own, err := memberAgencies(ctx, tx, id)
			if err != nil {
				return nil, false
			}
			return own, true
		})
		if err != nil {
			return err
		}
		for _, a := range p.Auditors {
			if err := checkAssignee(ctx, tx, p.AgencyCode, "auditors", a, qms.AuditTeamRoles); err != nil {
				return err
			}
		}
		scope, _ := json.Marshal(planScope{p.Units, p.ProcedureIDs, p.Clauses, p.Auditors})
		sent, err := firstSend(ctx, tx, p.AgencyCode, "audit_plan", p.ProgrammeID, p.Title, FormatDate(p.StartOn), FormatDate(p.EndOn), string(scope))
		if err != nil {
			return err
		}
		p.Status, p.Items = qms.PlanPlanned, []qms.ChecklistItem{}
		if err := tx.QueryRow(ctx, `INSERT INTO audit_plans (programme_id, agency_code, title, scope_json, start_on, end_on, status) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ProgrammeID, p.AgencyCode, p.Title, string(scope), FormatDate(p.StartOn), FormatDate(p.EndOn), p.Status).Scan(&p.ID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, p.AgencyCode, "internal_audit.plan", "audit_plan", Itoa(p.ID), nil, p, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "kế hoạch đánh giá "+qms.QuoteShort(p.Title))
	})
}

// memberAgencies lists the agencies a user is a member of.
func memberAgencies(ctx context.Context, q Querier, userID int64) ([]string, error) {
	return QueryStrings(ctx, q, `SELECT DISTINCT agency_code FROM memberships WHERE user_id = ?`, userID)
}

// inList returns "(?, ?)" and the arguments for an IN over codes.
func inList(codes []string) (string, []any) {
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	return "(" + Placeholders(len(codes)) + ")", args
}

func findPlans(ctx context.Context, q Querier, where string, args ...any) ([]*qms.AuditPlan, error) {
	rows, err := q.Query(ctx, `SELECT id, programme_id, agency_code, title, scope_json, start_on, end_on, status, summary, conclusion, reported_at FROM audit_plans WHERE `+where+` ORDER BY start_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.AuditPlan
	for rows.Next() {
		var p qms.AuditPlan
		var scope, start, end string
		var reported *string
		if err := rows.Scan(&p.ID, &p.ProgrammeID, &p.AgencyCode, &p.Title, &scope, &start, &end, &p.Status, &p.Summary, &p.Conclusion, &reported); err != nil {
			rows.Close()
			return nil, err
		}
		var sc planScope
		json.Unmarshal([]byte(scope), &sc)
		p.Units, p.ProcedureIDs, p.Clauses, p.Auditors = sc.Units, sc.ProcedureIDs, sc.Clauses, sc.Auditors
		p.StartOn, p.EndOn, p.ReportedAt = ParseDate(start), ParseDate(end), OptTime(reported)
		out = append(out, &p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range out {
		if p.Items, err = findItems(ctx, q, p.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func findItems(ctx context.Context, q Querier, planID int64) ([]qms.ChecklistItem, error) {
	rows, err := q.Query(ctx, `SELECT id, clause, question, source, suggestions_json, result, evidence, note FROM audit_items WHERE plan_id = ? ORDER BY id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.ChecklistItem{}
	for rows.Next() {
		var it qms.ChecklistItem
		var sug string
		if err := rows.Scan(&it.ID, &it.Clause, &it.Question, &it.Source, &sug, &it.Result, &it.Evidence, &it.Note); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(sug), &it.Suggestions)
		out = append(out, it)
	}
	return out, rows.Err()
}

// FindPlan returns ENOTFOUND unless the agency has the plan.
func (s *Store) FindPlan(ctx context.Context, agency string, id int64) (*qms.AuditPlan, error) {
	return findPlan(ctx, s.read(), agency, id)
}

func findPlan(ctx context.Context, q Querier, agency string, id int64) (*qms.AuditPlan, error) {
	ps, err := findPlans(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy kế hoạch đánh giá.")
	}
	return ps[0], nil
}

// FindPlans lists an agency's audit plans.
func (s *Store) FindPlans(ctx context.Context, agency string) ([]*qms.AuditPlan, error) {
	return findPlans(ctx, s.read(), `agency_code = ?`, agency)
}

// PlansConcerning lists the audit plans an agency ran or had its own
// system audited in (one of the plan's units), for the management review
// pack.
func (s *Store) PlansConcerning(ctx context.Context, agency string) ([]*qms.AuditPlan, error) {
	// LIKE only narrows the rows read (any case, _ for any character: a
	// superset of the plans naming the unit); the units decide.
	quoted, _ := json.Marshal(agency)
	ps, err := findPlans(ctx, s.read(), `agency_code = ? OR scope_json LIKE ?`, agency, "%"+string(quoted)+"%")
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.AgencyCode == agency || slices.Contains(p.Units, agency) {
			out = append(out, p)
		}
	}
	return out, nil
}

// subtree lists the agency and every agency under it.
func subtree(ctx context.Context, q Querier, code string) (map[string]bool, error) {
	rows, err := q.Query(ctx, subtreeSQL, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	reach := map[string]bool{code: true}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		reach[c] = true
	}
	return reach, rows.Err()
}

// checkPlanScope applies qms.AuditPlan.CheckScope against the agency
// tree as it stands now: a plan made before a split or a move of the
// hierarchy is checked again before its checklist reads any figures.
func (s *Store) checkPlanScope(ctx context.Context, q Querier, p *qms.AuditPlan) error {
	if len(p.Units) == 0 {
		return qms.FieldError("units", "Kế hoạch chưa có đơn vị được đánh giá: không lập danh mục kiểm tra.")
	}
	reach, err := subtree(ctx, q, p.AgencyCode)
	if err != nil {
		return err
	}
	var lookupErr error
	err = p.CheckScope(func(u string) bool { return reach[u] }, func(id int64) string {
		var agency string
		rows, err := q.Query(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, id)
		if err != nil {
			lookupErr = err
			return ""
		}
		defer rows.Close()
		if rows.Next() {
			if err := rows.Scan(&agency); err != nil {
				lookupErr = err
			}
		}
		if err := rows.Err(); err != nil {
			lookupErr = err
		}
		return agency
	})
	if lookupErr != nil {
		return lookupErr
	} else if err != nil {
		return err
	}
	// A unit merged since (or named anyway) is no longer auditable: its
	// procedures moved to its successor, only its history stayed.
	err = p.CheckUnitsActive(func(u string) string {
		a, err := FindAgency(ctx, q, u)
		if err != nil {
			lookupErr = err
			return ""
		}
		return a.MergedInto
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

// checkAuditTeam asks whether the actor may record the audit plan p
// (qms.AuditPlan.CheckAuditTeam), on the roles they hold in its agency.
func checkAuditTeam(ctx context.Context, tx Tx, p *qms.AuditPlan) error {
	user, roles, err := actorRoles(ctx, tx, p.AgencyCode)
	if err != nil {
		return err
	}
	return p.CheckAuditTeam(user, roles)
}

// BuildChecklist (re)builds the checklist of a plan not yet answered: one
// question per clause, one per task step of each audited procedure, each
// with evidence suggestions read from the system.
func (s *Store) BuildChecklist(ctx context.Context, agency string, planID int64) (*qms.AuditPlan, error) {
	var p *qms.AuditPlan
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
			return err
		}
		if err := checkAuditTeam(ctx, tx, p); err != nil {
			return err
		}
		if p.Status != qms.PlanPlanned || len(p.Tally()) > 0 && p.Tally()["unanswered"] != len(p.Items) {
			return qms.Errorf(qms.EINVALID, "Danh mục kiểm tra đã có câu trả lời: không lập lại.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM audit_items WHERE plan_id = ?`, p.ID); err != nil {
			return err
		}
		if err := s.checkPlanScope(ctx, tx, p); err != nil {
			return err
		}
		items, err := checklistFor(ctx, tx, p, tx.Now())
		if err != nil {
			return err
		}
		for i := range items {
			sug, _ := json.Marshal(items[i].Suggestions)
			if err := tx.QueryRow(ctx, `INSERT INTO audit_items (plan_id, clause, question, source, suggestions_json) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				p.ID, items[i].Clause, items[i].Question, items[i].Source, string(sug)).Scan(&items[i].ID); err != nil {
				return err
			}
		}
		p.Items = items
		return tx.Audit(ctx, agency, "internal_audit.checklist", "audit_plan", Itoa(p.ID), nil, map[string]int{"items": len(items)}, "")
	})
	return p, err
}

// AnswerItem records the answer to one checklist question.
func (s *Store) AnswerItem(ctx context.Context, agency string, planID, itemID int64, result, evidence, note string) (*qms.AuditPlan, error) {
	switch result {
	case qms.AnswerConform, qms.AnswerObservation, qms.AnswerMinorNC, qms.AnswerMajorNC:
	default:
		return nil, qms.FieldError("result", "Chọn kết quả: phù hợp, khuyến nghị, không phù hợp nhẹ hoặc nặng.")
	}
	evidence = strings.TrimSpace(evidence)
	if evidence == "" {
		return nil, qms.FieldError("evidence", "Ghi bằng chứng đánh giá (hồ sơ, tài liệu, phỏng vấn đã xem).")
	}
	if err := qms.ValidateAnswer(evidence, note); err != nil {
		return nil, err
	}
	var p *qms.AuditPlan
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
			return err
		}
		if err := checkAuditTeam(ctx, tx, p); err != nil {
			return err
		}
		if p.Status != qms.PlanPlanned {
			return qms.Errorf(qms.EINVALID, "Cuộc đánh giá đã có báo cáo: không sửa câu trả lời.")
		}
		n, err := tx.Exec(ctx, `UPDATE audit_items SET result = ?, evidence = ?, note = ? WHERE id = ? AND plan_id = ?`, result, evidence, strings.TrimSpace(note), itemID, planID)
		if err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy câu hỏi.")
		}
		if p.Items, err = findItems(ctx, tx, planID); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "internal_audit.answer", "audit_item", Itoa(itemID), nil, map[string]string{"result": result, "evidence": evidence}, "")
	})
	return p, err
}

// ReportPlan writes the audit report; every question must be answered.
func (s *Store) ReportPlan(ctx context.Context, agency string, planID int64, summary, conclusion string) (*qms.AuditPlan, error) {
	if err := qms.ValidateReport(summary, conclusion); err != nil {
		return nil, err
	}
	var p *qms.AuditPlan
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
			return err
		}
		if err := checkAuditTeam(ctx, tx, p); err != nil {
			return err
		}
		switch t := p.Tally(); {
		case p.Status != qms.PlanPlanned:
			return qms.Errorf(qms.EINVALID, "Cuộc đánh giá đã có báo cáo.")
		case len(p.Items) == 0:
			return qms.Errorf(qms.EINVALID, "Chưa có danh mục kiểm tra.")
		case t["unanswered"] > 0:
			return qms.Errorf(qms.EINVALID, "Còn %d câu hỏi chưa trả lời.", t["unanswered"])
		case strings.TrimSpace(conclusion) == "":
			return qms.FieldError("conclusion", "Nhập kết luận của cuộc đánh giá.")
		}
		now := tx.Now()
		p.Status, p.Summary, p.Conclusion, p.ReportedAt = qms.PlanReported, strings.TrimSpace(summary), strings.TrimSpace(conclusion), &now
		if _, err := tx.Exec(ctx, `UPDATE audit_plans SET status = ?, summary = ?, conclusion = ?, reported_at = ? WHERE id = ?`, p.Status, p.Summary, p.Conclusion, FormatTime(now), p.ID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, agency, "internal_audit.report", "audit_plan", Itoa(p.ID), nil, map[string]any{"tally": p.Tally(), "conclusion": p.Conclusion}, ""); err != nil {
			return err
		}
		return s.sign(ctx, tx, agency, qms.SignedAuditReport, p.ID, Itoa(p.ID), "report")
	})
	return p, err
}
