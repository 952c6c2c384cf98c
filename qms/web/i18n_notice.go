package web

import (
	"html/template"

	"isodt/qms"
)

// noticeEnglish are the notifications in English, by kind (qms.Notice):
// each takes the values of its kind in the same order. The Vietnamese is
// the domain's own text (qms.NoticeText), the one the e-mail sends.
var noticeEnglish = map[string]string{
	qms.NoticeApprovalPending:    "Awaiting approval: %s %s (version %s)",
	qms.NoticeProcedureToRead:    "Document to read and acknowledge: %s %s (issue %s)",
	qms.NoticeFormToRead:         "Document to read and acknowledge: %s %s (version %s)",
	qms.NoticeCorrectiveAction:   "Corrective action assigned to you: %s — %s (due %s)",
	qms.NoticeRiskOwner:          "You own %s: %s (review on %s)",
	qms.NoticeRiskAction:         "Risk action assigned to you: %s — %s (due %s)",
	qms.NoticeFeedbackNew:        "New citizen feedback %s",
	qms.NoticeFeedbackAssigned:   "Feedback %s assigned to you",
	qms.NoticeStepDelegated:      "Step “%s” of dossier %s was delegated to you",
	qms.NoticeDelegationRevoked:  "The delegation to you of step “%s” of dossier %s was revoked",
	qms.NoticeComplianceFindings: "%s new findings from the compliance check",
}

func init() {
	for kind, en := range noticeEnglish {
		addPageTexts(dictionaries, []pageText{{"notice." + kind, qms.NoticeText(kind), en}})
	}
}

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
