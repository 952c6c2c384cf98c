package web

import (
	"html/template"

	"isodt/qms"
)

// noticeTexts are the notifications in each language, by kind
// (qms.Notice): each takes the values of its kind in the same order.
var noticeTexts = []pageText{
	{"notice." + qms.NoticeApprovalPending, "Chờ phê duyệt: %s %s (phiên bản %s)", "Awaiting approval: %s %s (version %s)"},
	{"notice." + qms.NoticeProcedureToRead, "Tài liệu cần đọc và xác nhận: %s %s (lần ban hành %s)", "Document to read and acknowledge: %s %s (issue %s)"},
	{"notice." + qms.NoticeFormToRead, "Tài liệu cần đọc và xác nhận: %s %s (phiên bản %s)", "Document to read and acknowledge: %s %s (version %s)"},
	{"notice." + qms.NoticeCorrectiveAction, "Hành động khắc phục được giao: %s — %s (hạn %s)", "Corrective action assigned to you: %s — %s (due %s)"},
	{"notice." + qms.NoticeRiskOwner, "Bạn phụ trách %s: %s (xem xét lại %s)", "You own %s: %s (review on %s)"},
	{"notice." + qms.NoticeRiskAction, "Hành động xử lý được giao: %s — %s (hạn %s)", "Risk action assigned to you: %s — %s (due %s)"},
	{"notice." + qms.NoticeFeedbackNew, "Phản ánh, kiến nghị mới %s", "New citizen feedback %s"},
	{"notice." + qms.NoticeFeedbackAssigned, "Bạn được giao xử lý phản ánh %s", "Feedback %s assigned to you"},
	{"notice." + qms.NoticeStepDelegated, "Bước “%s” của hồ sơ %s được ủy quyền cho bạn", "Step “%s” of dossier %s was delegated to you"},
	{"notice." + qms.NoticeDelegationRevoked, "Ủy quyền bước “%s” của hồ sơ %s cho bạn đã được thu hồi", "The delegation to you of step “%s” of dossier %s was revoked"},
	{"notice." + qms.NoticeComplianceFindings, "%s phát hiện mới khi kiểm tra tuân thủ", "%s new findings from the compliance check"},
}

func init() { addPageTexts(dictionaries, noticeTexts) }

// noticeFuncs: notice writes a notification in the page's language; one
// kept before notifications had kinds shows its stored (Vietnamese) title.
func noticeFuncs(l map[string]string) template.FuncMap {
	return template.FuncMap{"notice": func(n qms.Notification) string {
		text, ok := l["notice."+n.Kind]
		if n.Kind == "" || !ok {
			return n.Title
		}
		return qms.FormatNotice(text, n.Args)
	}}
}
