package qms

import (
	"context"
	"time"
)

// StepsDue counts the open steps waiting for some roles of an agency that
// are overdue, and those due later today.
type StepsDue struct {
	Overdue  int `json:"overdue"`
	DueToday int `json:"due_today"`
}

// RuleCount is how many open compliance findings a rule has.
type RuleCount struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// ActionDue is an open corrective action with the code of its
// nonconformity, for the lists of what falls due.
type ActionDue struct {
	NCID        int64     `json:"nc_id"`
	NCCode      string    `json:"nc_code"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	DueOn       time.Time `json:"due_on"`
}

// DecisionDue is an open decision of a management review.
type DecisionDue struct {
	ReviewID int64     `json:"review_id"`
	Review   string    `json:"review"`
	Text     string    `json:"text"`
	Owner    string    `json:"owner"`
	DueOn    time.Time `json:"due_on"`
}

// DashboardService answers the dashboards' "what do I do now" from the
// current data: each method is one indexed query.
type DashboardService interface {
	// StepsDue counts the agency's open, unpaused steps of roles due
	// before endOfDay: those due before now are overdue.
	StepsDue(ctx context.Context, agency string, roles []Role, now, endOfDay time.Time) (StepsDue, error)
	// FindingsByRule counts the agency's open findings per rule, the
	// largest first.
	FindingsByRule(ctx context.Context, agency string) ([]RuleCount, error)
	// ActionsDue lists the agency's open corrective actions due on or
	// before until, the earliest first, at most limit.
	ActionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]ActionDue, error)
	// DecisionsDue lists the agency's open review decisions due on or
	// before until, the earliest first, at most limit.
	DecisionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]DecisionDue, error)
	// NextAudit is the agency's planned audit that has not ended before
	// today and starts the soonest, or nil.
	NextAudit(ctx context.Context, agency string, today time.Time) (*AuditPlan, error)
	// LastReview is the date of the agency's latest management review,
	// zero when it has held none.
	LastReview(ctx context.Context, agency string) (time.Time, error)
	// OpenNCs counts the agency's nonconformities not closed.
	OpenNCs(ctx context.Context, agency string) (int, error)
}
