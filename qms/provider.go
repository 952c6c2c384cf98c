package qms

import (
	"context"
	"strings"
	"time"
)

// Statuses of an external provider (nhà cung cấp bên ngoài, ISO 9001:2015
// 8.4). A provider is never deleted: one no longer used is ended, one
// paused pending remedy is suspended, and both keep their evaluations.
const (
	ProviderActive    = "active"
	ProviderSuspended = "suspended"
	ProviderEnded     = "ended"
)

// Results of a periodic evaluation of a provider.
const (
	EvalPass        = "pass"        // đạt
	EvalConditional = "conditional" // đạt có điều kiện
	EvalFail        = "fail"        // không đạt
)

// Marks one criterion of an evaluation can get: a score from 1 to 5 or
// pass/fail, as the agency's criteria are written.
var CriterionMarks = []string{"5", "4", "3", "2", "1", EvalPass, EvalFail}

// Provider is an externally provided process or service an agency relies
// on: the public postal service returning results (dịch vụ bưu chính công
// ích), outsourced IT, the digitisation of records… with the criteria it
// is selected and evaluated by and how often it is evaluated.
type Provider struct {
	ID           int64    `json:"id"`
	AgencyCode   string   `json:"agency"`
	Name         string   `json:"name"`
	Service      string   `json:"service"`
	ContractRef  string   `json:"contract_ref"` // contract or agreement number and date
	Contact      string   `json:"contact"`
	Criteria     []string `json:"criteria"`
	PeriodMonths int      `json:"period_months"`
	Status       string   `json:"status"`
	// StatusReason, StatusBy and StatusAt record the last suspension, end
	// or resumption.
	StatusReason string     `json:"status_reason,omitempty"`
	StatusBy     string     `json:"status_by,omitempty"`
	StatusAt     *time.Time `json:"status_at,omitempty"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	// LastEvaluation is the latest evaluation, read with the provider.
	LastEvaluation *ProviderEvaluation `json:"last_evaluation,omitempty"`
}

// CriterionScore is the mark one criterion got in an evaluation.
type CriterionScore struct {
	Criterion string `json:"criterion"`
	Mark      string `json:"mark"` // one of CriterionMarks
}

// ProviderEvaluation is one periodic evaluation of a provider.
type ProviderEvaluation struct {
	ID          int64            `json:"id"`
	ProviderID  int64            `json:"provider_id"`
	EvaluatedOn time.Time        `json:"evaluated_on"` // civil date
	Scores      []CriterionScore `json:"scores"`
	Result      string           `json:"result"`
	Evaluator   string           `json:"evaluator"` // username of who recorded it
	Note        string           `json:"note,omitempty"`
	CreatedAt   time.Time        `json:"created_at"`
}

// ProviderNC is a nonconformity that names a provider.
type ProviderNC struct {
	NCID        int64     `json:"nc_id"`
	Code        string    `json:"code"`
	Status      string    `json:"status"`
	Description string    `json:"description"`
	LinkedBy    string    `json:"linked_by"`
	LinkedAt    time.Time `json:"linked_at"`
}

// Validate checks a new or edited provider and tidies its criteria (one a
// line, blanks and repeats dropped).
func (p *Provider) Validate() error {
	p.Name, p.Service, p.ContractRef, p.Contact = strings.TrimSpace(p.Name), strings.TrimSpace(p.Service), strings.TrimSpace(p.ContractRef), strings.TrimSpace(p.Contact)
	var crit []string
	seen := map[string]bool{}
	for _, c := range p.Criteria {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			crit = append(crit, c)
		}
	}
	p.Criteria = crit
	switch {
	case p.Name == "":
		return FieldError("name", "Nhập tên nhà cung cấp.")
	case p.Service == "":
		return FieldError("service", "Nhập dịch vụ, quá trình được cung cấp.")
	case len(p.Criteria) == 0:
		return FieldError("criteria", "Nhập ít nhất một tiêu chí lựa chọn, đánh giá (mỗi dòng một tiêu chí).")
	case len(p.Criteria) > 30:
		return FieldError("criteria", "Tối đa 30 tiêu chí đánh giá.")
	case p.PeriodMonths < 1 || p.PeriodMonths > 60:
		return FieldError("period_months", "Chu kỳ đánh giá phải từ 1 đến 60 tháng.")
	}
	fields := []TextField{
		{"name", "Tên nhà cung cấp", p.Name, MaxNameText},
		{"service", "Dịch vụ được cung cấp", p.Service, MaxShortText},
		{"contract_ref", "Hợp đồng/thỏa thuận", p.ContractRef, MaxNameText},
		{"contact", "Đầu mối liên hệ", p.Contact, MaxNameText},
	}
	for _, c := range p.Criteria {
		fields = append(fields, TextField{"criteria", "Tiêu chí đánh giá", c, MaxNameText})
	}
	return CheckTexts(fields...)
}

// DueOn is the date by which the provider must be evaluated: one period
// after its last evaluation, or after it was registered when it has none.
func (p *Provider) DueOn() time.Time {
	from := CivilDate(p.CreatedAt)
	if p.LastEvaluation != nil {
		from = p.LastEvaluation.EvaluatedOn
	}
	return from.AddDate(0, p.PeriodMonths, 0)
}

// Overdue reports whether an active provider's evaluation is past due on
// the civil date today.
func (p *Provider) Overdue(today time.Time) bool {
	return p.Status == ProviderActive && p.DueOn().Before(today)
}

// SetStatus suspends, ends or resumes a provider, with the reason on
// record. An ended provider stays ended: a new contract is a new row.
func (p *Provider) SetStatus(status, reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case p.Status == ProviderEnded:
		return Errorf(EINVALID, "Nhà cung cấp %q đã chấm dứt: không thể thay đổi.", p.Name)
	case status != ProviderActive && status != ProviderSuspended && status != ProviderEnded:
		return FieldError("status", "Trạng thái %q không hợp lệ (active, suspended, ended).", status)
	case status == p.Status:
		return FieldError("status", "Nhà cung cấp %q đã ở trạng thái này.", p.Name)
	case reason == "":
		return FieldError("reason", "Nêu lý do thay đổi trạng thái nhà cung cấp %q.", p.Name)
	}
	if err := CheckText("reason", "Lý do", reason, MaxShortText); err != nil {
		return err
	}
	p.Status, p.StatusReason, p.StatusBy, p.StatusAt = status, reason, by, &at
	return nil
}

// ValidateEvaluation checks an evaluation against the provider's criteria:
// every criterion marked once, with a known mark, and a known result.
func (p *Provider) ValidateEvaluation(e *ProviderEvaluation, today time.Time) error {
	e.Note = strings.TrimSpace(e.Note)
	switch {
	case p.Status == ProviderEnded:
		return Errorf(EINVALID, "Nhà cung cấp %q đã chấm dứt: không đánh giá thêm.", p.Name)
	case e.EvaluatedOn.IsZero():
		return FieldError("evaluated_on", "Nhập ngày đánh giá (dd/mm/yyyy).")
	case e.EvaluatedOn.After(today):
		return FieldError("evaluated_on", "Ngày đánh giá %s chưa đến.", e.EvaluatedOn.Format("02/01/2006"))
	case e.EvaluatedOn.Before(CivilDate(p.CreatedAt).AddDate(-5, 0, 0)):
		return FieldError("evaluated_on", "Ngày đánh giá %s quá xa trước ngày đăng ký nhà cung cấp.", e.EvaluatedOn.Format("02/01/2006"))
	}
	switch e.Result {
	case EvalPass, EvalConditional, EvalFail:
	default:
		return FieldError("result", "Chọn kết quả đánh giá: đạt, đạt có điều kiện hoặc không đạt.")
	}
	marks := map[string]string{}
	for _, s := range e.Scores {
		marks[s.Criterion] = s.Mark
	}
	scores := make([]CriterionScore, 0, len(p.Criteria))
	for _, c := range p.Criteria {
		m, ok := marks[c]
		if !ok || m == "" {
			return FieldError("scores", "Chấm tiêu chí “%s”.", c)
		}
		known := false
		for _, k := range CriterionMarks {
			known = known || k == m
		}
		if !known {
			return FieldError("scores", "Điểm %q của tiêu chí “%s” không hợp lệ (1–5, đạt hoặc không đạt).", m, c)
		}
		scores = append(scores, CriterionScore{Criterion: c, Mark: m})
		delete(marks, c)
	}
	for _, s := range e.Scores {
		if _, extra := marks[s.Criterion]; extra {
			return FieldError("scores", "Tiêu chí “%s” không có trong danh sách tiêu chí của nhà cung cấp.", s.Criterion)
		}
	}
	e.Scores = scores
	if e.Result != EvalPass && e.Note == "" {
		return FieldError("note", "Ghi rõ điều kiện hoặc lý do khi kết quả không phải là đạt.")
	}
	return CheckText("note", "Ghi chú đánh giá", e.Note, MaxShortText)
}

// ProviderUpdate changes what may change on an active or suspended provider.
type ProviderUpdate struct {
	Name, Service, ContractRef, Contact string
	Criteria                            []string
	PeriodMonths                        int
}

// ProviderService keeps the register of external providers (8.4).
type ProviderService interface {
	// CreateProvider returns EINVALID for a bad field, ECONFLICT when the
	// agency already has a provider of that name not ended.
	CreateProvider(ctx context.Context, p *Provider) error
	// FindProvider returns ENOTFOUND unless the agency has the provider.
	FindProvider(ctx context.Context, agency string, id int64) (*Provider, error)
	// FindProviders lists the agency's providers, ended ones last.
	FindProviders(ctx context.Context, agency string) ([]*Provider, error)
	UpdateProvider(ctx context.Context, agency string, id int64, upd ProviderUpdate) (*Provider, error)
	// SetProviderStatus suspends, ends or resumes a provider with a reason.
	SetProviderStatus(ctx context.Context, agency string, id int64, status, reason string) (*Provider, error)
	// EvaluateProvider records an evaluation by the caller.
	EvaluateProvider(ctx context.Context, agency string, id int64, e *ProviderEvaluation) error
	// ProviderEvaluations lists a provider's evaluations, latest first.
	ProviderEvaluations(ctx context.Context, agency string, id int64) ([]*ProviderEvaluation, error)
	// LinkProviderNC records that a nonconformity of the agency names the
	// provider (ECONFLICT when already linked).
	LinkProviderNC(ctx context.Context, agency string, id, ncID int64) error
	// ProviderNCs lists the nonconformities naming the provider.
	ProviderNCs(ctx context.Context, agency string, id int64) ([]ProviderNC, error)
	// NCProviders lists the providers a nonconformity of the agency names.
	NCProviders(ctx context.Context, agency string, ncID int64) ([]*Provider, error)
}
