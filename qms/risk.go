package qms

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Risks and opportunities (rủi ro và cơ hội, TCVN ISO 9001:2015 6.1): a
// register per agency and per process (a procedure), each entry judged
// by likelihood × impact, with an owner, treatment actions and the date
// of its next review. An entry is never deleted: it is closed with why.

// Kinds of entry of the register.
const (
	RiskKindRisk        = "risk"
	RiskKindOpportunity = "opportunity"
)

// Statuses of an entry. A closed entry is frozen.
const (
	RiskOpen   = "open"
	RiskClosed = "closed"
)

// Levels of a score on the 5 × 5 matrix.
const (
	RiskLow    = "low"    // thấp: 1–4
	RiskMedium = "medium" // trung bình: 5–12
	RiskHigh   = "high"   // cao: 15–25
)

// Kinds of record an entry links to.
const (
	RiskLinkProcedure = "procedure"
	RiskLinkFinding   = "finding"
	RiskLinkNC        = "nc"
)

// RiskBasis is the legal basis of the register and of its compliance
// rules, kept as data: the standard's clause and the decision that makes
// state agencies apply it. The standard's date is that of ISO 9001:2015,
// which TCVN ISO 9001:2015 adopts unchanged.
var RiskBasis = []RiskBasisRef{
	{Document: "TCVN ISO 9001:2015, mục 6.1 (Hành động giải quyết rủi ro và cơ hội)", EffectiveOn: time.Date(2015, 9, 15, 0, 0, 0, 0, time.UTC)},
	{Document: "Quyết định 19/2014/QĐ-TTg (áp dụng hệ thống quản lý chất lượng TCVN ISO 9001 vào cơ quan hành chính nhà nước)", EffectiveOn: time.Date(2014, 4, 20, 0, 0, 0, 0, time.UTC)},
}

// RiskBasisRef names a legal document and the day it took effect.
type RiskBasisRef struct {
	Document    string    `json:"document"`
	EffectiveOn time.Time `json:"effective_on"`
}

// RiskLevelOf places a score on the matrix. The bands follow the usual
// 5 × 5 risk matrix: a score of 15 or more needs treatment now, 5 to 12
// a plan, 4 or less monitoring.
func RiskLevelOf(score int) string {
	switch {
	case score >= 15:
		return RiskHigh
	case score >= 5:
		return RiskMedium
	}
	return RiskLow
}

// RiskLevels are the levels, highest first (the order pages show them).
var RiskLevels = []string{RiskHigh, RiskMedium, RiskLow}

// Risk is one entry of the register.
type Risk struct {
	ID          int64  `json:"id"`
	AgencyCode  string `json:"agency"`
	Code        string `json:"code"` // RR-AGENCY-2026-001
	Kind        string `json:"kind"`
	Description string `json:"description"`
	// ProcedureID is the process the entry belongs to; ProcedureCode and
	// ProcedureTitle are read with it.
	ProcedureID    int64      `json:"procedure_id"`
	ProcedureCode  string     `json:"procedure_code,omitempty"`
	ProcedureTitle string     `json:"procedure_title,omitempty"`
	Likelihood     int        `json:"likelihood"` // 1–5
	Impact         int        `json:"impact"`     // 1–5
	Score          int        `json:"score"`      // likelihood × impact
	Level          string     `json:"level"`
	Owner          string     `json:"owner"` // username
	ReviewOn       time.Time  `json:"review_on"`
	Status         string     `json:"status"`
	CloseReason    string     `json:"close_reason,omitempty"`
	ClosedBy       string     `json:"closed_by,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CreatedBy      string     `json:"created_by"`
	CreatedAt      time.Time  `json:"created_at"`

	Actions     []RiskAction     `json:"actions"`
	Links       []RiskLink       `json:"links"`
	Assessments []RiskAssessment `json:"assessments"`
}

// RiskAction is one treatment action of an entry.
type RiskAction struct {
	ID          int64      `json:"id"`
	Description string     `json:"description"`
	Owner       string     `json:"owner"`  // username
	DueOn       time.Time  `json:"due_on"` // civil date
	DoneAt      *time.Time `json:"done_at,omitempty"`
	DoneBy      string     `json:"done_by,omitempty"`
}

// RiskLink ties an entry to a procedure, a compliance finding or a
// nonconformity of its agency. Label is read with it.
type RiskLink struct {
	Kind  string `json:"kind"`
	Ref   int64  `json:"ref"`
	Label string `json:"label,omitempty"`
}

// RiskAssessment is one judgement of likelihood and impact: the first
// one when the entry is made, then one per re-assessment.
type RiskAssessment struct {
	Likelihood int       `json:"likelihood"`
	Impact     int       `json:"impact"`
	Note       string    `json:"note,omitempty"`
	ReviewOn   time.Time `json:"review_on"` // the next review it set
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// Score is likelihood × impact.
func (a RiskAssessment) Score() int { return a.Likelihood * a.Impact }

// Level is the level of the score.
func (a RiskAssessment) Level() string { return RiskLevelOf(a.Score()) }

// Validate checks the figures of an assessment made on day today
// (a civil date): the next review cannot already be past.
func (a *RiskAssessment) Validate(today time.Time) error {
	a.Note = strings.TrimSpace(a.Note)
	switch {
	case a.Likelihood < 1 || a.Likelihood > 5:
		return FieldError("likelihood", "Khả năng xảy ra phải từ 1 đến 5.")
	case a.Impact < 1 || a.Impact > 5:
		return FieldError("impact", "Mức độ ảnh hưởng phải từ 1 đến 5.")
	case a.ReviewOn.IsZero():
		return FieldError("review_on", "Nhập ngày xem xét lại (dd/mm/yyyy).")
	case a.ReviewOn.Format("2006-01-02") < today.Format("2006-01-02"):
		return FieldError("review_on", "Ngày xem xét lại %s đã qua: chọn từ hôm nay (%s) trở đi.", a.ReviewOn.Format("02/01/2006"), today.Format("02/01/2006"))
	case a.ReviewOn.After(today.AddDate(3, 0, 0)):
		return FieldError("review_on", "Ngày xem xét lại %s quá xa: xem xét lại rủi ro ít nhất ba năm một lần.", a.ReviewOn.Format("02/01/2006"))
	}
	return CheckText("note", "Ghi chú đánh giá", a.Note, MaxShortText)
}

// Validate checks a new entry made on day today (a civil date) and sets
// its score and level from its first assessment.
func (r *Risk) Validate(today time.Time) error {
	r.Description, r.Owner = strings.TrimSpace(r.Description), strings.TrimSpace(r.Owner)
	switch {
	case r.Kind != RiskKindRisk && r.Kind != RiskKindOpportunity:
		return FieldError("kind", "Loại phải là risk (rủi ro) hoặc opportunity (cơ hội).")
	case r.Description == "":
		return FieldError("description", "Mô tả rủi ro hoặc cơ hội.")
	case r.ProcedureID <= 0:
		return FieldError("procedure_id", "Chọn quá trình (quy trình) có rủi ro hoặc cơ hội.")
	case r.Owner == "":
		return FieldError("owner", "Chọn người chịu trách nhiệm.")
	}
	if err := CheckTexts(
		TextField{"description", "Mô tả rủi ro hoặc cơ hội", r.Description, MaxShortText},
		TextField{"owner", "Người chịu trách nhiệm", r.Owner, MaxNameText},
	); err != nil {
		return err
	}
	a := RiskAssessment{Likelihood: r.Likelihood, Impact: r.Impact, ReviewOn: r.ReviewOn}
	if err := a.Validate(today); err != nil {
		return err
	}
	r.rescore()
	return nil
}

func (r *Risk) rescore() {
	r.Score, r.Level = r.Likelihood*r.Impact, RiskLevelOf(r.Likelihood*r.Impact)
}

// Reassess records a new judgement, which sets the figures and the next
// review date of an open entry.
func (r *Risk) Reassess(a RiskAssessment, today time.Time) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	if err := a.Validate(today); err != nil {
		return err
	}
	r.Likelihood, r.Impact, r.ReviewOn = a.Likelihood, a.Impact, a.ReviewOn
	r.rescore()
	r.Assessments = append(r.Assessments, a)
	return nil
}

// Validate checks a treatment action of entry r.
func (a *RiskAction) Validate(r *Risk) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	a.Description, a.Owner = strings.TrimSpace(a.Description), strings.TrimSpace(a.Owner)
	switch {
	case a.Description == "":
		return FieldError("description", "Mô tả hành động xử lý.")
	case a.Owner == "":
		return FieldError("owner", "Chọn người thực hiện.")
	case a.DueOn.IsZero():
		return FieldError("due_on", "Nhập hạn hoàn thành (dd/mm/yyyy).")
	case a.DueOn.Format("2006-01-02") < CivilDate(r.CreatedAt).Format("2006-01-02"):
		// Overdue from its first day: a typing slip, not a plan.
		return FieldError("due_on", "Hạn hoàn thành %s trước ngày lập %s (%s): chọn hạn từ ngày lập trở đi.",
			a.DueOn.Format("02/01/2006"), r.Code, CivilDate(r.CreatedAt).Format("02/01/2006"))
	}
	return CheckTexts(
		TextField{"description", "Mô tả hành động xử lý", a.Description, MaxShortText},
		TextField{"owner", "Người thực hiện", a.Owner, MaxNameText},
	)
}

// CompleteAction marks action id done.
func (r *Risk) CompleteAction(id int64, by string, at time.Time) error {
	if err := r.checkOpen(); err != nil {
		return err
	}
	for i := range r.Actions {
		if r.Actions[i].ID == id {
			if r.Actions[i].DoneAt != nil {
				return Errorf(EINVALID, "Hành động xử lý đã hoàn thành.")
			}
			r.Actions[i].DoneAt, r.Actions[i].DoneBy = &at, by
			return nil
		}
	}
	return Errorf(ENOTFOUND, "Không tìm thấy hành động xử lý của %s.", r.Code)
}

// Close ends an open entry with the reason (treated, no longer relevant,
// opportunity taken), kept on record.
func (r *Risk) Close(reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	if err := r.checkOpen(); err != nil {
		return err
	}
	if reason == "" {
		return FieldError("reason", "Nêu lý do đóng %s (đã xử lý xong, không còn phù hợp…).", r.Code)
	}
	if err := CheckText("reason", "Lý do đóng", reason, MaxShortText); err != nil {
		return err
	}
	r.Status, r.CloseReason, r.ClosedBy, r.ClosedAt = RiskClosed, reason, by, &at
	return nil
}

func (r *Risk) checkOpen() error {
	if r.Status == RiskClosed {
		return Errorf(EINVALID, "%s đã đóng: không thể thay đổi.", r.Code)
	}
	return nil
}

// CheckLink checks the kind of a link and that the entry has no such
// link yet.
func (r *Risk) CheckLink(l RiskLink) error {
	switch l.Kind {
	case RiskLinkProcedure, RiskLinkFinding, RiskLinkNC:
	default:
		return FieldError("kind", "Loại liên kết %q không hợp lệ (procedure, finding, nc).", l.Kind)
	}
	if l.Ref <= 0 {
		return FieldError("ref", "Chọn đối tượng cần liên kết.")
	}
	if err := r.checkOpen(); err != nil {
		return err
	}
	for _, o := range r.Links {
		if o.Kind == l.Kind && o.Ref == l.Ref {
			return FieldErrorf(ECONFLICT, "ref", "%s đã có liên kết này.", r.Code)
		}
	}
	return nil
}

// ReviewOverdue reports whether an open entry is past its review date on
// day today (a civil date).
func (r *Risk) ReviewOverdue(today time.Time) bool {
	return r.Status == RiskOpen && r.ReviewOn.Format("2006-01-02") < today.Format("2006-01-02")
}

// OverdueActions counts the actions not done past their due date.
func (r *Risk) OverdueActions(today time.Time) int {
	k := 0
	for _, a := range r.Actions {
		if a.DoneAt == nil && a.DueOn.Format("2006-01-02") < today.Format("2006-01-02") {
			k++
		}
	}
	return k
}

// RiskFilter selects entries of one agency; empty fields mean "any".
type RiskFilter struct {
	AgencyCode  string
	Level       string
	ProcedureID int64
	Status      string // open, closed or "" for both
}

// RiskSummary is the register in the management review pack (9.3.2 e):
// open entries by level, those past their review date or with overdue
// actions, and the highest ones, as they stood when the pack was made.
type RiskSummary struct {
	Open           int            `json:"open"`
	ByLevel        map[string]int `json:"by_level"`
	Opportunities  int            `json:"opportunities"`
	ReviewOverdue  int            `json:"review_overdue"`
	ActionsOverdue int            `json:"actions_overdue"`
	Top            []RiskLine     `json:"top"`
}

// RiskLine is one entry as the pack keeps it: text, not a reference, so
// that later changes do not rewrite what the leaders reviewed.
type RiskLine struct {
	Code        string    `json:"code"`
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	Process     string    `json:"process"`
	Score       int       `json:"score"`
	Level       string    `json:"level"`
	Owner       string    `json:"owner"` // full name
	ReviewOn    time.Time `json:"review_on"`
}

// TopRisks is how many entries the pack lists by name.
const TopRisks = 5

// SummarizeRisks builds the pack's summary of the open entries on day
// today; name gives an owner's full name.
func SummarizeRisks(open []*Risk, today time.Time, name func(username string) string) *RiskSummary {
	s := &RiskSummary{ByLevel: map[string]int{}, Top: []RiskLine{}}
	var risks []*Risk
	for _, r := range open {
		if r.Status != RiskOpen {
			continue
		}
		s.Open++
		s.ByLevel[r.Level]++
		if r.Kind == RiskKindOpportunity {
			s.Opportunities++
		} else {
			risks = append(risks, r)
		}
		if r.ReviewOverdue(today) {
			s.ReviewOverdue++
		}
		s.ActionsOverdue += r.OverdueActions(today)
	}
	// The top are the threats: an opportunity's score says how much it is
	// worth, not how much harm it can do.
	sort.SliceStable(risks, func(i, j int) bool { return risks[i].Score > risks[j].Score })
	for i, r := range risks {
		if i == TopRisks {
			break
		}
		s.Top = append(s.Top, RiskLine{Code: r.Code, Kind: r.Kind, Description: r.Description, Process: strings.TrimSpace(r.ProcedureCode + " " + r.ProcedureTitle),
			Score: r.Score, Level: r.Level, Owner: name(r.Owner), ReviewOn: r.ReviewOn})
	}
	return s
}

// RiskService keeps the register of risks and opportunities.
type RiskService interface {
	// CreateRisk returns EINVALID for a bad field, ENOTFOUND for a
	// procedure or owner not of the agency.
	CreateRisk(ctx context.Context, r *Risk) error
	// FindRisk returns ENOTFOUND unless the agency has the entry.
	FindRisk(ctx context.Context, agency string, id int64) (*Risk, error)
	// FindRisks lists entries, the highest score first.
	FindRisks(ctx context.Context, f RiskFilter) ([]*Risk, error)
	ReassessRisk(ctx context.Context, agency string, id int64, a RiskAssessment) (*Risk, error)
	AddRiskAction(ctx context.Context, agency string, id int64, a RiskAction) (*Risk, error)
	CompleteRiskAction(ctx context.Context, agency string, id, actionID int64) (*Risk, error)
	// LinkRisk ties the entry to a procedure, finding or nonconformity of
	// its agency (ENOTFOUND for another agency's).
	LinkRisk(ctx context.Context, agency string, id int64, l RiskLink) (*Risk, error)
	CloseRisk(ctx context.Context, agency string, id int64, reason string) (*Risk, error)
}
