package formschema

import (
	"slices"
	"time"
)

// Facts are what the system already knows about the case a form is filled
// for: the dossier and its applicant. Times are written as dates and
// hours in their own location, so the caller passes them in local time.
type Facts struct {
	DossierCode      string
	ApplicantName    string
	ApplicantID      string // CCCD, passport or tax number
	ApplicantPhone   string
	ApplicantAddress string
	ReceivedAt       time.Time // zero: unknown
	DueAt            time.Time // the appointed return; zero: unknown
}

// dossierCodeNames are the fields that record the dossier's code: filled
// by Prefill and held to the dossier by CheckDossierCode.
var dossierCodeNames = []string{"ma_ho_so", "so_ho_so", "dossier_code"}

// prefillRule fills the fields of one type named one of names with a fact.
type prefillRule struct {
	typ   Type
	names []string
	value func(Facts) string
}

// prefillRules are the fields Prefill fills, by machine name and type: the
// names of the standard one-stop forms (Mẫu số 01–06 of Thông tư
// 01/2018/TT-VPCP, see forms/) and their English equivalents. A field
// with one of these names but another type (a "ma_ho_so" declared as a
// number) is left empty: its meaning is not what the rule assumes.
var prefillRules = []prefillRule{
	{TypeText, dossierCodeNames, func(f Facts) string { return f.DossierCode }},
	{TypeText, []string{"ten_nguoi_nop", "ho_ten_nguoi_nop", "nguoi_nop", "applicant_name"}, func(f Facts) string { return f.ApplicantName }},
	{TypeText, []string{"so_giay_to", "so_cccd", "so_dinh_danh", "applicant_id"}, func(f Facts) string { return f.ApplicantID }},
	{TypeText, []string{"so_dien_thoai", "dien_thoai", "applicant_phone"}, func(f Facts) string { return f.ApplicantPhone }},
	{TypeText, []string{"dia_chi", "dia_chi_nguoi_nop", "applicant_address"}, func(f Facts) string { return f.ApplicantAddress }},
	{TypeDate, []string{"ngay_tiep_nhan", "ngay_nhan_ho_so", "received_on"}, func(f Facts) string { return civil(f.ReceivedAt, dateISO) }},
	{TypeText, []string{"gio_tiep_nhan", "received_time"}, func(f Facts) string { return civil(f.ReceivedAt, "15:04") }},
	{TypeDate, []string{"ngay_hen_tra", "ngay_hen_tra_cu", "due_on"}, func(f Facts) string { return civil(f.DueAt, dateISO) }},
	{TypeText, []string{"gio_hen_tra", "due_time"}, func(f Facts) string { return civil(f.DueAt, "15:04") }},
}

func civil(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(layout)
}

// Prefill returns the entry a new form starts with: each field that
// prefillRules name, by machine name and type, holds the fact the system
// knows (dossier code, applicant's name, ID number, phone and address,
// received and appointed dates and hours). A fact that is unknown or
// would not pass the field's own check (longer than its max_length) is
// left out, so the person fills it. The values are only a start: Render
// shows them in editable inputs and ValidateEntry reads what is posted.
func (s Schema) Prefill(f Facts) Entry {
	e := Entry{}
	for _, fd := range s.Fields {
		for _, r := range prefillRules {
			if r.typ != fd.Type || !slices.Contains(r.names, fd.Name) {
				continue
			}
			if v, msg := readText(fd, r.value(f)); msg == "" && v != nil {
				e[fd.Name] = v
			}
		}
	}
	return e
}

// CheckDossierCode adds to errs a message for each dossier-code field of
// e (those Prefill fills with the code) that names another dossier than
// code: a record is evidence of its own dossier, so a control slip that
// says it is about another one is refused, while the other known facts
// (the applicant's name, address…) stay open to correction.
func (s Schema) CheckDossierCode(e Entry, code string, errs FieldErrors) {
	for _, fd := range s.Fields {
		if fd.Type != TypeText || !slices.Contains(dossierCodeNames, fd.Name) {
			continue
		}
		if v, ok := e[fd.Name].(string); ok && v != "" && v != code {
			errs[fd.Name] = "Mã hồ sơ phải là " + code + " (hồ sơ đang xử lý), không phải " + v + "."
		}
	}
}
