package qms

import (
	"strings"
	"time"
)

// DocStatus is where a version of a controlled document (an internal
// procedure or a form) stands. ISO 9001:2015 7.5: documents are reviewed
// and approved before use, and obsolete versions are withdrawn from use
// but kept.
type DocStatus string

const (
	StatusDraft      DocStatus = "draft"      // dự thảo: the only editable state
	StatusSubmitted  DocStatus = "submitted"  // trình duyệt
	StatusEffective  DocStatus = "effective"  // có hiệu lực
	StatusSuperseded DocStatus = "superseded" // hết hiệu lực: replaced by a newer version
	StatusWithdrawn  DocStatus = "withdrawn"  // thu hồi
)

// Lifecycle actions.
const (
	ActionSubmit    = "submit"
	ActionApprove   = "approve"
	ActionReject    = "reject"
	ActionWithdraw  = "withdraw"
	ActionSupersede = "supersede"
)

// Approval is the sign-off record of a version: who drafted, submitted,
// approved or rejected it and when. It is shared by every controlled
// document so that the rules below apply to all of them alike.
type Approval struct {
	Status      DocStatus  `json:"status"`
	AuthorID    int64      `json:"author_id"`
	Author      string     `json:"author"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	ApproverID  int64      `json:"approver_id,omitempty"`
	Approver    string     `json:"approver,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	EffectiveOn *time.Time `json:"effective_on,omitempty"` // civil date, midnight UTC
	Reason      string     `json:"reason,omitempty"`       // of the last rejection or withdrawal
	// Contributors are everyone who wrote, edited or submitted the
	// version, as the store recorded them with each change; the store
	// fills them whenever it reads a single version.
	Contributors []Contributor `json:"contributors,omitempty"`
}

// What a contributor did to a version.
const (
	ContributedCreate = "create"
	ContributedEdit   = "edit" // the content saved, a BPMN import included
	ContributedSubmit = "submit"
)

// Contributor is one person's part in a version.
type Contributor struct {
	UserID   int64  `json:"user_id,omitempty"`
	Username string `json:"username"`
	Act      string `json:"act"`
}

// sameActor tells whether actor is the user (id, name): the same user,
// or for system actors (no user id) the same name.
func sameActor(actor Actor, id int64, name string) bool {
	if actor.UserID != 0 || id != 0 {
		return actor.UserID == id
	}
	return actor.Username == name
}

// AuthoredBy reports whether actor created the version.
func (a *Approval) AuthoredBy(actor Actor) bool { return sameActor(actor, a.AuthorID, a.Author) }

// ContributedBy reports whether actor created, edited or submitted the
// version: such a person may not approve it.
func (a *Approval) ContributedBy(actor Actor) bool {
	if a.AuthoredBy(actor) {
		return true
	}
	for _, c := range a.Contributors {
		if sameActor(actor, c.UserID, c.Username) {
			return true
		}
	}
	return false
}

// Editable reports whether the content may still change: only drafts.
func (a *Approval) Editable() bool { return a.Status == StatusDraft }

// InForce reports whether the version is the one to use.
func (a *Approval) InForce() bool { return a.Status == StatusEffective }

// Transition applies a lifecycle action by actor at now. It enforces the
// rules every controlled document shares:
//   - draft → submitted (submit); submitted → effective (approve) or back
//     to draft (reject, with a reason);
//   - nobody who created, edited or submitted a version approves it
//     (segregation of duties; the store supplies the Contributors). A
//     contributor may still reject it: rejecting puts nothing in force and
//     only sends the draft back, which is how a submitter recalls it;
//   - effective → superseded happens only when the next version takes effect;
//   - any state but superseded and withdrawn → withdrawn, with a reason.
//
// Who may act at all (a leader approves) is the policy's question, asked
// before this.
func (a *Approval) Transition(action string, actor Actor, now time.Time, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := CheckText("reason", "Lý do", reason, MaxShortText); err != nil {
		return err
	}
	bad := func() error {
		return Errorf(EINVALID, "Không thể %s một phiên bản đang ở trạng thái %q.", actionName[action], statusName[a.Status])
	}
	switch action {
	case ActionSubmit:
		if a.Status != StatusDraft {
			return bad()
		}
		a.Status, a.SubmittedAt, a.Reason = StatusSubmitted, &now, ""
	case ActionApprove:
		if a.Status != StatusSubmitted {
			return bad()
		}
		if a.ContributedBy(actor) {
			return Errorf(EFORBIDDEN, "Người đã soạn thảo, sửa hoặc trình phiên bản không được phê duyệt phiên bản đó.")
		}
		day := CivilDate(now)
		a.Status, a.ApproverID, a.Approver, a.ApprovedAt, a.EffectiveOn = StatusEffective, actor.UserID, actor.Username, &now, &day
	case ActionReject:
		if a.Status != StatusSubmitted {
			return bad()
		}
		if reason == "" {
			return FieldError("reason", "Nhập lý do trả lại để người soạn thảo sửa.")
		}
		a.Status, a.Reason, a.SubmittedAt = StatusDraft, reason, nil
	case ActionWithdraw:
		if a.Status == StatusSuperseded || a.Status == StatusWithdrawn {
			return bad()
		}
		if reason == "" {
			return FieldError("reason", "Nhập lý do thu hồi.")
		}
		a.Status, a.Reason = StatusWithdrawn, reason
	case ActionSupersede:
		if a.Status != StatusEffective {
			return bad()
		}
		a.Status = StatusSuperseded
	default:
		return Errorf(EINVALID, "Thao tác %q không tồn tại.", action)
	}
	return nil
}

var actionName = map[string]string{
	ActionSubmit: "trình duyệt", ActionApprove: "phê duyệt", ActionReject: "trả lại",
	ActionWithdraw: "thu hồi", ActionSupersede: "thay thế",
}

var statusName = map[DocStatus]string{
	StatusDraft: "dự thảo", StatusSubmitted: "chờ duyệt", StatusEffective: "có hiệu lực",
	StatusSuperseded: "hết hiệu lực", StatusWithdrawn: "đã thu hồi",
}

// StatusLabel is the Vietnamese name of a status, for pages and prints.
func StatusLabel(s DocStatus) string { return statusName[s] }

// CivilDate is the date of t in Asia/Ho_Chi_Minh, as midnight UTC: the
// form every date-only field is stored in.
func CivilDate(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// MaxDueYears bounds how far out a corrective action, a risk's treatment
// action or a management review's decision may be due: a date typed as
// 31/12/9999 for "some day" is never overdue, and the overdue checks are
// what hold an owner to it (outsider pass 24).
const MaxDueYears = 3

// CheckDueWithin refuses a due date more than MaxDueYears years after
// today.
func CheckDueWithin(field string, due, today time.Time) error {
	if limit := CivilDate(today).AddDate(MaxDueYears, 0, 0); due.After(limit) {
		return FieldError(field, "Hạn hoàn thành %s quá xa: chọn hạn đến %s (ba năm kể từ hôm nay) là muộn nhất.", due.Format("02/01/2006"), limit.Format("02/01/2006"))
	}
	return nil
}
