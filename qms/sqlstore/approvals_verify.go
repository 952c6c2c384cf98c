package sqlstore

import (
	"context"

	"isodt/qms"
)

// CompareVersionApprovals names each procedure version in force, or once
// in force (superseded), that no leader approved: neither an approval
// signature nor the trail's approval entry (procedure.version_approve)
// is of it; and a version in force older than its procedure's newest
// approved one. Receipts pin the version in force and take their steps' due
// times and roles from its flowchart; a version put in force with the
// database alone (a row's status set to effective, or a row added) was
// used by every receipt after it, and nothing named it (outsider pass
// 22): the version's status is not what its signatures sign, since it
// moves on after the approval.
func CompareVersionApprovals(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	approved := map[string]bool{}
	err := eachRow(ctx, q, `SELECT object_id FROM audit_log WHERE object_type = 'procedure_version' AND action = 'procedure.version_approve'`, func(r Row) error {
		var ref string
		if err := r.Scan(&ref); err != nil {
			return err
		}
		approved[ref] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	type version struct {
		id       int64
		v        qms.ProcedureVersion
		name     string
		approved bool
	}
	var versions []version
	newest := map[int64]int{} // each procedure's newest approved issue
	err = eachRow(ctx, q, `SELECT v.id, v.procedure_id, v.number, v.status, COALESCE(p.agency_code || ' ' || p.code, '?'),
			EXISTS (SELECT 1 FROM signatures s WHERE s.object_type = 'procedure_version' AND s.object_id = v.id AND s.meaning = 'approved')
		FROM procedure_versions v LEFT JOIN procedures p ON p.id = v.procedure_id ORDER BY v.id`, func(r Row) error {
		var x version
		var status string
		var signed bool
		if err := r.Scan(&x.id, &x.v.ProcedureID, &x.v.Number, &status, &x.name, &signed); err != nil {
			return err
		}
		x.v.Status = qms.DocStatus(status)
		x.approved = signed || approved[versionRef(&x.v)]
		if x.approved {
			newest[x.v.ProcedureID] = max(newest[x.v.ProcedureID], x.v.Number)
		}
		versions = append(versions, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []qms.RowChange
	for _, x := range versions {
		var why string
		switch {
		case (x.v.Status == qms.StatusEffective || x.v.Status == qms.StatusSuperseded) && !x.approved:
			why = qms.StatusLabel(x.v.Status) + " mà không được lãnh đạo phê duyệt"
		case x.v.Status == qms.StatusEffective && x.v.Number < newest[x.v.ProcedureID]:
			// An approval supersedes the version before: one put back
			// in force with the file (the statuses among the final ones
			// are the database's to move) was pinned by receipts again
			// (outsider pass 23).
			why = "có hiệu lực dù lần ban hành " + (&qms.ProcedureVersion{Number: newest[x.v.ProcedureID]}).IssueNumber() + " đã được lãnh đạo phê duyệt sau"
		default:
			continue
		}
		out = append(out, qms.RowChange{Table: "procedure_versions", Key: "[" + Itoa(x.id) + "]", Change: qms.RowAltered,
			Label: "lần ban hành " + x.v.IssueNumber() + " của quy trình " + x.name + " " + why})
	}
	return out, nil
}
