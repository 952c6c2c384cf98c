package qms

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"isodt/qms/flowchart"
)

// Competence (năng lực, TCVN ISO 9001:2015 clause 7.2): an agency keeps a
// catalogue of the competences its work needs ("Nghiệp vụ một cửa",
// "Đánh giá viên ISO 9001 nội bộ"), says who needs each — every holder
// of a role, or whoever completes a step of a procedure — and keeps each
// person's training and qualification records with their evidence and
// expiry. A record is never deleted: it is revoked with a reason.

// Competence is one entry of an agency's catalogue.
type Competence struct {
	ID          int64     `json:"id"`
	AgencyCode  string    `json:"agency"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	MergedFrom  string    `json:"merged_from,omitempty"` // the predecessor it came from in a merge
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

var competenceCodeRE = regexp.MustCompile(`^[\p{L}0-9][\p{L}0-9._-]{0,39}$`)

// Validate checks a new catalogue entry.
func (c *Competence) Validate() error {
	c.Code, c.Name, c.Description = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name), strings.TrimSpace(c.Description)
	switch {
	case c.Code == "":
		return FieldError("code", "Nhập mã năng lực (ví dụ MOTCUA).")
	case !competenceCodeRE.MatchString(c.Code) || !VietnameseLetters(c.Code):
		return FieldError("code", "Mã năng lực %q chỉ gồm chữ cái tiếng Việt, chữ số 0–9, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự; không dùng chữ toàn độ rộng hay chữ Kirin, Hy Lạp).", c.Code)
	case c.Name == "":
		return FieldError("name", "Nhập tên năng lực (ví dụ Nghiệp vụ một cửa).")
	}
	return CheckTexts(TextField{"code", "Mã năng lực", c.Code, 40}, TextField{"name", "Tên năng lực", c.Name, 300},
		TextField{"description", "Mô tả năng lực", c.Description, MaxShortText})
}

// CompetenceRequirement says who needs a competence: every holder of
// Role in the agency, or (ProcedureID, StepID) whoever holds the role the
// step names in the procedure's version in force. Exactly one of the two.
type CompetenceRequirement struct {
	ID              int64      `json:"id"`
	AgencyCode      string     `json:"agency"`
	CompetenceID    int64      `json:"competence_id"`
	Role            Role       `json:"role,omitempty"`
	ProcedureID     int64      `json:"procedure_id,omitempty"`
	StepID          string     `json:"step_id,omitempty"`
	Withdrawn       bool       `json:"withdrawn"`
	WithdrawnReason string     `json:"withdrawn_reason,omitempty"`
	WithdrawnBy     string     `json:"withdrawn_by,omitempty"`
	WithdrawnAt     *time.Time `json:"withdrawn_at,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
}

// Validate checks the shape of a requirement; the store checks that the
// competence, procedure and step exist.
func (r *CompetenceRequirement) Validate() error {
	r.Role, r.StepID = Role(strings.TrimSpace(string(r.Role))), strings.TrimSpace(r.StepID)
	switch {
	case r.CompetenceID == 0:
		return FieldError("competence_id", "Chọn năng lực được yêu cầu.")
	case r.Role != "" && (r.ProcedureID != 0 || r.StepID != ""):
		return FieldError("role", "Chọn một vai trò hoặc một bước của quy trình, không chọn cả hai.")
	case r.Role == "" && (r.ProcedureID == 0 || r.StepID == ""):
		return FieldError("role", "Chọn vai trò cần năng lực này, hoặc quy trình và bước cần năng lực này.")
	case r.Role != "":
		_, err := ParseRole(string(r.Role))
		return err
	}
	return nil
}

// CompetenceRecord is one training or qualification of a person
// (chứng chỉ, giấy chứng nhận, kết quả đào tạo), with its evidence.
type CompetenceRecord struct {
	ID            int64      `json:"id"`
	AgencyCode    string     `json:"agency"`
	Username      string     `json:"username"`
	CompetenceID  int64      `json:"competence_id"`
	Course        string     `json:"course"`
	CertificateNo string     `json:"certificate_no,omitempty"`
	Issuer        string     `json:"issuer,omitempty"`
	ObtainedOn    time.Time  `json:"obtained_on"`
	ExpiresOn     *time.Time `json:"expires_on,omitempty"` // nil: does not expire
	Evidence      *FileRef   `json:"evidence,omitempty"`
	Revoked       bool       `json:"revoked"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
	RevokedBy     string     `json:"revoked_by,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
}

// MaxCompetenceAgeYears bounds how long ago a competence was obtained.
const MaxCompetenceAgeYears = 50

// Validate checks a new record against today's date (Hà Nội).
func (r *CompetenceRecord) Validate(today time.Time) error {
	r.Username, r.Course = strings.ToLower(strings.TrimSpace(r.Username)), strings.TrimSpace(r.Course)
	r.CertificateNo, r.Issuer = strings.TrimSpace(r.CertificateNo), strings.TrimSpace(r.Issuer)
	switch {
	case r.Username == "":
		return FieldError("username", "Chọn người được ghi nhận năng lực.")
	case r.CompetenceID == 0:
		return FieldError("competence_id", "Chọn năng lực.")
	case r.Course == "":
		return FieldError("course", "Nhập khóa đào tạo hoặc tên chứng chỉ.")
	case r.ObtainedOn.IsZero():
		return FieldError("obtained_on", "Nhập ngày cấp / ngày hoàn thành đào tạo.")
	case r.ObtainedOn.After(today):
		return FieldError("obtained_on", "Ngày cấp %s chưa đến: không thể ghi nhận năng lực trước ngày đạt được.", r.ObtainedOn.Format("02/01/2006"))
	case r.ObtainedOn.Before(today.AddDate(-MaxCompetenceAgeYears, 0, 0)):
		// A working life: 01/01/1900 was a typing slip taken as a date.
		return FieldError("obtained_on", "Ngày cấp %s cách nay hơn %d năm: kiểm tra lại năm.", r.ObtainedOn.Format("02/01/2006"), MaxCompetenceAgeYears)
	case r.ExpiresOn != nil && !r.ExpiresOn.After(r.ObtainedOn):
		return FieldError("expires_on", "Ngày hết hạn %s phải sau ngày cấp %s.", r.ExpiresOn.Format("02/01/2006"), r.ObtainedOn.Format("02/01/2006"))
	}
	return CheckTexts(TextField{"course", "Khóa đào tạo / chứng chỉ", r.Course, 300},
		TextField{"certificate_no", "Số chứng chỉ", r.CertificateNo, 100}, TextField{"issuer", "Đơn vị cấp", r.Issuer, 300})
}

// Revoke takes a record out of force, keeping it with the reason.
func (r *CompetenceRecord) Revoke(reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case r.Revoked:
		return Errorf(EINVALID, "Hồ sơ năng lực đã bị thu hồi trước đó.")
	case reason == "":
		return FieldError("reason", "Nhập lý do thu hồi hồ sơ năng lực.")
	}
	if err := CheckText("reason", "Lý do thu hồi", reason, MaxShortText); err != nil {
		return err
	}
	r.Revoked, r.RevokedReason, r.RevokedBy, r.RevokedAt = true, reason, by, &at
	return nil
}

// What a person's records of one competence amount to on a day.
const (
	CompetenceValid    = "valid"
	CompetenceExpiring = "expiring" // valid, expires within CompetenceExpiryNotice
	CompetenceExpired  = "expired"
	CompetenceMissing  = "missing"
)

// CompetenceExpiryNotice is how long before its expiry a record is shown
// as expiring, so that the training is planned in time.
const CompetenceExpiryNotice = 60 * 24 * time.Hour

// Status is what the record is worth on today (a civil date): a revoked
// record counts as missing; a record is valid through its expiry day.
func (r *CompetenceRecord) Status(today time.Time) string {
	switch {
	case r.Revoked:
		return CompetenceMissing
	case r.ExpiresOn == nil:
		return CompetenceValid
	case r.ExpiresOn.Before(today):
		return CompetenceExpired
	case r.ExpiresOn.Before(today.Add(CompetenceExpiryNotice)):
		return CompetenceExpiring
	}
	return CompetenceValid
}

var statusRank = map[string]int{CompetenceMissing: 0, CompetenceExpired: 1, CompetenceExpiring: 2, CompetenceValid: 3}

// Held is the best a person holds of a competence among records: the
// status and the record that gives it (nil when missing).
func Held(records []*CompetenceRecord, competenceID int64, today time.Time) (string, *CompetenceRecord) {
	best, by := CompetenceMissing, (*CompetenceRecord)(nil)
	for _, r := range records {
		if r.CompetenceID != competenceID || r.Revoked {
			continue
		}
		st := r.Status(today)
		// Of two records as good, the one lasting longer is shown.
		if statusRank[st] > statusRank[best] || (st == best && by != nil && later(r.ExpiresOn, by.ExpiresOn)) {
			best, by = st, r
		}
	}
	return best, by
}

func later(a, b *time.Time) bool { return a == nil && b != nil || a != nil && b != nil && a.After(*b) }

// Lacking reports whether a status fails a requirement.
func Lacking(status string) bool { return status == CompetenceMissing || status == CompetenceExpired }

// AppliedRequirement is a requirement with the role it falls on today:
// its own, or the role of its step in the procedure's version in force.
// Why says it in words ("Vai trò Chuyên viên", "Bước “Thẩm định” – QT-05").
// A step requirement whose step no version in force has applies to no one
// (Role "").
type AppliedRequirement struct {
	*CompetenceRequirement
	AppliesTo     Role   `json:"applies_to"`
	Why           string `json:"why"`
	Need          Phrase `json:"-"` // Why, for a page in another language
	ProcedureCode string `json:"procedure_code,omitempty"`
	StepName      string `json:"step_name,omitempty"` // "" while no version in force has the step
}

// StepRef is a step of a procedure's version in force that a
// requirement may name.
type StepRef struct {
	ProcedureID   int64  `json:"procedure_id"`
	ProcedureCode string `json:"procedure_code"`
	StepID        string `json:"step_id"`
	StepName      string `json:"step_name"`
	Role          Role   `json:"role"`
}

// Member is a person of the agency with the roles they hold there.
type Member struct {
	Person
	Roles []Role `json:"roles"`
}

// MatrixCell is one person's standing on one competence.
type MatrixCell struct {
	Required bool              `json:"required"`
	Why      []string          `json:"why,omitempty"`
	Needs    []Phrase          `json:"-"` // Why, for a page in another language
	Status   string            `json:"status"`
	Record   *CompetenceRecord `json:"record,omitempty"`
}

// Gap reports whether a required competence is missing or expired.
func (c MatrixCell) Gap() bool { return c.Required && Lacking(c.Status) }

// MatrixRow is one person's line of the matrix.
type MatrixRow struct {
	Member
	Cells []MatrixCell `json:"cells"`
}

// CompetenceMatrix is people × the catalogue, as of Today.
type CompetenceMatrix struct {
	AgencyCode  string                `json:"agency"`
	Today       time.Time             `json:"today"`
	Competences []*Competence         `json:"competences"`
	Rows        []MatrixRow           `json:"rows"`
	Applied     []*AppliedRequirement `json:"requirements"`
}

// BuildCompetenceMatrix judges every member against every competence:
// required when a requirement in force falls on one of their roles.
func BuildCompetenceMatrix(agency string, today time.Time, comps []*Competence, reqs []*AppliedRequirement, members []Member, records []*CompetenceRecord) *CompetenceMatrix {
	m := &CompetenceMatrix{AgencyCode: agency, Today: today, Competences: comps, Applied: reqs, Rows: make([]MatrixRow, 0, len(members))}
	byUser := map[string][]*CompetenceRecord{}
	for _, r := range records {
		byUser[r.Username] = append(byUser[r.Username], r)
	}
	for _, mem := range members {
		row := MatrixRow{Member: mem, Cells: make([]MatrixCell, len(comps))}
		for i, c := range comps {
			cell := &row.Cells[i]
			cell.Status, cell.Record = Held(byUser[mem.Username], c.ID, today)
			for _, r := range reqs {
				if r.CompetenceID == c.ID && !r.Withdrawn && r.AppliesTo != "" && slices.Contains(mem.Roles, r.AppliesTo) {
					cell.Required, cell.Why, cell.Needs = true, append(cell.Why, r.Why), append(cell.Needs, r.Need)
				}
			}
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

// CompetenceGap is a required competence a person lacks.
type CompetenceGap struct {
	Person     Person      `json:"person"`
	Competence *Competence `json:"competence"`
	Status     string      `json:"status"` // missing or expired
	Why        []string    `json:"why"`
	Needs      []Phrase    `json:"-"` // Why, for a page in another language
	ExpiredOn  *time.Time  `json:"expired_on,omitempty"`
}

// Phrase says the gap, naming the person and competence.
func (g CompetenceGap) Phrase() Phrase {
	who := g.Person.FullName
	if who == "" {
		who = g.Person.Username
	}
	if g.Status == CompetenceExpired && g.ExpiredOn != nil {
		return Say(SayCompetenceExpired, g.Competence.Code, g.Competence.Name, who, g.ExpiredOn.Format("02/01/2006"), g.Needs)
	}
	return Say(SayCompetenceMissing, who, g.Competence.Code, g.Competence.Name, g.Needs)
}

// NeedPhrases are needs in Vietnamese, the JSON's why.
func NeedPhrases(needs []Phrase) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = n.String()
	}
	return out
}

// Gaps lists the matrix's required competences missing or expired.
func (m *CompetenceMatrix) Gaps() []CompetenceGap {
	var out []CompetenceGap
	for _, row := range m.Rows {
		for i, cell := range row.Cells {
			if cell.Gap() {
				g := CompetenceGap{Person: row.Person, Competence: m.Competences[i], Status: cell.Status, Why: cell.Why, Needs: cell.Needs}
				if cell.Record != nil {
					g.ExpiredOn = cell.Record.ExpiresOn
				}
				out = append(out, g)
			}
		}
	}
	return out
}

// StepRequires reports whether an applied requirement bears on someone
// completing step of procedureID: a requirement on that very step, or on
// the role the step names.
func (r *CompetenceRequirement) StepRequires(procedureID int64, step flowchart.Step) bool {
	if r.Withdrawn {
		return false
	}
	if r.StepID != "" {
		return r.ProcedureID == procedureID && r.StepID == step.ID
	}
	return r.Role == StepRole(step)
}

// CompetenceRecordFilter selects records. Pointer fields mean "not set".
type CompetenceRecordFilter struct {
	AgencyCode     string
	ID             *int64
	Username       *string
	IncludeRevoked bool
}

// CompetenceService keeps the catalogue, the requirements and the records.
type CompetenceService interface {
	// CreateCompetence adds a catalogue entry: EINVALID, ECONFLICT on a
	// code the agency already has.
	CreateCompetence(ctx context.Context, c *Competence) error
	FindCompetences(ctx context.Context, agency string) ([]*Competence, error)
	// AddRequirement: EINVALID, ENOTFOUND for an unknown competence,
	// procedure or step.
	AddRequirement(ctx context.Context, r *CompetenceRequirement) error
	WithdrawRequirement(ctx context.Context, agency string, id int64, reason string) (*CompetenceRequirement, error)
	// AddCompetenceRecord: EINVALID, ENOTFOUND for a person not of the
	// agency or an unknown competence.
	AddCompetenceRecord(ctx context.Context, r *CompetenceRecord) error
	RevokeCompetenceRecord(ctx context.Context, agency string, id int64, reason string) (*CompetenceRecord, error)
	FindCompetenceRecords(ctx context.Context, f CompetenceRecordFilter) ([]*CompetenceRecord, error)
	// CompetenceMatrix judges the agency's people as of today.
	CompetenceMatrix(ctx context.Context, agency string) (*CompetenceMatrix, error)
	// StepCompetenceGaps lists what username lacks of the competences
	// completing step of procedureID requires (the completion page warns;
	// it does not refuse).
	StepCompetenceGaps(ctx context.Context, agency, username string, procedureID int64, step flowchart.Step) ([]CompetenceGap, error)
	// CompetenceSteps lists the work steps of the agency's versions in
	// force, for the requirement form.
	CompetenceSteps(ctx context.Context, agency string) ([]StepRef, error)
}

// RoleTitle names a role in Vietnamese ("Chuyên viên").
func RoleTitle(r Role) string {
	if t, ok := roleTitle[r]; ok {
		return t
	}
	return string(r)
}

// CheckOwnRecord refuses a user recording a competence of their own: the
// record attests that someone holds a competence the agency requires
// (ISO 9001 7.2), and whoever attests it for themselves attests nothing;
// another quality officer or a leader records it (outsider pass 10).
// The CLI (the system actor) may. Returns EFORBIDDEN on "username".
func CheckOwnRecord(a Actor, username string) error {
	if a.System || !strings.EqualFold(a.Username, username) {
		return nil
	}
	return FieldErrorf(EFORBIDDEN, "username", "Bạn không tự ghi nhận năng lực của chính mình (%s): một cán bộ ISO khác hoặc lãnh đạo ghi nhận, để hồ sơ năng lực có người xác nhận.", username)
}
