package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// checklistFor assembles the questions and what the system already knows
// about each: open findings, on-time figures, step records. Every figure
// is read from the audited units only (checkPlanScope has kept them, and
// the procedures, within the plan's reach).
func checklistFor(ctx context.Context, q Querier, p *qms.AuditPlan, now time.Time) ([]qms.ChecklistItem, error) {
	var items []qms.ChecklistItem
	in, args := inList(p.Units)
	var openFindings int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM findings WHERE closed_at IS NULL AND agency_code IN `+in, args...).Scan(&openFindings); err != nil {
		return nil, err
	}
	var completed, late, overdue int
	from := now.AddDate(0, -3, 0)
	if err := q.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN returned_at >= ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN returned_at >= ? AND result = 'late' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status IN ('received', 'in_progress') AND due_at < ? THEN 1 ELSE 0 END), 0) FROM dossiers WHERE agency_code IN `+in,
		append([]any{FormatTime(from), FormatTime(from), FormatTime(now)}, args...)...).Scan(&completed, &late, &overdue); err != nil {
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
		if err := q.QueryRow(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, pid).Scan(&agency); err != nil {
			return nil, err
		}
		proc, err := QueryProcedure(ctx, q, agency, pid)
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
			if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.result = 'late' THEN 1 ELSE 0 END), 0) FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id
				WHERE d.procedure_id = ? AND d.agency_code = ? AND s.step_id = ? AND s.completed_at >= ?`, pid, proc.AgencyCode, st.ID, FormatTime(from)).Scan(&done, &lateSteps); err != nil {
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

func inForceVersionOf(ctx context.Context, q Querier, pid int64) (*qms.ProcedureVersion, error) {
	vs, err := QueryVersions(ctx, q, pid, nil)
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
