package sqlite

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// checkMergedNotReissued flags a procedure a merge brought when no
// version of it has been approved since the merge and the grace period
// (Options.MergeReissueDays) has run out: the successor runs it on a
// document its predecessor issued.
func checkMergedNotReissued(ctx context.Context, db *DB, q querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inAgencies(agencies)
	cutoff := formatTime(now.AddDate(0, 0, -db.reissueDays))
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.agency_code, p.code, p.merged_from, a.merged_at FROM procedures p JOIN agencies a ON a.code = p.merged_from
		WHERE p.agency_code IN `+in+` AND a.merged_at < ? AND NOT EXISTS (SELECT 1 FROM procedure_versions v
			WHERE v.procedure_id = p.id AND +v.status IN ('effective', 'superseded') AND v.approved_at > a.merged_at)`, append(args, cutoff)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var id int64
		var agency, code, from, at string
		if err := rows.Scan(&id, &agency, &code, &from, &at); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleMergedNotReissued, AgencyCode: agency, ObjectType: "procedure", ObjectID: itoa(id),
			Message: fmt.Sprintf("Quy trình %s nhận từ đơn vị %s khi sáp nhập ngày %s chưa được ban hành lại sau %d ngày.", code, from,
				parseTime(at).In(qms.Zone).Format("02/01/2006"), db.reissueDays)})
	}
	return out, rows.Err()
}
