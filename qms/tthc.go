package qms

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// TTHC statuses.
const (
	TTHCActive    = "active"
	TTHCAbolished = "abolished"
)

// TTHC is an administrative procedure (thủ tục hành chính) in an agency's
// catalogue, as published by a decision of the provincial chairman.
type TTHC struct {
	ID            int64     `json:"id"`
	AgencyCode    string    `json:"agency"`
	Code          string    `json:"code"`            // national code, e.g. 1.001234
	Name          string    `json:"name"`            // tên thủ tục
	Field         string    `json:"field"`           // lĩnh vực
	TimeLimitDays int       `json:"time_limit_days"` // legal limit in working days; 0 = same day
	Fee           string    `json:"fee"`             // phí, lệ phí as published ("4.000.000", "Không")
	LegalBasis    string    `json:"legal_basis"`     // căn cứ pháp lý
	ServiceLevel  string    `json:"service_level"`   // mức độ dịch vụ công trực tuyến
	PublishedBy   string    `json:"published_by"`    // quyết định công bố
	PublishedOn   time.Time `json:"published_on"`    // ngày công bố (zero when unknown)
	Status        string    `json:"status"`          // active or abolished
	UpdatedAt     time.Time `json:"updated_at"`
}

var tthcCodeRE = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{6}$`)

// MaxTimeLimitDays bounds a legal time limit: no procedure takes ten years.
const MaxTimeLimitDays = 3650

// EarliestHistory is the earliest receipt a one-stop history may bring
// in: the one-stop mechanism (cơ chế một cửa) began with Quyết định
// 181/2003/QĐ-TTg; a receipt dated 1900 is a typing slip that would open
// a report of its own (outsider pass 13).
var EarliestHistory = time.Date(2003, 1, 1, 0, 0, 0, 0, Zone)

// FarthestHistoricDue is the latest appointment a one-stop history may
// give a dossier received at received under a TTHC of limitDays working
// days: twice the limit in calendar days (weekends and holidays fall in
// it) and a year of new appointments on top. A 3-day TTHC's appointment
// ten years on (a year typed 2035 for 2025) counted as early.
func FarthestHistoricDue(received time.Time, limitDays int) time.Time {
	return received.AddDate(1, 0, 2*limitDays)
}

// Normalize trims every text field and lower-cases the status.
func (p *TTHC) Normalize() {
	for _, f := range []*string{&p.Code, &p.Name, &p.Field, &p.Fee, &p.LegalBasis, &p.ServiceLevel, &p.PublishedBy} {
		*f = Composed(*f)
	}
	// A catalogue's cells are often wrapped (Alt+Enter in a spreadsheet):
	// a name is still one line.
	for _, f := range []*string{&p.Name, &p.Field, &p.ServiceLevel, &p.PublishedBy} {
		*f = OneLine(*f)
	}
	p.Status = strings.ToLower(strings.TrimSpace(p.Status))
	if p.Status == "" {
		p.Status = TTHCActive
	}
}

// Validate reports the first field that is wrong; the field names are the
// import column names so that import errors point at the column.
func (p *TTHC) Validate() error {
	switch {
	case p.Code == "":
		return FieldError("code", "thiếu mã thủ tục")
	case !tthcCodeRE.MatchString(p.Code):
		return FieldError("code", "mã thủ tục %q không đúng dạng mã quốc gia (ví dụ 1.001234)", p.Code)
	case p.Name == "":
		return FieldError("name", "thiếu tên thủ tục")
	case utf8.RuneCountInString(p.Name) > 1000:
		return FieldError("name", "tên thủ tục dài quá 1000 ký tự")
	case p.Field == "":
		return FieldError("field", "thiếu lĩnh vực")
	case p.TimeLimitDays < 0 || p.TimeLimitDays > MaxTimeLimitDays:
		return FieldError("time_limit_days", "thời hạn giải quyết phải từ 0 đến %d ngày làm việc", MaxTimeLimitDays)
	case p.Status != TTHCActive && p.Status != TTHCAbolished:
		return FieldError("status", "trạng thái %q không hợp lệ (active hoặc abolished)", p.Status)
	}
	// Imported files never pass the web forms' checks: bound every column.
	return CheckTexts(
		TextField{"name", "Tên thủ tục", p.Name, 1000},
		TextField{"field", "Lĩnh vực", p.Field, MaxNameText},
		TextField{"fee", "Phí, lệ phí", p.Fee, MaxShortText},
		TextField{"legal_basis", "Căn cứ pháp lý", p.LegalBasis, MaxLongText},
		TextField{"service_level", "Mức độ dịch vụ công", p.ServiceLevel, MaxNameText},
		TextField{"published_by", "Quyết định công bố", p.PublishedBy, 500},
	)
}
