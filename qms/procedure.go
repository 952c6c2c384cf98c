package qms

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"isodt/qms/flowchart"
)

// DefaultReviewMonths is how often a document is reviewed unless set.
const DefaultReviewMonths = 12

// Procedure is an internal procedure (quy trình nội bộ): a controlled
// document with a code such as QT-01, covering one or more TTHC, whose
// content lives in numbered versions (lần ban hành 01, 02 …).
type Procedure struct {
	ID           int64     `json:"id"`
	AgencyCode   string    `json:"agency"`
	Code         string    `json:"code"`
	Title        string    `json:"title"`
	OwnerUnit    string    `json:"owner_unit"` // đơn vị chủ trì
	TTHCCodes    []string  `json:"tthc_codes"`
	ReviewMonths int       `json:"review_interval_months"`
	NextReviewOn time.Time `json:"next_review_on,omitzero"` // civil date; none until a version takes effect
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// MovedFrom is the agency a merge or a split brought the procedure
	// from ("" for one the agency made): only such a procedure may record
	// on forms renamed by the move (docs/agency-merge.md).
	MovedFrom string `json:"moved_from,omitempty"`
}

var docCodeRE = regexp.MustCompile(`^[\p{L}0-9][\p{L}0-9 ._/-]{0,39}$`)

// Normalize trims fields, upper-cases the code and sorts out the TTHC list.
func (p *Procedure) Normalize() {
	p.Code = strings.ToUpper(Composed(p.Code))
	p.Title = Composed(p.Title)
	p.OwnerUnit = Composed(p.OwnerUnit)
	p.TTHCCodes = cleanList(p.TTHCCodes)
	if p.ReviewMonths == 0 {
		p.ReviewMonths = DefaultReviewMonths
	}
}

// ProcedureSubject is what an approval of a procedure's version stands for
// besides its content: the title, the owner unit (đơn vị chủ trì) and the
// TTHCs it governs, which decide the dossiers received on it.
type ProcedureSubject struct {
	Title     string   `json:"title"`
	OwnerUnit string   `json:"owner_unit"`
	TTHCCodes []string `json:"tthc_codes"`
	// Agency is the issuing agency's name at submission, which the issue
	// prints: a later rename does not reprint an approved issue (outsider
	// pass 13). Empty in subjects kept before.
	Agency string `json:"agency,omitempty"`
}

// Subject is the procedure's subject as it stands now.
func (p *Procedure) Subject() *ProcedureSubject {
	return &ProcedureSubject{Title: p.Title, OwnerUnit: p.OwnerUnit, TTHCCodes: append([]string{}, p.TTHCCodes...)}
}

// Codes are the TTHCs the subject names; none for a nil subject.
func (s *ProcedureSubject) Codes() []string {
	if s == nil {
		return nil
	}
	return s.TTHCCodes
}

// As is the procedure as version v's approval covers it: its title, owner
// unit and TTHCs from v's subject when v keeps one, the rest as it is.
func (v *ProcedureVersion) As(p *Procedure) *Procedure { return v.Subject.Over(p) }

// Over is p with the subject's title, owner unit and TTHCs; p itself for a
// nil subject.
func (s *ProcedureSubject) Over(p *Procedure) *Procedure {
	if s == nil || p == nil {
		return p
	}
	shown := *p
	shown.Title, shown.OwnerUnit, shown.TTHCCodes = s.Title, s.OwnerUnit, append([]string{}, s.TTHCCodes...)
	return &shown
}

// ScopeChanged reports whether edited changes what an approval of the
// procedure's versions stands for: its title, its owner unit or the TTHCs
// it governs (which dossiers are received on it). The review interval is
// the quality officer's to plan.
func (p *Procedure) ScopeChanged(edited *Procedure) bool {
	a, b := *p, *edited
	a.Normalize()
	b.Normalize()
	if a.Title != b.Title || a.OwnerUnit != b.OwnerUnit || len(a.TTHCCodes) != len(b.TTHCCodes) {
		return true
	}
	governed := map[string]bool{}
	for _, c := range a.TTHCCodes {
		governed[c] = true
	}
	for _, c := range b.TTHCCodes {
		if !governed[c] {
			return true
		}
	}
	return false
}

// Validate reports the first field that is wrong.
func (p *Procedure) Validate() error {
	switch {
	case p.Code == "":
		return FieldError("code", "Mã quy trình không được để trống (ví dụ QT-01).")
	case !docCodeRE.MatchString(p.Code) || !VietnameseLetters(p.Code):
		return FieldError("code", "Mã quy trình %q không hợp lệ: chỉ gồm chữ cái tiếng Việt, chữ số 0–9, dấu cách, chấm, gạch ngang, gạch chéo (tối đa 40 ký tự; không dùng chữ toàn độ rộng hay chữ Kirin, Hy Lạp trông giống chữ Latinh).", p.Code)
	case p.Title == "":
		return FieldError("title", "Tên quy trình không được để trống.")
	case utf8.RuneCountInString(p.Title) > 500:
		return FieldError("title", "Tên quy trình dài quá 500 ký tự.")
	case CheckText("title", "Tên quy trình", p.Title, 500) != nil:
		return CheckText("title", "Tên quy trình", p.Title, 500)
	case p.ReviewMonths < 1 || p.ReviewMonths > 60:
		return FieldError("review_interval_months", "Chu kỳ xem xét phải từ 1 đến 60 tháng.")
	}
	// A code's letters are the Vietnamese alphabet's (VietnameseLetters):
	// a look-alike letter of another script would make a second "QT-01".
	if err := CheckTexts(TextField{"code", "Mã quy trình", p.Code, 40}, TextField{"owner_unit", "Đơn vị chủ trì", p.OwnerUnit, MaxNameText}); err != nil {
		return err
	}
	for _, c := range p.TTHCCodes {
		if !tthcCodeRE.MatchString(c) {
			return FieldError("tthc_codes", "Mã thủ tục %q không đúng dạng mã quốc gia (ví dụ 1.001234).", c)
		}
	}
	return nil
}

// RecordToKeep is a row of section 7, Hồ sơ cần lưu.
type RecordToKeep struct {
	Name      string `json:"name"`
	KeptAt    string `json:"kept_at"`   // nơi lưu
	Retention string `json:"retention"` // thời gian lưu, e.g. "05 năm", "Lâu dài"
}

// ProcedureVersion is one issue (lần ban hành) of an internal procedure
// with the sections of the standard layout.
type ProcedureVersion struct {
	ID            int64               `json:"id"`
	ProcedureID   int64               `json:"procedure_id"`
	Number        int                 `json:"number"`      // 1 → "01"
	Purpose       string              `json:"purpose"`     // 1. Mục đích
	Scope         string              `json:"scope"`       // 2. Phạm vi
	References    string              `json:"references"`  // 3. Tài liệu viện dẫn
	Definitions   string              `json:"definitions"` // 4. Định nghĩa, viết tắt
	Flowchart     flowchart.Flowchart `json:"flowchart"`   // 5. Nội dung quy trình
	Forms         []string            `json:"forms"`       // 6. Biểu mẫu (form codes)
	Records       []RecordToKeep      `json:"records"`     // 7. Hồ sơ cần lưu
	ChangeSummary string              `json:"change_summary"`
	Reviewer      string              `json:"reviewer"` // người xem xét (sign-off block)
	// Subject is what the version's approval covers besides its sections:
	// the procedure's title, owner unit and TTHCs as they stood when it was
	// submitted. Signed with the content, it is what prints and slips show
	// for this issue, whatever the procedure is renamed to later. nil on a
	// draft, and on versions submitted before it was kept (those show the
	// procedure as it is).
	Subject *ProcedureSubject `json:"subject,omitempty"`
	Approval
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IssueNumber is the number as printed: 01, 02 …
func (v *ProcedureVersion) IssueNumber() string {
	if v.Number < 10 {
		return "0" + itoa(int64(v.Number))
	}
	return itoa(int64(v.Number))
}

// Normalize trims the text sections and the form list.
func (v *ProcedureVersion) Normalize() {
	for _, f := range []*string{&v.Purpose, &v.Scope, &v.References, &v.Definitions, &v.ChangeSummary, &v.Reviewer} {
		*f = Composed(*f)
	}
	v.Forms = cleanList(v.Forms)
	if v.Flowchart.Steps == nil {
		v.Flowchart.Steps = []flowchart.Step{}
	}
	if v.Flowchart.Edges == nil {
		v.Flowchart.Edges = []flowchart.Edge{}
	}
	if v.Records == nil {
		v.Records = []RecordToKeep{}
	}
}

// Validate checks what a draft may hold; the flowchart's own rules are
// checked on submission (a draft may be half drawn).
func (v *ProcedureVersion) Validate() error {
	for _, s := range []struct{ field, text string }{{"purpose", v.Purpose}, {"scope", v.Scope}, {"references", v.References}, {"definitions", v.Definitions}, {"change_summary", v.ChangeSummary}} {
		if utf8.RuneCountInString(s.text) > MaxLongText {
			return FieldError(s.field, "Nội dung dài quá 20.000 ký tự.")
		}
		if err := CheckText(s.field, "Nội dung", s.text, MaxLongText); err != nil {
			return err
		}
	}
	if p := flowchart.CheckSize(v.Flowchart); p != nil {
		return FieldError("flowchart", "%s", *p)
	}
	for i, r := range v.Records {
		if strings.TrimSpace(r.Name) == "" {
			return FieldError("records", "Hồ sơ cần lưu dòng %d chưa có tên.", i+1)
		}
	}
	return nil
}

// LimitHours is a TTHC's legal time limit in flowchart hours: working
// days × 8, as the flowchart rule counts them.
func LimitHours(t *TTHC) float64 { return float64(t.TimeLimitDays) * 8 }

// ProcedureFilter selects procedures. Pointer fields mean "not set".
type ProcedureFilter struct {
	ID         *int64
	AgencyCode *string
	Within     *string // procedures of this agency or of an agency under it
	Code       *string
	TTHCCode   *string
	Limit      int
}

// ProcedureService keeps the catalogue and the internal procedures.
type ProcedureService interface {
	// ImportTTHC upserts a whole catalogue by national code in one
	// transaction (all or nothing) and returns (created, updated).
	ImportTTHC(ctx context.Context, agency string, items []TTHC) (int, int, error)
	FindTTHC(ctx context.Context, agency, code string) (*TTHC, error)
	FindTTHCs(ctx context.Context, agency string) ([]*TTHC, error)

	CreateProcedure(ctx context.Context, p *Procedure) error
	UpdateProcedure(ctx context.Context, p *Procedure) error
	FindProcedure(ctx context.Context, agency string, id int64) (*Procedure, error)
	FindProcedures(ctx context.Context, f ProcedureFilter) ([]*Procedure, error)

	// CreateVersion starts a draft, copying the latest version's content.
	CreateVersion(ctx context.Context, procedureID int64) (*ProcedureVersion, error)
	// UpdateVersion saves a draft; anything else is EINVALID.
	UpdateVersion(ctx context.Context, v *ProcedureVersion) error
	FindVersion(ctx context.Context, procedureID int64, number int) (*ProcedureVersion, error)
	FindVersions(ctx context.Context, procedureID int64) ([]*ProcedureVersion, error)
	// FindVersionsByStatus lists an agency's versions in one state (the
	// leader's queue of submitted versions, the officer's drafts).
	FindVersionsByStatus(ctx context.Context, agency string, status DocStatus) ([]*ProcedureVersion, error)
	// TransitionVersion applies a lifecycle action; approving supersedes
	// the version in force and moves the next review date.
	TransitionVersion(ctx context.Context, procedureID int64, number int, action, reason string) (*ProcedureVersion, error)

	// ControlStatuses derives the ISO-control status of every active TTHC.
	ControlStatuses(ctx context.Context, agency string) ([]Control, error)

	// Search finds TTHC and procedures whatever the diacritics.
	Search(ctx context.Context, agency, query string, limit int) ([]SearchHit, error)
}

// SearchHit is one search result.
type SearchHit struct {
	Kind  string `json:"kind"` // "tthc" or "procedure"
	Ref   string `json:"ref"`  // TTHC code or procedure id
	Title string `json:"title"`
}

func cleanList(xs []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, x := range xs {
		for _, part := range strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
			part = strings.TrimSpace(part)
			if part != "" && !seen[part] {
				seen[part] = true
				out = append(out, part)
			}
		}
	}
	return out
}
