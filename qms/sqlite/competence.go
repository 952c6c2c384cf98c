package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// Competence (ISO 9001:2015 7.2): the catalogue, who needs what, and
// each person's records. Every write is audited; records are revoked,
// never deleted (a trigger refuses DELETE).

// CreateCompetence adds an entry to an agency's catalogue.
func (db *DB) CreateCompetence(ctx context.Context, c *qms.Competence) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx, c.AgencyCode); err != nil {
			return err
		}
		c.CreatedBy, c.CreatedAt = tx.actor.Username, tx.now
		err := tx.QueryRowContext(ctx, `INSERT INTO competences (agency_code, code, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			c.AgencyCode, c.Code, c.Name, c.Description, c.CreatedBy, formatTime(c.CreatedAt)).Scan(&c.ID)
		if isUnique(err) {
			return &qms.Error{Code: qms.ECONFLICT, Field: "code", Message: fmt.Sprintf("Đơn vị đã có năng lực mã %q.", c.Code)}
		} else if err != nil {
			return fmt.Errorf("create competence %s: %w", c.Code, err)
		}
		return tx.audit(ctx, c.AgencyCode, "competence.create", "competence", itoa(c.ID), nil, c, "")
	})
}

// FindCompetences lists an agency's catalogue by code.
func (db *DB) FindCompetences(ctx context.Context, agency string) ([]*qms.Competence, error) {
	return findCompetences(ctx, db.read, `agency_code = ?`, agency)
}

func findCompetences(ctx context.Context, q querier, where string, args ...any) ([]*qms.Competence, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, agency_code, code, name, description, merged_from, created_by, created_at FROM competences WHERE `+where+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Competence
	for rows.Next() {
		var c qms.Competence
		var created string
		if err := rows.Scan(&c.ID, &c.AgencyCode, &c.Code, &c.Name, &c.Description, &c.MergedFrom, &c.CreatedBy, &created); err != nil {
			return nil, err
		}
		c.CreatedAt = parseTime(created)
		out = append(out, &c)
	}
	return out, rows.Err()
}

func findCompetence(ctx context.Context, q querier, agency string, id int64) (*qms.Competence, error) {
	cs, err := findCompetences(ctx, q, `agency_code = ? AND id = ?`, agency, id)
	if err != nil {
		return nil, err
	} else if len(cs) == 0 {
		return nil, &qms.Error{Code: qms.ENOTFOUND, Field: "competence_id", Message: "Không tìm thấy năng lực trong danh mục của đơn vị."}
	}
	return cs[0], nil
}

// AddRequirement records that a role, or a step of a procedure, needs a
// competence. A step must exist in some version of the procedure (a
// requirement may be set on a step of a draft before it takes effect).
func (db *DB) AddRequirement(ctx context.Context, r *qms.CompetenceRequirement) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findCompetence(ctx, tx, r.AgencyCode, r.CompetenceID); err != nil {
			return err
		}
		var procedureID any
		if r.StepID != "" {
			if _, err := findProcedure(ctx, tx, r.AgencyCode, r.ProcedureID); err != nil {
				return err
			}
			if _, ok, err := procedureStep(ctx, tx, r.ProcedureID, r.StepID); err != nil {
				return err
			} else if !ok {
				return qms.FieldError("step_id", "Quy trình không có bước %q.", r.StepID)
			}
			procedureID = r.ProcedureID
		}
		r.Withdrawn, r.CreatedBy, r.CreatedAt = false, tx.actor.Username, tx.now
		if err := tx.QueryRowContext(ctx, `INSERT INTO competence_requirements (agency_code, competence_id, role, procedure_id, step_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.AgencyCode, r.CompetenceID, string(r.Role), procedureID, r.StepID, r.CreatedBy, formatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("add competence requirement: %w", err)
		}
		return tx.audit(ctx, r.AgencyCode, "competence.require", "competence_requirement", itoa(r.ID), nil, r, "")
	})
}

// procedureStep finds a step in the newest version of a procedure that has it.
func procedureStep(ctx context.Context, q querier, procedureID int64, stepID string) (flowchart.Step, bool, error) {
	vs, err := findVersions(ctx, q, procedureID, nil)
	if err != nil {
		return flowchart.Step{}, false, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if st, ok := flowchart.FindStep(vs[i].Flowchart, stepID); ok {
			return st, true, nil
		}
	}
	return flowchart.Step{}, false, nil
}

// WithdrawRequirement takes a requirement out of force, keeping it.
func (db *DB) WithdrawRequirement(ctx context.Context, agency string, id int64, reason string) (*qms.CompetenceRequirement, error) {
	var r *qms.CompetenceRequirement
	err := db.update(ctx, func(tx *Tx) error {
		rs, err := findRequirements(ctx, tx, `agency_code = ? AND id = ?`, agency, id)
		if err != nil {
			return err
		} else if len(rs) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy yêu cầu năng lực.")
		}
		r = rs[0]
		before := *r
		reason = strings.TrimSpace(reason)
		switch {
		case r.Withdrawn:
			return qms.Errorf(qms.EINVALID, "Yêu cầu năng lực đã được bãi bỏ trước đó.")
		case reason == "":
			return qms.FieldError("reason", "Nhập lý do bãi bỏ yêu cầu năng lực.")
		}
		if err := qms.CheckText("reason", "Lý do bãi bỏ", reason, qms.MaxShortText); err != nil {
			return err
		}
		r.Withdrawn, r.WithdrawnReason, r.WithdrawnBy, r.WithdrawnAt = true, reason, tx.actor.Username, &tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE competence_requirements SET withdrawn = 1, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ?`,
			reason, r.WithdrawnBy, formatTime(tx.now), r.ID); err != nil {
			return err
		}
		return tx.audit(ctx, agency, "competence.requirement.withdraw", "competence_requirement", itoa(r.ID), before, r, reason)
	})
	return r, err
}

func findRequirements(ctx context.Context, q querier, where string, args ...any) ([]*qms.CompetenceRequirement, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, agency_code, competence_id, role, COALESCE(procedure_id, 0), step_id, withdrawn, withdrawn_reason, withdrawn_by, withdrawn_at, created_by, created_at
		FROM competence_requirements WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.CompetenceRequirement
	for rows.Next() {
		var r qms.CompetenceRequirement
		var withdrawnAt sql.NullString
		var created string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.CompetenceID, &r.Role, &r.ProcedureID, &r.StepID, &r.Withdrawn, &r.WithdrawnReason, &r.WithdrawnBy, &withdrawnAt, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.WithdrawnAt, r.CreatedAt = scanNullTime(withdrawnAt), parseTime(created)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// appliedRequirements resolves the agency's requirements (withdrawn
// ones included, for the page) to the role each falls on today: a step
// requirement falls on the role its step names in the procedure's
// version in force, and on no one while no version in force has it.
func appliedRequirements(ctx context.Context, q querier, agency string) ([]*qms.AppliedRequirement, error) {
	reqs, err := findRequirements(ctx, q, `agency_code = ?`, agency)
	if err != nil || len(reqs) == 0 {
		return nil, err
	}
	steps := map[string]qms.StepRef{} // "procedure id/step id"
	refs, err := competenceSteps(ctx, q, agency)
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		steps[fmt.Sprintf("%d/%s", r.ProcedureID, r.StepID)] = r
	}
	out := make([]*qms.AppliedRequirement, 0, len(reqs))
	for _, r := range reqs {
		a := &qms.AppliedRequirement{CompetenceRequirement: r}
		if r.StepID == "" {
			a.AppliesTo, a.Why = r.Role, "Vai trò "+qms.RoleTitle(r.Role)
		} else if s, ok := steps[fmt.Sprintf("%d/%s", r.ProcedureID, r.StepID)]; ok {
			a.AppliesTo, a.ProcedureCode, a.StepName = s.Role, s.ProcedureCode, s.StepName
			a.Why = fmt.Sprintf("Bước “%s” – quy trình %s", s.StepName, s.ProcedureCode)
		} else {
			_ = q.QueryRowContext(ctx, `SELECT code FROM procedures WHERE id = ?`, r.ProcedureID).Scan(&a.ProcedureCode)
			a.Why = fmt.Sprintf("Bước %s – quy trình %s (chưa có trong phiên bản có hiệu lực)", r.StepID, a.ProcedureCode)
		}
		out = append(out, a)
	}
	return out, nil
}

// CompetenceSteps lists the work steps of the agency's versions in force.
func (db *DB) CompetenceSteps(ctx context.Context, agency string) ([]qms.StepRef, error) {
	return competenceSteps(ctx, db.read, agency)
}

func competenceSteps(ctx context.Context, q querier, agency string) ([]qms.StepRef, error) {
	var out []qms.StepRef
	seen := map[string]bool{}
	err := inForceVersions(ctx, q, []string{agency}, func(_ string, p *qms.Procedure, v *qms.ProcedureVersion) error {
		for _, st := range v.Flowchart.Steps {
			key := fmt.Sprintf("%d/%s", p.ID, st.ID)
			if seen[key] || st.Kind == flowchart.KindEnd && st.Responsible == "" {
				continue
			}
			seen[key] = true
			out = append(out, qms.StepRef{ProcedureID: p.ID, ProcedureCode: p.Code, StepID: st.ID, StepName: st.Name, Role: qms.StepRole(st)})
		}
		return nil
	})
	return out, err
}

// competenceMembers lists the enabled people of agency with their roles there.
func competenceMembers(ctx context.Context, q querier, agency string) ([]qms.Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.username, u.full_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.agency_code = ? AND u.disabled = 0 ORDER BY u.username, m.role`, agency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Member
	for rows.Next() {
		var p qms.Person
		var role qms.Role
		if err := rows.Scan(&p.Username, &p.FullName, &role); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].Username == p.Username {
			out[n-1].Roles = append(out[n-1].Roles, role)
		} else {
			out = append(out, qms.Member{Person: p, Roles: []qms.Role{role}})
		}
	}
	return out, rows.Err()
}

// AddCompetenceRecord records a person's training or qualification. The
// evidence file, when given, must already be stored (PutFile).
func (db *DB) AddCompetenceRecord(ctx context.Context, r *qms.CompetenceRecord) error {
	if err := r.Validate(qms.CivilDate(db.now())); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if _, err := findCompetence(ctx, tx, r.AgencyCode, r.CompetenceID); err != nil {
			return err
		}
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT u.id FROM users u WHERE u.username = ? AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.agency_code = ?)`,
			r.Username, r.AgencyCode).Scan(&userID)
		if err == sql.ErrNoRows {
			return qms.FieldError("username", "Tài khoản %q không thuộc đơn vị %s.", r.Username, r.AgencyCode)
		} else if err != nil {
			return err
		}
		var sha any
		ev := qms.FileRef{}
		if r.Evidence != nil {
			ev, sha = *r.Evidence, r.Evidence.SHA256
		}
		r.Revoked, r.CreatedBy, r.CreatedAt = false, tx.actor.Username, tx.now
		var expires any
		if r.ExpiresOn != nil {
			expires = formatDate(*r.ExpiresOn)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO competence_records (agency_code, user_id, competence_id, course, certificate_no, issuer, obtained_on, expires_on,
			evidence_sha256, evidence_name, evidence_type, evidence_size, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.AgencyCode, userID, r.CompetenceID, r.Course, r.CertificateNo, r.Issuer, formatDate(r.ObtainedOn), expires,
			sha, ev.Name, ev.ContentType, ev.Size, r.CreatedBy, formatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("add competence record: %w", err)
		}
		return tx.audit(ctx, r.AgencyCode, "competence.record.add", "competence_record", itoa(r.ID), nil, r, "")
	})
}

// RevokeCompetenceRecord takes a record out of force with the reason; the
// record stays, shown as revoked.
func (db *DB) RevokeCompetenceRecord(ctx context.Context, agency string, id int64, reason string) (*qms.CompetenceRecord, error) {
	var r *qms.CompetenceRecord
	err := db.update(ctx, func(tx *Tx) error {
		rs, err := findCompetenceRecords(ctx, tx, qms.CompetenceRecordFilter{AgencyCode: agency, ID: &id, IncludeRevoked: true})
		if err != nil {
			return err
		} else if len(rs) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hồ sơ năng lực.")
		}
		r = rs[0]
		before := *r
		if err := r.Revoke(reason, tx.actor.Username, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE competence_records SET revoked = 1, revoked_reason = ?, revoked_by = ?, revoked_at = ? WHERE id = ?`,
			r.RevokedReason, r.RevokedBy, formatTime(tx.now), r.ID); err != nil {
			return err
		}
		return tx.audit(ctx, agency, "competence.record.revoke", "competence_record", itoa(r.ID), before, r, r.RevokedReason)
	})
	return r, err
}

// FindCompetenceRecords lists records, the newest first.
func (db *DB) FindCompetenceRecords(ctx context.Context, f qms.CompetenceRecordFilter) ([]*qms.CompetenceRecord, error) {
	return findCompetenceRecords(ctx, db.read, f)
}

func findCompetenceRecords(ctx context.Context, q querier, f qms.CompetenceRecordFilter) ([]*qms.CompetenceRecord, error) {
	where, args := []string{"r.agency_code = ?"}, []any{f.AgencyCode}
	if f.ID != nil {
		where, args = append(where, "r.id = ?"), append(args, *f.ID)
	}
	if f.Username != nil {
		where, args = append(where, "u.username = ?"), append(args, *f.Username)
	}
	if !f.IncludeRevoked {
		where = append(where, "r.revoked = 0")
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.agency_code, u.username, r.competence_id, r.course, r.certificate_no, r.issuer, r.obtained_on, r.expires_on,
		r.evidence_sha256, r.evidence_name, r.evidence_type, r.evidence_size, r.revoked, r.revoked_reason, r.revoked_by, r.revoked_at, r.created_by, r.created_at
		FROM competence_records r JOIN users u ON u.id = r.user_id WHERE `+strings.Join(where, " AND ")+` ORDER BY r.obtained_on DESC, r.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.CompetenceRecord
	for rows.Next() {
		var r qms.CompetenceRecord
		var obtained, created string
		var expires, sha, revokedAt sql.NullString
		var ev qms.FileRef
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Username, &r.CompetenceID, &r.Course, &r.CertificateNo, &r.Issuer, &obtained, &expires,
			&sha, &ev.Name, &ev.ContentType, &ev.Size, &r.Revoked, &r.RevokedReason, &r.RevokedBy, &revokedAt, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.ObtainedOn, r.RevokedAt, r.CreatedAt = parseDate(obtained), scanNullTime(revokedAt), parseTime(created)
		if expires.Valid {
			t := parseDate(expires.String)
			r.ExpiresOn = &t
		}
		if sha.Valid {
			ev.SHA256 = sha.String
			r.Evidence = &ev
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// CompetenceMatrix judges the agency's people against its catalogue today.
func (db *DB) CompetenceMatrix(ctx context.Context, agency string) (*qms.CompetenceMatrix, error) {
	return competenceMatrix(ctx, db.read, agency, qms.CivilDate(db.now()))
}

func competenceMatrix(ctx context.Context, q querier, agency string, today time.Time) (*qms.CompetenceMatrix, error) {
	comps, err := findCompetences(ctx, q, `agency_code = ?`, agency)
	if err != nil {
		return nil, fmt.Errorf("competence matrix %s: %w", agency, err)
	}
	reqs, err := appliedRequirements(ctx, q, agency)
	if err != nil {
		return nil, fmt.Errorf("competence matrix %s: %w", agency, err)
	}
	members, err := competenceMembers(ctx, q, agency)
	if err != nil {
		return nil, fmt.Errorf("competence matrix %s: %w", agency, err)
	}
	records, err := findCompetenceRecords(ctx, q, qms.CompetenceRecordFilter{AgencyCode: agency})
	if err != nil {
		return nil, fmt.Errorf("competence matrix %s: %w", agency, err)
	}
	return qms.BuildCompetenceMatrix(agency, today, comps, reqs, members, records), nil
}

// StepCompetenceGaps lists what username lacks of the competences that
// completing step of procedureID requires: those set on the step itself
// and those set on the role it names.
func (db *DB) StepCompetenceGaps(ctx context.Context, agency, username string, procedureID int64, step flowchart.Step) ([]qms.CompetenceGap, error) {
	// Only the requirements naming this step or its role matter: no need
	// to resolve every step requirement through the versions in force.
	reqs, err := findRequirements(ctx, db.read, `agency_code = ? AND withdrawn = 0`, agency)
	if err != nil || len(reqs) == 0 {
		return nil, err
	}
	why := map[int64][]string{}
	for _, r := range reqs {
		if !r.StepRequires(procedureID, step) {
			continue
		}
		if r.StepID != "" {
			why[r.CompetenceID] = append(why[r.CompetenceID], fmt.Sprintf("Bước “%s”", step.Name))
		} else {
			why[r.CompetenceID] = append(why[r.CompetenceID], "Vai trò "+qms.RoleTitle(r.Role))
		}
	}
	if len(why) == 0 {
		return nil, nil
	}
	comps, err := findCompetences(ctx, db.read, `agency_code = ?`, agency)
	if err != nil {
		return nil, err
	}
	records, err := findCompetenceRecords(ctx, db.read, qms.CompetenceRecordFilter{AgencyCode: agency, Username: &username})
	if err != nil {
		return nil, err
	}
	person := qms.Person{Username: username}
	_ = db.read.QueryRowContext(ctx, `SELECT full_name FROM users WHERE username = ?`, username).Scan(&person.FullName)
	today := qms.CivilDate(db.now())
	var out []qms.CompetenceGap
	for _, c := range comps {
		if why[c.ID] == nil {
			continue
		}
		if st, rec := qms.Held(records, c.ID, today); qms.Lacking(st) {
			g := qms.CompetenceGap{Person: person, Competence: c, Status: st, Why: why[c.ID]}
			if rec != nil {
				g.ExpiredOn = rec.ExpiresOn
			}
			out = append(out, g)
		}
	}
	return out, nil
}
