package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"isodt/qms"
)

// CreateNC records a nonconformity with its next code (NC-YEAR-NNN).
func (db *DB) CreateNC(ctx context.Context, n *qms.Nonconformity) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx, n.AgencyCode); err != nil {
			return err
		}
		year := tx.now.In(qms.Zone).Year()
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM nonconformities WHERE code LIKE ?`, fmt.Sprintf("NC-%s-%d-%%", n.AgencyCode, year)).Scan(&k); err != nil {
			return err
		}
		if err := checkNCSource(ctx, tx, n); err != nil {
			return err
		}
		if ref := n.FindingRef(); ref != "" {
			if err := noOpenNCOfFinding(ctx, tx, n.AgencyCode, ref); err != nil {
				return err
			}
		}
		n.Code = fmt.Sprintf("NC-%s-%d-%03d", n.AgencyCode, year, k+1)
		n.Status, n.CreatedBy, n.CreatedAt, n.Actions = qms.NCOpen, tx.actor.Username, tx.now, []qms.CorrectiveAction{}
		if err := tx.QueryRowContext(ctx, `INSERT INTO nonconformities (agency_code, code, source, source_ref, description, correction, root_cause, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.AgencyCode, n.Code, n.Source, n.SourceRef, n.Description, n.Correction, n.RootCause, n.Status,
			n.CreatedBy, formatTime(n.CreatedAt)).Scan(&n.ID); err != nil {
			if isUnique(err) && n.FindingRef() != "" {
				// The index nonconformities_open_finding (migration 0020)
				// holds the rule: name the open one.
				if dup := noOpenNCOfFinding(ctx, tx, n.AgencyCode, n.SourceRef); dup != nil {
					return dup
				}
			}
			return err
		}
		return tx.audit(ctx, n.AgencyCode, "nc.create", "nonconformity", n.Code, nil, n, "")
	})
}

// checkNCSource refuses a source_ref that does not name an object of the
// nonconformity's own agency: a finding of the agency, a dossier it
// received, or an audit plan it holds or is audited by. Another agency's
// object is answered as a missing one, so its existence does not leak,
// and a nonconformity never shows on another agency's pages.
func checkNCSource(ctx context.Context, q querier, n *qms.Nonconformity) error {
	var query, what string
	switch n.Source {
	case qms.NCFromFinding:
		query, what = `SELECT 1 FROM findings WHERE id = ? AND agency_code = ?`, "phát hiện kiểm tra tuân thủ #%s"
	case qms.NCFromDossier:
		query, what = `SELECT 1 FROM dossiers WHERE code = ? AND agency_code = ?`, "hồ sơ %s"
	case qms.NCFromAudit:
		query, what = `SELECT 1 FROM audit_plans WHERE id = ?1 AND (agency_code = ?2
			OR EXISTS (SELECT 1 FROM json_each(scope_json, '$.units') WHERE value = ?2))`, "kế hoạch đánh giá nội bộ #%s"
	default:
		return nil
	}
	if n.SourceRef == "" {
		return qms.FieldError("source_ref", "Nhập tham chiếu nguồn (source_ref) của nguồn %s.", n.Source)
	}
	var one int
	switch err := q.QueryRowContext(ctx, query, n.SourceRef, n.AgencyCode).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return &qms.Error{Code: qms.ENOTFOUND, Field: "source_ref", Message: fmt.Sprintf("Tham chiếu nguồn (source_ref): không có "+what+" của đơn vị %s.", n.SourceRef, n.AgencyCode)}
	case err != nil:
		return fmt.Errorf("check source of nonconformity: %w", err)
	}
	return nil
}

// noOpenNCOfFinding refuses a second open nonconformity for a finding,
// naming the open one.
func noOpenNCOfFinding(ctx context.Context, q querier, agency, ref string) error {
	var code string
	err := q.QueryRowContext(ctx, `SELECT code FROM nonconformities WHERE agency_code = ? AND source = 'finding' AND source_ref = ? AND status != 'closed' ORDER BY id LIMIT 1`,
		agency, ref).Scan(&code)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return err
	}
	return qms.ErrFindingHasOpenNC(ref, code)
}

// OpenNCsOfFindings maps each finding with an open nonconformity to it
// (the oldest, should duplicates from before migration 0020 exist).
func (db *DB) OpenNCsOfFindings(ctx context.Context, findingIDs []int64) (map[int64]*qms.Nonconformity, error) {
	out := map[int64]*qms.Nonconformity{}
	for len(findingIDs) > 0 {
		batch := findingIDs[:min(len(findingIDs), 500)]
		findingIDs = findingIDs[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = itoa(id)
		}
		// Only a nonconformity of the finding's own agency answers for it:
		// another agency's, raised before source_ref was checked, is not
		// shown (nor its code) on the finding's agency's pages.
		rows, err := db.read.QueryContext(ctx, `SELECT n.id, n.agency_code, n.code, n.status, n.source_ref FROM nonconformities n
			JOIN findings f ON f.id = CAST(n.source_ref AS INTEGER) AND f.agency_code = n.agency_code
			WHERE n.source = 'finding' AND n.status != 'closed' AND n.source_ref IN (`+placeholders(len(args))+`) ORDER BY n.id DESC`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			n := &qms.Nonconformity{Source: qms.NCFromFinding}
			if err := rows.Scan(&n.ID, &n.AgencyCode, &n.Code, &n.Status, &n.SourceRef); err != nil {
				rows.Close()
				return nil, err
			}
			if id, err := strconv.ParseInt(n.SourceRef, 10, 64); err == nil {
				out[id] = n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const ncColumns = `id, agency_code, code, source, source_ref, description, correction, root_cause, status, verdict, verified_by, verified_at, closed_at, close_reason, created_by, created_at`

func findNCs(ctx context.Context, q querier, where string, args ...any) ([]*qms.Nonconformity, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.Nonconformity
	for rows.Next() {
		var n qms.Nonconformity
		var verified, closed sql.NullString
		var created string
		if err := rows.Scan(&n.ID, &n.AgencyCode, &n.Code, &n.Source, &n.SourceRef, &n.Description, &n.Correction, &n.RootCause, &n.Status, &n.Verdict,
			&n.VerifiedBy, &verified, &closed, &n.CloseReason, &n.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, err
		}
		n.VerifiedAt, n.ClosedAt, n.CreatedAt = scanNullTime(verified), scanNullTime(closed), parseTime(created)
		out = append(out, &n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range out {
		if n.Actions, err = findActions(ctx, q, n.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func findActions(ctx context.Context, q querier, ncID int64) ([]qms.CorrectiveAction, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, description, owner, due_on, done_at, result FROM corrective_actions WHERE nc_id = ? ORDER BY id`, ncID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.CorrectiveAction{}
	for rows.Next() {
		var a qms.CorrectiveAction
		var due string
		var done sql.NullString
		if err := rows.Scan(&a.ID, &a.Description, &a.Owner, &due, &done, &a.Result); err != nil {
			return nil, err
		}
		a.DueOn, a.DoneAt = parseDate(due), scanNullTime(done)
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindNC returns ENOTFOUND unless the agency has the nonconformity.
func (db *DB) FindNC(ctx context.Context, agency string, id int64) (*qms.Nonconformity, error) {
	return findNC(ctx, db.read, agency, id)
}

func findNC(ctx context.Context, q querier, agency string, id int64) (*qms.Nonconformity, error) {
	ns, err := findNCs(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(ns) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy sự không phù hợp.")
	}
	return ns[0], nil
}

// FindNCs lists an agency's nonconformities, newest first.
func (db *DB) FindNCs(ctx context.Context, agency string) ([]*qms.Nonconformity, error) {
	return findNCs(ctx, db.read, `agency_code = ?`, agency)
}

// changeNC loads, changes and saves a nonconformity in one transaction,
// refusing any change once it is closed.
func (db *DB) changeNC(ctx context.Context, agency string, id int64, action string, fn func(tx *Tx, n *qms.Nonconformity) error) (*qms.Nonconformity, error) {
	var n *qms.Nonconformity
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if n, err = findNC(ctx, tx, agency, id); err != nil {
			return err
		}
		if n.Status == qms.NCClosed {
			return qms.Errorf(qms.EINVALID, "Sự không phù hợp %s đã đóng: không thể thay đổi.", n.Code)
		}
		before := *n
		before.Actions = append([]qms.CorrectiveAction(nil), n.Actions...)
		if err := fn(tx, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE nonconformities SET description = ?, correction = ?, root_cause = ?, status = ?, verdict = ?, verified_by = ?, verified_at = ?, closed_at = ?, close_reason = ? WHERE id = ?`,
			n.Description, n.Correction, n.RootCause, n.Status, n.Verdict, n.VerifiedBy, nullTime(n.VerifiedAt), nullTime(n.ClosedAt), n.CloseReason, n.ID); err != nil {
			return err
		}
		if err := tx.audit(ctx, agency, "nc."+action, "nonconformity", n.Code, before, n, n.CloseReason); err != nil {
			return err
		}
		return tx.sign(ctx, agency, qms.SignedNonconformity, n.ID, n.Code, action)
	})
	return n, err
}

// UpdateNC edits the analysis of a nonconformity not closed.
func (db *DB) UpdateNC(ctx context.Context, agency string, id int64, description, correction, rootCause string) (*qms.Nonconformity, error) {
	return db.changeNC(ctx, agency, id, "update", func(tx *Tx, n *qms.Nonconformity) error {
		n.Description, n.Correction, n.RootCause = description, correction, rootCause
		return n.Validate()
	})
}

// AddAction adds a corrective action to the plan.
func (db *DB) AddAction(ctx context.Context, agency string, id int64, a qms.CorrectiveAction) (*qms.Nonconformity, error) {
	return db.changeNC(ctx, agency, id, "action_add", func(tx *Tx, n *qms.Nonconformity) error {
		if err := a.Validate(); err != nil {
			return err
		}
		if err := n.CheckActionDue(a); err != nil {
			return err
		}
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.username = ? AND m.agency_code = ?`, a.Owner, agency).Scan(&k); err != nil {
			return err
		} else if k == 0 {
			return qms.FieldError("owner", "Người phụ trách %q không thuộc đơn vị %s.", a.Owner, agency)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO corrective_actions (nc_id, description, owner, due_on) VALUES (?, ?, ?, ?) RETURNING id`,
			n.ID, a.Description, a.Owner, formatDate(a.DueOn)).Scan(&a.ID); err != nil {
			return err
		}
		n.Actions = append(n.Actions, a)
		return notifyUser(ctx, tx, agency, a.Owner, fmt.Sprintf("Hành động khắc phục được giao: %s — %s (hạn %s)", n.Code, a.Description, a.DueOn.Format("02/01/2006")),
			fmt.Sprintf("/nonconformities/%d", n.ID))
	})
}

// CompleteAction marks an action done with its result.
func (db *DB) CompleteAction(ctx context.Context, agency string, id, actionID int64, result string) (*qms.Nonconformity, error) {
	return db.changeNC(ctx, agency, id, "action_done", func(tx *Tx, n *qms.Nonconformity) error {
		result = strings.TrimSpace(result)
		if result == "" {
			return qms.FieldError("result", "Ghi kết quả thực hiện hành động.")
		}
		for i := range n.Actions {
			if n.Actions[i].ID == actionID {
				if n.Actions[i].DoneAt != nil {
					return qms.Errorf(qms.EINVALID, "Hành động đã hoàn thành.")
				}
				now := tx.now
				n.Actions[i].DoneAt, n.Actions[i].Result = &now, result
				_, err := tx.ExecContext(ctx, `UPDATE corrective_actions SET done_at = ?, result = ? WHERE id = ?`, formatTime(now), result, actionID)
				return err
			}
		}
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hành động khắc phục.")
	})
}

// ChangeNC applies start, verify or close under the domain's gates.
func (db *DB) ChangeNC(ctx context.Context, agency string, id int64, action, verdict string) (*qms.Nonconformity, error) {
	return db.changeNC(ctx, agency, id, action, func(tx *Tx, n *qms.Nonconformity) error {
		switch action {
		case "start":
			return n.Start()
		case "verify":
			return n.Verify(verdict, tx.actor.Username, tx.now)
		case "close":
			return closeNC(ctx, tx, n, "")
		}
		return qms.Errorf(qms.EINVALID, "Thao tác %q không tồn tại.", action)
	})
}

// CloseNC closes a nonconformity; reason is required while its source
// finding is still open.
func (db *DB) CloseNC(ctx context.Context, agency string, id int64, reason string) (*qms.Nonconformity, error) {
	return db.changeNC(ctx, agency, id, "close", func(tx *Tx, n *qms.Nonconformity) error {
		return closeNC(ctx, tx, n, reason)
	})
}

// closeNC asks the findings table whether the source finding is still
// open: only the compliance scan closes a finding, when its condition has
// cleared.
func closeNC(ctx context.Context, tx *Tx, n *qms.Nonconformity, reason string) error {
	findingOpen := false
	if ref := n.FindingRef(); ref != "" {
		var k int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM findings WHERE id = ? AND agency_code = ? AND closed_at IS NULL`, ref, n.AgencyCode).Scan(&k); err != nil {
			return err
		}
		findingOpen = k > 0
	}
	return n.CloseWith(tx.now, findingOpen, reason)
}

func checkCAPAOverdue(ctx context.Context, db *DB, q querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	return overdueActions(ctx, q, agencies, now, overdueActionRule{
		rule: qms.RuleCAPAOverdue, objectType: "corrective_action", message: "%s: hành động “%s” của %s quá hạn %s.",
		from: `corrective_actions a JOIN nonconformities n ON n.id = a.nc_id`, owner: "n", open: `n.status != 'closed'`,
	})
}

// overdueActionRule names, for overdueActions, the actions of one kind:
// their table joined to the record they belong to (aliased owner, with
// agency_code and code), what keeps that record open, and the finding.
type overdueActionRule struct {
	rule, objectType, message string
	from, owner, open         string
}

// overdueActions flags the actions of open records not done by their due
// date: corrective actions of a nonconformity, treatment actions of a
// risk. message gets the record's code, the action, the owner's full
// name and the due date.
func overdueActions(ctx context.Context, q querier, agencies []string, now time.Time, r overdueActionRule) ([]qms.Candidate, error) {
	in, args := inAgencies(agencies)
	rows, err := q.QueryContext(ctx, `SELECT `+r.owner+`.agency_code, `+r.owner+`.code, a.id, a.description, COALESCE(NULLIF(u.full_name, ''), a.owner), a.due_on
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
		out = append(out, qms.Candidate{Rule: r.rule, AgencyCode: a, ObjectType: r.objectType, ObjectID: itoa(id),
			Message: fmt.Sprintf(r.message, code, desc, owner, parseDate(due).Format("02/01/2006"))})
	}
	return out, rows.Err()
}
