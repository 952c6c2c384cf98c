package qms

import (
	"context"
	"strings"
	"time"
)

// Kinds of entries of an agency's context register (ISO 9001:2015 4.1 and
// 4.2).
const (
	ContextInternal = "internal" // vấn đề nội bộ
	ContextExternal = "external" // vấn đề bên ngoài
	ContextParty    = "party"    // bên quan tâm, with its requirements
)

// ContextKinds lists the kinds in the order pages show them.
var ContextKinds = []string{ContextInternal, ContextExternal, ContextParty}

// ContextReviewMonths is how long a review of the register holds: the
// register is reviewed yearly (at the latest with the management review).
const ContextReviewMonths = 12

// ContextItem is one internal or external issue, or one interested party
// with its requirements. It is never deleted: an entry no longer relevant
// is retired with the reason.
type ContextItem struct {
	ID           int64  `json:"id"`
	AgencyCode   string `json:"agency"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Requirements string `json:"requirements"` // a party's needs and expectations, an issue's effect
	// ReviewedOn is the date the entry was last reviewed: when it was
	// entered or edited, or when the register was marked reviewed.
	ReviewedOn    time.Time  `json:"reviewed_on"`
	Retired       bool       `json:"retired"`
	RetiredReason string     `json:"retired_reason,omitempty"`
	RetiredBy     string     `json:"retired_by,omitempty"`
	RetiredAt     *time.Time `json:"retired_at,omitempty"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
}

// ContextReview records that the register was reviewed as a whole: who,
// when, and how many entries it held.
type ContextReview struct {
	ID         int64     `json:"id"`
	AgencyCode string    `json:"agency"`
	ReviewedBy string    `json:"reviewed_by"`
	ReviewedAt time.Time `json:"reviewed_at"`
	Note       string    `json:"note,omitempty"`
	Items      int       `json:"items"`
}

// Validate checks a new or edited entry.
func (i *ContextItem) Validate() error {
	i.Title, i.Requirements = strings.TrimSpace(i.Title), strings.TrimSpace(i.Requirements)
	switch i.Kind {
	case ContextInternal, ContextExternal, ContextParty:
	default:
		return FieldError("kind", "Loại %q không hợp lệ (internal, external, party).", i.Kind)
	}
	switch {
	case i.Title == "":
		return FieldError("title", "Nhập nội dung vấn đề hoặc tên bên quan tâm.")
	case i.Kind == ContextParty && i.Requirements == "":
		return FieldError("requirements", "Nêu nhu cầu và mong đợi của bên quan tâm “%s”.", i.Title)
	}
	return CheckTexts(
		TextField{"title", "Vấn đề/bên quan tâm", i.Title, MaxShortText},
		TextField{"requirements", "Yêu cầu, ảnh hưởng", i.Requirements, MaxShortText},
	)
}

// Retire takes an entry out of the register, with the reason on record.
func (i *ContextItem) Retire(reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case i.Retired:
		return Errorf(EINVALID, "Mục “%s” đã được loại khỏi sổ trước đó.", i.Title)
	case reason == "":
		return FieldError("reason", "Nêu lý do loại mục “%s” khỏi sổ.", i.Title)
	}
	if err := CheckText("reason", "Lý do", reason, MaxShortText); err != nil {
		return err
	}
	i.Retired, i.RetiredReason, i.RetiredBy, i.RetiredAt = true, reason, by, &at
	return nil
}

// ContextSummary is the register as the management review pack carries it
// (9.3.2 b: changes in external and internal issues).
type ContextSummary struct {
	Counts         map[string]int `json:"counts"` // active entries by kind
	LastReviewedAt *time.Time     `json:"last_reviewed_at,omitempty"`
	LastReviewedBy string         `json:"last_reviewed_by,omitempty"`
	Items          []ContextItem  `json:"items"`
}

// ContextService keeps the context register of an agency.
type ContextService interface {
	// AddContextItem returns EINVALID for a bad field.
	AddContextItem(ctx context.Context, i *ContextItem) error
	// ContextItems lists the agency's entries by kind; retired ones too
	// when asked.
	ContextItems(ctx context.Context, agency string, withRetired bool) ([]*ContextItem, error)
	UpdateContextItem(ctx context.Context, agency string, id int64, title, requirements string) (*ContextItem, error)
	RetireContextItem(ctx context.Context, agency string, id int64, reason string) (*ContextItem, error)
	// MarkContextReviewed records that the caller reviewed the whole
	// register now (EINVALID when it is empty).
	MarkContextReviewed(ctx context.Context, agency, note string) (*ContextReview, error)
	// ContextReviews lists the register's reviews, latest first.
	ContextReviews(ctx context.Context, agency string) ([]*ContextReview, error)
}
