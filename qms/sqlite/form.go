package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"isodt/forms"
	"isodt/qms"
	"isodt/qms/formschema"
)

// CreateForm stores a form with a first draft version holding schema.
func (db *DB) CreateForm(ctx context.Context, f *qms.Form, schema json.RawMessage) error {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return err
	}
	if _, err := formschema.Parse(schema); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		if err := insertForm(ctx, tx, f); err != nil {
			return err
		}
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: schema, Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.actor.UserID, Author: tx.actor.Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		return tx.audit(ctx, f.AgencyCode, "form.create", "form", itoa(f.ID), nil, f, "")
	})
}

func insertForm(ctx context.Context, tx *Tx, f *qms.Form) error {
	if _, err := findAgencyByCode(ctx, tx, f.AgencyCode); err != nil {
		return err
	}
	f.CreatedAt = tx.now
	var pid any
	if f.ProcedureID != 0 {
		pid = f.ProcedureID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO forms (agency_code, code, title, kind, procedure_id, legal_basis, purpose, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.AgencyCode, f.Code, f.Title, f.Kind, pid, f.LegalBasis, f.Purpose, formatTime(f.CreatedAt)).Scan(&f.ID)
	if isUnique(err) {
		return &qms.Error{Code: qms.ECONFLICT, Field: "code", Message: fmt.Sprintf("Mã biểu mẫu %q đã có trong đơn vị.", f.Code)}
	}
	return err
}

func insertFormVersion(ctx context.Context, tx *Tx, v *qms.FormVersion) error {
	v.CreatedAt, v.UpdatedAt = tx.now, tx.now
	if err := tx.QueryRowContext(ctx, `INSERT INTO form_versions (form_id, number, status, schema_json, template_json, change_summary, author_id, author, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, v.FormID, v.Number, v.Status, string(v.Schema), templateJSON(v.Template), v.ChangeSummary,
		v.AuthorID, v.Author, formatTime(v.CreatedAt), formatTime(v.UpdatedAt)).Scan(&v.ID); err != nil {
		return err
	}
	return contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedCreate)
}

func templateJSON(t *qms.FileRef) any {
	if t == nil {
		return nil
	}
	b, _ := json.Marshal(t)
	return string(b)
}

const formColumns = `id, agency_code, code, title, kind, COALESCE(procedure_id, 0), legal_basis, purpose, created_at`

func findForms(ctx context.Context, q querier, where string, args ...any) ([]*qms.Form, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+formColumns+` FROM forms WHERE `+where+` ORDER BY agency_code, code`, args...)
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
		f.CreatedAt = parseTime(created)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FindForm returns a form of the agency or a standard form of SYS.
func (db *DB) FindForm(ctx context.Context, agency string, id int64) (*qms.Form, error) {
	fs, err := findForms(ctx, db.read, `id = ? AND agency_code IN (?, ?)`, id, agency, qms.SystemAgencyCode)
	if err != nil {
		return nil, internalf(err, "find form %d of %s", id, agency)
	} else if len(fs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu.")
	}
	return fs[0], nil
}

// FindForms lists the agency's forms and the standard forms of SYS.
func (db *DB) FindForms(ctx context.Context, agency string) ([]*qms.Form, error) {
	fs, err := findForms(ctx, db.read, `agency_code IN (?, ?)`, agency, qms.SystemAgencyCode)
	return fs, internalf(err, "find forms of %s", agency)
}

// AdoptForm copies a SYS standard form into the agency as a draft.
func (db *DB) AdoptForm(ctx context.Context, agency string, sysFormID int64) (*qms.Form, error) {
	var f *qms.Form
	err := db.update(ctx, func(tx *Tx) error {
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
		if err := insertForm(ctx, tx, f); err != nil {
			return err
		}
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: src.Schema, Template: src.Template, ChangeSummary: "Áp dụng biểu mẫu chuẩn",
			Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.actor.UserID, Author: tx.actor.Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		return tx.audit(ctx, agency, "form.adopt", "form", itoa(f.ID), nil, f, "từ biểu mẫu chuẩn "+itoa(sysFormID))
	})
	return f, err
}

// CreateFormVersion starts the next draft from the latest version.
func (db *DB) CreateFormVersion(ctx context.Context, formID int64) (*qms.FormVersion, error) {
	var v *qms.FormVersion
	err := db.update(ctx, func(tx *Tx) error {
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
			Approval: qms.Approval{Status: qms.StatusDraft, AuthorID: tx.actor.UserID, Author: tx.actor.Username}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		return tx.audit(ctx, "", "form.version_create", "form_version", fmt.Sprintf("%d/%d", formID, v.Number), nil, v, "")
	})
	return v, err
}

// UpdateFormVersion saves a draft's schema, template and change summary.
func (db *DB) UpdateFormVersion(ctx context.Context, v *qms.FormVersion) error {
	if _, err := formschema.Parse(v.Schema); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error {
		before, err := findFormVersion(ctx, tx, v.FormID, v.Number)
		if err != nil {
			return err
		}
		if err := loadContributors(ctx, tx, "form", before.ID, &before.Approval); err != nil {
			return err
		}
		if !before.Editable() {
			return qms.Errorf(qms.EINVALID, "Chỉ sửa được phiên bản dự thảo; phiên bản %d đang ở trạng thái %q.", before.Number, qms.StatusLabel(before.Status))
		}
		v.ID, v.Approval, v.CreatedAt, v.UpdatedAt = before.ID, before.Approval, before.CreatedAt, tx.now
		v.ChangeSummary = strings.TrimSpace(v.ChangeSummary)
		if _, err := tx.ExecContext(ctx, `UPDATE form_versions SET schema_json = ?, template_json = ?, change_summary = ?, updated_at = ? WHERE id = ?`,
			string(v.Schema), templateJSON(v.Template), v.ChangeSummary, formatTime(v.UpdatedAt), v.ID); err != nil {
			return err
		}
		if err := contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedEdit); err != nil {
			return err
		}
		return tx.audit(ctx, "", "form.version_update", "form_version", fmt.Sprintf("%d/%d", v.FormID, v.Number), before, v, "")
	})
}

// TransitionFormVersion applies a lifecycle action; approving supersedes
// the version in force, which stays downloadable, marked as no longer in force.
func (db *DB) TransitionFormVersion(ctx context.Context, formID int64, number int, action, reason string) (*qms.FormVersion, error) {
	var v *qms.FormVersion
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if v, err = findFormVersion(ctx, tx, formID, number); err != nil {
			return err
		}
		if err := loadContributors(ctx, tx, "form", v.ID, &v.Approval); err != nil {
			return err
		}
		before := v.Approval
		if err := v.Transition(action, tx.actor, tx.now, reason); err != nil {
			return err
		}
		v.UpdatedAt = tx.now
		if err := saveApprovalIn(ctx, tx, "form_versions", v.ID, &v.Approval, v.UpdatedAt); err != nil {
			return err
		}
		if action == qms.ActionSubmit {
			if err := contribute(ctx, tx, "form", v.ID, &v.Approval, qms.ContributedSubmit); err != nil {
				return err
			}
			if err := notifyApprovers(ctx, tx, "forms", formID, number, fmt.Sprintf("/forms/%d/versions/%d", formID, number)); err != nil {
				return err
			}
		}
		ref := fmt.Sprintf("%d/%d", formID, number)
		if err := tx.audit(ctx, "", "form.version_"+action, "form_version", ref, before, v.Approval, reason); err != nil {
			return err
		}
		if err := tx.sign(ctx, "", qms.SignedFormVersion, v.ID, ref, action); err != nil {
			return err
		}
		if action != qms.ActionApprove {
			return nil
		}
		all, err := findFormVersions(ctx, tx, formID, nil)
		if err != nil {
			return err
		}
		others := make([]versioned, 0, len(all))
		for _, o := range all {
			others = append(others, versioned{o.ID, fmt.Sprintf("%d/%d", formID, o.Number), &o.Approval})
		}
		if err := supersede(ctx, tx, "form", v.ID, others, "thay thế bởi phiên bản "+itoa(int64(number))); err != nil {
			return err
		}
		return distributeForm(ctx, tx, v)
	})
	return v, err
}

// FindFormVersion returns ENOTFOUND when there is no such version. The
// version comes with its contributors.
func (db *DB) FindFormVersion(ctx context.Context, formID int64, number int) (*qms.FormVersion, error) {
	v, err := findFormVersion(ctx, db.read, formID, number)
	if err != nil {
		return nil, err
	}
	if err := loadContributors(ctx, db.read, "form", v.ID, &v.Approval); err != nil {
		return nil, err
	}
	return v, nil
}

// FindFormVersions returns every version of a form, oldest first.
func (db *DB) FindFormVersions(ctx context.Context, formID int64) ([]*qms.FormVersion, error) {
	return findFormVersions(ctx, db.read, formID, nil)
}

func findFormVersion(ctx context.Context, q querier, formID int64, number int) (*qms.FormVersion, error) {
	vs, err := findFormVersions(ctx, q, formID, &number)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản %d của biểu mẫu.", number)
	}
	return vs[0], nil
}

func findFormVersions(ctx context.Context, q querier, formID int64, number *int) ([]*qms.FormVersion, error) {
	query, args := `SELECT id, form_id, number, status, schema_json, template_json, change_summary, author_id, author, submitted_at, COALESCE(approver_id, 0), approver,
		approved_at, effective_on, reason, created_at, updated_at FROM form_versions WHERE form_id = ?`, []any{formID}
	if number != nil {
		query, args = query+` AND number = ?`, append(args, *number)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.FormVersion
	for rows.Next() {
		var v qms.FormVersion
		var schema, created, updated string
		var tmpl, submitted, approved, effective sql.NullString
		if err := rows.Scan(&v.ID, &v.FormID, &v.Number, &v.Status, &schema, &tmpl, &v.ChangeSummary, &v.AuthorID, &v.Author, &submitted, &v.ApproverID, &v.Approver,
			&approved, &effective, &v.Reason, &created, &updated); err != nil {
			return nil, err
		}
		v.Schema = json.RawMessage(schema)
		if tmpl.Valid {
			v.Template = &qms.FileRef{}
			json.Unmarshal([]byte(tmpl.String), v.Template)
		}
		v.SubmittedAt, v.ApprovedAt = scanNullTime(submitted), scanNullTime(approved)
		if effective.Valid {
			d := parseDate(effective.String)
			v.EffectiveOn = &d
		}
		v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, &v)
	}
	return out, rows.Err()
}

func effectiveFormVersion(ctx context.Context, q querier, formID int64) (*qms.FormVersion, error) {
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
func (db *DB) EffectiveForm(ctx context.Context, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	return effectiveForm(ctx, db.read, agency, code)
}

func effectiveForm(ctx context.Context, q querier, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	fs, err := findForms(ctx, q, `code = ? AND agency_code IN (?, ?)`, strings.TrimSpace(code), agency, qms.SystemAgencyCode)
	if err != nil {
		return nil, nil, err
	}
	for _, pass := range []string{agency, qms.SystemAgencyCode} {
		for _, f := range fs {
			if f.AgencyCode != pass {
				continue
			}
			if v, err := effectiveFormVersion(ctx, q, f.ID); err == nil {
				return f, v, nil
			}
		}
	}
	return nil, nil, qms.Errorf(qms.ECONFLICT, "Biểu mẫu %q chưa có phiên bản có hiệu lực: không thể lập hồ sơ trên biểu mẫu này.", code)
}

// PutFile stores bytes by their SHA-256; storing the same bytes twice
// keeps one copy.
func (db *DB) PutFile(ctx context.Context, name, contentType string, data []byte) (qms.FileRef, error) {
	sum := sha256.Sum256(data)
	ref := qms.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: contentType, Size: int64(len(data))}
	err := db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO blobs (sha256, content_type, size, data, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			ref.SHA256, contentType, ref.Size, data, formatTime(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.audit(ctx, "", "file.store", "file", ref.SHA256, nil, ref, "")
	})
	return ref, err
}

// GetFile returns the stored bytes of a hash.
func (db *DB) GetFile(ctx context.Context, sum string) ([]byte, qms.FileRef, error) {
	var data []byte
	ref := qms.FileRef{SHA256: sum}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, size, data FROM blobs WHERE sha256 = ?`, sum).Scan(&ref.ContentType, &ref.Size, &data)
	if err == sql.ErrNoRows {
		return nil, ref, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp.")
	}
	return data, ref, err
}

// seedStandardForms loads the shipped forms into SYS as effective
// versions, issued by their legal basis (not approved by a person here).
func seedStandardForms(ctx context.Context, tx *Tx) error {
	defs, err := forms.Standard()
	if err != nil {
		return err
	}
	for _, d := range defs {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM forms WHERE agency_code = ? AND code = ?`, qms.SystemAgencyCode, d.Code).Scan(&n); err != nil || n > 0 {
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
		if err := insertForm(ctx, tx, f); err != nil {
			return err
		}
		day := qms.CivilDate(tx.now)
		v := &qms.FormVersion{FormID: f.ID, Number: 1, Schema: schema, ChangeSummary: "Biểu mẫu chuẩn ban hành kèm " + d.LegalBasis,
			Approval: qms.Approval{Status: qms.StatusEffective, Author: tx.actor.Username, Approver: d.LegalBasis, ApprovedAt: &tx.now, EffectiveOn: &day}}
		if err := insertFormVersion(ctx, tx, v); err != nil {
			return err
		}
		if err := saveApprovalIn(ctx, tx, "form_versions", v.ID, &v.Approval, tx.now); err != nil {
			return err
		}
		if err := tx.audit(ctx, qms.SystemAgencyCode, "form.seed", "form", itoa(f.ID), nil, f, d.LegalBasis); err != nil {
			return err
		}
	}
	return nil
}
