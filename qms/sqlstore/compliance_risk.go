package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkRiskReviewOverdue flags an open risk or opportunity whose review
// date has passed (TCVN ISO 9001:2015 6.1, see qms.RiskBasis): the
// register is only worth what its last review was. A re-assessment sets
// a new date and clears it; closing the entry too.
func checkRiskReviewOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT r.id, r.agency_code, r.code, r.description, COALESCE(NULLIF(u.full_name, ''), r.owner), r.review_on
		FROM risks r LEFT JOIN users u ON u.username = r.owner
		WHERE r.status = 'open' AND r.review_on < ? AND r.agency_code IN `+in, append([]any{qms.CivilDate(now).Format("2006-01-02")}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var id int64
		var a, code, desc, owner, due string
		if err := rows.Scan(&id, &a, &code, &desc, &owner, &due); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleRiskReviewOverdue, AgencyCode: a, ObjectType: "risk", ObjectID: code}.
			Saying(qms.SayRiskReviewOverdue, code, desc, owner, ParseDate(due).Format("02/01/2006")))
	}
	return out, rows.Err()
}

// checkRiskActionOverdue flags a treatment action of an open entry not
// done by its due date.
func checkRiskActionOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	return overdueActions(ctx, q, agencies, now, overdueActionRule{
		rule: qms.RuleRiskActionOverdue, objectType: "risk_action", say: qms.SayRiskActionOverdue,
		from: `risk_actions a JOIN risks r ON r.id = a.risk_id`, owner: "r", open: `r.status = 'open'`,
	})
}
