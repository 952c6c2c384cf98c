package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"isodt/forms"
	"isodt/qms"
	"isodt/qms/formschema"
)

// CreateForm stores a form with a first draft version holding schema.
func (s *Store) CreateForm(ctx context.Context, f *qms.Form, schema json.RawMessage) error {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return err
	}
	if _, err := formschema.Parse(schema); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := s.insertForm(ctx, tx, f); err != nil {
			return err
		}
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: schema, Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.Actor().UserID, Author: tx.Actor().Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		return tx.Audit(ctx, f.AgencyCode, "form.create", "form", Itoa(f.ID), nil, f, "")
	})
}

func (s *Store) insertForm(ctx context.Context, tx Tx, f *qms.Form) error {
	if _, err := FindAgency(ctx, tx, f.AgencyCode); err != nil {
		return err
	}
	f.CreatedAt = tx.Now()
	var pid any
	if f.ProcedureID != 0 {
		pid = f.ProcedureID
	}
	err := tx.QueryRow(ctx, `INSERT INTO forms (agency_code, code, title, kind, procedure_id, legal_basis, purpose, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.AgencyCode, f.Code, f.Title, f.Kind, pid, f.LegalBasis, f.Purpose, FormatTime(f.CreatedAt)).Scan(&f.ID)
	if err != nil && s.cfg.IsUnique(err) {
		return qms.FieldErrorf(qms.ECONFLICT, "code", "Mã biểu mẫu %q đã có trong đơn vị.", f.Code)
	}
	return err
}

func insertFormVersion(ctx context.Context, tx Tx, v *qms.FormVersion) error {
	v.CreatedAt, v.UpdatedAt = tx.Now(), tx.Now()
	if err := tx.QueryRow(ctx, `INSERT INTO form_versions (form_id, number, status, schema_json, template_json, change_summary, author_id, author, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, v.FormID, v.Number, v.Status, string(v.Schema), templateJSON(v.Template), v.ChangeSummary,
		v.AuthorID, v.Author, FormatTime(v.CreatedAt), FormatTime(v.UpdatedAt)).Scan(&v.ID); err != nil {
		return err
	}
	return Contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedCreate)
}

func templateJSON(t *qms.FileRef) any {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(t)
	return string(b)
}

const formColumns = `id, agency_code, code, title, kind, COALESCE(procedure_id, 0), legal_basis, purpose, created_at`

func findForms(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Form, error) {
	rows, err := q.Query(ctx, `SELECT `+formColumns+` FROM forms WHERE `+where+` ORDER BY agency_code, code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Form
	for rows.Next() {
		var f qms.Form
		var created string
		if err := rows.Scan(&f.ID, &f.AgencyCode, &f.Code, &f.Title, &f.Kind, &f.ProcedureID, &f.LegalBasis, &f.Purpose, &created); err != nil {
			return nil, err
		}
		f.CreatedAt = ParseTime(created)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FindForm returns a form of the agency or a standard form of SYS.
func (s *Store) FindForm(ctx context.Context, agency string, id int64) (*qms.Form, error) {
	fs, err := findForms(ctx, s.read(), `id = ? AND agency_code IN (?, ?)`, id, agency, qms.SystemAgencyCode)
	if err != nil {
		return nil, internalf(err, "find form %d of %s", id, agency)
	} else if len(fs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu.")
	}
	return fs[0], nil
}

// FindForms lists the agency's forms and the standard forms of SYS.
func (s *Store) FindForms(ctx context.Context, agency string) ([]*qms.Form, error) {
	fs, err := findForms(ctx, s.read(), `agency_code IN (?, ?)`, agency, qms.SystemAgencyCode)
	return fs, internalf(err, "find forms of %s", agency)
}

// FindFormsByCode returns the forms of the agency or of SYS with one of
// the codes.
func (s *Store) FindFormsByCode(ctx context.Context, agency string, codes []string) ([]*qms.Form, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := []any{agency, qms.SystemAgencyCode}
	for _, c := range codes {
		args = append(args, c)
	}
	fs, err := findForms(ctx, s.read(), `agency_code IN (?, ?) AND code IN (?`+strings.Repeat(", ?", len(codes)-1)+`)`, args...)
	return fs, internalf(err, "find forms %v of %s", codes, agency)
}

// AdoptForm copies a SYS standard form into the agency as a draft.
func (s *Store) AdoptForm(ctx context.Context, agency string, sysFormID int64) (*qms.Form, error) {
	var f *qms.Form
	err := s.update(ctx, func(tx Tx) error {
		fs, err := findForms(ctx, tx, `id = ? AND agency_code = ?`, sysFormID, qms.SystemAgencyCode)
		if err != nil {
			return err
		} else if len(fs) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu chuẩn.")
		}
		src, err := effectiveFormVersion(ctx, tx, sysFormID)
		if err != nil {
			return err
		}
		f = fs[0]
		f.ID, f.AgencyCode = 0, agency
		if err := s.insertForm(ctx, tx, f); err != nil {
			return err
		}
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: src.Schema, Template: src.Template, ChangeSummary: "Áp dụng biểu mẫu chuẩn",
			Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.Actor().UserID, Author: tx.Actor().Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "form.adopt", "form", Itoa(f.ID), nil, f, "từ biểu mẫu chuẩn "+Itoa(sysFormID))
	})
	return f, err
}

// CreateFormVersion starts the next draft from the latest version.
func (s *Store) CreateFormVersion(ctx context.Context, formID int64) (*qms.FormVersion, error) {
	var v *qms.FormVersion
	err := s.update(ctx, func(tx Tx) error {
		all, err := findFormVersions(ctx, tx, formID, nil)
		if err != nil {
			return err
		} else if len(all) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu.")
		}
		for _, o := range all {
			if o.Status == qms.StatusDraft || o.Status == qms.StatusSubmitted {
				return qms.Errorf(qms.ECONFLICT, "Phiên bản %d đang %s: hoàn tất hoặc thu hồi nó trước.", o.Number, qms.StatusLabel(o.Status))
			}
		}
		last := all[len(all)-1]
		v = &qms.FormVersion{FormID: formID, Number: last.Number + 1, Schema: last.Schema, Template: last.Template,
			Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.Actor().UserID, Author: tx.Actor().Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		if err := InheritContributors(ctx, tx, "form", last.ID, &last.Approval, v.ID, &v.Approval); err != nil {
			return err
		}
		return tx.Audit(ctx, "", "form.version_create", "form_version", fmt.Sprintf("%d/%d", formID, v.Number), nil, v, "")
	})
	return v, err
}

// UpdateFormVersion saves a draft's schema, template and change summary.
func (s *Store) UpdateFormVersion(ctx context.Context, v *qms.FormVersion) error {
	if _, err := formschema.Parse(v.Schema); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		before, err := findFormVersion(ctx, tx, v.FormID, v.Number)
		if err != nil {
			return err
		}
		if err := LoadContributors(ctx, tx, "form", before.ID, &before.Approval); err != nil {
			return err
		}
		if !before.Editable() {
			return qms.Errorf(qms.EINVALID, "Chỉ sửa được phiên bản dự thảo; phiên bản %d đang ở trạng thái %q.", before.Number, qms.StatusLabel(before.Status))
		}
		v.ID, v.Approval, v.CreatedAt, v.UpdatedAt = before.ID, before.Approval, before.CreatedAt, tx.Now()
		v.ChangeSummary = strings.TrimSpace(v.ChangeSummary)
		if _, err := tx.Exec(ctx, `UPDATE form_versions SET schema_json = ?, template_json = ?, change_summary = ?, updated_at = ? WHERE id = ?`,
			string(v.Schema), templateJSON(v.Template), v.ChangeSummary, FormatTime(v.UpdatedAt), v.ID); err != nil {
			return err
		}
		if err := Contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedEdit); err != nil {
			return err
		}
		return tx.Audit(ctx, "", "form.version_update", "form_version", fmt.Sprintf("%d/%d", v.FormID, v.Number), before, v, "")
	})
}

// TransitionFormVersion applies a lifecycle action; approving supersedes
// the version in force, which stays downloadable, marked as no longer in
// force, and gives the new one to those who must read it
// (Config.DistributeForm).
func (s *Store) TransitionFormVersion(ctx context.Context, formID int64, number int, action, reason string) (*qms.FormVersion, error) {
	var v *qms.FormVersion
	err := s.update(ctx, func(tx Tx) error {
		var err error
		if v, err = findFormVersion(ctx, tx, formID, number); err != nil {
			return err
		}
		if err := LoadContributors(ctx, tx, "form", v.ID, &v.Approval); err != nil {
			return err
		}
		before := v.Approval
		if err := v.Transition(action, tx.Actor(), tx.Now(), reason); err != nil {
			return err
		}
		v.UpdatedAt = tx.Now()
		if err := SaveApprovalIn(ctx, tx, "form_versions", v.ID, &v.Approval, v.UpdatedAt); err != nil {
			return err
		}
		if action == qms.ActionSubmit {
			if err := Contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedSubmit); err != nil {
				return err
			}
			if err := notifyFormApprovers(ctx, tx, formID, number, fmt.Sprintf("/forms/%d/versions/%d", formID, number)); err != nil {
				return err
			}
		}
		ref := fmt.Sprintf("%d/%d", formID, number)
		if err := tx.Audit(ctx, "", "form.version_"+action, "form_version", ref, before, v.Approval, reason); err != nil {
			return err
		}
		if err := s.sign(ctx, tx, "", qms.SignedFormVersion, v.ID, ref, action); err != nil {
			return err
		}
		if action != qms.ActionApprove {
			return nil
		}
		all, err := findFormVersions(ctx, tx, formID, nil)
		if err != nil {
			return err
		}
		others := make([]Versioned, 0, len(all))
		for _, o := range all {
			others = append(others, Versioned{ID: o.ID, Ref: fmt.Sprintf("%d/%d", formID, o.Number), Approval: &o.Approval})
		}
		if err := Supersede(ctx, tx, "form", v.ID, others, "thay thế bởi phiên bản "+Itoa(int64(number))); err != nil {
			return err
		}
		return DistributeForm(ctx, tx, v)
	})
	return v, err
}

// notifyFormApprovers tells the leaders of a form's agency (those who
// approve, by the default policy) that a version of it waits for them;
// link is the version's page.
func notifyFormApprovers(ctx context.Context, tx Tx, id int64, number int, link string) error {
	var agency, code, title string
	if err := tx.QueryRow(ctx, `SELECT agency_code, code, title FROM forms WHERE id = ?`, id).Scan(&agency, &code, &title); err != nil {
		return err
	}
	return notifyRole(ctx, tx, agency, qms.RoleLeader, qms.NewNotice(qms.NoticeApprovalPending, code, title, Itoa(int64(number))), link)
}

// FindFormVersion returns ENOTFOUND when there is no such version. The
// version comes with its contributors.
func (s *Store) FindFormVersion(ctx context.Context, formID int64, number int) (*qms.FormVersion, error) {
	v, err := findFormVersion(ctx, s.read(), formID, number)
	if err != nil {
		return nil, err
	}
	if err := LoadContributors(ctx, s.read(), "form", v.ID, &v.Approval); err != nil {
		return nil, err
	}
	return v, nil
}

// FindFormVersions returns every version of a form, oldest first.
func (s *Store) FindFormVersions(ctx context.Context, formID int64) ([]*qms.FormVersion, error) {
	return findFormVersions(ctx, s.read(), formID, nil)
}

func findFormVersion(ctx context.Context, q Querier, formID int64, number int) (*qms.FormVersion, error) {
	vs, err := findFormVersions(ctx, q, formID, &number)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản %d của biểu mẫu.", number)
	}
	return vs[0], nil
}

// FindFormVersionsOf returns the versions numbered any of numbers of the
// forms formIDs, without their contributors, by form and number: the
// schemas of a dossier's records, read at once rather than a version at
// a time.
func (s *Store) FindFormVersionsOf(ctx context.Context, formIDs []int64, numbers []int) ([]*qms.FormVersion, error) {
	if len(formIDs) == 0 || len(numbers) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(formIDs)+len(numbers))
	for _, id := range formIDs {
		args = append(args, id)
	}
	for _, n := range numbers {
		args = append(args, n)
	}
	vs, err := queryFormVersions(ctx, s.read(), `form_id IN (`+Placeholders(len(formIDs))+`) AND number IN (`+Placeholders(len(numbers))+`)`, args, `form_id, number`)
	return vs, internalf(err, "find form versions")
}

func findFormVersions(ctx context.Context, q Querier, formID int64, number *int) ([]*qms.FormVersion, error) {
	where, args := `form_id = ?`, []any{formID}
	if number != nil {
		where, args = where+` AND number = ?`, append(args, *number)
	}
	return queryFormVersions(ctx, q, where, args, `number`)
}

// queryFormVersions reads the form versions that match where.
func queryFormVersions(ctx context.Context, q Querier, where string, args []any, order string) ([]*qms.FormVersion, error) {
	rows, err := q.Query(ctx, `SELECT id, form_id, number, status, schema_json, template_json, change_summary, author_id, author, submitted_at, COALESCE(approver_id, 0), approver,
		approved_at, effective_on, reason, created_at, updated_at FROM form_versions WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.FormVersion
	for rows.Next() {
		var v qms.FormVersion
		var schema, created, updated string
		var tmpl, submitted, approved, effective *string
		if err := rows.Scan(&v.ID, &v.FormID, &v.Number, &v.Status, &schema, &tmpl, &v.ChangeSummary, &v.AuthorID, &v.Author, &submitted, &v.ApproverID, &v.Approver,
			&approved, &effective, &v.Reason, &created, &updated); err != nil {
			return nil, err
		}
		v.Schema = json.RawMessage(schema)
		if tmpl != nil {
			v.Template = &qms.FileRef{}
			json.Unmarshal([]byte(*tmpl), v.Template)
		}
		v.SubmittedAt, v.ApprovedAt = OptTime(submitted), OptTime(approved)
		if effective != nil {
			d := ParseDate(*effective)
			v.EffectiveOn = &d
		}
		v.CreatedAt, v.UpdatedAt = ParseTime(created), ParseTime(updated)
		out = append(out, &v)
	}
	return out, rows.Err()
}

func effectiveFormVersion(ctx context.Context, q Querier, formID int64) (*qms.FormVersion, error) {
	vs, err := findFormVersions(ctx, q, formID, nil)
	if err != nil {
		return nil, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].InForce() {
			return vs[i], nil
		}
	}
	return nil, qms.Errorf(qms.ECONFLICT, "Biểu mẫu chưa có phiên bản có hiệu lực.")
}

// EffectiveForm finds the form code in force for the agency: its own
// form when it has one with an effective version, else the standard one.
func (s *Store) EffectiveForm(ctx context.Context, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	return EffectiveFormOn(ctx, s.read(), agency, code)
}

// EffectiveFormOn is EffectiveForm read through q (a read connection or
// the write transaction).
func EffectiveFormOn(ctx context.Context, q Querier, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	id, number, err := EffectiveFormRef(ctx, q, agency, code)
	if err != nil {
		return nil, nil, err
	}
	fs, err := findForms(ctx, q, `id = ?`, id)
	if err != nil {
		return nil, nil, err
	} else if len(fs) == 0 {
		return nil, nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu %q.", code)
	}
	v, err := findFormVersion(ctx, q, id, number)
	if err != nil {
		return nil, nil, err
	}
	return fs[0], v, nil
}

// EffectiveFormRef finds which form and version EffectiveFormOn gives,
// in one indexed query and without reading any schema: what a step's
// write checks the record against, and what the checks that only ask
// "is one in force" need. The agency's own form comes first, then the
// standard one of SYS; of a form, the latest effective version.
func EffectiveFormRef(ctx context.Context, q Querier, agency, code string) (formID int64, number int, err error) {
	code = strings.TrimSpace(code)
	found, err := scanOne(q.Query(ctx, `SELECT f.id, v.number FROM forms f JOIN form_versions v ON v.form_id = f.id
		WHERE f.code = ? AND f.agency_code IN (?, ?) AND v.status = 'effective'
		ORDER BY CASE WHEN f.agency_code = ? THEN 0 ELSE 1 END, v.number DESC LIMIT 1`, code, agency, qms.SystemAgencyCode, agency))(&formID, &number)
	if err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, qms.Errorf(qms.ECONFLICT, "Biểu mẫu %q chưa có phiên bản có hiệu lực: không thể lập hồ sơ trên biểu mẫu này.", code)
	}
	return formID, number, nil
}

// formExists reports whether the agency, or SYS for a standard form, has
// a form of that code, in force or not (a flowchart step records on it).
func formExists(ctx context.Context, q Querier, agency, code string) bool {
	var n int
	q.QueryRow(ctx, `SELECT COUNT(*) FROM forms WHERE code = ? AND agency_code IN (?, ?)`, code, agency, qms.SystemAgencyCode).Scan(&n)
	return n > 0
}

// EffectiveStepForm is EffectiveForm for a step of procedureID: a
// procedure brought by a merge finds its own (renamed) form rather than
// the successor's form of the same code. The completion page should ask
// this, so that it offers the version CompleteStep will check against.
func (s *Store) EffectiveStepForm(ctx context.Context, agency string, procedureID int64, code string) (*qms.Form, *qms.FormVersion, error) {
	mapped, err := s.StepFormCode(ctx, agency, procedureID, code)
	if err != nil {
		return nil, nil, err
	}
	return EffectiveFormOn(ctx, s.read(), agency, mapped)
}

// StepFormCode is the mapping EffectiveStepForm follows, without the
// form.
func (s *Store) StepFormCode(ctx context.Context, agency string, procedureID int64, code string) (string, error) {
	return MergedFormCode(ctx, s.read(), agency, procedureID, code)
}

// MergedFormCode is the code in agency of the form a step of procedure
// names: the same code, unless the procedure came with a merge and its
// predecessor's form of that code was renamed in the successor.
func MergedFormCode(ctx context.Context, q Querier, agency string, procedureID int64, code string) (string, error) {
	var mapped string
	// A procedure a split moved looks its forms up under the agency it
	// came from (split_from); one a merge brought, under its predecessor.
	found, err := scanOne(q.Query(ctx, `SELECT mc.new_code FROM procedures p JOIN merged_codes mc ON mc.agency_code = p.agency_code AND mc.kind = 'form'
		AND mc.from_agency = COALESCE(NULLIF(p.split_from, ''), p.merged_from) AND mc.old_code = ? WHERE p.id = ? AND p.agency_code = ?`, code, procedureID, agency))(&mapped)
	if err == nil && !found {
		return code, nil
	}
	return mapped, err
}

// PutFile stores bytes by their SHA-256; storing the same bytes twice
// keeps one copy.
func (s *Store) PutFile(ctx context.Context, name, contentType string, data []byte) (qms.FileRef, error) {
	sum := sha256.Sum256(data)
	ref := qms.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: contentType, Size: int64(len(data))}
	err := s.update(ctx, func(tx Tx) error {
		n, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			ref.SHA256, contentType, ref.Size, data, FormatTime(tx.Now()))
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		return tx.Audit(ctx, "", "file.store", "file", ref.SHA256, nil, ref, "")
	})
	return ref, err
}

// GetFile returns the stored bytes of a hash.
func (s *Store) GetFile(ctx context.Context, sum string) ([]byte, qms.FileRef, error) {
	var data []byte
	ref := qms.FileRef{SHA256: sum}
	found, err := scanOne(s.read().Query(ctx, `SELECT content_type, size, data FROM blobs WHERE sha256 = ?`, sum))(&ref.ContentType, &ref.Size, &data)
	if err == nil && !found {
		return nil, ref, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp.")
	}
	// A file is served as the bytes its hash names or not at all: bytes
	// replaced with the database file would pass for the evidence a step
	// recorded, or a leader signed (outsider pass 12).
	if sum := sha256.Sum256(data); err == nil && hex.EncodeToString(sum[:]) != ref.SHA256 {
		return nil, ref, qms.Errorf(qms.ECONFLICT, "Tệp %s đã bị thay đổi ngoài ứng dụng: nội dung không còn khớp mã SHA-256 đã ghi, nên không được tải về. Báo quản trị hệ thống chạy `qms audit verify`.", ref.SHA256)
	}
	return data, ref, err
}

// SeedForms loads the standard forms shipped in forms/ when some are
// missing; the check is a read so that an up-to-date database is opened
// without a write lock.
func (s *Store) SeedForms(ctx context.Context) error {
	defs, err := forms.Standard()
	if err != nil {
		return err
	}
	var have int
	if err := s.read().QueryRow(ctx, `SELECT COUNT(*) FROM forms WHERE agency_code = ?`, qms.SystemAgencyCode).Scan(&have); err != nil {
		return err
	}
	if have >= len(defs) {
		return nil
	}
	return s.update(ctx, func(tx Tx) error { return s.seedStandardForms(ctx, tx, defs) })
}

// seedStandardForms loads the shipped forms into SYS as effective
// versions, issued by their legal basis (not approved by a person here).
func (s *Store) seedStandardForms(ctx context.Context, tx Tx, defs []forms.Definition) error {
	for _, d := range defs {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM forms WHERE agency_code = ? AND code = ?`, qms.SystemAgencyCode, d.Code).Scan(&n); err != nil || n > 0 {
			if err != nil {
				return err
			}
			continue
		}
		schema, err := json.Marshal(d.Schema)
		if err != nil {
			return err
		}
		f := &qms.Form{AgencyCode: qms.SystemAgencyCode, Code: d.Code, Title: d.Title, Kind: d.Kind, LegalBasis: d.LegalBasis, Purpose: d.Purpose}
		if err := s.insertForm(ctx, tx, f); err != nil {
			return err
		}
		now := tx.Now()
		day := qms.CivilDate(now)
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: schema, ChangeSummary: "Biểu mẫu chuẩn ban hành kèm " + d.LegalBasis,
			Approval: qms.Approval{Status: qms.StatusEffective, Author: tx.Actor().Username, Approver: d.LegalBasis, ApprovedAt: &now, EffectiveOn: &day}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		if err := SaveApprovalIn(ctx, tx, "form_versions", v.ID, &v.Approval, now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, qms.SystemAgencyCode, "form.seed", "form", Itoa(f.ID), nil, f, d.LegalBasis); err != nil {
			return err
		}
	}
	return nil
}

// keptUpload is what the audit trail records of a kept file: never its
// bytes.
type keptUpload struct {
	Session string `json:"session"`
	Name    string `json:"name"`
	SHA256  string `json:"sha256"`
	Size    int    `json:"size"`
	Expires string `json:"expires_at"`
}

// KeepUpload stores data for session and the caller until
// qms.KeptUploadTTL has passed. In the same write it deletes the expired
// kept files and this session's older ones beyond
// qms.KeptUploadsPerSession, and refuses (ECONFLICT) when all kept files
// would exceed qms.MaxKeptUploadBytes.
func (s *Store) KeepUpload(ctx context.Context, session, name string, data []byte) (string, error) {
	if session == "" {
		return "", qms.Errorf(qms.EINVALID, "Chỉ giữ lại được tệp tải lên trong một phiên đăng nhập.")
	}
	b := make([]byte, 18)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256(data)
	err := s.update(ctx, func(tx Tx) error {
		now := FormatTime(tx.Now())
		if _, err := tx.Exec(ctx, `DELETE FROM kept_uploads WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		// Among files kept at the same instant, the later kept is the
		// newer (Config.InsertOrder).
		if _, err := tx.Exec(ctx, `DELETE FROM kept_uploads WHERE session_id = ? AND id NOT IN
			(SELECT id FROM kept_uploads WHERE session_id = ? ORDER BY created_at DESC, `+s.cfg.InsertOrder+` DESC LIMIT ?)`,
			session, session, qms.KeptUploadsPerSession-1); err != nil {
			return err
		}
		var total int64
		if err := tx.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM kept_uploads`).Scan(&total); err != nil {
			return err
		}
		if total+int64(len(data)) > qms.MaxKeptUploadBytes {
			return qms.Errorf(qms.ECONFLICT, "Máy chủ đang giữ quá nhiều tệp chờ chọn (tối đa %d MiB): hãy chọn lại tệp.", qms.MaxKeptUploadBytes>>20)
		}
		k := keptUpload{Session: session, Name: name, SHA256: hex.EncodeToString(sum[:]), Size: len(data), Expires: FormatTime(tx.Now().Add(qms.KeptUploadTTL))}
		if _, err := tx.Exec(ctx, `INSERT INTO kept_uploads (id, session_id, user_id, name, sha256, size, data, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, session, tx.Actor().UserID, name, k.SHA256, k.Size, data, now, k.Expires); err != nil {
			return err
		}
		return tx.Audit(ctx, "", "upload.keep", "kept_upload", id, nil, k, "")
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// KeptUpload returns the bytes kept under id for session, when the caller
// is the user who kept them and they have not expired.
func (s *Store) KeptUpload(ctx context.Context, session, id string) ([]byte, error) {
	actor, _ := qms.ActorFrom(ctx)
	var data []byte
	found, err := scanOne(s.read().Query(ctx, `SELECT data FROM kept_uploads WHERE id = ? AND session_id = ? AND user_id = ? AND expires_at > ?`,
		id, session, actor.UserID, FormatTime(s.cfg.Now())))(&data)
	if err == nil && !found {
		return nil, qms.Errorf(qms.ENOTFOUND, "Tệp đã tải lên không còn được giữ (quá %d phút hoặc thuộc phiên đăng nhập khác): hãy chọn lại tệp.", int(qms.KeptUploadTTL.Minutes()))
	}
	return data, err
}
