package sqlstore

import (
	"context"
	"strings"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// DelegateStep records the actor's delegation of a step of an open
// dossier to another user of the agency. The actor must hold the step's
// role or be a leader there (qms.CheckDelegator); the delegate must hold
// some role in the agency. The delegate completes the step once on it.
func (s *Store) DelegateStep(ctx context.Context, agency, code string, del qms.StepDelegation) (*qms.StepDelegation, error) {
	actor, _ := qms.ActorFrom(ctx)
	del.From = strings.ToLower(actor.Username)
	del.To = strings.ToLower(strings.TrimSpace(del.To))
	del.StepID, del.Reason = strings.TrimSpace(del.StepID), strings.TrimSpace(del.Reason)
	if err := qms.CheckText("reason", "Lý do ủy quyền", del.Reason, qms.MaxShortText); err != nil {
		return nil, err
	}
	if err := del.Validate(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx Tx) error {
		d, fc, err := s.loadOpenDossier(ctx, tx, agency, code)
		if err != nil {
			return err
		}
		step, ok := flowchart.FindStep(fc, del.StepID)
		if !ok {
			return qms.FieldError("step_id", "Hồ sơ %s không có bước %q.", d.Code, del.StepID)
		}
		// Only a step waiting now: a delegation of a step done or not yet
		// reached would wait unused, and come alive if the flow looped
		// back to it.
		if !d.Flow.IsOpen(step.ID) {
			return qms.FieldError("step_id", "Bước “%s” của hồ sơ %s không đang chờ xử lý: chỉ ủy quyền được bước đang chờ.", step.Name, d.Code)
		}
		roles, err := RolesIn(ctx, tx, agency, del.From)
		if err != nil {
			return err
		}
		if err := qms.CheckDelegator(step, del.From, roles); err != nil {
			return err
		}
		// Who may not do the step does not choose who does it either: a
		// handler barred from the leader's signature would otherwise hand
		// it to a subordinate (outsider pass 10).
		if err := checkIndependentSigner(ctx, tx, d.ID, step, del.From); err != nil {
			return qms.Errorf(qms.EFORBIDDEN, "%s Người không được thực hiện bước này cũng không ủy quyền bước đó.", qms.Quoted(err))
		}
		if to, err := RolesIn(ctx, tx, agency, del.To); err != nil {
			return err
		} else if len(to) == 0 {
			return qms.FieldError("to", "Tài khoản %q không có vai trò nào trong đơn vị %s: không thể nhận ủy quyền.", del.To, agency)
		}
		// The leader's step goes to someone who has not handled the
		// dossier, a step of another role to someone who has not signed
		// it: refused now rather than when they use it.
		if err := checkIndependentSigner(ctx, tx, d.ID, step, del.To); err != nil {
			return qms.FieldError("to", "%s", qms.ErrorMessage(err))
		}
		// The same hand-over twice is one: a second submit of the form.
		var same int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM step_delegations WHERE agency_code = ? AND dossier = ? AND step_id = ? AND from_user = ? AND to_user = ? AND `+OpenDelegation,
			agency, d.Code, del.StepID, del.From, del.To).Scan(&same); err != nil {
			return err
		} else if same > 0 {
			return qms.Errorf(qms.ECONFLICT, "Bạn đã ủy quyền bước “%s” của hồ sơ %s cho %s; ủy quyền đó chưa được dùng.", step.Name, d.Code, del.To)
		}
		del.DossierCode, del.CreatedAt = d.Code, tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO step_delegations (agency_code, dossier, step_id, from_user, to_user, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, agency, d.Code, del.StepID, del.From, del.To, del.Reason, FormatTime(tx.Now())).Scan(&del.ID); err != nil {
			return err
		}
		if err := notifyUser(ctx, tx, agency, del.To, qms.NewNotice(qms.NoticeStepDelegated, step.Name, d.Code), "/dossiers/"+d.Code); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "dossier.delegate", "dossier", d.Code, nil, del, del.Reason)
	})
	if err != nil {
		return nil, err
	}
	return &del, nil
}

// OpenDelegation is the condition of a delegation not used nor revoked,
// spelled as the partial index step_delegations_open says it (SQLite's
// 0042, PostgreSQL's 0021): SQLite uses that index only for a query that
// says it the same way.
const OpenDelegation = `used_at IS NULL AND revoked = FALSE`

// openDelegationSD is OpenDelegation on the table named sd.
var openDelegationSD = "sd." + strings.ReplaceAll(OpenDelegation, " AND ", " AND sd.")

// openDelegation is the latest unused delegation of the step of a
// dossier to user, or nil.
func openDelegation(ctx context.Context, q Querier, agency, code, stepID, user string) (*qms.StepDelegation, error) {
	del := &qms.StepDelegation{DossierCode: code, StepID: stepID, To: user}
	var created string
	found, err := scanOne(q.Query(ctx, `SELECT id, from_user, reason, created_at FROM step_delegations
		WHERE agency_code = ? AND dossier = ? AND step_id = ? AND to_user = ? AND `+OpenDelegation+`
		ORDER BY id DESC LIMIT 1`, agency, code, stepID, user))(&del.ID, &del.From, &del.Reason, &created)
	if err != nil || !found {
		return nil, err
	}
	del.CreatedAt = ParseTime(created)
	return del, nil
}

// OpenDelegations lists the unused delegations of a dossier's steps to
// user, newest first: the dossier page offers the delegate those steps.
func (s *Store) OpenDelegations(ctx context.Context, agency, code, user string) ([]qms.StepDelegation, error) {
	return s.unusedDelegations(ctx, agency, code, "to_user", user)
}

// GivenDelegations lists the unused delegations of a dossier's steps that
// user gave, newest first: the delegation page offers to revoke them.
func (s *Store) GivenDelegations(ctx context.Context, agency, code, user string) ([]qms.StepDelegation, error) {
	return s.unusedDelegations(ctx, agency, code, "from_user", strings.ToLower(user))
}

// unusedDelegations lists the unused delegations of a dossier whose
// column party (to_user or from_user, never from input) is user.
func (s *Store) unusedDelegations(ctx context.Context, agency, code, party, user string) ([]qms.StepDelegation, error) {
	rows, err := s.read().Query(ctx, `SELECT id, step_id, from_user, to_user, reason, created_at FROM step_delegations
		WHERE agency_code = ? AND dossier = ? AND `+party+` = ? AND `+OpenDelegation+` ORDER BY id DESC`, agency, code, user)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.StepDelegation
	for rows.Next() {
		del := qms.StepDelegation{DossierCode: code}
		var created string
		if err := rows.Scan(&del.ID, &del.StepID, &del.From, &del.To, &del.Reason, &created); err != nil {
			return nil, err
		}
		del.CreatedAt = ParseTime(created)
		out = append(out, del)
	}
	return out, rows.Err()
}

// RevokeDelegation withdraws an unused delegation of a step of an open
// dossier (thu hồi ủy quyền): the one who gave it, or a leader of the
// agency, may, as a leader may give one for any step. The delegate is
// told, and no longer sees the step (unless a role of theirs offers it).
func (s *Store) RevokeDelegation(ctx context.Context, agency, code string, id int64) (*qms.StepDelegation, error) {
	del := &qms.StepDelegation{ID: id}
	err := s.update(ctx, func(tx Tx) error {
		d, fc, err := s.loadOpenDossier(ctx, tx, agency, code)
		if err != nil {
			return err
		}
		var created string
		found, err := scanOne(tx.Query(ctx, `SELECT step_id, from_user, to_user, reason, created_at FROM step_delegations
			WHERE agency_code = ? AND dossier = ? AND id = ? AND `+OpenDelegation, agency, d.Code, id))(&del.StepID, &del.From, &del.To, &del.Reason, &created)
		if err != nil {
			return err
		} else if !found {
			return qms.Errorf(qms.ENOTFOUND, "Hồ sơ %s không có ủy quyền số %d đang chờ dùng (đã dùng, đã thu hồi hoặc đã hết khi bước được hoàn thành).", d.Code, id)
		}
		del.DossierCode, del.CreatedAt = d.Code, ParseTime(created)
		user, roles, err := actorRoles(ctx, tx, agency)
		if err != nil {
			return err
		}
		if err := qms.CheckRevoker(*del, user, roles); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE step_delegations SET revoked = TRUE WHERE id = ?`, id); err != nil {
			return err
		}
		name := del.StepID
		if st, ok := flowchart.FindStep(fc, del.StepID); ok {
			name = st.Name
		}
		if err := notifyUser(ctx, tx, agency, del.To, qms.NewNotice(qms.NoticeDelegationRevoked, name, d.Code), "/dossiers/"+d.Code); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "dossier.delegation_revoke", "dossier", d.Code, del, nil, "")
	})
	if err != nil {
		return nil, err
	}
	return del, nil
}

// stepDelegation applies the rule of a completion by someone other than
// the step's role (qms.CheckStepActor): it needs a recorded, unused
// delegation of the step to the actor, whose delegator and reason the
// completion then carries. A delegator named in the request must be that
// delegation's. It returns nil, nil when the actor completes on their
// own role.
func stepDelegation(ctx context.Context, q Querier, agency string, d *qms.Dossier, fc flowchart.Flowchart, actor string, in *qms.CompleteStep) (*qms.StepDelegation, error) {
	step, ok := flowchart.FindStep(fc, in.StepID)
	if !ok {
		return nil, nil
	}
	roles, err := RolesIn(ctx, q, agency, actor)
	if err != nil {
		return nil, err
	}
	if in.DelegatedBy == "" && qms.MayCompleteStep(step, roles) {
		return nil, nil
	}
	del, err := openDelegation(ctx, q, agency, d.Code, in.StepID, actor)
	if err != nil {
		return nil, err
	}
	switch {
	case del == nil && in.DelegatedBy == "":
		return nil, nil // CheckStepActor refuses, naming the step's role
	case del == nil:
		// One given and then ended while the delegate's page was open
		// (revoked, or lapsed with its step): say so.
		if ended, err := scanOne(q.Query(ctx, `SELECT 1 FROM step_delegations WHERE agency_code = ? AND dossier = ? AND step_id = ? AND to_user = ? AND from_user = ?
			AND used_at IS NULL AND revoked = TRUE`, agency, d.Code, in.StepID, actor, in.DelegatedBy))(new(int)); err != nil {
			return nil, err
		} else if ended {
			return nil, qms.FieldErrorf(qms.EFORBIDDEN, "delegated_by", "Ủy quyền của %s cho bạn ở bước “%s” của hồ sơ %s không còn hiệu lực: đã được thu hồi, hoặc bước đã được xử lý. Tải lại hồ sơ để xem việc còn chờ.", in.DelegatedBy, step.Name, d.Code)
		}
		return nil, qms.FieldErrorf(qms.EFORBIDDEN, "delegated_by", "Không có ủy quyền nào được ghi nhận cho tài khoản %s ở bước \"%s\" của hồ sơ %s: người ủy quyền phải tự ghi nhận ủy quyền trước (Ủy quyền bước này).",
			actor, step.Name, d.Code)
	case in.DelegatedBy != "" && in.DelegatedBy != del.From:
		return nil, qms.FieldErrorf(qms.EFORBIDDEN, "delegated_by", "Ủy quyền bước \"%s\" được ghi nhận là của %s, không phải của %s.", step.Name, del.From, in.DelegatedBy)
	}
	in.DelegatedBy, in.DelegationReason = del.From, del.Reason
	return del, nil
}

// useDelegation marks a delegation used inside the completion's write; one
// used meanwhile by another completion makes the dossier read again.
func useDelegation(ctx context.Context, tx Tx, del *qms.StepDelegation) error {
	if del == nil {
		return nil
	}
	n, err := tx.Exec(ctx, `UPDATE step_delegations SET used_at = ? WHERE id = ? AND `+OpenDelegation, FormatTime(tx.Now()), del.ID)
	if err != nil {
		return err
	} else if n != 1 {
		return errDossierChanged
	}
	return nil
}

// lapseDelegations ends the step's delegations that its completion did
// not use (to someone else, or not used by the one who completed it): a
// delegation is given for one round of the step, and would otherwise
// come alive again when the flow loops back to it. A completion that
// finishes the dossier ends all of the dossier's. They are marked
// revoked, in the completion's write; it returns how many.
func lapseDelegations(ctx context.Context, tx Tx, agency string, d *qms.Dossier, stepID string) (int64, error) {
	if d.Status.Finished() {
		return tx.Exec(ctx, `UPDATE step_delegations SET revoked = TRUE WHERE agency_code = ? AND dossier = ? AND `+OpenDelegation, agency, d.Code)
	}
	return tx.Exec(ctx, `UPDATE step_delegations SET revoked = TRUE WHERE agency_code = ? AND dossier = ? AND step_id = ? AND `+OpenDelegation,
		agency, d.Code, stepID)
}
