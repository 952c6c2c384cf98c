package sqlstore

import (
	"context"
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
		c := qms.Candidate{Rule: qms.RuleProviderEvaluationOverdue, AgencyCode: p.AgencyCode, ObjectType: "provider", ObjectID: Itoa(p.ID)}
		due := p.DueOn().Format("02/01/2006")
		if p.LastEvaluation == nil {
			c = c.Saying(qms.SayProviderNeverEvaluated, p.Name, p.Service, due, p.PeriodMonths)
		} else {
			c = c.Saying(qms.SayProviderEvaluationDue, p.Name, p.Service, p.LastEvaluation.EvaluatedOn.Format("02/01/2006"), due, p.PeriodMonths)
		}
		out = append(out, c)
	}
	return out, nil
}
