package qms

import (
	"strings"
	"time"

	"isodt/qms/msg"
)

// Agency kinds of the two-level local government (issue #16 item 2).
// Since 1 July 2025 local government is the province and the commune
// (ward, special zone); the district level is abolished. Agencies of the
// district kinds stay in the database as history: their rows keep their
// kind, but no new agency may be created with one.
const (
	AgencyKindProvince       = "ubnd_tinh"   // UBND tỉnh, thành phố trực thuộc trung ương
	AgencyKindDepartment     = "so_nganh"    // sở, ban, ngành thuộc UBND tỉnh
	AgencyKindCommune        = "ubnd_xa"     // UBND xã, phường, đặc khu
	AgencyKindSubunit        = "truc_thuoc"  // đơn vị trực thuộc (chi cục, trung tâm…)
	AgencyKindDistrict       = "ubnd_huyen"  // UBND huyện, quận, thị xã, thành phố thuộc tỉnh (trước 01/7/2025)
	AgencyKindDistrictOffice = "phong_huyen" // phòng chuyên môn thuộc UBND cấp huyện (trước 01/7/2025)
)

// DefaultAgencyKind is the kind of an agency created without one, and of
// the agencies that existed before kinds were recorded: most tenants are
// provincial departments.
const DefaultAgencyKind = AgencyKindDepartment

// DefaultAgencyKindFor is the kind of an agency actor creates without
// naming one: the system admin's is DefaultAgencyKind, another agency's
// admin creates subordinate units (CheckAgencyCreate).
func DefaultAgencyKindFor(actor Actor) string {
	if actor.SystemAdmin() {
		return DefaultAgencyKind
	}
	return AgencyKindSubunit
}

// AgencyKind is one kind with its name and, for the kinds of the former
// three-level system, the date from which no new agency has it and the
// document that abolished it (kept as data, as the compliance rules keep
// theirs).
type AgencyKind struct {
	Code  string
	Name  string
	Until *time.Time // set for the historical kinds
	Basis string     // legal basis of the end
}

// twoLevelFrom is the day the two-level local government took effect
// (Luật Tổ chức chính quyền địa phương số 72/2025/QH15, hiệu lực 01/7/2025).
var twoLevelFrom = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// AgencyKinds lists the kinds, current ones first, in the order forms
// offer them.
var AgencyKinds = []AgencyKind{
	{Code: AgencyKindProvince, Name: "UBND tỉnh, thành phố"},
	{Code: AgencyKindDepartment, Name: "Sở, ban, ngành"},
	{Code: AgencyKindCommune, Name: "UBND xã, phường, đặc khu"},
	{Code: AgencyKindSubunit, Name: "Đơn vị trực thuộc"},
	{Code: AgencyKindDistrict, Name: "UBND huyện, quận, thị xã, thành phố thuộc tỉnh", Until: &twoLevelFrom, Basis: "Luật Tổ chức chính quyền địa phương số 72/2025/QH15"},
	{Code: AgencyKindDistrictOffice, Name: "Phòng chuyên môn thuộc UBND cấp huyện", Until: &twoLevelFrom, Basis: "Luật Tổ chức chính quyền địa phương số 72/2025/QH15"},
}

// Historical reports whether the kind belongs to the former district level.
func (k AgencyKind) Historical() bool { return k.Until != nil }

// AgencyKindByCode returns the kind and whether it exists.
func AgencyKindByCode(code string) (AgencyKind, bool) {
	for _, k := range AgencyKinds {
		if k.Code == code {
			return k, true
		}
	}
	return AgencyKind{}, false
}

// CurrentAgencyKinds are the kinds a new agency may have.
func CurrentAgencyKinds() []AgencyKind {
	var out []AgencyKind
	for _, k := range AgencyKinds {
		if !k.Historical() {
			out = append(out, k)
		}
	}
	return out
}

// AgencyKindArg is an agency kind, by its code, as an argument of a
// refusal: it prints as the kind's Vietnamese name, and a page in another
// language names the kind in its own words.
type AgencyKindArg string

func (k AgencyKindArg) String() string {
	kind, _ := AgencyKindByCode(string(k))
	return kind.Name
}

// KindName is the Vietnamese name of the agency's kind.
func (a *Agency) KindName() string {
	k, _ := AgencyKindByCode(a.Kind)
	return k.Name
}

// normalizeKind trims the kind and gives an agency without one the default.
func (a *Agency) normalizeKind() {
	a.Kind = strings.ToLower(strings.TrimSpace(a.Kind))
	if a.Kind == "" {
		a.Kind = DefaultAgencyKind
	}
}

// validateKind refuses an unknown kind, and a historical kind unless the
// agency already had it (was is the kind before an update; "" for a new
// agency).
func (a *Agency) validateKind(was string) error {
	if a.Kind == "" { // not normalized yet: the default applies
		return nil
	}
	k, ok := AgencyKindByCode(a.Kind)
	if !ok {
		names := make([]any, 0, len(AgencyKinds))
		for _, k := range CurrentAgencyKinds() {
			names = append(names, msg.New("%s (%s)", k.Code, AgencyKindArg(k.Code)))
		}
		return FieldError("kind", "Loại đơn vị %q không hợp lệ: chọn một trong %s.", a.Kind, msg.Join(", ", names...))
	}
	if k.Historical() && a.Kind != was {
		return FieldError("kind", "Loại đơn vị %q (%s) không còn từ ngày %s theo %s: không thể tạo mới hoặc chuyển đơn vị sang loại này; chọn UBND tỉnh, sở/ban/ngành, UBND xã/phường/đặc khu hoặc đơn vị trực thuộc.",
			k.Code, AgencyKindArg(k.Code), k.Until.Format("02/01/2006"), k.Basis)
	}
	return nil
}

// ValidateKind checks the kind of an agency being updated: a historical
// kind stays only on an agency that already had it (was).
func (a *Agency) ValidateKind(was string) error { return a.validateKind(was) }
