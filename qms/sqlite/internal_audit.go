package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// CreateProgramme records an agency's audit programme for a year.
func (db *DB) CreateProgramme(ctx context.Context, p *qms.AuditProgramme) error {
	p.Title = strings.TrimSpace(p.Title)
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Year < 2000 || p.Year > 2199 {
		return qms.FieldError("year", "Năm %d không hợp lệ.", p.Year)
	}
	return db.update(ctx, func(tx *Tx) error {
		p.CreatedAt = tx.now
		err := tx.QueryRowContext(ctx, `INSERT INTO audit_programmes (agency_code, year, title, notes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			p.AgencyCode, p.Year, p.Title, p.Notes, formatTime(p.CreatedAt)).Scan(&p.ID)
		if isUnique(err) {
			return qms.FieldError("year", "Đơn vị đã có chương trình đánh giá năm %d.", p.Year)
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, p.AgencyCode, "internal_audit.programme", "audit_programme", itoa(p.ID), nil, p, "")
	})
}

// FindProgrammes lists an agency's programmes, newest year first.
func (db *DB) FindProgrammes(ctx context.Context, agency string) ([]*qms.AuditProgramme, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_code, year, title, notes, created_at FROM audit_programmes WHERE agency_code = ? ORDER BY year DESC`, agency)
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
		p.CreatedAt = parseTime(created)
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
// is a member of the plan's agency or an audited unit, and that none of
// them belongs to an audited unit.
func (db *DB) CreatePlan(ctx context.Context, p *qms.AuditPlan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_programmes WHERE id = ? AND agency_code = ?`, p.ProgrammeID, p.AgencyCode).Scan(&n); err != nil || n == 0 {
			if err == nil {
				err = qms.FieldError("programme_id", "Chọn chương trình đánh giá của đơn vị.")
			}
			return err
		}
		if err := checkPlanScope(ctx, tx, p); err != nil {
			return err
		}
		reach, args := inAgencies(p.Reach())
		err := p.CheckAuditors(func(username string) ([]string, bool) {
			var id int64
			if err := tx.QueryRowContext(ctx, `SELECT u.id FROM users u WHERE u.username = ?
				AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.agency_code IN `+reach+`)`, append([]any{username}, args...)...).Scan(&id); err != nil {
				return nil, false
			}
			u, err := tx.db.findOneUser(ctx, tx, qms.UserFilter{ID: &id})
			if err != nil {
				return nil, false
			}
			return u.Agencies(), true
		})
		if err != nil {
			return err
		}
		scope, _ := json.Marshal(planScope{p.Units, p.ProcedureIDs, p.Clauses, p.Auditors})
		p.Status, p.Items = qms.PlanPlanned, []qms.ChecklistItem{}
		if err := tx.QueryRowContext(ctx, `INSERT INTO audit_plans (programme_id, agency_code, title, scope_json, start_on, end_on, status) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ProgrammeID, p.AgencyCode, p.Title, string(scope), formatDate(p.StartOn), formatDate(p.EndOn), p.Status).Scan(&p.ID); err != nil {
			return err
		}
		return tx.audit(ctx, p.AgencyCode, "internal_audit.plan", "audit_plan", itoa(p.ID), nil, p, "")
	})
}

func findPlans(ctx context.Context, q querier, where string, args ...any) ([]*qms.AuditPlan, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, programme_id, agency_code, title, scope_json, start_on, end_on, status, summary, conclusion, reported_at FROM audit_plans WHERE `+where+` ORDER BY start_on DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.AuditPlan
	for rows.Next() {
		var p qms.AuditPlan
		var scope, start, end string
		var reported sql.NullString
		if err := rows.Scan(&p.ID, &p.ProgrammeID, &p.AgencyCode, &p.Title, &scope, &start, &end, &p.Status, &p.Summary, &p.Conclusion, &reported); err != nil {
			rows.Close()
			return nil, err
		}
		var sc planScope
		json.Unmarshal([]byte(scope), &sc)
		p.Units, p.ProcedureIDs, p.Clauses, p.Auditors = sc.Units, sc.ProcedureIDs, sc.Clauses, sc.Auditors
		p.StartOn, p.EndOn, p.ReportedAt = parseDate(start), parseDate(end), scanNullTime(reported)
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

func findItems(ctx context.Context, q querier, planID int64) ([]qms.ChecklistItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, clause, question, source, suggestions_json, result, evidence, note FROM audit_items WHERE plan_id = ? ORDER BY id`, planID)
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
func (db *DB) FindPlan(ctx context.Context, agency string, id int64) (*qms.AuditPlan, error) {
	return findPlan(ctx, db.read, agency, id)
}

func findPlan(ctx context.Context, q querier, agency string, id int64) (*qms.AuditPlan, error) {
	ps, err := findPlans(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy kế hoạch đánh giá.")
	}
	return ps[0], nil
}

// FindPlans lists an agency's audit plans.
func (db *DB) FindPlans(ctx context.Context, agency string) ([]*qms.AuditPlan, error) {
	return findPlans(ctx, db.read, `agency_code = ?`, agency)
}

// checkPlanScope applies qms.AuditPlan.CheckScope against the agency
// tree as it stands now: a plan made before a split or a move of the
// hierarchy is checked again before its checklist reads any figures.
func checkPlanScope(ctx context.Context, q querier, p *qms.AuditPlan) error {
	if len(p.Units) == 0 {
		return qms.FieldError("units", "Kế hoạch chưa có đơn vị được đánh giá: không lập danh mục kiểm tra.")
	}
	rows, err := q.QueryContext(ctx, subtreeSQL, p.AgencyCode)
	if err != nil {
		return err
	}
	reach := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return err
		}
		reach[code] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var lookupErr error
	err = p.CheckScope(func(u string) bool { return reach[u] }, func(id int64) string {
		var agency string
		if err := q.QueryRowContext(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, id).Scan(&agency); err != nil && err != sql.ErrNoRows {
			lookupErr = err
		}
		return agency
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

// BuildChecklist (re)builds the checklist of a plan not yet answered: one
// question per clause, one per task step of each audited procedure, each
// with evidence suggestions read from the system.
func (db *DB) BuildChecklist(ctx context.Context, agency string, planID int64) (*qms.AuditPlan, error) {
	var p *qms.AuditPlan
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
			return err
		}
		if p.Status != qms.PlanPlanned || len(p.Tally()) > 0 && p.Tally()["unanswered"] != len(p.Items) {
			return qms.Errorf(qms.EINVALID, "Danh mục kiểm tra đã có câu trả lời: không lập lại.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_items WHERE plan_id = ?`, p.ID); err != nil {
			return err
		}
		if err := checkPlanScope(ctx, tx, p); err != nil {
			return err
		}
		items, err := checklistFor(ctx, tx, p, tx.now)
		if err != nil {
			return err
		}
		for i := range items {
			sug, _ := json.Marshal(items[i].Suggestions)
			if err := tx.QueryRowContext(ctx, `INSERT INTO audit_items (plan_id, clause, question, source, suggestions_json) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				p.ID, items[i].Clause, items[i].Question, items[i].Source, string(sug)).Scan(&items[i].ID); err != nil {
				return err
			}
		}
		p.Items = items
		return tx.audit(ctx, agency, "internal_audit.checklist", "audit_plan", itoa(p.ID), nil, map[string]int{"items": len(items)}, "")
	})
	return p, err
}

// checklistFor assembles the questions and what the system already knows
// about each: open findings, on-time figures, step records. Every figure
// is read from the audited units only (checkPlanScope has kept them, and
// the procedures, within the plan's reach).
func checklistFor(ctx context.Context, q querier, p *qms.AuditPlan, now time.Time) ([]qms.ChecklistItem, error) {
	var items []qms.ChecklistItem
	in, args := inAgencies(p.Units)
	var openFindings int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM findings WHERE closed_at IS NULL AND agency_code IN `+in, args...).Scan(&openFindings); err != nil {
		return nil, err
	}
	var completed, late, overdue int
	from := now.AddDate(0, -3, 0)
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(returned_at >= ?), 0), COALESCE(SUM(returned_at >= ? AND result = 'late'), 0),
		COALESCE(SUM(status IN ('received', 'in_progress') AND due_at < ?), 0) FROM dossiers WHERE agency_code IN `+in,
		append([]any{formatTime(from), formatTime(from), formatTime(now)}, args...)...).Scan(&completed, &late, &overdue); err != nil {
		return nil, err
	}
	for _, code := range p.Clauses {
		c, _ := qms.ClauseByCode(code)
		it := qms.ChecklistItem{Clause: c.Code, Question: c.Title + ": " + c.Question, Source: "Điều khoản " + c.Code, Suggestions: []string{}}
		switch {
		case strings.HasPrefix(code, "8.5") || strings.HasPrefix(code, "8.7") || strings.HasPrefix(code, "9.1"):
			it.Suggestions = append(it.Suggestions, fmt.Sprintf("3 tháng qua: %d hồ sơ đã giải quyết, %d trễ hạn; hiện %d hồ sơ quá hạn.", completed, late, overdue))
		case strings.HasPrefix(code, "4.4") || strings.HasPrefix(code, "7.5") || strings.HasPrefix(code, "10"):
			it.Suggestions = append(it.Suggestions, fmt.Sprintf("%d phát hiện kiểm tra tuân thủ đang mở tại đơn vị được đánh giá.", openFindings))
		}
		items = append(items, it)
	}
	for _, pid := range p.ProcedureIDs {
		var agency string // an audited unit's: checkPlanScope saw to it
		if err := q.QueryRowContext(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, pid).Scan(&agency); err != nil {
			return nil, err
		}
		proc, err := findProcedure(ctx, q, agency, pid)
		if err != nil {
			return nil, err
		}
		v, err := inForceVersionOf(ctx, q, pid)
		if err != nil {
			return nil, err
		}
		if v == nil {
			items = append(items, qms.ChecklistItem{Clause: "4.4", Question: "Quy trình " + proc.Code + " chưa có phiên bản hiệu lực: đơn vị áp dụng quy trình nào?", Source: proc.Code, Suggestions: []string{}})
			continue
		}
		for _, st := range v.Flowchart.Steps {
			if st.Kind != flowchart.KindTask && st.Kind != flowchart.KindDecision {
				continue
			}
			var done, lateSteps int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(s.result = 'late'), 0) FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id
				WHERE d.procedure_id = ? AND d.agency_code = ? AND s.step_id = ? AND s.completed_at >= ?`, pid, proc.AgencyCode, st.ID, formatTime(from)).Scan(&done, &lateSteps); err != nil {
				return nil, err
			}
			it := qms.ChecklistItem{Clause: "8.5", Source: fmt.Sprintf("%s – bước %s", proc.Code, st.Name),
				Question:    fmt.Sprintf("Bước “%s” (%s, %s giờ) có được thực hiện đúng trách nhiệm, thời gian và lập đủ hồ sơ không?", st.Name, st.Responsible, flowchart.FormatHours(st.Hours, "vi")),
				Suggestions: []string{fmt.Sprintf("3 tháng qua: %d lần thực hiện, %d lần quá thời gian.", done, lateSteps)}}
			if len(st.Forms) > 0 {
				it.Suggestions = append(it.Suggestions, "Biểu mẫu phải lập: "+strings.Join(st.Forms, ", "))
			}
			items = append(items, it)
		}
	}
	return items, nil
}

func inForceVersionOf(ctx context.Context, q querier, pid int64) (*qms.ProcedureVersion, error) {
	vs, err := findVersions(ctx, q, pid, nil)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.InForce() {
			return v, nil
		}
	}
	return nil, nil
}

// AnswerItem records the answer to one checklist question.
func (db *DB) AnswerItem(ctx context.Context, agency string, planID, itemID int64, result, evidence, note string) (*qms.AuditPlan, error) {
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
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
			return err
		}
		if p.Status != qms.PlanPlanned {
			return qms.Errorf(qms.EINVALID, "Cuộc đánh giá đã có báo cáo: không sửa câu trả lời.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE audit_items SET result = ?, evidence = ?, note = ? WHERE id = ? AND plan_id = ?`, result, evidence, strings.TrimSpace(note), itemID, planID)
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy câu hỏi.")
		}
		if p.Items, err = findItems(ctx, tx, planID); err != nil {
			return err
		}
		return tx.audit(ctx, agency, "internal_audit.answer", "audit_item", itoa(itemID), nil, map[string]string{"result": result, "evidence": evidence}, "")
	})
	return p, err
}

// ReportPlan writes the audit report; every question must be answered.
func (db *DB) ReportPlan(ctx context.Context, agency string, planID int64, summary, conclusion string) (*qms.AuditPlan, error) {
	if err := qms.ValidateReport(summary, conclusion); err != nil {
		return nil, err
	}
	var p *qms.AuditPlan
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if p, err = findPlan(ctx, tx, agency, planID); err != nil {
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
		now := tx.now
		p.Status, p.Summary, p.Conclusion, p.ReportedAt = qms.PlanReported, strings.TrimSpace(summary), strings.TrimSpace(conclusion), &now
		if _, err := tx.ExecContext(ctx, `UPDATE audit_plans SET status = ?, summary = ?, conclusion = ?, reported_at = ? WHERE id = ?`, p.Status, p.Summary, p.Conclusion, formatTime(now), p.ID); err != nil {
			return err
		}
		if err := tx.audit(ctx, agency, "internal_audit.report", "audit_plan", itoa(p.ID), nil, map[string]any{"tally": p.Tally(), "conclusion": p.Conclusion}, ""); err != nil {
			return err
		}
		return tx.sign(ctx, agency, qms.SignedAuditReport, p.ID, itoa(p.ID), "report")
	})
	return p, err
}
