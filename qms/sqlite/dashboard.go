package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"isodt/qms"
)

// The dashboards' queries, each a range of one index (0028_dashboards.sql,
// TestProduct10DashboardPlans).
const (
	findingsByRuleSQL = `SELECT rule, COUNT(*) AS n FROM findings WHERE agency_code = ? AND closed_at IS NULL
		GROUP BY rule ORDER BY n DESC, rule`
	actionsDueSQL = `SELECT n.id, n.code, a.description, a.owner, a.due_on
		FROM corrective_actions a JOIN nonconformities n ON n.id = a.nc_id
		WHERE a.done_at IS NULL AND a.due_on <= ? AND n.agency_code = ? AND n.status != 'closed'
		ORDER BY a.due_on, a.id LIMIT ?`
	decisionsDueSQL = `SELECT r.id, r.title, d.text, d.owner, d.due_on
		FROM management_reviews r JOIN review_decisions d ON d.review_id = r.id AND d.done_at IS NULL
		WHERE r.agency_code = ? AND d.due_on <= ? ORDER BY d.due_on, d.id LIMIT ?`
	nextAuditSQL = `SELECT id, title, start_on, end_on, status FROM audit_plans
		WHERE agency_code = ? AND status = 'planned' AND end_on >= ? ORDER BY start_on, id LIMIT 1`
	lastReviewSQL = `SELECT MAX(held_on) FROM management_reviews WHERE agency_code = ?`
	openNCsSQL    = `SELECT COUNT(*) FROM nonconformities WHERE agency_code = ? AND status IN ('open', 'in_progress')`
)

// stepsDueSQL counts the open steps of n roles due before a time; its
// arguments are now, the agency, the n roles and the end of the day.
func stepsDueSQL(n int) string {
	return `SELECT SUM(due_at < ?1), SUM(due_at >= ?1) FROM dossier_open_steps
		WHERE agency_code = ? AND role IN (?` + strings.Repeat(", ?", n-1) + `) AND paused = 0 AND due_at < ?`
}

// StepsDue counts the open steps of roles due before endOfDay, in one
// pass over the task index (agency_code, role, paused, due_at).
func (db *DB) StepsDue(ctx context.Context, agency string, roles []qms.Role, now, endOfDay time.Time) (qms.StepsDue, error) {
	var out qms.StepsDue
	if len(roles) == 0 {
		return out, nil
	}
	args := []any{formatTime(now), agency}
	for _, r := range roles {
		args = append(args, string(r))
	}
	args = append(args, formatTime(endOfDay))
	var overdue, today sql.NullInt64
	err := db.read.QueryRowContext(ctx, stepsDueSQL(len(roles)), args...).Scan(&overdue, &today)
	out.Overdue, out.DueToday = int(overdue.Int64), int(today.Int64)
	return out, err
}

// FindingsByRule counts the agency's open findings per rule.
func (db *DB) FindingsByRule(ctx context.Context, agency string) ([]qms.RuleCount, error) {
	rows, err := db.read.QueryContext(ctx, findingsByRuleSQL, agency)
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

// ActionsDue lists the agency's open corrective actions due by until.
func (db *DB) ActionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.ActionDue, error) {
	rows, err := db.read.QueryContext(ctx, actionsDueSQL, formatDate(until), agency, limit)
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
		a.DueOn = parseDate(due)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DecisionsDue lists the agency's open review decisions due by until.
func (db *DB) DecisionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.DecisionDue, error) {
	rows, err := db.read.QueryContext(ctx, decisionsDueSQL, agency, formatDate(until), limit)
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
		d.DueOn = parseDate(due)
		out = append(out, d)
	}
	return out, rows.Err()
}

// NextAudit is the agency's planned audit not ended before today that
// starts the soonest.
func (db *DB) NextAudit(ctx context.Context, agency string, today time.Time) (*qms.AuditPlan, error) {
	var p qms.AuditPlan
	var start, end string
	err := db.read.QueryRowContext(ctx, nextAuditSQL, agency, formatDate(today)).
		Scan(&p.ID, &p.Title, &start, &end, &p.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p.AgencyCode, p.StartOn, p.EndOn = agency, parseDate(start), parseDate(end)
	return &p, nil
}

// LastReview is the date of the agency's latest management review, zero
// when it has held none.
func (db *DB) LastReview(ctx context.Context, agency string) (time.Time, error) {
	var held sql.NullString
	err := db.read.QueryRowContext(ctx, lastReviewSQL, agency).Scan(&held)
	if err != nil || !held.Valid {
		return time.Time{}, err
	}
	return parseDate(held.String), nil
}

// OpenNCs counts the agency's nonconformities not closed.
func (db *DB) OpenNCs(ctx context.Context, agency string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, openNCsSQL, agency).Scan(&n)
	return n, err
}
