package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// CreateVersion starts the next draft of a procedure, copying the content
// of the latest version so that a revision starts from what is in force.
// Only one draft or submitted version may be open at a time.
func (s *Store) CreateVersion(ctx context.Context, procedureID int64) (*qms.ProcedureVersion, error) {
	var v *qms.ProcedureVersion
	err := s.update(ctx, func(tx Tx) error {
		all, err := QueryVersions(ctx, tx, procedureID, nil)
		if err != nil {
			return err
		}
		v = &qms.ProcedureVersion{ProcedureID: procedureID, Number: 1}
		if n := len(all); n > 0 {
			last := all[n-1]
			for _, o := range all {
				if o.Status == qms.StatusDraft || o.Status == qms.StatusSubmitted {
					return qms.Errorf(qms.ECONFLICT, "Lần ban hành %s đang %s: hoàn tất hoặc thu hồi nó trước khi soạn lần mới.", o.IssueNumber(), qms.StatusLabel(o.Status))
				}
			}
			*v = *last
			v.Number, v.ChangeSummary, v.Subject = last.Number+1, "", nil
		}
		v.Approval = qms.Approval{Status: qms.StatusDraft, AuthorID: tx.Actor().UserID, Author: tx.Actor().Username}
		v.CreatedAt, v.UpdatedAt = tx.Now(), tx.Now()
		v.Normalize()
		content, err := contentOf(v)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO procedure_versions (procedure_id, number, status, content_json, author_id, author, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, procedureID, v.Number, v.Status, content, v.AuthorID, v.Author, FormatTime(v.CreatedAt), FormatTime(v.UpdatedAt)).Scan(&v.ID); err != nil {
			return fmt.Errorf("insert version: %w", err)
		}
		if err := Contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedCreate); err != nil {
			return err
		}
		if n := len(all); n > 0 {
			if err := InheritContributors(ctx, tx, "procedure", all[n-1].ID, &all[n-1].Approval, v.ID, &v.Approval); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, "", "procedure.version_create", "procedure_version", versionRef(v), nil, v, "")
	})
	return v, err
}

// UpdateVersion saves the content of a draft; other states are read-only.
func (s *Store) UpdateVersion(ctx context.Context, v *qms.ProcedureVersion) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		before, err := QueryVersion(ctx, tx, v.ProcedureID, v.Number)
		if err != nil {
			return err
		}
		if err := LoadContributors(ctx, tx, "procedure", before.ID, &before.Approval); err != nil {
			return err
		}
		if !before.Editable() {
			return qms.Errorf(qms.EINVALID, "Chỉ sửa được phiên bản dự thảo; lần ban hành %s đang ở trạng thái %q.", before.IssueNumber(), qms.StatusLabel(before.Status))
		}
		// A draft has no subject: the procedure's is taken on submission.
		v.ID, v.Approval, v.CreatedAt, v.UpdatedAt, v.Subject = before.ID, before.Approval, before.CreatedAt, tx.Now(), nil
		content, err := contentOf(v)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE procedure_versions SET content_json = ?, updated_at = ? WHERE id = ?`, content, FormatTime(v.UpdatedAt), v.ID); err != nil {
			return err
		}
		if err := Contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedEdit); err != nil {
			return err
		}
		return tx.Audit(ctx, "", "procedure.version_update", "procedure_version", versionRef(v), before, v, "")
	})
}

// FindVersion returns ENOTFOUND when there is no such issue. The
// version comes with its contributors.
func (s *Store) FindVersion(ctx context.Context, procedureID int64, number int) (*qms.ProcedureVersion, error) {
	v, err := QueryVersion(ctx, s.read(), procedureID, number)
	if err != nil {
		return nil, err
	}
	return v, LoadContributors(ctx, s.read(), "procedure", v.ID, &v.Approval)
}

// FindVersions returns every version of a procedure, oldest first.
func (s *Store) FindVersions(ctx context.Context, procedureID int64) ([]*qms.ProcedureVersion, error) {
	return QueryVersions(ctx, s.read(), procedureID, nil)
}

// FindVersionsByStatus lists an agency's versions in one state.
func (s *Store) FindVersionsByStatus(ctx context.Context, agency string, status qms.DocStatus) ([]*qms.ProcedureVersion, error) {
	return versionsWhere(ctx, s.read(), `status = ? AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = ?) ORDER BY updated_at`, status, agency)
}

// QueryVersion returns issue number of a procedure through q, ENOTFOUND
// when there is none.
func QueryVersion(ctx context.Context, q Querier, procedureID int64, number int) (*qms.ProcedureVersion, error) {
	vs, err := QueryVersions(ctx, q, procedureID, &number)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy lần ban hành %02d.", number)
	}
	return vs[0], nil
}

// TransitionVersion applies a lifecycle action. Submitting requires a
// valid flowchart within the shortest legal time limit of the covered TTHC.
// Approving supersedes the version in force and moves the next review date,
// all in the same transaction with an audit entry for each change.
func (s *Store) TransitionVersion(ctx context.Context, procedureID int64, number int, action, reason string) (*qms.ProcedureVersion, error) {
	var v *qms.ProcedureVersion
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if v, err = QueryVersion(ctx, tx, procedureID, number); err != nil {
			return err
		}
		if err := LoadContributors(ctx, tx, "procedure", v.ID, &v.Approval); err != nil {
			return err
		}
		before := *v
		if action == qms.ActionSubmit {
			if err := s.checkFlowchart(ctx, tx, procedureID, v); err != nil {
				return err
			}
		}
		if err := v.Transition(action, tx.Actor(), tx.Now(), reason); err != nil {
			return err
		}
		if err := s.fixSubject(ctx, tx, v, action); err != nil {
			return err
		}
		v.UpdatedAt = tx.Now()
		if err := SaveApprovalIn(ctx, tx, "procedure_versions", v.ID, &v.Approval, v.UpdatedAt); err != nil {
			return err
		}
		if action == qms.ActionSubmit {
			if err := Contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedSubmit); err != nil {
				return err
			}
			if err := contributeSubject(ctx, tx, v); err != nil {
				return err
			}
			if err := notifyProcedureApprovers(ctx, tx, procedureID, number, fmt.Sprintf("/procedures/%d/versions/%d", procedureID, number)); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, "", "procedure.version_"+action, "procedure_version", versionRef(v), subjectAudit{before.Approval, before.Subject}, subjectAudit{v.Approval, v.Subject}, reason); err != nil {
			return err
		}
		if err := s.sign(ctx, tx, "", qms.SignedProcedureVersion, v.ID, versionRef(v), action); err != nil {
			return err
		}
		if action == qms.ActionApprove {
			if err := afterApproval(ctx, tx, v); err != nil {
				return err
			}
			return s.distributeProcedure(ctx, tx, v)
		}
		return nil
	})
	return v, err
}

// subjectAudit is a lifecycle step's audit state: the approval, and the
// subject that a submission fixes and a return to draft clears.
type subjectAudit struct {
	qms.Approval
	Subject *qms.ProcedureSubject `json:"subject,omitempty"`
}

// fixSubject keeps, on submission, the procedure's title, owner unit and
// TTHCs in the version's content, so that the signatures of submission
// and approval cover them and the issue prints as it was approved; a
// version returned to draft drops them, since its procedure may be edited
// again. On approval the version governs its TTHCs (takeOverTTHCs).
func (s *Store) fixSubject(ctx context.Context, tx Tx, v *qms.ProcedureVersion, action string) error {
	switch action {
	case qms.ActionSubmit:
		ps, err := QueryProcedures(ctx, tx, qms.ProcedureFilter{ID: &v.ProcedureID})
		if err != nil {
			return err
		} else if len(ps) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quy trình.")
		}
		v.Subject = ps[0].Subject()
		if err := tx.QueryRow(ctx, `SELECT name FROM agencies WHERE code = ?`, ps[0].AgencyCode).Scan(&v.Subject.Agency); err != nil {
			return fmt.Errorf("submit: the issuing agency's name: %w", err)
		}
	case qms.ActionReject:
		v.Subject = nil
	case qms.ActionApprove:
		return takeOverTTHCs(ctx, tx, v)
	default:
		return nil
	}
	content, err := contentOf(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE procedure_versions SET content_json = ?, updated_at = ? WHERE id = ?`, content, FormatTime(tx.Now()), v.ID)
	return err
}

// contributeSubject records, as editors of a version being submitted,
// whoever set or changed its procedure's title, owner unit or TTHCs since
// the procedure's last approval: the subject is signed with the content,
// so they may no more approve it than the version's own editors. Read from
// the procedure's audit entries, which hold each change's before and after.
func contributeSubject(ctx context.Context, tx Tx, v *qms.ProcedureVersion) error {
	pid := Itoa(v.ProcedureID)
	// The last approval of this procedure's versions: changes before it
	// were approved then. Named one by one, as the audit log's object
	// index reads them.
	approved, err := QueryStrings(ctx, tx, `SELECT CAST(number AS TEXT) FROM procedure_versions WHERE procedure_id = ? AND approved_at IS NOT NULL`, v.ProcedureID)
	if err != nil {
		return err
	}
	var refs []string
	var args []any
	for _, n := range approved {
		number, _ := strconv.Atoi(n)
		refs, args = append(refs, "?"), append(args, versionRef(&qms.ProcedureVersion{ProcedureID: v.ProcedureID, Number: number}))
	}
	var since int64
	if len(refs) > 0 {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE object_type = 'procedure_version' AND object_id IN (`+strings.Join(refs, ", ")+`)
			AND action = 'procedure.version_approve'`, args...).Scan(&since); err != nil {
			return fmt.Errorf("last approval of procedure %s: %w", pid, err)
		}
	}
	rows, err := tx.Query(ctx, `SELECT actor, action, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log
		WHERE object_type = 'procedure' AND object_id = ? AND action IN ('procedure.create', 'procedure.update') AND id > ? ORDER BY id`, pid, since)
	if err != nil {
		return fmt.Errorf("changes of procedure %s: %w", pid, err)
	}
	var editors []string
	for rows.Next() {
		var actor, action, before, after string
		if err := rows.Scan(&actor, &action, &before, &after); err != nil {
			rows.Close()
			return err
		}
		var b, a qms.Procedure
		if action == "procedure.update" && json.Unmarshal([]byte(before), &b) == nil && json.Unmarshal([]byte(after), &a) == nil && !b.ScopeChanged(&a) {
			continue // the review interval alone
		}
		if !slices.Contains(editors, actor) {
			editors = append(editors, actor)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range editors {
		var id int64
		found, err := scanOne(tx.Query(ctx, `SELECT id FROM users WHERE username = ?`, name))(&id)
		if err != nil {
			return err
		} else if !found {
			continue // a system actor: the CLI or a migration
		}
		c := qms.Contributor{UserID: id, Username: name, Act: qms.ContributedEdit}
		if _, err := tx.Exec(ctx, `INSERT INTO version_contributors (kind, version_id, user_id, username, act) VALUES ('procedure', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			v.ID, c.UserID, c.Username, c.Act); err != nil {
			return fmt.Errorf("record subject editor: %w", err)
		}
		if !slices.Contains(v.Approval.Contributors, c) {
			v.Approval.Contributors = append(v.Approval.Contributors, c)
		}
	}
	return nil
}

// takeOverTTHCs makes an approved version the one procedure of its TTHCs:
// any other procedure of the agency that links one loses it, audited
// under that procedure with the approval as its reason. Receipts follow
// the version that took effect last, so without this a second procedure
// approved with a TTHC took its dossiers while the first, still in force,
// went on naming it; now the leader's signed approval is what moves it.
// The other procedure's earlier issues keep the TTHC in their subject:
// it is what they were approved for.
func takeOverTTHCs(ctx context.Context, tx Tx, v *qms.ProcedureVersion) error {
	var agency, code string
	if err := tx.QueryRow(ctx, `SELECT agency_code, code FROM procedures WHERE id = ?`, v.ProcedureID).Scan(&agency, &code); err != nil {
		return err
	}
	codes := v.Subject.Codes()
	if v.Subject == nil { // submitted before subjects were kept
		var err error
		if codes, err = QueryStrings(ctx, tx, `SELECT tthc_code FROM procedure_tthc WHERE procedure_id = ?`, v.ProcedureID); err != nil {
			return err
		}
	}
	for _, tthc := range codes {
		// Its own link first: another approval may have moved the TTHC
		// away while this version waited.
		n, err := tx.Exec(ctx, `INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES (?, ?) ON CONFLICT DO NOTHING`, v.ProcedureID, tthc)
		if err != nil {
			return err
		}
		if n > 0 {
			reason := fmt.Sprintf("Thủ tục %s trở lại quy trình %s khi lần ban hành %s được phê duyệt.", tthc, code, v.IssueNumber())
			if err := tx.Audit(ctx, agency, "procedure.tthc_moved", "procedure", Itoa(v.ProcedureID), nil, map[string]string{"tthc_code": tthc}, reason); err != nil {
				return err
			}
		}
		others, err := QueryProcedures(ctx, tx, qms.ProcedureFilter{AgencyCode: &agency, TTHCCode: &tthc})
		if err != nil {
			return err
		}
		for _, o := range others {
			if o.ID == v.ProcedureID {
				continue
			}
			before := *o
			o.TTHCCodes = slices.DeleteFunc(slices.Clone(o.TTHCCodes), func(c string) bool { return c == tthc })
			if _, err := tx.Exec(ctx, `DELETE FROM procedure_tthc WHERE procedure_id = ? AND tthc_code = ?`, o.ID, tthc); err != nil {
				return err
			}
			reason := fmt.Sprintf("Thủ tục %s chuyển sang quy trình %s khi lần ban hành %s được phê duyệt.", tthc, code, v.IssueNumber())
			if err := tx.Audit(ctx, agency, "procedure.tthc_moved", "procedure", Itoa(o.ID), &before, o, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) checkFlowchart(ctx context.Context, tx Tx, procedureID int64, v *qms.ProcedureVersion) error {
	var limitDays *int64
	if err := tx.QueryRow(ctx, `SELECT MIN(t.time_limit_days) FROM procedure_tthc pt JOIN procedures p ON p.id = pt.procedure_id
		JOIN tthc t ON t.agency_code = p.agency_code AND t.code = pt.tthc_code WHERE pt.procedure_id = ?`, procedureID).Scan(&limitDays); err != nil {
		return err
	}
	var agency string
	if err := tx.QueryRow(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, procedureID).Scan(&agency); err != nil {
		return err
	}
	// A referenced form must exist (the agency's own or a standard one);
	// whether it is in force is the ISO-control check's question.
	exists := func(code string) bool { return formExists(ctx, tx, agency, code) }
	var limitHours float64
	if limitDays != nil {
		limitHours = float64(*limitDays) * 8
	}
	opts := flowchart.ValidateOptions{LimitHours: limitHours, FormExists: exists}
	problems := flowchart.Validate(v.Flowchart, opts)
	if len(problems) > 0 {
		return qms.FieldError("flowchart", "Lưu đồ không hợp lệ: %s", problems.Joined())
	}
	return nil
}

// notifyProcedureApprovers tells the leaders of a procedure's agency
// (those who approve, by the default policy) that a version of it waits
// for them; link is the version's page.
func notifyProcedureApprovers(ctx context.Context, tx Tx, id int64, number int, link string) error {
	var agency, code, title string
	if err := tx.QueryRow(ctx, `SELECT agency_code, code, title FROM procedures WHERE id = ?`, id).Scan(&agency, &code, &title); err != nil {
		return err
	}
	return notifyRole(ctx, tx, agency, qms.RoleLeader, qms.NewNotice(qms.NoticeApprovalPending, code, title, Itoa(int64(number))), link)
}

// afterApproval supersedes the previous version in force and schedules
// the next periodic review.
func afterApproval(ctx context.Context, tx Tx, v *qms.ProcedureVersion) error {
	all, err := QueryVersions(ctx, tx, v.ProcedureID, nil)
	if err != nil {
		return err
	}
	others := make([]Versioned, 0, len(all))
	for _, o := range all {
		others = append(others, Versioned{ID: o.ID, Ref: versionRef(o), Approval: &o.Approval})
	}
	if err := Supersede(ctx, tx, "procedure", v.ID, others, "thay thế bởi lần ban hành "+v.IssueNumber()); err != nil {
		return err
	}
	var months int
	var agency string
	if err := tx.QueryRow(ctx, `SELECT review_months, agency_code FROM procedures WHERE id = ?`, v.ProcedureID).Scan(&months, &agency); err != nil {
		return err
	}
	next := v.EffectiveOn.AddDate(0, months, 0)
	if _, err := tx.Exec(ctx, `UPDATE procedures SET next_review_on = ?, updated_at = ? WHERE id = ?`, FormatDate(next), FormatTime(tx.Now()), v.ProcedureID); err != nil {
		return err
	}
	return tx.Audit(ctx, agency, "procedure.review_scheduled", "procedure", Itoa(v.ProcedureID), nil, map[string]string{"next_review_on": next.Format("2006-01-02")}, "")
}

// Versioned is a version of any controlled document, as the shared
// lifecycle helpers see it.
type Versioned struct {
	ID       int64
	Ref      string
	Approval *qms.Approval
}

// Supersede moves every effective version but keepID to superseded, each
// audited: a new version taking effect withdraws the old one from use.
// kind is procedure or form.
func Supersede(ctx context.Context, tx Tx, kind string, keepID int64, versions []Versioned, reason string) error {
	for _, o := range versions {
		if o.ID == keepID || o.Approval.Status != qms.StatusEffective {
			continue
		}
		prev := *o.Approval
		if err := o.Approval.Transition(qms.ActionSupersede, tx.Actor(), tx.Now(), ""); err != nil {
			return err
		}
		if err := SaveApprovalIn(ctx, tx, kind+"_versions", o.ID, o.Approval, tx.Now()); err != nil {
			return err
		}
		if err := tx.Audit(ctx, "", kind+".version_supersede", kind+"_version", o.Ref, prev, *o.Approval, reason); err != nil {
			return err
		}
	}
	return nil
}

// SaveApprovalIn writes the lifecycle columns shared by every versioned
// document table.
func SaveApprovalIn(ctx context.Context, tx Tx, table string, id int64, a *qms.Approval, at time.Time) error {
	var effective any
	if a.EffectiveOn != nil {
		effective = FormatDate(*a.EffectiveOn)
	}
	var approver any
	if a.ApproverID != 0 {
		approver = a.ApproverID
	}
	_, err := tx.Exec(ctx, `UPDATE `+table+` SET status = ?, submitted_at = ?, approver_id = ?, approver = ?, approved_at = ?, effective_on = ?, reason = ?, updated_at = ? WHERE id = ?`,
		a.Status, NullTime(a.SubmittedAt), approver, a.Approver, NullTime(a.ApprovedAt), effective, a.Reason, FormatTime(at), id)
	return err
}

// Contribute records the actor's part in a version (kind "procedure" or
// "form") in the transaction of the change, and adds it to a.
func Contribute(ctx context.Context, tx Tx, kind string, versionID int64, a *qms.Approval, act string) error {
	c := qms.Contributor{UserID: tx.Actor().UserID, Username: tx.Actor().Username, Act: act}
	if _, err := tx.Exec(ctx, `INSERT INTO version_contributors (kind, version_id, user_id, username, act) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		kind, versionID, c.UserID, c.Username, c.Act); err != nil {
		return fmt.Errorf("record contributor: %w", err)
	}
	if !slices.Contains(a.Contributors, c) {
		a.Contributors = append(a.Contributors, c)
	}
	return nil
}

// InheritContributors credits a new draft (toID, to) with whoever wrote
// the version it copies (fromID, from) when that version was never
// approved: the content is theirs and no approver has checked it. A draft
// withdrawn unapproved, copied into a new draft by someone else and
// submitted by them, was otherwise approved by its own writer (outsider
// pass 7). An approved version's writers are not credited: an approver
// other than them checked what the revision starts from.
func InheritContributors(ctx context.Context, tx Tx, kind string, fromID int64, from *qms.Approval, toID int64, to *qms.Approval) error {
	if from.ApprovedAt != nil {
		return nil
	}
	if err := LoadContributors(ctx, tx, kind, fromID, from); err != nil {
		return err
	}
	writers := append([]qms.Contributor{{UserID: from.AuthorID, Username: from.Author}}, from.Contributors...)
	for _, c := range writers {
		c.Act = qms.ContributedEdit
		if c.Username == "" || slices.Contains(to.Contributors, c) {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO version_contributors (kind, version_id, user_id, username, act) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			kind, toID, c.UserID, c.Username, c.Act); err != nil {
			return fmt.Errorf("credit the copied version's writers: %w", err)
		}
		to.Contributors = append(to.Contributors, c)
	}
	return nil
}

// LoadContributors fills a's contributors: who created, edited and
// submitted the version, in that order.
func LoadContributors(ctx context.Context, q Querier, kind string, versionID int64, a *qms.Approval) error {
	rows, err := q.Query(ctx, `SELECT user_id, username, act FROM version_contributors WHERE kind = ? AND version_id = ?
		ORDER BY CASE act WHEN 'create' THEN 0 WHEN 'edit' THEN 1 ELSE 2 END, username`, kind, versionID)
	if err != nil {
		return err
	}
	defer rows.Close()
	a.Contributors = nil
	for rows.Next() {
		var c qms.Contributor
		if err := rows.Scan(&c.UserID, &c.Username, &c.Act); err != nil {
			return err
		}
		a.Contributors = append(a.Contributors, c)
	}
	return rows.Err()
}

func versionRef(v *qms.ProcedureVersion) string { return Itoa(v.ProcedureID) + "/" + v.IssueNumber() }
