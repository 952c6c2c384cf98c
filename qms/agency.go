package qms

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"isodt/qms/msg"
)

// SystemAgencyCode is the agency created at first start; its admins run
// the whole deployment and see every agency.
const SystemAgencyCode = "SYS"

// Agency is a tenant (đơn vị): a provincial department, a district
// People's Committee, a commune. It is also the Casbin domain.
type Agency struct {
	ID         int64  `json:"id"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
	// MergedInto names the successor of a merged (read-only) agency.
	MergedInto string     `json:"merged_into,omitempty"`
	MergedAt   *time.Time `json:"merged_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// Kind is one of AgencyKinds (agency_kind.go).
	Kind string `json:"kind"`
}

// agencyCodeRE is the rule for new agencies: letters and digits only, so
// that the first "-"-separated segment of a dossier code names exactly one
// agency. legacyAgencyCodeRE is the rule agencies created earlier followed;
// they keep working.
var (
	agencyCodeRE       = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)
	legacyAgencyCodeRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_.-]{0,31}$`)
)

// Normalize trims the fields and upper-cases the codes, so that "  sttt"
// and "STTT" are the same agency.
func (a *Agency) Normalize() {
	a.Code = strings.ToUpper(Composed(a.Code))
	a.Name = Composed(a.Name)
	a.ParentCode = strings.ToUpper(strings.TrimSpace(a.ParentCode))
	a.normalizeKind()
}

// Validate reports the first field of a new agency that is wrong.
func (a *Agency) Validate() error {
	switch {
	case a.Code == "":
		return FieldError("code", "Mã đơn vị không được để trống.")
	case !agencyCodeRE.MatchString(a.Code):
		return FieldError("code", "Mã đơn vị %q chỉ gồm chữ in hoa và chữ số, không có dấu gạch ngang hay ký tự khác (tối đa 32 ký tự).", a.Code)
	}
	if err := a.validateFields(); err != nil {
		return err
	}
	if err := CheckAgencyNameLetters(a.Name); err != nil {
		return err
	}
	return a.validateKind("")
}

// ValidateExisting checks an agency being updated: a code created under
// the older rule (with ".", "_" or "-") is kept. ValidateKind checks its
// kind against the one it had.
func (a *Agency) ValidateExisting() error {
	if !legacyAgencyCodeRE.MatchString(a.Code) {
		return FieldError("code", "Mã đơn vị %q không hợp lệ.", a.Code)
	}
	return a.validateFields()
}

func (a *Agency) validateFields() error {
	switch {
	case a.Name == "":
		return FieldError("name", "Tên đơn vị không được để trống.")
	case len([]rune(a.Name)) > 255:
		return FieldError("name", "Tên đơn vị dài quá 255 ký tự.")
	case a.ParentCode == a.Code:
		return FieldError("parent", "Đơn vị không thể là cấp trên của chính nó.")
	}
	return CheckText("name", "Tên đơn vị", a.Name, MaxNameText)
}

// AgencyFilter selects agencies. Pointer fields mean "not set".
type AgencyFilter struct {
	Code   *string
	Within *string // only this agency and the agencies under it
	Active bool    // leave out merged agencies
	Limit  int
	// MergedInto selects the agencies merged into this one.
	MergedInto *string
}

// AgencyUpdate holds the fields an update may change.
type AgencyUpdate struct {
	Name       *string
	ParentCode *string
	Kind       *string
}

// AgencyService manages agencies. Every mutation writes an audit entry.
type AgencyService interface {
	// CreateAgency returns EINVALID, or ECONFLICT when the code is taken,
	// or ENOTFOUND when the parent does not exist.
	CreateAgency(ctx context.Context, a *Agency) error
	// FindAgencyByCode returns ENOTFOUND when there is none.
	FindAgencyByCode(ctx context.Context, code string) (*Agency, error)
	FindAgencies(ctx context.Context, f AgencyFilter) ([]*Agency, error)
	// UpdateAgency returns EINVALID (a cycle in the hierarchy included) or ENOTFOUND.
	UpdateAgency(ctx context.Context, code string, upd AgencyUpdate) (*Agency, error)
	// IsWithin reports whether code is ancestor or one of its descendants.
	IsWithin(ctx context.Context, code, ancestor string) (bool, error)
}

// AgencyNameKey is an agency's name as names are compared: composed
// (NFC), with every run of characters that are neither letters nor digits
// (spaces, commas, dashes) as one space. Agencies that are not merged
// never share a name by SameAgencyName: a citizen tells agencies apart by
// name, on their public pages and where their feedback (with name and
// phone) goes.
func AgencyNameKey(name string) string {
	words := strings.FieldsFunc(norm.NFC.String(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.M, r)
	})
	return strings.Join(words, " ")
}

// SameAgencyName reports whether citizens would take two agency names for
// one another: their keys (AgencyNameKey) the same name by SameName, so
// that "Sở Văn hóa, Thể thao và Du lịch", "sở văn hoá  thể thao và du
// lịch" and "Sở Văn hóa, Thể thao và Du Iịch" are one (outsider pass 11),
// or the same without any mark ("So Van hoa, The thao va Du lich", as a
// name is typed where marks cannot be; outsider pass 12). Unlike people's
// names ("An" and "Ân" are two people), no two agencies are told apart by
// a vowel's mark alone.
func SameAgencyName(a, b string) bool {
	ka, kb := AgencyNameKey(a), AgencyNameKey(b)
	return SameName(ka, kb) || Unaccent(ka) == Unaccent(kb)
}

// CheckAgencyNameLetters refuses a letter or digit that is not of the
// Vietnamese alphabet or an ASCII digit: a Cyrillic "о", an Icelandic "Ð"
// for "Đ" or a full-width "１" reads like another agency's name but
// compares apart from it (AgencyNameKey), so it would copy that name past
// the uniqueness rule. Spaces and punctuation are free.
func CheckAgencyNameLetters(name string) error {
	for _, r := range norm.NFC.String(name) {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.M, r) {
			continue
		}
		if r < 0x80 || VietnameseLetters(string(r)) {
			continue
		}
		return FieldError("name", "Tên đơn vị có ký tự %q (U+%04X) không thuộc bảng chữ cái tiếng Việt: gõ lại tên bằng chữ tiếng Việt và chữ số thường, để tên không giả được tên của đơn vị khác.", string(r), r)
	}
	return nil
}

// AgencyNameTaken is the refusal of a name (by AgencyNameKey) that the
// agency other, not merged, already has.
func AgencyNameTaken(name string, other *Agency) error {
	return FieldErrorf(ECONFLICT, "name", "Tên đơn vị %q đã là tên của đơn vị %s (%s): hai đơn vị đang hoạt động không được trùng tên (không phân biệt chữ hoa, chữ thường, dấu cách và dấu câu), để người dân không nhầm đơn vị. Chọn tên khác.", name, other.Code, other.Name)
}

// An agency's place in the province (its parent) and its kind are the
// system admin's to decide, as merging, splitting and moving agencies are
// (qms agency move, /admin/agency-merge): an agency that leaves its parent
// leaves the parent's internal audits and its admin's sight, and its kind
// says what level of government it is. The admin of another agency
// creates subordinate units (kind truc_thuoc) under an agency of their
// scope and renames the agencies of their scope; parent and kind stay.

// CheckAgencyCreate refuses, for an actor who is not the system admin, a
// new agency of another kind than truc_thuoc. Returns EFORBIDDEN naming
// "kind".
func CheckAgencyCreate(actor Actor, a *Agency) error {
	if actor.SystemAdmin() || a.Kind == AgencyKindSubunit {
		return nil
	}
	return FieldErrorf(EFORBIDDEN, "kind", "Loại đơn vị: quản trị đơn vị chỉ tạo đơn vị trực thuộc (%s) dưới đơn vị mình; sở, ban, ngành, UBND tỉnh và UBND xã do quản trị hệ thống (đơn vị %s) tạo.", AgencyKindSubunit, SystemAgencyCode)
}

// CheckAgencyUpdate refuses, for an actor who is not the system admin, a
// change of the agency's parent (moved, or detached with none) or of its
// kind. Returns EFORBIDDEN naming "parent" or "kind".
func CheckAgencyUpdate(actor Actor, before, after *Agency) error {
	if actor.SystemAdmin() {
		return nil
	}
	if after.ParentCode != before.ParentCode {
		now := msg.New("vẫn trực thuộc %q", before.ParentCode)
		if before.ParentCode == "" {
			now = msg.New("vẫn không có đơn vị cấp trên")
		}
		return FieldErrorf(EFORBIDDEN, "parent", "Đơn vị cấp trên: chỉ quản trị hệ thống (đơn vị %s) chuyển một đơn vị sang cấp trên khác hoặc bỏ cấp trên của nó; đơn vị %q %s.", SystemAgencyCode, before.Code, now)
	}
	if after.Kind != before.Kind {
		return FieldErrorf(EFORBIDDEN, "kind", "Loại đơn vị: chỉ quản trị hệ thống (đơn vị %s) đổi loại của một đơn vị; đơn vị %q vẫn là %s.", SystemAgencyCode, before.Code, AgencyKindArg(before.Kind))
	}
	return nil
}

// MergedParentError is the refusal of a merged agency chosen as an
// agency's parent: it no longer exists as a unit, its successor does.
func MergedParentError(parent, successor string) error {
	return FieldErrorf(EFORBIDDEN, "parent", "Đơn vị cấp trên: đơn vị %q đã sáp nhập vào %q, không còn nhận đơn vị trực thuộc; chọn %q hoặc một đơn vị khác đang hoạt động.", parent, successor, successor)
}
