package sqlstore

import (
	"context"
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
func (s *Store) CreateCompetence(ctx context.Context, c *qms.Competence) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if _, err := FindAgency(ctx, tx, c.AgencyCode); err != nil {
			return err
		}
		c.CreatedBy, c.CreatedAt = tx.Actor().Username, tx.Now()
		err := tx.QueryRow(ctx, `INSERT INTO competences (agency_code, code, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			c.AgencyCode, c.Code, c.Name, c.Description, c.CreatedBy, FormatTime(c.CreatedAt)).Scan(&c.ID)
		if s.cfg.IsUnique(err) {
			return qms.FieldErrorf(qms.ECONFLICT, "code", "Đơn vị đã có năng lực mã %q.", c.Code)
		} else if err != nil {
			return fmt.Errorf("create competence %s: %w", c.Code, err)
		}
		return tx.Audit(ctx, c.AgencyCode, "competence.create", "competence", Itoa(c.ID), nil, c, "")
	})
}

// FindCompetences lists an agency's catalogue by code.
func (s *Store) FindCompetences(ctx context.Context, agency string) ([]*qms.Competence, error) {
	return findCompetences(ctx, s.read(), `agency_code = ?`, agency)
}

func findCompetences(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Competence, error) {
	rows, err := q.Query(ctx, `SELECT id, agency_code, code, name, description, merged_from, created_by, created_at FROM competences WHERE `+where+` ORDER BY code`, args...)
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
		c.CreatedAt = ParseTime(created)
		out = append(out, &c)
	}
	return out, rows.Err()
}

func findCompetence(ctx context.Context, q Querier, agency string, id int64) (*qms.Competence, error) {
	cs, err := findCompetences(ctx, q, `agency_code = ? AND id = ?`, agency, id)
	if err != nil {
		return nil, err
	} else if len(cs) == 0 {
		return nil, qms.FieldErrorf(qms.ENOTFOUND, "competence_id", "Không tìm thấy năng lực trong danh mục của đơn vị.")
	}
	return cs[0], nil
}

// AddRequirement records that a role, or a step of a procedure, needs a
// competence. A step must exist in some version of the procedure (a
// requirement may be set on a step of a draft before it takes effect).
func (s *Store) AddRequirement(ctx context.Context, r *qms.CompetenceRequirement) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		c, err := findCompetence(ctx, tx, r.AgencyCode, r.CompetenceID)
		if err != nil {
			return err
		}
		var procedureID any
		if r.StepID != "" {
			if _, err := QueryProcedure(ctx, tx, r.AgencyCode, r.ProcedureID); err != nil {
				return err
			}
			if _, ok, err := procedureStep(ctx, tx, r.ProcedureID, r.StepID); err != nil {
				return err
			} else if !ok {
				return qms.FieldError("step_id", "Quy trình không có bước %q.", r.StepID)
			}
			procedureID = r.ProcedureID
		}
		sent, err := firstSend(ctx, tx, r.AgencyCode, "competence_requirement", r.CompetenceID, string(r.Role), procedureID, r.StepID)
		if err != nil {
			return err
		}
		r.Withdrawn, r.CreatedBy, r.CreatedAt = false, tx.Actor().Username, tx.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO competence_requirements (agency_code, competence_id, role, procedure_id, step_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.AgencyCode, r.CompetenceID, string(r.Role), procedureID, r.StepID, r.CreatedBy, FormatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("add competence requirement: %w", err)
		}
		if err := tx.Audit(ctx, r.AgencyCode, "competence.require", "competence_requirement", Itoa(r.ID), nil, r, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "yêu cầu năng lực "+qms.QuoteShort(c.Name))
	})
}

// procedureStep finds a step in the newest version of a procedure that has it.
func procedureStep(ctx context.Context, q Querier, procedureID int64, stepID string) (flowchart.Step, bool, error) {
	vs, err := QueryVersions(ctx, q, procedureID, nil)
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
func (s *Store) WithdrawRequirement(ctx context.Context, agency string, id int64, reason string) (*qms.CompetenceRequirement, error) {
	var r *qms.CompetenceRequirement
	err := s.update(ctx, func(tx Tx) error {
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
		now := tx.Now()
		r.Withdrawn, r.WithdrawnReason, r.WithdrawnBy, r.WithdrawnAt = true, reason, tx.Actor().Username, &now
		if _, err := tx.Exec(ctx, `UPDATE competence_requirements SET withdrawn = TRUE, withdrawn_reason = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ?`,
			reason, r.WithdrawnBy, FormatTime(now), r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "competence.requirement.withdraw", "competence_requirement", Itoa(r.ID), before, r, reason)
	})
	return r, err
}

func findRequirements(ctx context.Context, q Querier, where string, args ...any) ([]*qms.CompetenceRequirement, error) {
	rows, err := q.Query(ctx, `SELECT id, agency_code, competence_id, role, COALESCE(procedure_id, 0), step_id, withdrawn, withdrawn_reason, withdrawn_by, withdrawn_at, created_by, created_at
		FROM competence_requirements WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.CompetenceRequirement
	for rows.Next() {
		var r qms.CompetenceRequirement
		var withdrawnAt *string
		var created string
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.CompetenceID, &r.Role, &r.ProcedureID, &r.StepID, (*Flag)(&r.Withdrawn), &r.WithdrawnReason, &r.WithdrawnBy, &withdrawnAt, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.WithdrawnAt, r.CreatedAt = OptTime(withdrawnAt), ParseTime(created)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// appliedRequirements resolves the agency's requirements (withdrawn
// ones included, for the page) to the role each falls on today: a step
// requirement falls on the role its step names in the procedure's
// version in force, and on no one while no version in force has it.
func appliedRequirements(ctx context.Context, q Querier, agency string) ([]*qms.AppliedRequirement, error) {
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
			a.AppliesTo, a.Need = r.Role, qms.Say(qms.SayNeededForRole, qms.Say("role."+string(r.Role)))
		} else if s, ok := steps[fmt.Sprintf("%d/%s", r.ProcedureID, r.StepID)]; ok {
			a.AppliesTo, a.ProcedureCode, a.StepName = s.Role, s.ProcedureCode, s.StepName
			a.Need = qms.Say(qms.SayNeededForStep, s.StepName, s.ProcedureCode)
		} else {
			_ = q.QueryRow(ctx, `SELECT code FROM procedures WHERE id = ?`, r.ProcedureID).Scan(&a.ProcedureCode)
			a.Need = qms.Say(qms.SayNeededForMissingStep, r.StepID, a.ProcedureCode)
		}
		a.Why = a.Need.String()
		out = append(out, a)
	}
	return out, nil
}

// CompetenceSteps lists the work steps of the agency's versions in force.
func (s *Store) CompetenceSteps(ctx context.Context, agency string) ([]qms.StepRef, error) {
	return competenceSteps(ctx, s.read(), agency)
}

func competenceSteps(ctx context.Context, q Querier, agency string) ([]qms.StepRef, error) {
	var out []qms.StepRef
	seen := map[string]bool{}
	err := InForceVersions(ctx, q, []string{agency}, func(_ string, p *qms.Procedure, v *qms.ProcedureVersion) error {
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

// InForceVersions walks the procedure versions in force of the agencies:
// two queries an agency, not one a procedure (a province has thousands).
func InForceVersions(ctx context.Context, q Querier, agencies []string, fn func(agency string, p *qms.Procedure, v *qms.ProcedureVersion) error) error {
	for _, a := range agencies {
		ps, err := QueryProcedures(ctx, q, qms.ProcedureFilter{AgencyCode: &a})
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT `+VersionColumns+` FROM procedure_versions
			WHERE status = 'effective' AND procedure_id IN (SELECT id FROM procedures WHERE agency_code = ?) ORDER BY procedure_id, number`, a)
		if err != nil {
			return err
		}
		byProcedure := map[int64][]*qms.ProcedureVersion{}
		for rows.Next() {
			v, err := ScanVersion(rows)
			if err != nil {
				rows.Close()
				return err
			}
			byProcedure[v.ProcedureID] = append(byProcedure[v.ProcedureID], v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range ps {
			for _, v := range byProcedure[p.ID] {
				if v.InForce() {
					if err := fn(a, p, v); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// competenceMembers lists the enabled people of agency with their roles there.
func competenceMembers(ctx context.Context, q Querier, agency string) ([]qms.Member, error) {
	rows, err := q.Query(ctx, `SELECT u.username, u.full_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.agency_code = ? AND u.disabled = FALSE ORDER BY u.username, m.role`, agency)
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
func (s *Store) AddCompetenceRecord(ctx context.Context, r *qms.CompetenceRecord) error {
	if err := r.Validate(qms.CivilDate(s.cfg.Now())); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if _, err := findCompetence(ctx, tx, r.AgencyCode, r.CompetenceID); err != nil {
			return err
		}
		var userID int64
		found, err := scanOne(tx.Query(ctx, `SELECT u.id FROM users u WHERE u.username = ? AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.agency_code = ?)`,
			r.Username, r.AgencyCode))(&userID)
		if err != nil {
			return err
		} else if !found {
			return qms.FieldError("username", "Tài khoản %q không thuộc đơn vị %s.", r.Username, r.AgencyCode)
		}
		if err := qms.CheckOwnRecord(tx.Actor(), r.Username); err != nil {
			return err
		}
		var sha any
		ev := qms.FileRef{}
		if r.Evidence != nil {
			ev, sha = *r.Evidence, r.Evidence.SHA256
		}
		sent, err := firstSend(ctx, tx, r.AgencyCode, "competence_record", userID, r.CompetenceID, r.Course, r.CertificateNo, r.Issuer, FormatDate(r.ObtainedOn))
		if err != nil {
			return err
		}
		r.Revoked, r.CreatedBy, r.CreatedAt = false, tx.Actor().Username, tx.Now()
		var expires any
		if r.ExpiresOn != nil {
			expires = FormatDate(*r.ExpiresOn)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO competence_records (agency_code, user_id, competence_id, course, certificate_no, issuer, obtained_on, expires_on,
			evidence_sha256, evidence_name, evidence_type, evidence_size, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.AgencyCode, userID, r.CompetenceID, r.Course, r.CertificateNo, r.Issuer, FormatDate(r.ObtainedOn), expires,
			sha, ev.Name, ev.ContentType, ev.Size, r.CreatedBy, FormatTime(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("add competence record: %w", err)
		}
		if err := tx.Audit(ctx, r.AgencyCode, "competence.record.add", "competence_record", Itoa(r.ID), nil, r, ""); err != nil {
			return err
		}
		return sent.keep(ctx, tx, "hồ sơ năng lực "+qms.QuoteShort(r.Course)+" của "+r.Username)
	})
}

// RevokeCompetenceRecord takes a record out of force with the reason; the
// record stays, shown as revoked.
func (s *Store) RevokeCompetenceRecord(ctx context.Context, agency string, id int64, reason string) (*qms.CompetenceRecord, error) {
	var r *qms.CompetenceRecord
	err := s.update(ctx, func(tx Tx) error {
		rs, err := findCompetenceRecords(ctx, tx, qms.CompetenceRecordFilter{AgencyCode: agency, ID: &id, IncludeRevoked: true})
		if err != nil {
			return err
		} else if len(rs) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hồ sơ năng lực.")
		}
		r = rs[0]
		before := *r
		if err := r.Revoke(reason, tx.Actor().Username, tx.Now()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE competence_records SET revoked = TRUE, revoked_reason = ?, revoked_by = ?, revoked_at = ? WHERE id = ?`,
			r.RevokedReason, r.RevokedBy, FormatTime(tx.Now()), r.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "competence.record.revoke", "competence_record", Itoa(r.ID), before, r, r.RevokedReason)
	})
	return r, err
}

// FindCompetenceRecords lists records, the newest first.
func (s *Store) FindCompetenceRecords(ctx context.Context, f qms.CompetenceRecordFilter) ([]*qms.CompetenceRecord, error) {
	return findCompetenceRecords(ctx, s.read(), f)
}

func findCompetenceRecords(ctx context.Context, q Querier, f qms.CompetenceRecordFilter) ([]*qms.CompetenceRecord, error) {
	where, args := []string{"r.agency_code = ?"}, []any{f.AgencyCode}
	if f.ID != nil {
		where, args = append(where, "r.id = ?"), append(args, *f.ID)
	}
	if f.Username != nil {
		where, args = append(where, "u.username = ?"), append(args, *f.Username)
	}
	if !f.IncludeRevoked {
		where = append(where, "r.revoked = FALSE")
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.agency_code, u.username, r.competence_id, r.course, r.certificate_no, r.issuer, r.obtained_on, r.expires_on,
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
		var expires, sha, revokedAt *string
		var ev qms.FileRef
		if err := rows.Scan(&r.ID, &r.AgencyCode, &r.Username, &r.CompetenceID, &r.Course, &r.CertificateNo, &r.Issuer, &obtained, &expires,
			&sha, &ev.Name, &ev.ContentType, &ev.Size, (*Flag)(&r.Revoked), &r.RevokedReason, &r.RevokedBy, &revokedAt, &r.CreatedBy, &created); err != nil {
			return nil, err
		}
		r.ObtainedOn, r.RevokedAt, r.CreatedAt = ParseDate(obtained), OptTime(revokedAt), ParseTime(created)
		if expires != nil {
			t := ParseDate(*expires)
			r.ExpiresOn = &t
		}
		if sha != nil {
			ev.SHA256 = *sha
			r.Evidence = &ev
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// CompetenceMatrix judges the agency's people against its catalogue today.
func (s *Store) CompetenceMatrix(ctx context.Context, agency string) (*qms.CompetenceMatrix, error) {
	return CompetenceMatrixOn(ctx, s.read(), agency, qms.CivilDate(s.cfg.Now()))
}

// CompetenceMatrixOn judges the agency's people against its catalogue as
// of today, reading through q.
func CompetenceMatrixOn(ctx context.Context, q Querier, agency string, today time.Time) (*qms.CompetenceMatrix, error) {
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
func (s *Store) StepCompetenceGaps(ctx context.Context, agency, username string, procedureID int64, step flowchart.Step) ([]qms.CompetenceGap, error) {
	// Only the requirements naming this step or its role matter: no need
	// to resolve every step requirement through the versions in force.
	reqs, err := findRequirements(ctx, s.read(), `agency_code = ? AND withdrawn = FALSE`, agency)
	if err != nil || len(reqs) == 0 {
		return nil, err
	}
	why := map[int64][]qms.Phrase{}
	for _, r := range reqs {
		if !r.StepRequires(procedureID, step) {
			continue
		}
		if r.StepID != "" {
			why[r.CompetenceID] = append(why[r.CompetenceID], qms.Say(qms.SayNeededForThisStep, step.Name))
		} else {
			why[r.CompetenceID] = append(why[r.CompetenceID], qms.Say(qms.SayNeededForRole, qms.Say("role."+string(r.Role))))
		}
	}
	if len(why) == 0 {
		return nil, nil
	}
	comps, err := findCompetences(ctx, s.read(), `agency_code = ?`, agency)
	if err != nil {
		return nil, err
	}
	records, err := findCompetenceRecords(ctx, s.read(), qms.CompetenceRecordFilter{AgencyCode: agency, Username: &username})
	if err != nil {
		return nil, err
	}
	person := qms.Person{Username: username}
	_ = s.read().QueryRow(ctx, `SELECT full_name FROM users WHERE username = ?`, username).Scan(&person.FullName)
	today := qms.CivilDate(s.cfg.Now())
	var out []qms.CompetenceGap
	for _, c := range comps {
		if why[c.ID] == nil {
			continue
		}
		if st, rec := qms.Held(records, c.ID, today); qms.Lacking(st) {
			g := qms.CompetenceGap{Person: person, Competence: c, Status: st, Why: qms.NeedPhrases(why[c.ID]), Needs: why[c.ID]}
			if rec != nil {
				g.ExpiredOn = rec.ExpiresOn
			}
			out = append(out, g)
		}
	}
	return out, nil
}
