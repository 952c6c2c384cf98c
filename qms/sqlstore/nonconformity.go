package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"isodt/qms"
)

// CreateNC records a nonconformity with its next code (NC-YEAR-NNN).
func (s *Store) CreateNC(ctx context.Context, n *qms.Nonconformity) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := agencyExists(ctx, tx, n.AgencyCode); err != nil {
			return err
		}
		year := tx.Now().In(qms.Zone).Year()
		k, err := countCodes(ctx, tx, "nonconformities", fmt.Sprintf("NC-%s-%d-", n.AgencyCode, year))
		if err != nil {
			return err
		}
		if err := s.checkNCSource(ctx, tx, n); err != nil {
			return err
		}
		if ref := n.FindingRef(); ref != "" {
			if err := noOpenNCOfFinding(ctx, tx, n.AgencyCode, ref); err != nil {
				return err
			}
		}
		sent, err := firstSend(ctx, tx, n.AgencyCode, "nc", n.Source, n.SourceRef, n.Description)
		if err != nil {
			return err
		}
		n.Code = fmt.Sprintf("NC-%s-%d-%03d", n.AgencyCode, year, k+1)
		n.Status, n.CreatedBy, n.CreatedAt, n.Actions = qms.NCOpen, tx.Actor().Username, tx.Now(), []qms.CorrectiveAction{}
		if err := tx.QueryRow(ctx, `INSERT INTO nonconformities (agency_code, code, source, source_ref, description, correction, root_cause, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.AgencyCode, n.Code, n.Source, n.SourceRef, n.Description, n.Correction, n.RootCause, n.Status,
			n.CreatedBy, FormatTime(n.CreatedAt)).Scan(&n.ID); err != nil {
			if s.cfg.IsUnique(err) && n.FindingRef() != "" {
				// The index nonconformities_open_finding (migration 0020)
				// holds the rule: name the open one.
				if dup := noOpenNCOfFinding(ctx, tx, n.AgencyCode, n.SourceRef); dup != nil {
					return dup
				}
			}
			return err
		}
		if err := tx.Audit(ctx, n.AgencyCode, "nc.create", "nonconformity", n.Code, nil, n, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "phiếu "+n.Code)
	})
}

// countCodes counts the codes of table that begin with prefix (which ends
// in '-'), by range rather than LIKE, which the two databases do not
// read alike.
func countCodes(ctx context.Context, q Querier, table, prefix string) (int, error) {
	var k int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE code >= ? AND code < ?`, prefix, strings.TrimSuffix(prefix, "-")+".").Scan(&k)
	return k, err
}

// checkNCSource refuses a source_ref that does not name an object of the
// nonconformity's own agency: a finding of the agency, a dossier it
// received, or an audit plan it holds or is audited by. Another agency's
// object is answered as a missing one, so its existence does not leak,
// and a nonconformity never shows on another agency's pages.
func (s *Store) checkNCSource(ctx context.Context, q Querier, n *qms.Nonconformity) error {
	var table, missing string
	switch n.Source {
	case qms.NCFromFinding:
		table, missing = "findings", "Tham chiếu nguồn (source_ref): không có phát hiện kiểm tra tuân thủ #%s của đơn vị %s."
	case qms.NCFromDossier:
		table, missing = "dossiers", "Tham chiếu nguồn (source_ref): không có hồ sơ %s của đơn vị %s."
	case qms.NCFromAudit:
		table, missing = "audit_plans", "Tham chiếu nguồn (source_ref): không có kế hoạch đánh giá nội bộ #%s của đơn vị %s."
	default:
		return nil
	}
	if n.SourceRef == "" {
		return qms.FieldError("source_ref", "Nhập tham chiếu nguồn (source_ref) của nguồn %s.", n.Source)
	}
	found, err := ncSourceExists(ctx, q, table, n.SourceRef, n.AgencyCode)
	if err != nil {
		return fmt.Errorf("check source of nonconformity: %w", err)
	} else if !found {
		return qms.FieldErrorf(qms.ENOTFOUND, "source_ref", missing, n.SourceRef, n.AgencyCode)
	}
	return nil
}

// ncSourceExists reports whether agency has the object ref of table. An
// audit plan is the agency's when it holds it or audits it (a unit of
// its scope, read in Go).
func ncSourceExists(ctx context.Context, q Querier, table, ref, agency string) (bool, error) {
	var one int
	var err error
	switch table {
	case "dossiers":
		err = q.QueryRow(ctx, `SELECT 1 FROM dossiers WHERE code = ? AND agency_code = ?`, ref, agency).Scan(&one)
	case "findings":
		id, perr := strconv.ParseInt(ref, 10, 64)
		if perr != nil {
			return false, nil
		}
		err = q.QueryRow(ctx, `SELECT 1 FROM findings WHERE id = ? AND agency_code = ?`, id, agency).Scan(&one)
	case "audit_plans":
		id, perr := strconv.ParseInt(ref, 10, 64)
		if perr != nil {
			return false, nil
		}
		var holder, scope string
		err = q.QueryRow(ctx, `SELECT agency_code, scope_json FROM audit_plans WHERE id = ?`, id).Scan(&holder, &scope)
		if err == nil && holder != agency {
			var sc struct {
				Units []string `json:"units"`
			}
			if json.Unmarshal([]byte(scope), &sc) != nil || !slices.Contains(sc.Units, agency) {
				return false, nil
			}
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// noOpenNCOfFinding refuses a second open nonconformity for a finding,
// naming the open one.
func noOpenNCOfFinding(ctx context.Context, q Querier, agency, ref string) error {
	var code string
	err := q.QueryRow(ctx, `SELECT code FROM nonconformities WHERE agency_code = ? AND source = 'finding' AND source_ref = ? AND status != 'closed' ORDER BY id LIMIT 1`,
		agency, ref).Scan(&code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return qms.ErrFindingHasOpenNC(ref, code)
}

// OpenNCsOfFindings maps each finding with an open nonconformity to it
// (the oldest, should duplicates from before migration 0020 exist).
func (s *Store) OpenNCsOfFindings(ctx context.Context, findingIDs []int64) (map[int64]*qms.Nonconformity, error) {
	out := map[int64]*qms.Nonconformity{}
	for len(findingIDs) > 0 {
		batch := findingIDs[:min(len(findingIDs), 500)]
		findingIDs = findingIDs[len(batch):]
		ids, refs := make([]any, len(batch)), make([]any, len(batch))
		for i, id := range batch {
			ids[i], refs[i] = id, Itoa(id)
		}
		// Only a nonconformity of the finding's own agency answers for it:
		// another agency's, raised before source_ref was checked, is not
		// shown (nor its code) on the finding's agency's pages. The ref is
		// compared as text: a source_ref that is not a number matches none.
		rows, err := s.read().Query(ctx, `SELECT n.id, n.agency_code, n.code, n.status, n.source_ref FROM nonconformities n
			JOIN findings f ON CAST(f.id AS TEXT) = n.source_ref AND f.agency_code = n.agency_code
			WHERE n.source = 'finding' AND n.status != 'closed' AND f.id IN (`+Placeholders(len(ids))+`) AND n.source_ref IN (`+Placeholders(len(refs))+`)
			ORDER BY n.id DESC`, append(ids, refs...)...)
		if err != nil {
			return nil, fmt.Errorf("open nonconformities of findings: %w", err)
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
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const ncColumns = `id, agency_code, code, source, source_ref, description, correction, root_cause, status, verdict, verified_by, verified_at, closed_at, close_reason, created_by, created_at`

func findNCs(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Nonconformity, error) {
	rows, err := q.Query(ctx, `SELECT `+ncColumns+` FROM nonconformities WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*qms.Nonconformity
	for rows.Next() {
		var n qms.Nonconformity
		var verified, closed *string
		var created string
		if err := rows.Scan(&n.ID, &n.AgencyCode, &n.Code, &n.Source, &n.SourceRef, &n.Description, &n.Correction, &n.RootCause, &n.Status, &n.Verdict,
			&n.VerifiedBy, &verified, &closed, &n.CloseReason, &n.CreatedBy, &created); err != nil {
			rows.Close()
			return nil, err
		}
		n.VerifiedAt, n.ClosedAt, n.CreatedAt = OptTime(verified), OptTime(closed), ParseTime(created)
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

func findActions(ctx context.Context, q Querier, ncID int64) ([]qms.CorrectiveAction, error) {
	rows, err := q.Query(ctx, `SELECT id, description, owner, due_on, done_at, result, done_by FROM corrective_actions WHERE nc_id = ? ORDER BY id`, ncID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.CorrectiveAction{}
	for rows.Next() {
		var a qms.CorrectiveAction
		var due string
		var done *string
		if err := rows.Scan(&a.ID, &a.Description, &a.Owner, &due, &done, &a.Result, &a.DoneBy); err != nil {
			return nil, err
		}
		a.DueOn, a.DoneAt = ParseDate(due), OptTime(done)
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindNC returns ENOTFOUND unless the agency has the nonconformity.
func (s *Store) FindNC(ctx context.Context, agency string, id int64) (*qms.Nonconformity, error) {
	n, err := findNC(ctx, s.read(), agency, id)
	return n, internalf(err, "find nonconformity %d", id)
}

func findNC(ctx context.Context, q Querier, agency string, id int64) (*qms.Nonconformity, error) {
	ns, err := findNCs(ctx, q, `id = ? AND agency_code = ?`, id, agency)
	if err != nil {
		return nil, err
	} else if len(ns) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy sự không phù hợp.")
	}
	return ns[0], nil
}

// FindNCs lists an agency's nonconformities, newest first.
func (s *Store) FindNCs(ctx context.Context, agency string) ([]*qms.Nonconformity, error) {
	ns, err := findNCs(ctx, s.read(), `agency_code = ?`, agency)
	return ns, internalf(err, "find nonconformities of %s", agency)
}

// changeNC loads, changes and saves a nonconformity in one transaction,
// refusing any change once it is closed.
func (s *Store) changeNC(ctx context.Context, agency string, id int64, action string, fn func(tx Tx, n *qms.Nonconformity) error) (*qms.Nonconformity, error) {
	var n *qms.Nonconformity
	err := s.update(ctx, func(tx Tx) error {
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
		if _, err := tx.Exec(ctx, `UPDATE nonconformities SET description = ?, correction = ?, root_cause = ?, status = ?, verdict = ?, verified_by = ?, verified_at = ?, closed_at = ?, close_reason = ? WHERE id = ?`,
			n.Description, n.Correction, n.RootCause, n.Status, n.Verdict, n.VerifiedBy, NullTime(n.VerifiedAt), NullTime(n.ClosedAt), n.CloseReason, n.ID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, agency, "nc."+action, "nonconformity", n.Code, before, n, n.CloseReason); err != nil {
			return err
		}
		return s.sign(ctx, tx, agency, qms.SignedNonconformity, n.ID, n.Code, action)
	})
	return n, err
}

// UpdateNC edits the analysis of a nonconformity not closed.
func (s *Store) UpdateNC(ctx context.Context, agency string, id int64, description, correction, rootCause string) (*qms.Nonconformity, error) {
	return s.changeNC(ctx, agency, id, "update", func(tx Tx, n *qms.Nonconformity) error {
		was := *n
		n.Description, n.Correction, n.RootCause = description, correction, rootCause
		if err := n.Validate(); err != nil {
			return err
		}
		if n.Description != was.Description || n.Correction != was.Correction || n.RootCause != was.RootCause {
			n.Revise()
		}
		return nil
	})
}

// AddAction adds a corrective action to the plan.
func (s *Store) AddAction(ctx context.Context, agency string, id int64, a qms.CorrectiveAction) (*qms.Nonconformity, error) {
	return s.changeNC(ctx, agency, id, "action_add", func(tx Tx, n *qms.Nonconformity) error {
		if err := a.Validate(); err != nil {
			return err
		}
		if err := n.CheckActionDue(a); err != nil {
			return err
		}
		if err := qms.CheckDueWithin("due_on", a.DueOn, tx.Now()); err != nil {
			return err
		}
		if err := checkAssignee(ctx, tx, agency, "owner", a.Owner, qms.ActionOwnerRoles); err != nil {
			return err
		}
		sent, err := firstSend(ctx, tx, agency, "corrective_action", n.ID, a.Description, a.Owner, FormatDate(a.DueOn))
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO corrective_actions (nc_id, description, owner, due_on) VALUES (?, ?, ?, ?) RETURNING id`,
			n.ID, a.Description, a.Owner, FormatDate(a.DueOn)).Scan(&a.ID); err != nil {
			return err
		}
		n.Actions = append(n.Actions, a)
		n.Revise()
		if err := notifyUser(ctx, tx, agency, a.Owner, qms.NewNotice(qms.NoticeCorrectiveAction, n.Code, a.Description, a.DueOn.Format("02/01/2006")),
			fmt.Sprintf("/nonconformities/%d", n.ID)); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "hành động "+qms.QuoteShort(a.Description)+" của phiếu "+n.Code)
	})
}

// CompleteAction marks an action done with its result.
func (s *Store) CompleteAction(ctx context.Context, agency string, id, actionID int64, result string) (*qms.Nonconformity, error) {
	return s.changeNC(ctx, agency, id, "action_done", func(tx Tx, n *qms.Nonconformity) error {
		result = strings.TrimSpace(result)
		if result == "" {
			return qms.FieldError("result", "Ghi kết quả thực hiện hành động.")
		}
		if err := qms.CheckText("result", "Kết quả thực hiện", result, qms.MaxShortText); err != nil {
			return err
		}
		for i := range n.Actions {
			if n.Actions[i].ID == actionID {
				if n.Actions[i].DoneAt != nil {
					return qms.Errorf(qms.EINVALID, "Hành động đã hoàn thành.")
				}
				if err := checkActionDoer(ctx, tx, agency, n.Actions[i].Owner); err != nil {
					return err
				}
				now := tx.Now()
				n.Actions[i].DoneAt, n.Actions[i].Result, n.Actions[i].DoneBy = &now, result, tx.Actor().Username
				_, err := tx.Exec(ctx, `UPDATE corrective_actions SET done_at = ?, result = ?, done_by = ? WHERE id = ?`, FormatTime(now), result, tx.Actor().Username, actionID)
				return err
			}
		}
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hành động khắc phục.")
	})
}

// ChangeNC applies start, verify or close under the domain's gates.
func (s *Store) ChangeNC(ctx context.Context, agency string, id int64, action, verdict string) (*qms.Nonconformity, error) {
	return s.changeNC(ctx, agency, id, action, func(tx Tx, n *qms.Nonconformity) error {
		switch action {
		case "start":
			return n.Start()
		case "verify":
			return n.Verify(verdict, tx.Actor().Username, tx.Now())
		case "close":
			return s.closeNC(ctx, tx, n, "")
		}
		return qms.Errorf(qms.EINVALID, "Thao tác %q không tồn tại.", action)
	})
}

// CloseNC closes a nonconformity; reason is required while its source
// finding is still open.
func (s *Store) CloseNC(ctx context.Context, agency string, id int64, reason string) (*qms.Nonconformity, error) {
	return s.changeNC(ctx, agency, id, "close", func(tx Tx, n *qms.Nonconformity) error {
		return s.closeNC(ctx, tx, n, reason)
	})
}

// closeNC asks the findings table whether the source finding is still
// open: only the compliance scan closes a finding, when its condition has
// cleared.
func (s *Store) closeNC(ctx context.Context, tx Tx, n *qms.Nonconformity, reason string) error {
	findingOpen := false
	if ref := n.FindingRef(); ref != "" {
		var k int
		if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM findings WHERE id = ? AND agency_code = ? AND closed_at IS NULL`, id, n.AgencyCode).Scan(&k); err != nil {
				return err
			}
		}
		findingOpen = k > 0
	}
	return n.CloseWith(tx.Now(), findingOpen, reason)
}
