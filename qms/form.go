package qms

import (
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// Form kinds.
const (
	FormOneStop = "one_stop" // biểu mẫu một cửa (Thông tư 01/2018/TT-VPCP)
	FormISO     = "iso"      // biểu mẫu của hệ thống quản lý chất lượng
	FormLocal   = "local"    // biểu mẫu riêng của quy trình
)

// Form is a controlled form (biểu mẫu) such as "BM-QT02-01" or "Mẫu số
// 01": its content lives in versions that follow the same lifecycle as
// procedures.
type Form struct {
	ID          int64     `json:"id"`
	AgencyCode  string    `json:"agency"`
	Code        string    `json:"code"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	ProcedureID int64     `json:"procedure_id,omitempty"` // owning procedure, if any
	LegalBasis  string    `json:"legal_basis,omitempty"`
	Purpose     string    `json:"purpose,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Normalize trims the fields.
func (f *Form) Normalize() {
	f.Code, f.Title = Composed(f.Code), Composed(f.Title)
	f.LegalBasis, f.Purpose = Composed(f.LegalBasis), Composed(f.Purpose)
	if f.Kind == "" {
		f.Kind = FormLocal
	}
}

// Validate reports the first field that is wrong.
func (f *Form) Validate() error {
	switch {
	case f.Code == "":
		return FieldError("code", "Mã biểu mẫu không được để trống (ví dụ BM-QT02-01).")
	case !docCodeRE.MatchString(f.Code) || !VietnameseLetters(f.Code):
		return FieldError("code", "Mã biểu mẫu %q không hợp lệ: chỉ gồm chữ cái tiếng Việt, chữ số 0–9, dấu cách, chấm, gạch ngang, gạch chéo (tối đa 40 ký tự; không dùng chữ toàn độ rộng hay chữ Kirin, Hy Lạp trông giống chữ Latinh).", f.Code)
	case f.Title == "":
		return FieldError("title", "Tên biểu mẫu không được để trống.")
	case utf8.RuneCountInString(f.Title) > 500:
		return FieldError("title", "Tên biểu mẫu dài quá 500 ký tự.")
	case CheckText("title", "Tên biểu mẫu", f.Title, 500) != nil:
		return CheckText("title", "Tên biểu mẫu", f.Title, 500)
	case f.Kind != FormOneStop && f.Kind != FormISO && f.Kind != FormLocal:
		return FieldError("kind", "Loại biểu mẫu %q không hợp lệ.", f.Kind)
	}
	return CheckText("code", "Mã biểu mẫu", f.Code, 40)
}

// FormVersion is one issue of a form: a template file (DOCX, XLSX, PDF or
// ODT) kept by its SHA-256, and the field schema (JSON, read by
// qms/formschema) from which the app renders the entry form.
type FormVersion struct {
	ID            int64           `json:"id"`
	FormID        int64           `json:"form_id"`
	Number        int             `json:"number"`
	Schema        json.RawMessage `json:"schema"`
	Template      *FileRef        `json:"template,omitempty"`
	ChangeSummary string          `json:"change_summary"`
	Approval
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxTemplateSize caps an uploaded form template.
const MaxTemplateSize = 20 << 20

// TemplateTypes are the template formats accepted, by extension.
var TemplateTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pdf":  "application/pdf",
	".odt":  "application/vnd.oasis.opendocument.text",
}

// FormService keeps controlled forms, their versions and files.
type FormService interface {
	CreateForm(ctx context.Context, f *Form, schema json.RawMessage) error
	FindForm(ctx context.Context, agency string, id int64) (*Form, error)
	FindForms(ctx context.Context, agency string) ([]*Form, error)
	// FindFormsByCode is FindForms narrowed to the codes: what a
	// dossier's page needs to read its records, without every form.
	FindFormsByCode(ctx context.Context, agency string, codes []string) ([]*Form, error)
	// AdoptForm copies a standard form of agency SYS into agency as a
	// draft the agency then approves.
	AdoptForm(ctx context.Context, agency string, sysFormID int64) (*Form, error)
	CreateFormVersion(ctx context.Context, formID int64) (*FormVersion, error)
	UpdateFormVersion(ctx context.Context, v *FormVersion) error
	FindFormVersion(ctx context.Context, formID int64, number int) (*FormVersion, error)
	// FindFormVersionsOf returns the versions numbered any of numbers of
	// the forms formIDs, without their contributors (Approval's lists),
	// ordered by form and number.
	FindFormVersionsOf(ctx context.Context, formIDs []int64, numbers []int) ([]*FormVersion, error)
	FindFormVersions(ctx context.Context, formID int64) ([]*FormVersion, error)
	TransitionFormVersion(ctx context.Context, formID int64, number int, action, reason string) (*FormVersion, error)
	// EffectiveForm returns the form with the code in force for agency (its
	// own, else the standard one of SYS) and the version in force now.
	EffectiveForm(ctx context.Context, agency, code string) (*Form, *FormVersion, error)
	// EffectiveStepForm is EffectiveForm for a step of procedureID: a
	// procedure a merge brought finds its own form, renamed in the
	// successor when the code clashed (docs/agency-merge.md).
	EffectiveStepForm(ctx context.Context, agency string, procedureID int64, code string) (*Form, *FormVersion, error)
	// StepFormCode is the code a step form of procedureID has in agency:
	// code itself, or the code a merge or split renamed it to. One lookup,
	// for the pages that only need the name.
	StepFormCode(ctx context.Context, agency string, procedureID int64, code string) (string, error)
	PutFile(ctx context.Context, name, contentType string, data []byte) (FileRef, error)
	GetFile(ctx context.Context, sha256 string) ([]byte, FileRef, error)
	// KeepUpload holds an uploaded file for the session (and its user)
	// that sent it while the user makes one more choice, such as the pool
	// of a BPMN file with several, and returns the id the form sends
	// back. See KeptUploadTTL for the bounds.
	KeepUpload(ctx context.Context, session, name string, data []byte) (string, error)
	// KeptUpload returns the file kept under id for session and the
	// caller, until it expires; ENOTFOUND otherwise.
	KeptUpload(ctx context.Context, session, id string) ([]byte, error)
}

// Bounds of the files KeepUpload holds: each lives KeptUploadTTL, a
// session keeps its latest KeptUploadsPerSession, and all sessions
// together at most MaxKeptUploadBytes (beyond that the user chooses the
// file again).
const (
	KeptUploadTTL         = 30 * time.Minute
	KeptUploadsPerSession = 3
	MaxKeptUploadBytes    = 256 << 20
)
