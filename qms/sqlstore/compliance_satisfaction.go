package sqlstore

import (
	"context"
	"strconv"
	"time"

	"isodt/qms"
)

// checkSatisfactionBelowTarget flags an agency whose SIPAS index over the
// last complete quarter, on at least qms.SatisfactionMinResponses
// responses, is below the target in force then. The finding is about the
// agency: it stays open while each quarter falls short and closes with
// the first quarter that does not.
func checkSatisfactionBelowTarget(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	n := now.In(qms.Zone)
	to := time.Date(n.Year(), time.Month((int(n.Month())-1)/3*3+1), 1, 0, 0, 0, 0, qms.Zone)
	from := to.AddDate(0, -3, 0)
	rs, err := s.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: agencies, From: from, To: to})
	if err != nil {
		return nil, err
	}
	target := qms.SatisfactionTargetAt(from)
	quarter, year := strconv.Itoa((int(from.Month())-1)/3+1), strconv.Itoa(from.Year())
	var out []qms.Candidate
	for _, st := range qms.AggregateSatisfaction(rs, func(r *qms.SatisfactionResponse) string { return r.AgencyCode }) {
		if st.Responses < qms.SatisfactionMinResponses || st.Index() >= target.Percent {
			continue
		}
		out = append(out, qms.Candidate{Rule: qms.RuleSatisfactionBelowTarget, AgencyCode: st.Key, ObjectType: "agency", ObjectID: st.Key}.
			Saying(qms.SaySatisfactionLow, quarter, year, qms.DecimalPhrase(strconv.FormatFloat(st.Index(), 'f', 2, 64)), st.Responses,
				strconv.FormatFloat(target.Percent, 'f', 0, 64), target.BasisNumber))
	}
	return out, nil
}
