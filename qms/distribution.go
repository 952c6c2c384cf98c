package qms

import (
	"context"
	"fmt"
	"slices"
	"time"

	"isodt/qms/flowchart"
)

// Distribution and "read and understood" (TCVN ISO 9001:2015, 7.5.3 and
// 7.3): when a procedure or form version takes effect, the people who
// work with it get it to read, each once, and acknowledge that they have
// read and understood it ("Đã đọc và hiểu"), with the time.
//
// Who gets a version (decided here, so the store and the pages agree):
//
//   - a procedure version: every member of the procedure's agency who
//     holds a role responsible for one of its flowchart steps
//     (StepRole of each step that names a responsible), and, for the steps
//     that record on a form, the version of that form in force, to the
//     same people;
//   - a form version: the members holding the roles of the steps that
//     record on the form in the agency's procedure versions in force;
//     when no procedure in force uses it (a form is often issued before
//     the procedure that uses it), every member of the agency.
//
// A person receives a version once (one row per person and version); a
// later version is a new row. Rows are never deleted: an acknowledgement
// is history, a pending one of a superseded version simply stops
// mattering (the overdue rule and the warnings look at versions in force).

// Kinds of distributed document.
const (
	ReadProcedure = "procedure"
	ReadForm      = "form"
)

// DefaultAckDays is how many working days a person has to acknowledge a
// version before the ACK_OVERDUE rule flags it (QMS_ACK_DAYS).
const DefaultAckDays = 5

// Basis is the legal or standard basis of a rule, kept as data: the
// document, its clause and the date it took effect.
type Basis struct {
	Document    string    `json:"document"`
	Clause      string    `json:"clause"`
	EffectiveOn time.Time `json:"effective_on"`
	Note        string    `json:"note,omitempty"`
}

// AckBasis is what the read-and-understood requirement rests on. The
// number of days is this software's default, not a legal time limit:
// the agency sets it (QMS_ACK_DAYS).
var AckBasis = []Basis{
	{Document: "TCVN ISO 9001:2015 (ISO 9001:2015)", Clause: "7.5.3.1 a), 7.5.3.2 a) – phân phối, tiếp cận tài liệu; 7.3 – nhận thức",
		EffectiveOn: time.Date(2015, 9, 15, 0, 0, 0, 0, time.UTC)},
	{Document: "Quyết định 19/2014/QĐ-TTg", Clause: "áp dụng TCVN ISO 9001 vào hoạt động của cơ quan hành chính nhà nước",
		EffectiveOn: time.Date(2014, 4, 20, 0, 0, 0, 0, time.UTC),
		Note:        "Thời hạn xác nhận (mặc định 5 ngày làm việc) là thiết lập của đơn vị, không phải thời hạn luật định."},
}

// DocRef names one version of a controlled document.
type DocRef struct {
	Kind   string `json:"kind"` // ReadProcedure or ReadForm
	DocID  int64  `json:"doc_id"`
	Number int    `json:"number"`
}

// Path is the version's page.
func (r DocRef) Path() string {
	if r.Kind == ReadForm {
		return fmt.Sprintf("/forms/%d/versions/%d", r.DocID, r.Number)
	}
	return fmt.Sprintf("/procedures/%d/versions/%d", r.DocID, r.Number)
}

// DocumentRead is one person's copy of one version: when it was
// distributed to them and when they acknowledged it.
type DocumentRead struct {
	ID int64 `json:"id"`
	DocRef
	AgencyCode     string     `json:"agency"`
	Code           string     `json:"code"`  // the procedure's or form's code
	Title          string     `json:"title"` // and title
	Status         DocStatus  `json:"version_status"`
	UserID         int64      `json:"user_id"`
	Username       string     `json:"username"`
	FullName       string     `json:"full_name"`
	Roles          []Role     `json:"roles"` // why they got it; empty when they asked for it themselves
	DistributedAt  time.Time  `json:"distributed_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	// DueAt is when the acknowledgement falls due (DefaultAckDays
	// working days after distribution); Overdue when it is past and
	// the read is still pending.
	DueAt   time.Time `json:"due_at"`
	Overdue bool      `json:"overdue"`
}

// Pending reports whether the person has not yet acknowledged.
func (r *DocumentRead) Pending() bool { return r.AcknowledgedAt == nil }

// Name is the person's full name, or the username when there is none.
func (r *DocumentRead) Name() string {
	if r.FullName != "" {
		return r.FullName
	}
	return r.Username
}

// ReadSummary is a version in force of an agency with its distribution
// counted, for the quality officer's overview.
type ReadSummary struct {
	DocRef
	Code, Title  string
	Distributed  int
	Acknowledged int
	Overdue      int
	Pending      []string // names of those who have not acknowledged
}

// DistributionService keeps the distribution lists. Distribution itself
// happens inside the approval of a version (ProcedureService and
// FormService), in its transaction.
type DistributionService interface {
	// AcknowledgeRead records that the actor has read and understood the
	// version in force ref of agency. Acknowledging twice changes
	// nothing. ENOTFOUND when the document is not the agency's;
	// EINVALID when the version is not in force; EFORBIDDEN for an
	// actor who is no user.
	AcknowledgeRead(ctx context.Context, agency string, ref DocRef) (*DocumentRead, error)
	// DistributionList lists everyone who got the version, the pending
	// first. ENOTFOUND when the document is not the agency's.
	DistributionList(ctx context.Context, agency string, ref DocRef) ([]*DocumentRead, error)
	// PendingReads lists what userID has still to read in agency:
	// versions in force only.
	PendingReads(ctx context.Context, agency string, userID int64) ([]*DocumentRead, error)
	// ReadSummaries counts the distribution of each version in force of
	// agency that has one, those with pending reads first.
	ReadSummaries(ctx context.Context, agency string) ([]*ReadSummary, error)
	// UnreadAmong returns the refs, among those given, of versions in
	// force that were distributed and that userID has not acknowledged (a
	// version never distributed — issued before distribution existed —
	// or no longer in force is not counted against anyone).
	UnreadAmong(ctx context.Context, userID int64, refs []DocRef) ([]DocRef, error)
}

// StepRoles are the roles responsible for the steps of a flowchart that
// name a responsible, in the order of Roles. The set of people a
// procedure version is distributed to.
func StepRoles(fc flowchart.Flowchart) []Role {
	var out []Role
	for _, s := range fc.Steps {
		if s.Responsible == "" {
			continue
		}
		if r := StepRole(s); !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Role) int { return slices.Index(Roles, a) - slices.Index(Roles, b) })
	return out
}

// FormRoles are the roles of the steps of fc that record on form code.
func FormRoles(fc flowchart.Flowchart, code string) []Role {
	var steps flowchart.Flowchart
	for _, s := range fc.Steps {
		if slices.Contains(s.Forms, code) {
			steps.Steps = append(steps.Steps, s)
		}
	}
	return StepRoles(steps)
}
