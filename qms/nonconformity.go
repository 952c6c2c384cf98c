package qms

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Where a nonconformity (sự không phù hợp) was found.
const (
	NCFromAudit     = "audit"
	NCFromFinding   = "finding"
	NCFromDossier   = "late_dossier"
	NCFromComplaint = "complaint"
	NCFromOther     = "other"
)

// Nonconformity statuses. The order only goes forward: open → in
// progress (with a plan) → closed (every action done and judged effective).
const (
	NCOpen       = "open"
	NCInProgress = "in_progress"
	NCClosed     = "closed"
)

// Effectiveness verdicts of the verification (ISO 9001 10.2.1 d).
const (
	VerdictEffective    = "effective"
	VerdictNotEffective = "not_effective"
)

// Nonconformity records what went wrong, the correction, the root cause,
// the corrective actions and the verification of their effectiveness.
type Nonconformity struct {
	ID          int64      `json:"id"`
	AgencyCode  string     `json:"agency"`
	Code        string     `json:"code"` // NC-2026-001
	Source      string     `json:"source"`
	SourceRef   string     `json:"source_ref,omitempty"`
	Description string     `json:"description"`
	Correction  string     `json:"correction"` // khắc phục tức thời
	RootCause   string     `json:"root_cause"` // nguyên nhân gốc
	Status      string     `json:"status"`
	Verdict     string     `json:"verdict,omitempty"`
	VerifiedBy  string     `json:"verified_by,omitempty"`
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	// CloseReason is why the nonconformity was closed while its source
	// finding was still open (the compliance scan had not cleared it).
	CloseReason string             `json:"close_reason,omitempty"`
	CreatedBy   string             `json:"created_by"`
	CreatedAt   time.Time          `json:"created_at"`
	Actions     []CorrectiveAction `json:"actions"`
}

// CorrectiveAction is one task of the action plan.
type CorrectiveAction struct {
	ID          int64      `json:"id"`
	Description string     `json:"description"`
	Owner       string     `json:"owner"`  // username
	DueOn       time.Time  `json:"due_on"` // civil date
	DoneAt      *time.Time `json:"done_at,omitempty"`
	Result      string     `json:"result,omitempty"`
	// DoneBy is who recorded it done: its owner, or a leader or quality
	// officer on their behalf (CheckActionDoer).
	DoneBy string `json:"done_by,omitempty"`
}

// Validate checks what a new or edited nonconformity holds.
func (n *Nonconformity) Validate() error {
	n.Description, n.Correction, n.RootCause = strings.TrimSpace(n.Description), strings.TrimSpace(n.Correction), strings.TrimSpace(n.RootCause)
	n.SourceRef = strings.TrimSpace(n.SourceRef)
	switch {
	case n.Description == "":
		return FieldError("description", "Mô tả sự không phù hợp.")
	case utf8.RuneCountInString(n.Description)+utf8.RuneCountInString(n.Correction)+utf8.RuneCountInString(n.RootCause) > MaxLongText:
		return FieldError("description", "Nội dung quá dài.")
	}
	if err := CheckTexts(
		TextField{"description", "Mô tả sự không phù hợp", n.Description, MaxLongText},
		TextField{"correction", "Khắc phục tức thời", n.Correction, MaxLongText},
		TextField{"root_cause", "Nguyên nhân gốc", n.RootCause, MaxLongText},
		TextField{"source_ref", "Tham chiếu nguồn (source_ref)", n.SourceRef, 100},
	); err != nil {
		return err
	}
	switch n.Source {
	case NCFromAudit, NCFromFinding, NCFromDossier, NCFromComplaint, NCFromOther:
	default:
		return FieldError("source", "Nguồn %q không hợp lệ (audit, finding, late_dossier, complaint, other).", n.Source)
	}
	return nil
}

// Validate checks a corrective action.
func (a *CorrectiveAction) Validate() error {
	a.Description, a.Owner = strings.TrimSpace(a.Description), strings.TrimSpace(a.Owner)
	switch {
	case a.Description == "":
		return FieldError("description", "Mô tả hành động khắc phục.")
	case a.Owner == "":
		return FieldError("owner", "Chọn người chịu trách nhiệm.")
	case a.DueOn.IsZero():
		return FieldError("due_on", "Nhập hạn hoàn thành (dd/mm/yyyy).")
	}
	return CheckTexts(
		TextField{"description", "Mô tả hành động khắc phục", a.Description, MaxShortText},
		TextField{"owner", "Người chịu trách nhiệm", a.Owner, MaxNameText},
		TextField{"result", "Kết quả hành động khắc phục", a.Result, MaxShortText},
	)
}

// CheckActionDue refuses a corrective action due before the
// nonconformity was recorded: it would be overdue from its first day,
// which is a typing slip, not a plan.
func (n *Nonconformity) CheckActionDue(a CorrectiveAction) error {
	opened := CivilDate(n.CreatedAt).Format("2006-01-02")
	if a.DueOn.Format("2006-01-02") < opened {
		return FieldError("due_on", "Hạn hoàn thành %s trước ngày lập phiếu %s (%s): chọn hạn từ ngày lập phiếu trở đi.",
			a.DueOn.Format("02/01/2006"), n.Code, CivilDate(n.CreatedAt).Format("02/01/2006"))
	}
	return nil
}

// OpenActions counts the actions not done.
func (n *Nonconformity) OpenActions() int {
	k := 0
	for _, a := range n.Actions {
		if a.DoneAt == nil {
			k++
		}
	}
	return k
}

// Start moves an open nonconformity in progress: only with a root cause
// and a plan of at least one action.
func (n *Nonconformity) Start() error {
	switch {
	case n.Status != NCOpen:
		return Errorf(EINVALID, "Chỉ bắt đầu khắc phục được sự không phù hợp đang mở.")
	case n.RootCause == "":
		return FieldError("root_cause", "Phân tích nguyên nhân gốc trước khi bắt đầu khắc phục.")
	case len(n.Actions) == 0:
		return FieldError("actions", "Lập kế hoạch: thêm ít nhất một hành động khắc phục (người phụ trách, hạn) trước khi bắt đầu.")
	}
	n.Status = NCInProgress
	return nil
}

// Verify records the effectiveness verdict, once every action is done.
func (n *Nonconformity) Verify(verdict, by string, at time.Time) error {
	switch {
	case n.Status != NCInProgress:
		return Errorf(EINVALID, "Chỉ đánh giá hiệu lực khi đang khắc phục.")
	case n.OpenActions() > 0:
		return Errorf(EINVALID, "Còn %d hành động khắc phục chưa hoàn thành.", n.OpenActions())
	case verdict != VerdictEffective && verdict != VerdictNotEffective:
		return FieldError("verdict", "Kết luận hiệu lực phải là effective (có hiệu lực) hoặc not_effective (chưa hiệu lực).")
	}
	// Whoever carried an action out does not judge its effectiveness:
	// a quality officer could otherwise raise, act on, verify and close
	// a nonconformity alone.
	if a, ok := n.ActionOf(by); ok {
		return FieldErrorf(EFORBIDDEN, "verdict", "Tài khoản %s phụ trách hoặc đã ghi nhận hoàn thành hành động khắc phục “%s” của %s: người thực hiện hành động không tự đánh giá hiệu lực. "+
			"Một người khác có quyền đánh giá hiệu lực (cán bộ ISO, lãnh đạo hoặc đánh giá viên) thực hiện việc này.", by, a.Description, n.Code)
	}
	n.Verdict, n.VerifiedBy, n.VerifiedAt = verdict, by, &at
	return nil
}

// ActionOf is an action of n that user owns or recorded done, who
// therefore does not verify n's effectiveness (Verify).
func (n *Nonconformity) ActionOf(user string) (CorrectiveAction, bool) {
	for _, a := range n.Actions {
		if strings.EqualFold(a.Owner, user) || strings.EqualFold(a.DoneBy, user) {
			return a, true
		}
	}
	return CorrectiveAction{}, false
}

// Revise clears the effectiveness verdict when the analysis or the plan
// changes after it: the verdict judged them as they were, and closing
// needs one on what is now recorded (ISO 9001 10.2.1 d: the effectiveness
// of the actions taken is reviewed).
func (n *Nonconformity) Revise() {
	n.Verdict, n.VerifiedBy, n.VerifiedAt = "", "", nil
}

// Close ends a nonconformity: every action done and the verification
// found the actions effective. It never goes back.
func (n *Nonconformity) Close(at time.Time) error {
	return n.CloseWith(at, false, "")
}

// CloseWith is Close for a nonconformity whose source may still be open.
// A compliance finding still open says the condition persists: the
// actions are judged effective against it only with a recorded reason
// (reason), kept on the nonconformity. Otherwise the scan must clear the
// finding first.
func (n *Nonconformity) CloseWith(at time.Time, findingOpen bool, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case n.Status != NCInProgress:
		return Errorf(EINVALID, "Chỉ đóng được sự không phù hợp đang khắc phục.")
	case n.OpenActions() > 0:
		return Errorf(EINVALID, "Còn %d hành động khắc phục chưa hoàn thành: chưa thể đóng.", n.OpenActions())
	case n.Verdict != VerdictEffective:
		return Errorf(EINVALID, "Chưa có kết luận “hành động khắc phục có hiệu lực”: đánh giá hiệu lực trước khi đóng; nếu chưa hiệu lực, bổ sung hành động.")
	case findingOpen && reason == "":
		return FieldError("close_reason", "Phát hiện kiểm tra tuân thủ #%s (nguồn của %s) vẫn đang mở: chạy lại kiểm tra tuân thủ để xác nhận đã khắc phục, hoặc ghi lý do đóng phiếu khi phát hiện còn mở.", n.SourceRef, n.Code)
	case utf8.RuneCountInString(reason) > 2000:
		return FieldError("close_reason", "Lý do đóng phiếu quá dài (tối đa 2.000 ký tự).")
	}
	n.Status, n.ClosedAt, n.CloseReason = NCClosed, &at, reason
	return nil
}

// FindingRef is the id of the compliance finding the nonconformity was
// raised from, or "" when its source is something else.
func (n *Nonconformity) FindingRef() string {
	if n.Source != NCFromFinding {
		return ""
	}
	return n.SourceRef
}

// ErrFindingHasOpenNC refuses a second open nonconformity for one
// finding, naming the one to work on instead.
func ErrFindingHasOpenNC(findingRef, code string) error {
	return FieldErrorf(ECONFLICT, "source_ref", "Phát hiện kiểm tra tuân thủ #%s đã có phiếu không phù hợp %s đang mở: cập nhật phiếu đó thay vì lập phiếu mới.", findingRef, code)
}

// NCService keeps nonconformities and their action plans.
type NCService interface {
	CreateNC(ctx context.Context, n *Nonconformity) error
	FindNC(ctx context.Context, agency string, id int64) (*Nonconformity, error)
	FindNCs(ctx context.Context, agency string) ([]*Nonconformity, error)
	// UpdateNC edits the analysis (description, correction, root cause)
	// of a nonconformity not closed.
	UpdateNC(ctx context.Context, agency string, id int64, description, correction, rootCause string) (*Nonconformity, error)
	AddAction(ctx context.Context, agency string, id int64, a CorrectiveAction) (*Nonconformity, error)
	CompleteAction(ctx context.Context, agency string, id, actionID int64, result string) (*Nonconformity, error)
	// ChangeNC applies start, verify (with verdict) or close.
	ChangeNC(ctx context.Context, agency string, id int64, action, verdict string) (*Nonconformity, error)
	// CloseNC closes with a reason, needed when the source finding is
	// still open (EINVALID on field close_reason without one).
	CloseNC(ctx context.Context, agency string, id int64, reason string) (*Nonconformity, error)
	// OpenNCsOfFindings maps each of the findings that has an open
	// nonconformity to it (id, agency, code and status only).
	OpenNCsOfFindings(ctx context.Context, findingIDs []int64) (map[int64]*Nonconformity, error)
}
