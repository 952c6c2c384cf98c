package qms

import (
	"context"
	"time"
)

// ManagementReview is a leaders' review meeting (ISO 9001 9.3): the pack
// of inputs assembled from the data when it was prepared, the minutes,
// and the decisions with owners and due dates.
type ManagementReview struct {
	ID         int64            `json:"id"`
	AgencyCode string           `json:"agency"`
	Title      string           `json:"title"`
	HeldOn     time.Time        `json:"held_on"`
	Pack       ReviewPack       `json:"pack"`
	Minutes    string           `json:"minutes"`
	Decisions  []ReviewDecision `json:"decisions"`
	CreatedAt  time.Time        `json:"created_at"`
}

// ReviewPack are the inputs of 9.3.2, as numbers read from the system.
type ReviewPack struct {
	Year          int            `json:"year"`
	OnTime        OnTimeReport   `json:"on_time"`
	AuditsDone    int            `json:"audits_done"`
	AuditAnswers  map[string]int `json:"audit_answers"`
	NCByStatus    map[string]int `json:"nc_by_status"`
	CAPAOverdue   int            `json:"capa_overdue"`
	OpenFindings  map[string]int `json:"open_findings"` // by rule
	Uncontrolled  int            `json:"uncontrolled_tthc"`
	Objectives    []string       `json:"objectives,omitempty"` // status lines, when objectives are kept
	FeedbackCount map[string]int `json:"feedback,omitempty"`
	Risks         *RiskSummary   `json:"risks,omitempty"` // the register of risks and opportunities (6.1)
	// Context is the register of issues and interested parties (4.1, 4.2)
	// as it stood when the pack was assembled.
	Context *ContextSummary `json:"context,omitempty"`
	// Satisfaction is the year's citizen satisfaction (9.1.2), nil in
	// packs prepared before it was measured.
	Satisfaction *SatisfactionSummary `json:"satisfaction,omitempty"`
}

// ReviewDecision is an output of the review (9.3.3) with its owner.
type ReviewDecision struct {
	ID     int64      `json:"id"`
	Text   string     `json:"text"`
	Owner  string     `json:"owner"`
	DueOn  time.Time  `json:"due_on"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// ReviewService prepares reviews and keeps their minutes and decisions.
type ReviewService interface {
	// CreateReview assembles the pack of the year from the data.
	CreateReview(ctx context.Context, r *ManagementReview) error
	FindReview(ctx context.Context, agency string, id int64) (*ManagementReview, error)
	FindReviews(ctx context.Context, agency string) ([]*ManagementReview, error)
	SaveMinutes(ctx context.Context, agency string, id int64, minutes string) (*ManagementReview, error)
	AddDecision(ctx context.Context, agency string, id int64, d ReviewDecision) (*ManagementReview, error)
	CompleteDecision(ctx context.Context, agency string, id, decisionID int64) (*ManagementReview, error)
}

// Validate checks a review's title as the user typed it.
func (r *ManagementReview) Validate() error {
	if r.Title == "" {
		return FieldError("title", "Nhập tên cuộc họp xem xét.")
	}
	return CheckText("title", "Tên cuộc họp xem xét", r.Title, 500)
}

// ValidateMinutes bounds the minutes of a review meeting.
func ValidateMinutes(minutes string) error {
	return CheckText("minutes", "Biên bản họp xem xét", minutes, MaxLongText)
}

// Validate checks a decision's text and owner.
func (d *ReviewDecision) Validate() error {
	switch {
	case d.Text == "":
		return FieldError("text", "Nhập nội dung quyết định.")
	case d.Owner == "":
		return FieldError("owner", "Chọn người chịu trách nhiệm.")
	case d.DueOn.IsZero():
		return FieldError("due_on", "Nhập hạn hoàn thành (dd/mm/yyyy).")
	}
	return CheckTexts(
		TextField{"text", "Nội dung quyết định", d.Text, MaxShortText},
		TextField{"owner", "Người chịu trách nhiệm", d.Owner, MaxNameText},
	)
}
