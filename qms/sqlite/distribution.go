package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"isodt/qms"
	"isodt/qms/calendar"
)

// Distribution and read-and-understood (qms/distribution.go says who gets
// what). distribute* run inside the approval's transaction; the rest are
// the DistributionService.

// distributeProcedure gives the version v of a procedure that has just
// taken effect to the members holding the roles of its steps, and the
// forms in force its steps record on to the same people.
func distributeProcedure(ctx context.Context, tx *Tx, v *qms.ProcedureVersion) error {
	var agency, code, title string
	if err := tx.QueryRowContext(ctx, `SELECT agency_code, code, title FROM procedures WHERE id = ?`, v.ProcedureID).Scan(&agency, &code, &title); err != nil {
		return err
	}
	ref := qms.DocRef{Kind: qms.ReadProcedure, DocID: v.ProcedureID, Number: v.Number}
	if err := distribute(ctx, tx, agency, ref, v.ID, code+" "+title+" (lần ban hành "+v.IssueNumber()+")", qms.StepRoles(v.Flowchart), tx.actor.UserID); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, s := range v.Flowchart.Steps {
		for _, fc := range s.Forms {
			if done[fc] {
				continue
			}
			done[fc] = true
			f, fv, err := effectiveForm(ctx, tx, agency, fc)
			if err != nil && qms.ErrorCode(err) == qms.EINTERNAL {
				return err
			}
			if err != nil || f.AgencyCode != agency {
				// Not in force (the ISO-control check's finding) or a
				// standard form of SYS, which is no controlled document
				// of this agency.
				continue
			}
			roles := qms.FormRoles(v.Flowchart, fc)
			fref := qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: fv.Number}
			if err := distribute(ctx, tx, agency, fref, fv.ID, formTitle(f.Code, f.Title, fv.Number), roles, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// distributeForm gives the form version v that has just taken effect to
// the roles of the steps recording on it in the agency's procedures in
// force, or to every member when none uses it.
func distributeForm(ctx context.Context, tx *Tx, v *qms.FormVersion) error {
	var agency, code, title string
	if err := tx.QueryRowContext(ctx, `SELECT agency_code, code, title FROM forms WHERE id = ?`, v.FormID).Scan(&agency, &code, &title); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM procedure_versions WHERE status = 'effective'
		AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = ?)`, agency)
	if err != nil {
		return err
	}
	var roles []qms.Role
	for rows.Next() {
		pv, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return err
		}
		for _, r := range qms.FormRoles(pv.Flowchart, code) {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(roles) == 0 {
		roles = qms.Roles
	}
	return distribute(ctx, tx, agency, qms.DocRef{Kind: qms.ReadForm, DocID: v.FormID, Number: v.Number}, v.ID, formTitle(code, title, v.Number), roles, tx.actor.UserID)
}

func formTitle(code, title string, number int) string {
	return fmt.Sprintf("%s %s (phiên bản %d)", code, title, number)
}

// distribute writes one row per active member of agency holding one of
// roles who has not already got the version, notifies each of them, and
// audits the list. The approver of the version (approver, 0 for none)
// read it in full to approve it: their row is acknowledged at the
// approval, without a notification.
func distribute(ctx context.Context, tx *Tx, agency string, ref qms.DocRef, versionID int64, what string, roles []qms.Role, approver int64) error {
	if len(roles) == 0 {
		return nil
	}
	args := []any{agency}
	for _, r := range roles {
		args = append(args, string(r))
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.username, group_concat(m.role) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.agency_code = ? AND u.disabled = 0 AND m.role IN (`+placeholders(len(roles))+`)
		AND NOT EXISTS (SELECT 1 FROM document_reads r WHERE r.kind = ? AND r.version_id = ? AND r.user_id = u.id)
		GROUP BY u.id ORDER BY u.username`, append(args, ref.Kind, versionID)...)
	if err != nil {
		return err
	}
	type person struct {
		id          int64
		name, roles string
	}
	var people []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.id, &p.name, &p.roles); err != nil {
			rows.Close()
			return err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(people) == 0 {
		return nil
	}
	at := formatTime(tx.now)
	title := "Tài liệu cần đọc và xác nhận: " + what
	names := make([]string, 0, len(people))
	for _, p := range people {
		var acked any
		if p.id == approver {
			acked = at
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, agency, ref.Kind, ref.DocID, versionID, ref.Number, p.id, sortedRoles(p.roles), at, acked); err != nil {
			return fmt.Errorf("distribute %s to %s: %w", what, p.name, err)
		}
		names = append(names, p.name)
		if acked != nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, agency_code, title, link, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.id, agency, title, ref.Path(), at); err != nil {
			return err
		}
	}
	return tx.audit(ctx, agency, "document.distribute", ref.Kind+"_version", fmt.Sprintf("%d/%d", ref.DocID, ref.Number), nil,
		map[string]any{"document": what, "roles": roles, "users": names}, "")
}

// sortedRoles puts a group_concat of roles in the order of qms.Roles.
func sortedRoles(s string) string {
	var out []string
	for _, r := range qms.Roles {
		for _, x := range strings.Split(s, ",") {
			if x == string(r) {
				out = append(out, x)
				break
			}
		}
	}
	return strings.Join(out, ",")
}

// readColumns read a document_reads row with its person and document;
// the code and title are looked up, not copied, since a merge may rename
// a document's code.
const readColumns = `r.id, r.agency_code, r.kind, r.doc_id, r.number, r.user_id, u.username, u.full_name, r.roles, r.distributed_at, r.acknowledged_at,
	COALESCE(p.code, f.code, ''), COALESCE(p.title, f.title, ''), COALESCE(pv.status, fv.status, '')
	FROM document_reads r JOIN users u ON u.id = r.user_id
	LEFT JOIN procedures p ON r.kind = 'procedure' AND p.id = r.doc_id
	LEFT JOIN procedure_versions pv ON r.kind = 'procedure' AND pv.id = r.version_id
	LEFT JOIN forms f ON r.kind = 'form' AND f.id = r.doc_id
	LEFT JOIN form_versions fv ON r.kind = 'form' AND fv.id = r.version_id`

// findReads lists reads; due times are counted on agency's calendar with
// days working days (0: not computed).
func (db *DB) findReads(ctx context.Context, q querier, cal *calendar.Calendar, days int, where string, args ...any) ([]*qms.DocumentRead, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+readColumns+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := db.now()
	var out []*qms.DocumentRead
	for rows.Next() {
		var r qms.DocumentRead
		var roles, distributed string
		var acked sql.NullString
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Kind, &r.DocID, &r.Number, &r.UserID, &r.Username, &r.FullName, &roles, &distributed, &acked,
			&r.Code, &r.Title, &r.Status); err != nil {
			return nil, err
		}
		for _, x := range strings.Split(roles, ",") {
			if x != "" {
				r.Roles = append(r.Roles, qms.Role(x))
			}
		}
		r.DistributedAt, r.AcknowledgedAt = parseTime(distributed), scanNullTime(acked)
		if cal != nil && days > 0 {
			if due, err := cal.Due(r.DistributedAt, days); err == nil {
				r.DueAt = due
				r.Overdue = r.Pending() && r.Status == qms.StatusEffective && now.After(due)
			}
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// docOfAgency checks that ref's document belongs to agency and returns
// the version's id and status.
func docOfAgency(ctx context.Context, q querier, agency string, ref qms.DocRef) (int64, qms.DocStatus, error) {
	var id int64
	var status qms.DocStatus
	var err error
	switch ref.Kind {
	case qms.ReadProcedure:
		err = q.QueryRowContext(ctx, `SELECT v.id, v.status FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id
			WHERE p.id = ? AND p.agency_code = ? AND v.number = ?`, ref.DocID, agency, ref.Number).Scan(&id, &status)
	case qms.ReadForm:
		err = q.QueryRowContext(ctx, `SELECT v.id, v.status FROM form_versions v JOIN forms f ON f.id = v.form_id
			WHERE f.id = ? AND f.agency_code = ? AND v.number = ?`, ref.DocID, agency, ref.Number).Scan(&id, &status)
	default:
		return 0, "", qms.FieldError("kind", "Loại tài liệu %q không hợp lệ: procedure hoặc form.", ref.Kind)
	}
	if err == sql.ErrNoRows {
		return 0, "", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản %d của tài liệu.", ref.Number)
	}
	return id, status, err
}

// AcknowledgeRead records the actor's "Đã đọc và hiểu" of a version in
// force; a person who was not on the list may acknowledge too (their row
// is added, with no role).
func (db *DB) AcknowledgeRead(ctx context.Context, agency string, ref qms.DocRef) (*qms.DocumentRead, error) {
	var out *qms.DocumentRead
	err := db.update(ctx, func(tx *Tx) error {
		if tx.actor.UserID == 0 {
			return qms.Errorf(qms.EFORBIDDEN, "Chỉ người dùng mới xác nhận đã đọc và hiểu tài liệu.")
		}
		vid, status, err := docOfAgency(ctx, tx, agency, ref)
		if err != nil {
			return err
		}
		if status != qms.StatusEffective {
			return qms.Errorf(qms.EINVALID, "Phiên bản %d đang ở trạng thái %q: chỉ xác nhận đã đọc phiên bản có hiệu lực.", ref.Number, qms.StatusLabel(status))
		}
		find := func() (*qms.DocumentRead, error) {
			rs, err := db.findReads(ctx, tx, nil, 0, `r.kind = ? AND r.version_id = ? AND r.user_id = ?`, ref.Kind, vid, tx.actor.UserID)
			if err != nil || len(rs) == 0 {
				return nil, err
			}
			return rs[0], nil
		}
		before, err := find()
		if err != nil {
			return err
		}
		switch {
		case before != nil && !before.Pending():
			out = before // already acknowledged: nothing changes
			return nil
		case before != nil:
			_, err = tx.ExecContext(ctx, `UPDATE document_reads SET acknowledged_at = ? WHERE id = ?`, formatTime(tx.now), before.ID)
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at)
				VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)`, agency, ref.Kind, ref.DocID, vid, ref.Number, tx.actor.UserID, formatTime(tx.now), formatTime(tx.now))
		}
		if err != nil {
			return err
		}
		if out, err = find(); err != nil {
			return err
		}
		var prev any
		if before != nil {
			prev = before
		}
		return tx.audit(ctx, agency, "document.acknowledge", "document_read", itoa(out.ID), prev, out, "")
	})
	return out, err
}

// DistributionList lists who got a version, the pending first, then by name.
func (db *DB) DistributionList(ctx context.Context, agency string, ref qms.DocRef) ([]*qms.DocumentRead, error) {
	vid, _, err := docOfAgency(ctx, db.read, agency, ref)
	if err != nil {
		return nil, err
	}
	cal, err := db.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	rs, err := db.findReads(ctx, db.read, cal, db.ackDays, `r.kind = ? AND r.version_id = ?`, ref.Kind, vid)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Pending() != rs[j].Pending() {
			return rs[i].Pending()
		}
		return rs[i].Name() < rs[j].Name()
	})
	return rs, nil
}

// pendingInForce is the condition of a read still to do: pending, on a
// version in force.
const pendingInForce = `r.acknowledged_at IS NULL AND COALESCE(pv.status, fv.status) = 'effective'`

// PendingReads lists the versions in force userID has still to read in agency.
func (db *DB) PendingReads(ctx context.Context, agency string, userID int64) ([]*qms.DocumentRead, error) {
	cal, err := db.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	return db.findReads(ctx, db.read, cal, db.ackDays, `r.agency_code = ? AND r.user_id = ? AND `+pendingInForce+` ORDER BY r.distributed_at, r.id`, agency, userID)
}

// ReadSummaries counts the distribution of the agency's versions in force.
func (db *DB) ReadSummaries(ctx context.Context, agency string) ([]*qms.ReadSummary, error) {
	cal, err := db.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	rs, err := db.findReads(ctx, db.read, cal, db.ackDays, `r.agency_code = ? AND COALESCE(pv.status, fv.status) = 'effective' ORDER BY r.kind DESC, r.doc_id, r.number`, agency)
	if err != nil {
		return nil, err
	}
	var out []*qms.ReadSummary
	byRef := map[qms.DocRef]*qms.ReadSummary{}
	for _, r := range rs {
		s := byRef[r.DocRef]
		if s == nil {
			s = &qms.ReadSummary{DocRef: r.DocRef, Code: r.Code, Title: r.Title}
			byRef[r.DocRef] = s
			out = append(out, s)
		}
		s.Distributed++
		switch {
		case !r.Pending():
			s.Acknowledged++
		case r.Overdue:
			s.Overdue++
			s.Pending = append(s.Pending, r.Name())
		default:
			s.Pending = append(s.Pending, r.Name())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Pending) > 0 && len(out[j].Pending) == 0 })
	return out, nil
}

// UnreadAmong keeps the refs of versions in force that were distributed
// and that userID has not acknowledged. A superseded version (a dossier
// keeps the one it pinned) cannot be acknowledged any more, so it is not
// held against anyone.
func (db *DB) UnreadAmong(ctx context.Context, userID int64, refs []qms.DocRef) ([]qms.DocRef, error) {
	var out []qms.DocRef
	for _, ref := range refs {
		var distributed, mine int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(CASE WHEN r.user_id = ? AND r.acknowledged_at IS NOT NULL THEN 1 END)
			FROM document_reads r
			LEFT JOIN procedure_versions pv ON r.kind = 'procedure' AND pv.id = r.version_id
			LEFT JOIN form_versions fv ON r.kind = 'form' AND fv.id = r.version_id
			WHERE r.kind = ? AND r.doc_id = ? AND r.number = ? AND COALESCE(pv.status, fv.status) = 'effective'`, userID, ref.Kind, ref.DocID, ref.Number).Scan(&distributed, &mine); err != nil {
			return nil, err
		}
		if distributed > 0 && mine == 0 {
			out = append(out, ref)
		}
	}
	return out, nil
}
