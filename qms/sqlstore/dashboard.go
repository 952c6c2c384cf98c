package sqlstore

import (
	"context"
	"strings"
	"time"

	"isodt/qms"
)

// The dashboards' queries, each a range of one index (SQLite's
// 0028_dashboards.sql, TestProduct10DashboardPlans).
const (
	FindingsByRuleSQL = `SELECT rule, COUNT(*) AS n FROM findings WHERE agency_code = ? AND closed_at IS NULL
		GROUP BY rule ORDER BY n DESC, rule`
	ActionsDueSQL = `SELECT n.id, n.code, a.description, a.owner, a.due_on
		FROM corrective_actions a JOIN nonconformities n ON n.id = a.nc_id
		WHERE a.done_at IS NULL AND a.due_on <= ? AND n.agency_code = ? AND n.status != 'closed'
		ORDER BY a.due_on, a.id LIMIT ?`
	DecisionsDueSQL = `SELECT r.id, r.title, d.text, d.owner, d.due_on
		FROM management_reviews r JOIN review_decisions d ON d.review_id = r.id AND d.done_at IS NULL
		WHERE r.agency_code = ? AND d.due_on <= ? ORDER BY d.due_on, d.id LIMIT ?`
	NextAuditSQL = `SELECT id, title, start_on, end_on, status FROM audit_plans
		WHERE agency_code = ? AND status = 'planned' AND end_on >= ? ORDER BY start_on, id LIMIT 1`
	LastReviewSQL = `SELECT MAX(held_on) FROM management_reviews WHERE agency_code = ?`
	OpenNCsSQL    = `SELECT COUNT(*) FROM nonconformities WHERE agency_code = ? AND status IN ('open', 'in_progress')`
)

// ActionsDue lists the agency's open corrective actions due by until.
func (s *Store) ActionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.ActionDue, error) {
	rows, err := s.read().Query(ctx, ActionsDueSQL, FormatDate(until), agency, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.ActionDue{}
	for rows.Next() {
		var a qms.ActionDue
		var due string
		if err := rows.Scan(&a.NCID, &a.NCCode, &a.Description, &a.Owner, &due); err != nil {
			return nil, err
		}
		a.DueOn = ParseDate(due)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DecisionsDue lists the agency's open review decisions due by until.
func (s *Store) DecisionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.DecisionDue, error) {
	rows, err := s.read().Query(ctx, DecisionsDueSQL, agency, FormatDate(until), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.DecisionDue{}
	for rows.Next() {
		var d qms.DecisionDue
		var due string
		if err := rows.Scan(&d.ReviewID, &d.Review, &d.Text, &d.Owner, &due); err != nil {
			return nil, err
		}
		d.DueOn = ParseDate(due)
		out = append(out, d)
	}
	return out, rows.Err()
}

// NextAudit is the agency's planned audit not ended before today that
// starts the soonest.
func (s *Store) NextAudit(ctx context.Context, agency string, today time.Time) (*qms.AuditPlan, error) {
	var p qms.AuditPlan
	var start, end string
	found, err := scanOne(s.read().Query(ctx, NextAuditSQL, agency, FormatDate(today)))(&p.ID, &p.Title, &start, &end, &p.Status)
	if err != nil || !found {
		return nil, err
	}
	p.AgencyCode, p.StartOn, p.EndOn = agency, ParseDate(start), ParseDate(end)
	return &p, nil
}

// LastReview is the date of the agency's latest management review, zero
// when it has held none.
func (s *Store) LastReview(ctx context.Context, agency string) (time.Time, error) {
	var held *string
	err := s.read().QueryRow(ctx, LastReviewSQL, agency).Scan(&held)
	if err != nil || held == nil {
		return time.Time{}, err
	}
	return ParseDate(*held), nil
}

// OpenNCs counts the agency's nonconformities not closed.
func (s *Store) OpenNCs(ctx context.Context, agency string) (int, error) {
	var n int
	err := s.read().QueryRow(ctx, OpenNCsSQL, agency).Scan(&n)
	return n, err
}

// StepsDueSQL counts the open steps of n roles due before a time; its
// arguments are now twice, the agency, the n roles and the end of the day.
func StepsDueSQL(n int) string {
	return `SELECT COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN due_at >= ? THEN 1 ELSE 0 END), 0)
		FROM dossier_open_steps WHERE agency_code = ? AND role IN (?` + strings.Repeat(", ?", n-1) + `) AND paused = FALSE AND due_at < ?`
}

// StepsDue counts the open steps of roles due before endOfDay, in one
// pass over the task index (agency_code, role, paused, due_at).
func (s *Store) StepsDue(ctx context.Context, agency string, roles []qms.Role, now, endOfDay time.Time) (qms.StepsDue, error) {
	var out qms.StepsDue
	if len(roles) == 0 {
		return out, nil
	}
	args := []any{FormatTime(now), FormatTime(now), agency}
	for _, r := range roles {
		args = append(args, string(r))
	}
	args = append(args, FormatTime(endOfDay))
	err := s.read().QueryRow(ctx, StepsDueSQL(len(roles)), args...).Scan(&out.Overdue, &out.DueToday)
	return out, err
}

// FindingsByRule counts the agency's open findings per rule.
func (s *Store) FindingsByRule(ctx context.Context, agency string) ([]qms.RuleCount, error) {
	rows, err := s.read().Query(ctx, FindingsByRuleSQL, agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.RuleCount{}
	for rows.Next() {
		var rc qms.RuleCount
		if err := rows.Scan(&rc.Rule, &rc.Count); err != nil {
			return nil, err
		}
		out = append(out, rc)
	}
	return out, rows.Err()
}
