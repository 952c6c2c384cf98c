package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkContextReviewOverdue flags an agency whose context register (4.1,
// 4.2) was not reviewed in the last ContextReviewMonths, or which has
// procedures in force but no register at all. An agency with neither
// procedures in force nor entries has no QMS yet to put in context.
func checkContextReviewOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	cutoff := FormatTime(now.AddDate(0, -qms.ContextReviewMonths, 0))
	for _, a := range agencies {
		var items, controlled int
		var last string
		if err := q.QueryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM context_items WHERE agency_code = ? AND retired = FALSE),
			(SELECT COUNT(*) FROM procedures p WHERE p.agency_code = ? AND `+ProcInForceSQL+`),
			COALESCE((SELECT MAX(reviewed_at) FROM context_reviews WHERE agency_code = ?), '')`, a, a, a).Scan(&items, &controlled, &last); err != nil {
			return nil, err
		}
		c := qms.Candidate{Rule: qms.RuleContextReviewOverdue, AgencyCode: a, ObjectType: "context", ObjectID: a}
		switch {
		case items == 0 && controlled > 0:
			c = c.Saying(qms.SayContextNoRegister, controlled)
		case items == 0:
			continue
		case last == "":
			c = c.Saying(qms.SayContextNeverReviewed, items)
		case last < cutoff:
			c = c.Saying(qms.SayContextReviewLate, items, ParseTime(last).In(qms.Zone).Format("02/01/2006"), qms.ContextReviewMonths)
		default:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
