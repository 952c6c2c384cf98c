package sqlstore

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// checkProviderEvaluationOverdue flags each active provider not evaluated
// within its period (counted from its registration until its first
// evaluation).
func checkProviderEvaluationOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	ps, err := s.ActiveProviders(ctx, agencies)
	if err != nil {
		return nil, err
	}
	today := qms.CivilDate(now)
	var out []qms.Candidate
	for _, p := range ps {
		if !p.Overdue(today) {
			continue
		}
		last := "chưa được đánh giá lần nào"
		if p.LastEvaluation != nil {
			last = "đánh giá gần nhất ngày " + p.LastEvaluation.EvaluatedOn.Format("02/01/2006")
		}
		out = append(out, qms.Candidate{Rule: qms.RuleProviderEvaluationOverdue, AgencyCode: p.AgencyCode, ObjectType: "provider", ObjectID: Itoa(p.ID),
			Message: fmt.Sprintf("Nhà cung cấp “%s” (%s) %s; đến hạn đánh giá ngày %s (chu kỳ %d tháng).", p.Name, p.Service, last,
				p.DueOn().Format("02/01/2006"), p.PeriodMonths)})
	}
	return out, nil
}
