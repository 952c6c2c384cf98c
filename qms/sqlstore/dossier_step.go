package sqlstore

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// loadOpenDossier reads a dossier and its pinned flowchart inside a write,
// refusing finished dossiers.
func (s *Store) loadOpenDossier(ctx context.Context, tx Tx, agency, code string) (*qms.Dossier, flowchart.Flowchart, error) {
	d, err := FindDossierOn(ctx, tx, agency, code)
	if err != nil {
		return nil, flowchart.Flowchart{}, err
	}
	if d.Status.Finished() {
		return nil, flowchart.Flowchart{}, qms.Errorf(qms.EINVALID, "Hồ sơ %s đã kết thúc (%s): không thể thay đổi.", d.Code, d.Status)
	}
	fc, err := s.PinnedFlowchartIn(ctx, tx, d.ProcedureID, d.VersionNumber)
	return d, fc, err
}

// CompleteStep records an open step as done by the actor, with its form
// entry and files, and moves the dossier on. Completing the end step
// returns the result: the dossier is classified early, on time or late,
// and a late one needs an apology slip first.
//
// The dossier is read and the step worked out (qms.DossierHistory, the
// same rules the bulk load replays) on the caller's goroutine; the write
// only checks that the dossier is still as read and writes. Every write
// waits for the one before (SQLite's single writer, PostgreSQL's audit
// head), so what it does per step bounds the step completions a second.
// A dossier changed in between (two people on the same dossier, on one
// server or two) is read again and the step redone.
func (s *Store) CompleteStep(ctx context.Context, agency, code string, in qms.CompleteStep) (*qms.Dossier, error) {
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	actor, _ := qms.ActorFrom(ctx)
	in.DelegatedBy, in.DelegationReason = strings.ToLower(strings.TrimSpace(in.DelegatedBy)), strings.TrimSpace(in.DelegationReason)
	if err := qms.CheckTexts(qms.TextField{Field: "note", Label: "Ghi chú", Value: in.Note, Max: qms.MaxShortText},
		qms.TextField{Field: "delegation_reason", Label: "Lý do ủy quyền", Value: in.DelegationReason, Max: qms.MaxShortText}); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		d, err := s.completeStepOnce(ctx, cal, actor, agency, code, in)
		if err != errDossierChanged {
			return d, err
		}
		if attempt == 3 {
			return nil, qms.Errorf(qms.ECONFLICT, "Hồ sơ %s đang được người khác cập nhật: tải lại trang và thử lại.", code)
		}
	}
}

func (s *Store) completeStepOnce(ctx context.Context, cal qms.WorkingClock, actor qms.Actor, agency, code string, in qms.CompleteStep) (*qms.Dossier, error) {
	q := s.read()
	d, err := FindDossierOn(ctx, q, agency, code)
	if err != nil {
		return nil, err
	}
	fc, err := s.PinnedFlowchartIn(ctx, q, d.ProcedureID, d.VersionNumber)
	if err != nil {
		return nil, err
	}
	read := dossierState(d)
	// A delegation is looked up before the step is worked out, so that
	// the record carries its delegator; its refusal waits until the step
	// is known to be open.
	del, delErr := stepDelegation(ctx, q, agency, d, fc, actor.Username, &in)
	h := &qms.DossierHistory{Dossier: *d}
	// The store's clock orders its own writes; a history's check that its
	// actions come in time order is for replays, and a dossier received
	// with an earlier date (an import) would trip it.
	h.Dossier.UpdatedAt = time.Time{}
	// Who may complete it is asked once the step is known to be open (a
	// closed step or a paused dossier says so whoever asks), and before
	// its form: someone who may not do the step is not first asked to
	// fill the form in.
	if err := h.CheckStepOpen(fc, in.StepID); err != nil {
		return nil, err
	}
	if delErr != nil {
		return nil, delErr
	}
	if err := checkStepActor(ctx, q, agency, d.ID, fc, actor.Username, in); err != nil {
		return nil, err
	}
	if err := h.Complete(fc, cal, in, s.cfg.Now(), actor.Username); err != nil {
		return nil, err
	}
	rec := &h.Steps[0]
	rec.DossierID = d.ID
	d = &h.Dossier
	err = s.update(ctx, func(tx Tx) error {
		if rec.FormCode != "" {
			// A procedure brought by a merge names its forms by the
			// codes they had in its old agency.
			code, err := MergedFormCode(ctx, tx, agency, d.ProcedureID, rec.FormCode)
			if err != nil {
				return err
			}
			rec.FormCode = code
			// A record is made only on the version in force right now.
			_, number, err := EffectiveFormRef(ctx, tx, agency, rec.FormCode)
			if err != nil {
				return err
			}
			if rec.FormVersion != number {
				return qms.FieldError("form_version", "Biểu mẫu %s đang có hiệu lực là phiên bản %d, không phải phiên bản %d: tải lại biểu mẫu và nhập lại.", rec.FormCode, number, rec.FormVersion)
			}
		}
		if _, err := openStepDues(d, fc, cal); err != nil {
			return err
		}
		if err := saveDossierIf(ctx, tx, d, read); err != nil {
			return err
		}
		if err := useDelegation(ctx, tx, del); err != nil {
			return err
		}
		lapsed, err := lapseDelegations(ctx, tx, agency, d, rec.StepID)
		if err != nil {
			return err
		}
		if err := insertStepRecord(ctx, tx, d.AgencyCode, rec, false); err != nil {
			return err
		}
		if err := syncOpenSteps(ctx, tx, d, fc, cal); err != nil {
			return err
		}
		action := "dossier.step"
		if d.Status == qms.DossierCompleted {
			action = "dossier.complete"
		}
		var why string
		if rec.DelegatedBy != "" {
			why = "ủy quyền của " + rec.DelegatedBy + ": " + rec.DelegationReason
		}
		after := map[string]any{"step": rec, "flow": d.Flow, "status": d.Status, "result": d.Result}
		if lapsed > 0 {
			after["lapsed_delegations"] = lapsed
		}
		if err := tx.Audit(ctx, agency, action, "dossier", d.Code, read.flow, after, why); err != nil {
			return err
		}
		if step, _ := flowchart.FindStep(fc, in.StepID); qms.StepSigns(qms.StepRole(step)) {
			return s.sign(ctx, tx, agency, qms.SignedDossierStep, rec.ID, Itoa(rec.ID), "step")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// checkStepActor asks whether actor may complete the step in.StepID of
// a dossier of agency on the flowchart fc (qms.CheckStepActor): the
// roles the actor, and the user named in in.DelegatedBy, hold there; and
// the steps the actor handled on the dossier (qms.CheckIndependentSigner).
// It reads the memberships before the write, as the policy check of the
// request did: a role taken away meanwhile counts from the next step.
func checkStepActor(ctx context.Context, q Querier, agency string, dossierID int64, fc flowchart.Flowchart, actor string, in qms.CompleteStep) error {
	step, _ := flowchart.FindStep(fc, in.StepID)
	roles, err := RolesIn(ctx, q, agency, actor)
	if err != nil {
		return err
	}
	var delegator []qms.Role
	if in.DelegatedBy != "" {
		if delegator, err = RolesIn(ctx, q, agency, in.DelegatedBy); err != nil {
			return err
		}
	}
	if err := qms.CheckStepActor(step, actor, roles, in, delegator); err != nil {
		return err
	}
	return checkIndependentSigner(ctx, q, dossierID, step, actor)
}

// checkIndependentSigner reads the steps user completed on the dossier
// (qms.CheckIndependentSigner): a few rows through dossier_steps_dossier.
func checkIndependentSigner(ctx context.Context, q Querier, dossierID int64, step flowchart.Step, user string) error {
	rows, err := q.Query(ctx, `SELECT step_name, responsible FROM dossier_steps WHERE dossier_id = ? AND actor = ? ORDER BY id`, dossierID, user)
	if err != nil {
		return err
	}
	defer rows.Close()
	var handled []qms.HandledStep
	for rows.Next() {
		var h qms.HandledStep
		if err := rows.Scan(&h.Name, &h.Responsible); err != nil {
			return err
		}
		handled = append(handled, h)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return qms.CheckIndependentSigner(step, user, handled)
}

// RolesIn lists the roles an enabled user holds in agency.
func RolesIn(ctx context.Context, q Querier, agency, username string) ([]qms.Role, error) {
	rows, err := q.Query(ctx, `SELECT m.role FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.username = ? AND m.agency_code = ? AND u.disabled = FALSE`, username, agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Role
	for rows.Next() {
		var r qms.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PauseDossier stops the agency's clock while the applicant supplements.
func (s *Store) PauseDossier(ctx context.Context, agency, code, reason string) (*qms.Dossier, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, qms.FieldError("reason", "Nhập nội dung yêu cầu bổ sung hồ sơ.")
	}
	if err := qms.CheckText("reason", "Lý do", reason, qms.MaxShortText); err != nil {
		return nil, err
	}
	var d *qms.Dossier
	err := s.update(ctx, func(tx Tx) (err error) {
		if d, _, err = s.loadOpenDossier(ctx, tx, agency, code); err != nil {
			return err
		}
		if d.Status == qms.DossierPaused {
			return qms.Errorf(qms.EINVALID, "Hồ sơ %s đang tạm dừng.", d.Code)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO dossier_pauses (dossier_id, started_at, reason) VALUES (?, ?, ?)`, d.ID, FormatTime(tx.Now()), reason); err != nil {
			return err
		}
		before := d.Status
		d.Status = qms.DossierPaused
		d.Flow.PausedAt = tx.Now().UTC()
		if err := saveDossier(ctx, tx, d); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "dossier.pause", "dossier", d.Code, map[string]any{"status": before}, map[string]any{"status": d.Status}, reason)
	})
	return d, err
}

// ResumeDossier restarts the clock after a pause: by default the due time
// moves by the working time spent paused; in "restart" mode the full
// legal time limit counts again from now. Open steps move the same way.
func (s *Store) ResumeDossier(ctx context.Context, agency, code string) (*qms.Dossier, error) {
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	var d *qms.Dossier
	err = s.update(ctx, func(tx Tx) error {
		var fc flowchart.Flowchart
		if d, fc, err = s.loadOpenDossier(ctx, tx, agency, code); err != nil {
			return err
		}
		if d.Status != qms.DossierPaused {
			return qms.Errorf(qms.EINVALID, "Hồ sơ %s không ở trạng thái tạm dừng.", d.Code)
		}
		var pauseID int64
		var started string
		if err := tx.QueryRow(ctx, `SELECT id, started_at FROM dossier_pauses WHERE dossier_id = ? AND ended_at IS NULL`, d.ID).Scan(&pauseID, &started); err != nil {
			return err
		}
		// The flow's start of the pause is the one the trail vouches for;
		// the row's is used only for a pause begun before the flow kept it.
		start := ParseTime(started)
		after := map[string]any{}
		if !d.Flow.PausedAt.IsZero() {
			if !start.Equal(d.Flow.PausedAt) {
				// The row was changed outside the application: the
				// history keeps the flow's start, and the entry says
				// what the row told (outsider pass 22: closed, the
				// forged start was shown and compared no more).
				after["pause_started_at_found"] = started
			}
			start = d.Flow.PausedAt
		}
		d.Flow.PausedAt = time.Time{}
		now := tx.Now()
		paused := cal.WorkingDuration(start, now)
		mode, err := ClockMode(ctx, tx, agency)
		if err != nil {
			return err
		}
		beforeDue := d.DueAt
		if mode == qms.ClockRestart {
			var days int
			if err := tx.QueryRow(ctx, `SELECT time_limit_days FROM tthc WHERE agency_code = ? AND code = ?`, agency, d.TTHCCode).Scan(&days); err != nil {
				return err
			}
			d.DueAt, err = cal.Due(now, days)
		} else {
			d.DueAt, err = cal.AddWorkingHours(d.DueAt, paused)
		}
		if err != nil {
			return err
		}
		d.DueAt = d.DueAt.UTC()
		for i := range d.Flow.Open {
			d.Flow.Open[i].OpenedAt = d.Flow.Open[i].OpenedAt.Add(now.Sub(start))
		}
		if _, err := tx.Exec(ctx, `UPDATE dossier_pauses SET started_at = ?, ended_at = ? WHERE id = ?`, FormatTime(start), FormatTime(now), pauseID); err != nil {
			return err
		}
		d.Status = qms.DossierInProgress
		if _, err := openStepDues(d, fc, cal); err != nil {
			return err
		}
		if err := saveDossier(ctx, tx, d); err != nil {
			return err
		}
		if err := syncOpenSteps(ctx, tx, d, fc, cal); err != nil {
			return err
		}
		after["due_at"], after["clock_mode"], after["paused_working"] = d.DueAt, mode, paused.String()
		return tx.Audit(ctx, agency, "dossier.resume", "dossier", d.Code, map[string]any{"due_at": beforeDue}, after, "")
	})
	return d, err
}

// Apologize records the apology slip (phiếu xin lỗi và hẹn lại ngày trả
// kết quả) with the new appointment, required before a late return. The
// slip is made on a working day for a dossier that is or will be late
// (qms.CheckApology); its reason is kept in the audit entry, which the
// printed slip reads.
func (s *Store) Apologize(ctx context.Context, agency, code string, newAppointment time.Time, reason string) (*qms.Dossier, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, qms.FieldError("reason", "Nhập lý do chậm trả kết quả.")
	}
	if err := qms.CheckText("reason", "Lý do", reason, qms.MaxShortText); err != nil {
		return nil, err
	}
	cal, err := s.Calendar(ctx, agency)
	if err != nil {
		return nil, err
	}
	var d *qms.Dossier
	err = s.update(ctx, func(tx Tx) (err error) {
		var fc flowchart.Flowchart
		if d, fc, err = s.loadOpenDossier(ctx, tx, agency, code); err != nil {
			return err
		}
		if err := qms.CheckApology(d, fc, cal, newAppointment, tx.Now()); err != nil {
			return err
		}
		before := d.NewAppointment
		t := newAppointment.UTC()
		d.NewAppointment = &t
		if err := saveDossier(ctx, tx, d); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "dossier.apology", "dossier", d.Code, map[string]any{"new_appointment": before}, map[string]any{"new_appointment": t}, reason)
	})
	return d, err
}

// DossierProgress reads a dossier of agency, its step records and its
// pauses in one read transaction: one snapshot, and one connection taken
// from the pool instead of three (at 64 clients each wait for a
// connection is a handoff between goroutines).
func (s *Store) DossierProgress(ctx context.Context, agency, code string) (*qms.DossierProgress, error) {
	var p qms.DossierProgress
	err := s.view(ctx, true, func(q Querier) (err error) {
		if p.Dossier, err = FindDossierOn(ctx, q, agency, code); err != nil {
			return err
		}
		if p.Steps, err = stepRecords(ctx, q, p.Dossier.ID); err != nil {
			return err
		}
		p.Pauses, err = pauses(ctx, q, p.Dossier.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// StepRecords returns the step log of a dossier in order.
func (s *Store) StepRecords(ctx context.Context, dossierID int64) ([]*qms.StepRecord, error) {
	return stepRecords(ctx, s.read(), dossierID)
}

func stepRecords(ctx context.Context, q Querier, dossierID int64) ([]*qms.StepRecord, error) {
	rows, err := q.Query(ctx, `SELECT id, dossier_id, step_id, step_name, responsible, opened_at, due_at, completed_at, actor, exit, form_code, form_version,
		entry_json, files_json, note, result, delegated_by, delegation_reason, actor_name, delegated_by_name FROM dossier_steps WHERE dossier_id = ? ORDER BY id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.StepRecord
	for rows.Next() {
		var r qms.StepRecord
		var opened, due, done string
		var entry, files *string
		if err := rows.Scan(&r.ID, &r.DossierID, &r.StepID, &r.StepName, &r.Responsible, &opened, &due, &done, &r.Actor, &r.Exit, &r.FormCode, &r.FormVersion, &entry, &files, &r.Note, &r.Result,
			&r.DelegatedBy, &r.DelegationReason, &r.ActorName, &r.DelegatedByName); err != nil {
			return nil, err
		}
		r.OpenedAt, r.DueAt, r.CompletedAt = ParseTime(opened), ParseTime(due), ParseTime(done)
		if entry != nil {
			json.Unmarshal([]byte(*entry), &r.Entry)
		}
		if files != nil {
			json.Unmarshal([]byte(*files), &r.Files)
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// Pauses returns the pauses of a dossier in order.
func (s *Store) Pauses(ctx context.Context, dossierID int64) ([]qms.Pause, error) {
	return pauses(ctx, s.read(), dossierID)
}

func pauses(ctx context.Context, q Querier, dossierID int64) ([]qms.Pause, error) {
	rows, err := q.Query(ctx, `SELECT started_at, ended_at, reason FROM dossier_pauses WHERE dossier_id = ? ORDER BY id`, dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.Pause{}
	for rows.Next() {
		var p qms.Pause
		var started string
		var ended *string
		if err := rows.Scan(&started, &ended, &p.Reason); err != nil {
			return nil, err
		}
		p.StartedAt, p.EndedAt = ParseTime(started), OptTime(ended)
		out = append(out, p)
	}
	return out, rows.Err()
}
