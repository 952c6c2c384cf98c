package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"isodt/qms"
)

// checkAckOverdue flags each version in force of an agency that someone
// it was distributed to has not acknowledged within Options.AckDays
// working days (TCVN ISO 9001:2015 7.5.3, basis in qms.AckBasis). Only
// people still active members of the agency count: someone who left
// reads nothing more there. The finding clears when the last of them
// acknowledges, or when the version is superseded.
func checkAckOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	for _, a := range agencies {
		cal, err := s.Calendar(ctx, a)
		if err != nil {
			return nil, err
		}
		rs, err := s.FindReads(ctx, q, cal, s.ackDays(), `r.agency_code = ? AND `+PendingInForce+` AND u.disabled = FALSE
			AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = r.user_id AND m.agency_code = r.agency_code)
			ORDER BY r.kind, r.doc_id, r.number, u.full_name, u.username`, a)
		if err != nil {
			return nil, err
		}
		var order []qms.DocRef
		late := map[qms.DocRef][]*qms.DocumentRead{}
		for _, r := range rs {
			if r.DueAt.IsZero() || !now.After(r.DueAt) {
				continue
			}
			if late[r.DocRef] == nil {
				order = append(order, r.DocRef)
			}
			late[r.DocRef] = append(late[r.DocRef], r)
		}
		for _, ref := range order {
			people := late[ref]
			names := make([]string, 0, len(people))
			for _, r := range people {
				names = append(names, r.Name())
			}
			say := qms.SayAckOverdueProcedure
			if ref.Kind == qms.ReadForm {
				say = qms.SayAckOverdueForm
			}
			out = append(out, qms.Candidate{Rule: qms.RuleAckOverdue, AgencyCode: a, ObjectType: ref.Kind + "_version", ObjectID: fmt.Sprintf("%d/%d", ref.DocID, ref.Number)}.
				Saying(say, people[0].Code, strconv.Itoa(ref.Number), len(people), s.ackDays(), strings.Join(names, ", ")))
		}
	}
	return out, nil
}
