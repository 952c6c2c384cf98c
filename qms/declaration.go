package qms

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Declaration of conformity (issue #16 item 3): the head of an agency
// declares, by a decision, that its quality management system conforms
// to TCVN ISO 9001:2015, naming its scope (the TTHC and internal
// processes it covers). The agency declares again whenever that scope is
// adjusted, extended or narrowed: a merger, a new TTHC, a procedure
// withdrawn. A declaration is never deleted; the next one supersedes it.
type Declaration struct {
	ID         int64     `json:"id"`
	AgencyCode string    `json:"agency"`
	Number     string    `json:"number"`     // số quyết định công bố, e.g. "125/QĐ-STP"
	DecidedOn  time.Time `json:"decided_on"` // ngày ký quyết định (civil date, midnight UTC)
	SignedBy   string    `json:"signed_by"`  // người ký (thủ trưởng cơ quan)
	// Scope: the codes of the TTHC and of the internal procedures the
	// system covers, as the decision lists them.
	TTHCCodes []string  `json:"tthc_codes"`
	Processes []string  `json:"processes"`
	File      FileRef   `json:"file"` // the signed decision, in the file store
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// SupersededBy is the declaration that replaced this one.
	SupersededBy *int64     `json:"superseded_by,omitempty"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
}

// Current reports whether no later declaration replaced this one.
func (d *Declaration) Current() bool { return d.SupersededAt == nil }

// LegalDocument is a document a rule rests on, kept as data.
type LegalDocument struct {
	Number    string    `json:"number"`
	Title     string    `json:"title"`
	Provision string    `json:"provision"`
	Effective time.Time `json:"effective"`
}

// DeclarationBasis is the legal basis of the declaration and of the rules
// DECLARATION_MISSING and DECLARATION_SCOPE_CHANGED: Decision 19/2014
// (art. 4: the head of the agency declares conformity, and declares again
// when the scope is adjusted, extended or narrowed), guided by Circular
// 26/2014. A new document is one more entry here.
var DeclarationBasis = []LegalDocument{
	{Number: "19/2014/QĐ-TTg", Title: "Quyết định về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
		Provision: "Điều 4: công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001; công bố lại khi điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng",
		Effective: time.Date(2014, 4, 20, 0, 0, 0, 0, time.UTC)},
	{Number: "26/2014/TT-BKHCN", Title: "Thông tư quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg",
		Provision: "Quyết định công bố theo mẫu; phạm vi áp dụng gồm các thủ tục hành chính và hoạt động nội bộ",
		Effective: time.Date(2014, 12, 1, 0, 0, 0, 0, time.UTC)},
}

// DeclarationBasisText names the basis in one line, for messages.
func DeclarationBasisText() string {
	var ps []string
	for _, d := range DeclarationBasis {
		ps = append(ps, d.Number)
	}
	return strings.Join(ps, ", ")
}

// Normalize trims the fields and sorts the scope without duplicates.
func (d *Declaration) Normalize() {
	d.AgencyCode = strings.ToUpper(strings.TrimSpace(d.AgencyCode))
	d.Number = Composed(d.Number)
	d.SignedBy = Composed(d.SignedBy)
	d.Note = Composed(d.Note)
	d.TTHCCodes, d.Processes = cleanCodes(d.TTHCCodes), cleanCodes(d.Processes)
}

func cleanCodes(cs []string) []string {
	out := []string{}
	for _, c := range cs {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// Validate reports the first field that is wrong; today is the civil
// date the declaration is recorded on (a decision cannot be signed later).
func (d *Declaration) Validate(today time.Time) error {
	switch {
	case d.Number == "":
		return FieldError("number", "Số quyết định công bố không được để trống.")
	case len([]rune(d.Number)) > 100:
		return FieldError("number", "Số quyết định công bố dài quá 100 ký tự.")
	case d.DecidedOn.IsZero():
		return FieldError("decided_on", "Ngày ký quyết định công bố không được để trống.")
	case d.DecidedOn.After(today):
		return FieldError("decided_on", "Ngày ký quyết định công bố %s sau ngày hôm nay.", d.DecidedOn.Format("02/01/2006"))
	case len([]rune(d.SignedBy)) > 255:
		return FieldError("signed_by", "Tên người ký dài quá 255 ký tự.")
	case len(d.TTHCCodes)+len(d.Processes) == 0:
		return FieldError("scope", "Phạm vi công bố trống: chọn các thủ tục hành chính và quy trình nội bộ áp dụng hệ thống.")
	case d.File.SHA256 == "":
		return FieldError("file", "Chưa tải lên quyết định công bố đã ký (tệp PDF hoặc ảnh chụp).")
	case len([]rune(d.Note)) > MaxLongText:
		return FieldError("note", "Ghi chú dài quá %s ký tự.", Number(MaxLongText))
	}
	return nil
}

// CheckScope keeps the scope to what the agency runs now: each TTHC code
// one of its active TTHC, each procedure code one of its procedures in
// force (tthc and processes, as DeclarationService.DeclarationScope lists
// them). A code of another agency's catalogue would have this agency
// declare, for good (a declaration is never deleted), work it does not do.
func (d *Declaration) CheckScope(tthc, processes []ScopeItem) error {
	if c, ok := codeOutside(d.TTHCCodes, tthc); ok {
		return FieldError("tthc", "Thủ tục hành chính mã %q không thuộc danh mục thủ tục hành chính đang áp dụng của đơn vị %s: phạm vi công bố chỉ gồm thủ tục của đơn vị.", c, d.AgencyCode)
	}
	if c, ok := codeOutside(d.Processes, processes); ok {
		return FieldError("process", "Quy trình nội bộ mã %q không phải quy trình đang có hiệu lực của đơn vị %s: phạm vi công bố chỉ gồm quy trình của đơn vị.", c, d.AgencyCode)
	}
	return nil
}

// codeOutside returns the first of codes that no item has.
func codeOutside(codes []string, items []ScopeItem) (string, bool) {
	for _, c := range codes {
		if !slices.ContainsFunc(items, func(it ScopeItem) bool { return it.Code == c }) {
			return c, true
		}
	}
	return "", false
}

// ScopeItem is a TTHC or an internal procedure a declaration may cover.
type ScopeItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// DeclarationService keeps the declarations. Every mutation writes an
// audit entry.
type DeclarationService interface {
	// CreateDeclaration records a declaration and supersedes the agency's
	// current one. It returns EINVALID (a scope code CheckScope refuses
	// among them), ENOTFOUND (agency), ECONFLICT
	// (the number is already recorded) or EFORBIDDEN (a merged agency).
	CreateDeclaration(ctx context.Context, d *Declaration) error
	// FindDeclarations lists an agency's declarations, newest first.
	FindDeclarations(ctx context.Context, agency string) ([]*Declaration, error)
	// FindDeclaration returns ENOTFOUND when the agency has no such one.
	FindDeclaration(ctx context.Context, agency string, id int64) (*Declaration, error)
	// DeclarationScope lists what a declaration of the agency may cover
	// now: its active TTHC and its procedures in force.
	DeclarationScope(ctx context.Context, agency string) (tthc, processes []ScopeItem, err error)
}
