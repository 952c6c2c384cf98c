package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"isodt/qms"
)

// The dashboards' queries that read dossiers and findings, each a range of
// one index (0028_dashboards.sql, TestProduct10DashboardPlans); those on
// the shared tables are in qms/sqlstore/dashboard.go.
const findingsByRuleSQL = `SELECT rule, COUNT(*) AS n FROM findings WHERE agency_code = ? AND closed_at IS NULL
		GROUP BY rule ORDER BY n DESC, rule`

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
