package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// CreateVersion starts the next draft of a procedure, copying the content
// of the latest version so that a revision starts from what is in force.
// Only one draft or submitted version may be open at a time.
func (db *DB) CreateVersion(ctx context.Context, procedureID int64) (*qms.ProcedureVersion, error) {
	var v *qms.ProcedureVersion
	err := db.update(ctx, func(tx *Tx) error {
		all, err := findVersions(ctx, tx, procedureID, nil)
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
			v.Number, v.ChangeSummary = last.Number+1, ""
		}
		v.Approval = qms.Approval{Status: qms.StatusDraft, AuthorID: tx.actor.UserID, Author: tx.actor.Username}
		v.CreatedAt, v.UpdatedAt = tx.now, tx.now
		v.Normalize()
		content, err := contentOf(v)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO procedure_versions (procedure_id, number, status, content_json, author_id, author, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, procedureID, v.Number, v.Status, content, v.AuthorID, v.Author, formatTime(v.CreatedAt), formatTime(v.UpdatedAt)).Scan(&v.ID); err != nil {
			return fmt.Errorf("insert version: %w", err)
		}
		if err := contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedCreate); err != nil {
			return err
		}
		return tx.audit(ctx, "", "procedure.version_create", "procedure_version", versionRef(v), nil, v, "")
	})
	return v, err
}

// UpdateVersion saves the content of a draft; other states are read-only.
func (db *DB) UpdateVersion(ctx context.Context, v *qms.ProcedureVersion) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		before, err := findVersion(ctx, tx, v.ProcedureID, v.Number)
		if err != nil {
			return err
		}
		if err := loadContributors(ctx, tx, "procedure", before.ID, &before.Approval); err != nil {
			return err
		}
		if !before.Editable() {
			return qms.Errorf(qms.EINVALID, "Chỉ sửa được phiên bản dự thảo; lần ban hành %s đang ở trạng thái %q.", before.IssueNumber(), qms.StatusLabel(before.Status))
		}
		v.ID, v.Approval, v.CreatedAt, v.UpdatedAt = before.ID, before.Approval, before.CreatedAt, tx.now
		content, err := contentOf(v)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE procedure_versions SET content_json = ?, updated_at = ? WHERE id = ?`, content, formatTime(v.UpdatedAt), v.ID); err != nil {
			return err
		}
		if err := contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedEdit); err != nil {
			return err
		}
		return tx.audit(ctx, "", "procedure.version_update", "procedure_version", versionRef(v), before, v, "")
	})
}

// FindVersion returns ENOTFOUND when there is no such issue. The
// version comes with its contributors.
func (db *DB) FindVersion(ctx context.Context, procedureID int64, number int) (*qms.ProcedureVersion, error) {
	var v *qms.ProcedureVersion
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		if v, err = findVersion(ctx, q, procedureID, number); err != nil {
			return err
		}
		return loadContributors(ctx, q, "procedure", v.ID, &v.Approval)
	})
	return v, err
}

// FindVersions returns every version of a procedure, oldest first.
func (db *DB) FindVersions(ctx context.Context, procedureID int64) ([]*qms.ProcedureVersion, error) {
	var out []*qms.ProcedureVersion
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		out, err = findVersions(ctx, q, procedureID, nil)
		return err
	})
	return out, err
}

// FindVersionsByStatus lists an agency's versions in one state.
func (db *DB) FindVersionsByStatus(ctx context.Context, agency string, status qms.DocStatus) ([]*qms.ProcedureVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+versionColumns+` FROM procedure_versions WHERE status = ?
		AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = ?) ORDER BY updated_at`, status, agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.ProcedureVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func findVersion(ctx context.Context, q querier, procedureID int64, number int) (*qms.ProcedureVersion, error) {
	vs, err := findVersions(ctx, q, procedureID, &number)
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
func (db *DB) TransitionVersion(ctx context.Context, procedureID int64, number int, action, reason string) (*qms.ProcedureVersion, error) {
	var v *qms.ProcedureVersion
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if v, err = findVersion(ctx, tx, procedureID, number); err != nil {
			return err
		}
		if err := loadContributors(ctx, tx, "procedure", v.ID, &v.Approval); err != nil {
			return err
		}
		before := *v
		if action == qms.ActionSubmit {
			if err := checkFlowchart(ctx, tx, procedureID, v); err != nil {
				return err
			}
		}
		if err := v.Transition(action, tx.actor, tx.now, reason); err != nil {
			return err
		}
		if err := saveApproval(ctx, tx, v); err != nil {
			return err
		}
		if action == qms.ActionSubmit {
			if err := contribute(ctx, tx, "procedure", v.ID, &v.Approval, qms.ContributedSubmit); err != nil {
				return err
			}
			if err := notifyApprovers(ctx, tx, "procedures", procedureID, number, fmt.Sprintf("/procedures/%d/versions/%d", procedureID, number)); err != nil {
				return err
			}
		}
		if err := tx.audit(ctx, "", "procedure.version_"+action, "procedure_version", versionRef(v), before.Approval, v.Approval, reason); err != nil {
			return err
		}
		if err := tx.sign(ctx, "", qms.SignedProcedureVersion, v.ID, versionRef(v), action); err != nil {
			return err
		}
		if action == qms.ActionApprove {
			if err := afterApproval(ctx, tx, v); err != nil {
				return err
			}
			return distributeProcedure(ctx, tx, v)
		}
		return nil
	})
	return v, err
}

func checkFlowchart(ctx context.Context, tx *Tx, procedureID int64, v *qms.ProcedureVersion) error {
	var limitDays sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(t.time_limit_days) FROM procedure_tthc pt JOIN procedures p ON p.id = pt.procedure_id
		JOIN tthc t ON t.agency_code = p.agency_code AND t.code = pt.tthc_code WHERE pt.procedure_id = ?`, procedureID).Scan(&limitDays); err != nil {
		return err
	}
	var agency string
	if err := tx.QueryRowContext(ctx, `SELECT agency_code FROM procedures WHERE id = ?`, procedureID).Scan(&agency); err != nil {
		return err
	}
	// A referenced form must exist (the agency's own or a standard one);
	// whether it is in force is the ISO-control check's question.
	formExists := func(code string) bool {
		var n int
		tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms WHERE code = ? AND agency_code IN (?, ?)`, code, agency, qms.SystemAgencyCode).Scan(&n)
		return n > 0
	}
	opts := flowchart.ValidateOptions{LimitHours: float64(limitDays.Int64) * 8, FormExists: formExists}
	if problems := flowchart.Validate(v.Flowchart, opts); len(problems) > 0 {
		return &qms.Error{Code: qms.EINVALID, Field: "flowchart", Message: problems.Error()}
	}
	return nil
}

// afterApproval supersedes the previous version in force and schedules
// the next periodic review.
func afterApproval(ctx context.Context, tx *Tx, v *qms.ProcedureVersion) error {
	all, err := findVersions(ctx, tx, v.ProcedureID, nil)
	if err != nil {
		return err
	}
	others := make([]versioned, 0, len(all))
	for _, o := range all {
		others = append(others, versioned{o.ID, versionRef(o), &o.Approval})
	}
	if err := supersede(ctx, tx, "procedure", v.ID, others, "thay thế bởi lần ban hành "+v.IssueNumber()); err != nil {
		return err
	}
	var months int
	var agency string
	if err := tx.QueryRowContext(ctx, `SELECT review_months, agency_code FROM procedures WHERE id = ?`, v.ProcedureID).Scan(&months, &agency); err != nil {
		return err
	}
	next := v.EffectiveOn.AddDate(0, months, 0)
	if _, err := tx.ExecContext(ctx, `UPDATE procedures SET next_review_on = ?, updated_at = ? WHERE id = ?`, formatDate(next), formatTime(tx.now), v.ProcedureID); err != nil {
		return err
	}
	return tx.audit(ctx, agency, "procedure.review_scheduled", "procedure", itoa(v.ProcedureID), nil, map[string]string{"next_review_on": next.Format("2006-01-02")}, "")
}

// versioned is a version of any controlled document, as the shared
// lifecycle helpers see it.
type versioned struct {
	id       int64
	ref      string
	approval *qms.Approval
}

// supersede moves every effective version but keepID to superseded, each
// audited: a new version taking effect withdraws the old one from use.
func supersede(ctx context.Context, tx *Tx, kind string, keepID int64, versions []versioned, reason string) error {
	for _, o := range versions {
		if o.id == keepID || o.approval.Status != qms.StatusEffective {
			continue
		}
		prev := *o.approval
		if err := o.approval.Transition(qms.ActionSupersede, tx.actor, tx.now, ""); err != nil {
			return err
		}
		if err := saveApprovalIn(ctx, tx, kind+"_versions", o.id, o.approval, tx.now); err != nil {
			return err
		}
		if err := tx.audit(ctx, "", kind+".version_supersede", kind+"_version", o.ref, prev, *o.approval, reason); err != nil {
			return err
		}
	}
	return nil
}

func saveApproval(ctx context.Context, tx *Tx, v *qms.ProcedureVersion) error {
	v.UpdatedAt = tx.now
	return saveApprovalIn(ctx, tx, "procedure_versions", v.ID, &v.Approval, v.UpdatedAt)
}

// saveApprovalIn writes the lifecycle columns shared by every versioned
// document table.
func saveApprovalIn(ctx context.Context, tx *Tx, table string, id int64, a *qms.Approval, at time.Time) error {
	var effective any
	if a.EffectiveOn != nil {
		effective = formatDate(*a.EffectiveOn)
	}
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET status = ?, submitted_at = ?, approver_id = ?, approver = ?, approved_at = ?, effective_on = ?, reason = ?, updated_at = ? WHERE id = ?`,
		a.Status, nullTime(a.SubmittedAt), nullInt(a.ApproverID), a.Approver, nullTime(a.ApprovedAt), effective, a.Reason, formatTime(at), id)
	return err
}

// contribute records the actor's part in a version (kind "procedure" or
// "form") in the transaction of the change, and adds it to a.
func contribute(ctx context.Context, tx *Tx, kind string, versionID int64, a *qms.Approval, act string) error {
	c := qms.Contributor{UserID: tx.actor.UserID, Username: tx.actor.Username, Act: act}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO version_contributors (kind, version_id, user_id, username, act) VALUES (?, ?, ?, ?, ?)`,
		kind, versionID, c.UserID, c.Username, c.Act); err != nil {
		return fmt.Errorf("record contributor: %w", err)
	}
	if !slices.Contains(a.Contributors, c) {
		a.Contributors = append(a.Contributors, c)
	}
	return nil
}

// loadContributors fills a's contributors: who created, edited and
// submitted the version, in that order.
func loadContributors(ctx context.Context, q querier, kind string, versionID int64, a *qms.Approval) error {
	rows, err := q.QueryContext(ctx, `SELECT user_id, username, act FROM version_contributors WHERE kind = ? AND version_id = ?
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

func versionRef(v *qms.ProcedureVersion) string { return itoa(v.ProcedureID) + "/" + v.IssueNumber() }

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
