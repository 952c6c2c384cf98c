package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

func checkCAPAOverdue(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	return overdueActions(ctx, q, agencies, now, overdueActionRule{
		rule: qms.RuleCAPAOverdue, objectType: "corrective_action", say: qms.SayCAPAOverdue,
		from: `corrective_actions a JOIN nonconformities n ON n.id = a.nc_id`, owner: "n", open: `n.status != 'closed'`,
	})
}

// overdueActionRule names, for overdueActions, the actions of one kind:
// their table joined to the record they belong to (aliased owner, with
// agency_code and code), what keeps that record open, and the finding.
type overdueActionRule struct {
	rule, objectType, say string
	from, owner, open     string
}

// overdueActions flags the actions of open records not done by their due
// date: corrective actions of a nonconformity, treatment actions of a
// risk. say (a finding sentence) gets the record's code, the action, the owner's full
// name and the due date.
func overdueActions(ctx context.Context, q Querier, agencies []string, now time.Time, r overdueActionRule) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT `+r.owner+`.agency_code, `+r.owner+`.code, a.id, a.description, COALESCE(NULLIF(u.full_name, ''), a.owner), a.due_on
		FROM `+r.from+` LEFT JOIN users u ON u.username = a.owner
		WHERE a.done_at IS NULL AND `+r.open+` AND a.due_on < ? AND `+r.owner+`.agency_code IN `+in, append([]any{qms.CivilDate(now).Format("2006-01-02")}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var a, code, desc, owner, due string
		var id int64
		if err := rows.Scan(&a, &code, &id, &desc, &owner, &due); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: r.rule, AgencyCode: a, ObjectType: r.objectType, ObjectID: Itoa(id)}.
			Saying(r.say, code, desc, owner, ParseDate(due).Format("02/01/2006")))
	}
	return out, rows.Err()
}
