package sqlstore

import (
	"context"

	"isodt/qms"
)

// CompareVersionApprovals names each procedure version in force, or once
// in force (superseded), that no leader approved: neither an approval
// signature nor the trail's approval entry (procedure.version_approve)
// is of it. Receipts pin the version in force and take their steps' due
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
	var out []qms.RowChange
	err = eachRow(ctx, q, `SELECT v.id, v.procedure_id, v.number, v.status, COALESCE(p.agency_code || ' ' || p.code, '?'),
			EXISTS (SELECT 1 FROM signatures s WHERE s.object_type = 'procedure_version' AND s.object_id = v.id AND s.meaning = 'approved')
		FROM procedure_versions v LEFT JOIN procedures p ON p.id = v.procedure_id
		WHERE v.status IN ('effective', 'superseded') ORDER BY v.id`, func(r Row) error {
		var id, procedure int64
		var number int
		var status, name string
		var signed bool
		if err := r.Scan(&id, &procedure, &number, &status, &name, &signed); err != nil {
			return err
		}
		v := qms.ProcedureVersion{ProcedureID: procedure, Number: number}
		if !signed && !approved[versionRef(&v)] {
			out = append(out, qms.RowChange{Table: "procedure_versions", Key: "[" + Itoa(id) + "]", Change: qms.RowAltered,
				Label: "lần ban hành " + v.IssueNumber() + " của quy trình " + name + " " + qms.StatusLabel(qms.DocStatus(status)) + " mà không được lãnh đạo phê duyệt"})
		}
		return nil
	})
	return out, err
}
