package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
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
		err = lateReaders(ctx, s, q, cal, a, now, func(ref qms.DocRef, code string, names []string) {
			say := qms.SayAckOverdueProcedure
			if ref.Kind == qms.ReadForm {
				say = qms.SayAckOverdueForm
			}
			out = append(out, qms.Candidate{Rule: qms.RuleAckOverdue, AgencyCode: a, ObjectType: ref.Kind + "_version", ObjectID: fmt.Sprintf("%d/%d", ref.DocID, ref.Number)}.
				Saying(say, code, strconv.Itoa(ref.Number), len(names), s.ackDays(), strings.Join(names, ", ")))
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lateReaders calls late with each version in force of agency and the
// names of the people overdue to acknowledge it. The reads stream in
// version order and only the late people's names are kept: a province's
// agency has some ten thousand reads pending, and holding them all made
// the scan's largest share of the server's heap.
func lateReaders(ctx context.Context, s *Store, q Querier, cal *calendar.Calendar, agency string, now time.Time, late func(ref qms.DocRef, code string, names []string)) error {
	rows, err := q.Query(ctx, `SELECT r.kind, r.doc_id, r.number, COALESCE(p.code, f.code, ''), COALESCE(NULLIF(u.full_name, ''), u.username), r.distributed_at `+readsFrom+`
		WHERE r.agency_code = ? AND `+PendingInForce+` AND u.disabled = FALSE
			AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = r.user_id AND m.agency_code = r.agency_code)
		ORDER BY r.kind, r.doc_id, r.number, u.full_name, u.username`, agency)
	if err != nil {
		return err
	}
	defer rows.Close()
	var ref qms.DocRef
	var code string
	var names []string
	flush := func() {
		if len(names) > 0 {
			late(ref, code, names)
		}
		names = nil
	}
	// Reads of one version are mostly distributed at the same moment.
	due := map[string]time.Time{}
	for rows.Next() {
		var r qms.DocRef
		var docCode, name, distributed string
		if err := rows.Scan(&r.Kind, &r.DocID, &r.Number, &docCode, &name, &distributed); err != nil {
			return err
		}
		if r != ref {
			flush()
			ref, code = r, docCode
		}
		at, ok := due[distributed]
		if !ok {
			if at, err = cal.Due(ParseTime(distributed), s.ackDays()); err != nil {
				at = time.Time{}
			}
			due[distributed] = at
		}
		if at.IsZero() || !now.After(at) {
			continue
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	flush()
	return nil
}
