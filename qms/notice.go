package qms

import (
	"fmt"
	"maps"
	"slices"
)

// Notice is what an in-app notification says, kept as a kind and its
// values so that a page writes it in its reader's language. Title is its
// Vietnamese text: the e-mail sends it, and a notification written
// before notices had kinds has nothing else.
type Notice struct {
	Kind string
	Args []string
}

// The kinds of notice, each with its Vietnamese text (%s for each value
// in order). The web catalogue holds the same kinds as notice.<kind>.
const (
	NoticeApprovalPending    = "approval_pending"    // code, title, version number
	NoticeProcedureToRead    = "procedure_to_read"   // code, title, issue number
	NoticeFormToRead         = "form_to_read"        // code, title, version number
	NoticeCorrectiveAction   = "corrective_action"   // NC code, action, due date
	NoticeRiskOwner          = "risk_owner"          // risk code, description, review date
	NoticeRiskAction         = "risk_action"         // risk code, action, due date
	NoticeFeedbackNew        = "feedback_new"        // feedback code
	NoticeFeedbackAssigned   = "feedback_assigned"   // feedback code
	NoticeStepDelegated      = "step_delegated"      // step name, dossier code
	NoticeDelegationRevoked  = "delegation_revoked"  // step name, dossier code
	NoticeComplianceFindings = "compliance_findings" // count
)

// ReadNoticePrefix begins the notice of a document to read.
const ReadNoticePrefix = "Tài liệu cần đọc và xác nhận: "

var noticeTexts = map[string]string{
	NoticeApprovalPending:    "Chờ phê duyệt: %s %s (phiên bản %s)",
	NoticeProcedureToRead:    ReadNoticePrefix + "%s %s (lần ban hành %s)",
	NoticeFormToRead:         ReadNoticePrefix + "%s %s (phiên bản %s)",
	NoticeCorrectiveAction:   "Hành động khắc phục được giao: %s — %s (hạn %s)",
	NoticeRiskOwner:          "Bạn phụ trách %s: %s (xem xét lại %s)",
	NoticeRiskAction:         "Hành động xử lý được giao: %s — %s (hạn %s)",
	NoticeFeedbackNew:        "Phản ánh, kiến nghị mới %s",
	NoticeFeedbackAssigned:   "Bạn được giao xử lý phản ánh %s",
	NoticeStepDelegated:      "Bước “%s” của hồ sơ %s được ủy quyền cho bạn",
	NoticeDelegationRevoked:  "Ủy quyền bước “%s” của hồ sơ %s cho bạn đã được thu hồi",
	NoticeComplianceFindings: "%s phát hiện mới khi kiểm tra tuân thủ",
}

// NoticeKinds lists every kind, for the catalogue's completeness test.
func NoticeKinds() []string {
	return slices.Collect(maps.Keys(noticeTexts))
}

// NoticeText is the Vietnamese text of a kind of notice, "" for none: the
// web catalogue's Vietnamese is this one, its English is its own.
func NoticeText(kind string) string { return noticeTexts[kind] }

// NewNotice is a notice of kind with its values.
func NewNotice(kind string, args ...string) Notice { return Notice{Kind: kind, Args: args} }

// Title is the notice in Vietnamese.
func (n Notice) Title() string { return FormatNotice(noticeTexts[n.Kind], n.Args) }

// FormatNotice fills a notice's text with its values (each text takes
// as many as its kind has: TestNoticeTexts holds both catalogues to it).
func FormatNotice(text string, args []string) string {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return fmt.Sprintf(text, vals...)
}
