package sqlstore

import (
	"context"
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
func (s *Store) distributeProcedure(ctx context.Context, tx Tx, v *qms.ProcedureVersion) error {
	var agency, code, title string
	if err := tx.QueryRow(ctx, `SELECT agency_code, code, title FROM procedures WHERE id = ?`, v.ProcedureID).Scan(&agency, &code, &title); err != nil {
		return err
	}
	ref := qms.DocRef{Kind: qms.ReadProcedure, DocID: v.ProcedureID, Number: v.Number}
	if err := distribute(ctx, tx, agency, ref, v.ID, qms.NewNotice(qms.NoticeProcedureToRead, code, title, v.IssueNumber()), qms.StepRoles(v.Flowchart), tx.Actor().UserID); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, st := range v.Flowchart.Steps {
		for _, fc := range st.Forms {
			if done[fc] {
				continue
			}
			done[fc] = true
			f, fv, err := EffectiveFormOn(ctx, tx, agency, fc)
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
			if err := distribute(ctx, tx, agency, fref, fv.ID, formNotice(f.Code, f.Title, fv.Number), roles, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// DistributeForm gives the form version v that has just taken effect to
// the roles of the steps recording on it in the agency's procedures in
// force, or to every member when none uses it.
func DistributeForm(ctx context.Context, tx Tx, v *qms.FormVersion) error {
	var agency, code, title string
	if err := tx.QueryRow(ctx, `SELECT agency_code, code, title FROM forms WHERE id = ?`, v.FormID).Scan(&agency, &code, &title); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT `+VersionColumns+` FROM procedure_versions WHERE status = 'effective'
		AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = ?)`, agency)
	if err != nil {
		return err
	}
	var roles []qms.Role
	for rows.Next() {
		pv, err := ScanVersion(rows)
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
	return distribute(ctx, tx, agency, qms.DocRef{Kind: qms.ReadForm, DocID: v.FormID, Number: v.Number}, v.ID, formNotice(code, title, v.Number), roles, tx.Actor().UserID)
}

func formNotice(code, title string, number int) qms.Notice {
	return qms.NewNotice(qms.NoticeFormToRead, code, title, Itoa(int64(number)))
}

// distribute writes one row per active member of agency holding one of
// roles who has not already got the version, notifies each of them, and
// audits the list. The approver of the version (approver, 0 for none)
// read it in full to approve it: their row is acknowledged at the
// approval, without a notification.
func distribute(ctx context.Context, tx Tx, agency string, ref qms.DocRef, versionID int64, notice qms.Notice, roles []qms.Role, approver int64) error {
	if len(roles) == 0 {
		return nil
	}
	args := []any{agency}
	for _, r := range roles {
		args = append(args, string(r))
	}
	// One row per membership, a person's rows together (by name, then id).
	rows, err := tx.Query(ctx, `SELECT u.id, u.username, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.agency_code = ? AND u.disabled = FALSE AND m.role IN (`+Placeholders(len(roles))+`)
		AND NOT EXISTS (SELECT 1 FROM document_reads r WHERE r.kind = ? AND r.version_id = ? AND r.user_id = u.id)
		ORDER BY u.username, u.id`, append(args, ref.Kind, versionID)...)
	if err != nil {
		return err
	}
	type person struct {
		id    int64
		name  string
		roles []string
	}
	var people []person
	for rows.Next() {
		var p person
		var role string
		if err := rows.Scan(&p.id, &p.name, &role); err != nil {
			rows.Close()
			return err
		}
		if n := len(people); n > 0 && people[n-1].id == p.id {
			people[n-1].roles = append(people[n-1].roles, role)
			continue
		}
		p.roles = []string{role}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(people) == 0 {
		return nil
	}
	at := FormatTime(tx.Now())
	// The document as the audit entry names it: the notice without its
	// "to read and acknowledge".
	what := strings.TrimPrefix(notice.Title(), qms.ReadNoticePrefix)
	names := make([]string, 0, len(people))
	for _, p := range people {
		var acked any
		if p.id == approver {
			acked = at
		}
		if _, err := tx.Exec(ctx, `INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, agency, ref.Kind, ref.DocID, versionID, ref.Number, p.id, sortedRoles(p.roles), at, acked); err != nil {
			return fmt.Errorf("distribute %s to %s: %w", what, p.name, err)
		}
		names = append(names, p.name)
		if acked != nil {
			continue
		}
		if err := notifyUserID(ctx, tx, agency, p.id, notice, ref.Path()); err != nil {
			return err
		}
	}
	return tx.Audit(ctx, agency, "document.distribute", ref.Kind+"_version", fmt.Sprintf("%d/%d", ref.DocID, ref.Number), nil,
		map[string]any{"document": what, "roles": roles, "users": names}, "")
}

// sortedRoles lists a person's roles, comma-separated, in the order of
// qms.Roles.
func sortedRoles(rs []string) string {
	var out []string
	for _, r := range qms.Roles {
		if slices.Contains(rs, string(r)) {
			out = append(out, string(r))
		}
	}
	return strings.Join(out, ",")
}

// readColumns read a document_reads row with its person and document;
// the code and title are looked up, not copied, since a merge may rename
// a document's code.
func (s *Store) readColumns() string {
	return `r.id, r.agency_code, r.kind, r.doc_id, r.number, r.user_id, u.username, u.full_name, r.roles, r.distributed_at, r.acknowledged_at,
	COALESCE(p.code, f.code, ''), COALESCE(p.title, f.title, ''), COALESCE(pv.status, fv.status, '') ` + readsFrom
}

// readsFrom joins a read (r) with its person (u), its document (p or f)
// and its version (pv or fv).
const readsFrom = `FROM document_reads r JOIN users u ON u.id = r.user_id
	LEFT JOIN procedures p ON r.kind = 'procedure' AND p.id = r.doc_id
	LEFT JOIN procedure_versions pv ON r.kind = 'procedure' AND pv.id = r.version_id
	LEFT JOIN forms f ON r.kind = 'form' AND f.id = r.doc_id
	LEFT JOIN form_versions fv ON r.kind = 'form' AND fv.id = r.version_id`

// FindReads lists reads on q (where may name r, u, p, pv, f and fv); due
// times are counted on agency's calendar with days working days (0: not
// computed).
func (s *Store) FindReads(ctx context.Context, q Querier, cal *calendar.Calendar, days int, where string, args ...any) ([]*qms.DocumentRead, error) {
	rows, err := q.Query(ctx, `SELECT `+s.readColumns()+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.cfg.Now()
	var out []*qms.DocumentRead
	for rows.Next() {
		var r qms.DocumentRead
		var roles, distributed string
		var acked *string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Kind, &r.DocID, &r.Number, &r.UserID, &r.Username, &r.FullName, &roles, &distributed, &acked,
			&r.Code, &r.Title, &r.Status); err != nil {
			return nil, err
		}
		for _, x := range strings.Split(roles, ",") {
			if x != "" {
				r.Roles = append(r.Roles, qms.Role(x))
			}
		}
		r.DistributedAt, r.AcknowledgedAt = ParseTime(distributed), OptTime(acked)
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

// ackDays is how many working days a person has to acknowledge a version
// distributed to them (Config.AckDays).
func (s *Store) ackDays() int {
	if s.cfg.AckDays > 0 {
		return s.cfg.AckDays
	}
	return qms.DefaultAckDays
}

// docOfAgency checks that ref's document belongs to agency and returns
// the version's id and status.
func (s *Store) docOfAgency(ctx context.Context, q Querier, agency string, ref qms.DocRef) (int64, qms.DocStatus, error) {
	var id int64
	var status qms.DocStatus
	var found bool
	var err error
	switch ref.Kind {
	case qms.ReadProcedure:
		found, err = scanOne(q.Query(ctx, `SELECT v.id, v.status FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id
			WHERE p.id = ? AND p.agency_code = ? AND v.number = ?`, ref.DocID, agency, ref.Number))(&id, &status)
	case qms.ReadForm:
		found, err = scanOne(q.Query(ctx, `SELECT v.id, v.status FROM form_versions v JOIN forms f ON f.id = v.form_id
			WHERE f.id = ? AND f.agency_code = ? AND v.number = ?`, ref.DocID, agency, ref.Number))(&id, &status)
	default:
		return 0, "", qms.FieldError("kind", "Loại tài liệu %q không hợp lệ: procedure hoặc form.", ref.Kind)
	}
	if err == nil && !found {
		return 0, "", qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản %d của tài liệu.", ref.Number)
	}
	return id, status, err
}

// AcknowledgeRead records the actor's "Đã đọc và hiểu" of a version in
// force; a person who was not on the list may acknowledge too (their row
// is added, with no role).
func (s *Store) AcknowledgeRead(ctx context.Context, agency string, ref qms.DocRef) (*qms.DocumentRead, error) {
	var out *qms.DocumentRead
	err := s.update(ctx, func(tx Tx) error {
		actor := tx.Actor()
		if actor.UserID == 0 {
			return qms.Errorf(qms.EFORBIDDEN, "Chỉ người dùng mới xác nhận đã đọc và hiểu tài liệu.")
		}
		vid, status, err := s.docOfAgency(ctx, tx, agency, ref)
		if err != nil {
			return err
		}
		if status != qms.StatusEffective {
			return qms.Errorf(qms.EINVALID, "Phiên bản %d đang ở trạng thái %q: chỉ xác nhận đã đọc phiên bản có hiệu lực.", ref.Number, qms.StatusLabel(status))
		}
		find := func() (*qms.DocumentRead, error) {
			rs, err := s.FindReads(ctx, tx, nil, 0, `r.kind = ? AND r.version_id = ? AND r.user_id = ?`, ref.Kind, vid, actor.UserID)
			if err != nil || len(rs) == 0 {
				return nil, err
			}
			return rs[0], nil
		}
		before, err := find()
		if err != nil {
			return err
		}
		at := FormatTime(tx.Now())
		switch {
		case before != nil && !before.Pending():
			out = before // already acknowledged: nothing changes
			return nil
		case before != nil:
			_, err = tx.Exec(ctx, `UPDATE document_reads SET acknowledged_at = ? WHERE id = ?`, at, before.ID)
		default:
			_, err = tx.Exec(ctx, `INSERT INTO document_reads (agency_code, kind, doc_id, version_id, number, user_id, roles, distributed_at, acknowledged_at)
				VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)`, agency, ref.Kind, ref.DocID, vid, ref.Number, actor.UserID, at, at)
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
		return tx.Audit(ctx, agency, "document.acknowledge", "document_read", Itoa(out.ID), prev, out, "")
	})
	return out, err
}

// DistributionList lists who got a version, the pending first, then by name.
func (s *Store) DistributionList(ctx context.Context, agency string, ref qms.DocRef) ([]*qms.DocumentRead, error) {
	vid, _, err := s.docOfAgency(ctx, s.read(), agency, ref)
	if err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	rs, err := s.FindReads(ctx, s.read(), cal, s.ackDays(), `r.kind = ? AND r.version_id = ?`, ref.Kind, vid)
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

// PendingInForce is the condition of a read still to do: pending, on a
// version in force.
const PendingInForce = `r.acknowledged_at IS NULL AND COALESCE(pv.status, fv.status) = 'effective'`

// PendingReads lists the versions in force userID has still to read in agency.
func (s *Store) PendingReads(ctx context.Context, agency string, userID int64) ([]*qms.DocumentRead, error) {
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	return s.FindReads(ctx, s.read(), cal, s.ackDays(), `r.agency_code = ? AND r.user_id = ? AND `+PendingInForce+` ORDER BY r.distributed_at, r.id`, agency, userID)
}

// ReadSummaries counts the distribution of the agency's versions in force.
func (s *Store) ReadSummaries(ctx context.Context, agency string) ([]*qms.ReadSummary, error) {
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	rs, err := s.FindReads(ctx, s.read(), cal, s.ackDays(), `r.agency_code = ? AND COALESCE(pv.status, fv.status) = 'effective' ORDER BY r.kind DESC, r.doc_id, r.number`, agency)
	if err != nil {
		return nil, err
	}
	var out []*qms.ReadSummary
	byRef := map[qms.DocRef]*qms.ReadSummary{}
	for _, r := range rs {
		sum := byRef[r.DocRef]
		if sum == nil {
			sum = &qms.ReadSummary{DocRef: r.DocRef, Code: r.Code, Title: r.Title}
			byRef[r.DocRef] = sum
			out = append(out, sum)
		}
		sum.Distributed++
		switch {
		case !r.Pending():
			sum.Acknowledged++
		case r.Overdue:
			sum.Overdue++
			sum.Pending = append(sum.Pending, r.Name())
		default:
			sum.Pending = append(sum.Pending, r.Name())
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Pending) > 0 && len(out[j].Pending) == 0 })
	return out, nil
}

// UnreadAmong keeps the refs of versions in force that were distributed
// and that userID has not acknowledged. A superseded version (a dossier
// keeps the one it pinned) cannot be acknowledged any more, so it is not
// held against anyone.
func (s *Store) UnreadAmong(ctx context.Context, userID int64, refs []qms.DocRef) ([]qms.DocRef, error) {
	var out []qms.DocRef
	for _, ref := range refs {
		// The rows of one version share its status: the first row found
		// tells whether it is distributed and in force, without reading
		// every reader's row; the user's own acknowledgement is a probe.
		var distributed, mine bool
		if err := s.read().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM document_reads r
			LEFT JOIN procedure_versions pv ON r.kind = 'procedure' AND pv.id = r.version_id
			LEFT JOIN form_versions fv ON r.kind = 'form' AND fv.id = r.version_id
			WHERE r.kind = ? AND r.doc_id = ? AND r.number = ? AND COALESCE(pv.status, fv.status) = 'effective'),
			EXISTS (SELECT 1 FROM document_reads WHERE kind = ? AND doc_id = ? AND number = ? AND user_id = ? AND acknowledged_at IS NOT NULL)`,
			ref.Kind, ref.DocID, ref.Number, ref.Kind, ref.DocID, ref.Number, userID).Scan(&distributed, &mine); err != nil {
			return nil, err
		}
		if distributed && !mine {
			out = append(out, ref)
		}
	}
	return out, nil
}
