package qms

import (
	"maps"
	"slices"
	"strings"
)

// The sentences of compliance findings (Phrase kinds), each with its
// Vietnamese text: %s for each value in order. The web catalogue holds
// the same keys in English.
const (
	SayDossierOverdue         = "finding.dossier_overdue"          // dossier, appointment
	SayLateWithoutApology     = "finding.late_without_apology"     // dossier, appointment
	SayStepOverdue            = "finding.step_overdue"             // dossier, step, due
	SayStepMissingRecord      = "finding.step_missing_record"      // dossier, step
	SayRecordWrongVersion     = "finding.record_wrong_version"     // dossier, form, version used, version in force
	SayReviewOverdue          = "finding.review_overdue"           // procedure, due date
	SayFormNotEffective       = "finding.form_not_effective"       // procedure, issue, form
	SayFlowchartOverLimit     = "finding.flowchart_over_limit"     // procedure, hours, days, limit hours, TTHC
	SayTTHCNotControlled      = "finding.tthc_not_controlled"      // TTHC, name, reason (control_reason.*)
	SayMergedNotReissued      = "finding.merged_not_reissued"      // procedure, agency merged, date, days
	SayTTHCGovernedTwice      = "finding.tthc_governed_twice"      // TTHC, procedures, the one receipts follow
	SayCAPAOverdue            = "finding.capa_overdue"             // NC, action, owner, due date
	SayRiskActionOverdue      = "finding.risk_action_overdue"      // risk, action, owner, due date
	SayRiskReviewOverdue      = "finding.risk_review_overdue"      // risk, description, owner, due date
	SayProviderNeverEvaluated = "finding.provider_never_evaluated" // name, service, due date, months
	SayProviderEvaluationDue  = "finding.provider_evaluation_due"  // name, service, last date, due date, months
	SayContextNoRegister      = "finding.context_no_register"      // procedures in force
	SayContextNeverReviewed   = "finding.context_never_reviewed"   // items
	SayContextReviewLate      = "finding.context_review_late"      // items, last review, months
	SayAckOverdueProcedure    = "finding.ack_overdue_procedure"    // code, version, people, days, names
	SayAckOverdueForm         = "finding.ack_overdue_form"         // code, version, people, days, names
	SaySatisfactionLow        = "finding.satisfaction_low"         // quarter, year, index, responses, target, basis (its number)
	SaySignatureBroken        = "finding.signature_broken"         // signer, meaning (signature.meaning.*), time
	SayDeclarationMissing     = "finding.declaration_missing"      // agency, procedures in force
	SayDeclarationChanged     = "finding.declaration_changed"      // decision, date, changes (a list)
	SayScopeMerged            = "finding.scope_merged"             // agency, date
	SayScopeTTHCAdded         = "finding.scope_tthc_added"         // codes
	SayScopeTTHCGone          = "finding.scope_tthc_gone"          // codes
	SayScopeProcedureAdded    = "finding.scope_procedure_added"    // codes
	SayScopeProcedureGone     = "finding.scope_procedure_gone"     // codes
	SayMoreCodes              = "finding.more_codes"               // codes, how many more
	SayCompetenceMissing      = "finding.competence_missing"       // person, code, name, why (a list)
	SayCompetenceExpired      = "finding.competence_expired"       // code, name, person, date, why (a list)
	SayNeededForStep          = "finding.needed_for_step"          // step, procedure
	SayNeededForMissingStep   = "finding.needed_for_missing_step"  // step id, procedure
	SayNeededForThisStep      = "finding.needed_for_this_step"     // step
	SayNeededForRole          = "finding.needed_for_role"          // role (role.*)
)

var findingTexts = map[string]string{
	SayDossierOverdue:         "Hồ sơ %s quá hạn trả kết quả (hẹn %s).",
	SayLateWithoutApology:     "Hồ sơ %s trễ hạn (hẹn %s) nhưng chưa có phiếu xin lỗi và hẹn lại.",
	SayStepOverdue:            "Hồ sơ %s: bước “%s” quá thời gian quy định (hạn %s).",
	SayStepMissingRecord:      "Hồ sơ %s: bước “%s” đã hoàn thành nhưng thiếu phiếu theo biểu mẫu.",
	SayRecordWrongVersion:     "Hồ sơ %s: phiếu %s lập trên phiên bản %s, phiên bản có hiệu lực lúc đó là %s.",
	SayReviewOverdue:          "Quy trình %s đến hạn xem xét định kỳ từ %s.",
	SayFormNotEffective:       "Quy trình %s (lần %s) dùng biểu mẫu %s chưa có phiên bản hiệu lực.",
	SayFlowchartOverLimit:     "Quy trình %s: các bước cần %s giờ, vượt thời hạn %s ngày (%s giờ) của thủ tục %s.",
	SayTTHCNotControlled:      "Thủ tục %s – %s: %s.",
	SayMergedNotReissued:      "Quy trình %s nhận từ đơn vị %s khi sáp nhập ngày %s chưa được ban hành lại sau %s ngày.",
	SayTTHCGovernedTwice:      "Thủ tục %s thuộc các quy trình đang có hiệu lực %s; hồ sơ mới được tiếp nhận theo quy trình %s. Phê duyệt lại quy trình cần giữ để thủ tục chỉ thuộc quy trình đó.",
	SayCAPAOverdue:            "%s: hành động “%s” của %s quá hạn từ %s.",
	SayRiskActionOverdue:      "%s: hành động xử lý “%s” của %s quá hạn từ %s.",
	SayRiskReviewOverdue:      "%s “%s” (phụ trách: %s) đến hạn xem xét lại từ %s.",
	SayProviderNeverEvaluated: "Nhà cung cấp “%s” (%s) chưa được đánh giá lần nào; đến hạn đánh giá ngày %s (chu kỳ %s tháng).",
	SayProviderEvaluationDue:  "Nhà cung cấp “%s” (%s) đánh giá gần nhất ngày %s; đến hạn đánh giá ngày %s (chu kỳ %s tháng).",
	SayContextNoRegister:      "Đơn vị có %s quy trình đang hiệu lực nhưng chưa lập sổ bối cảnh (vấn đề nội bộ, bên ngoài và các bên quan tâm).",
	SayContextNeverReviewed:   "Sổ bối cảnh (%s mục) chưa được xem xét lần nào.",
	SayContextReviewLate:      "Sổ bối cảnh (%s mục) được xem xét lần cuối ngày %s, quá %s tháng.",
	SayAckOverdueProcedure:    "Quy trình %s (phiên bản %s): %s người chưa xác nhận đã đọc và hiểu sau %s ngày làm việc kể từ khi phân phối: %s.",
	SayAckOverdueForm:         "Biểu mẫu %s (phiên bản %s): %s người chưa xác nhận đã đọc và hiểu sau %s ngày làm việc kể từ khi phân phối: %s.",
	SaySatisfactionLow:        "Chỉ số hài lòng quý %s/%s là %s%% trên %s phiếu đánh giá, thấp hơn mục tiêu %s%% (theo %s).",
	SaySignatureBroken:        "Nội dung đã được %s ký (%s) lúc %s nhưng đã bị thay đổi sau khi ký (" + SignatureBasis.Document + ").",
	SayDeclarationMissing:     "Đơn vị %s áp dụng %s quy trình nội bộ có hiệu lực nhưng chưa công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 (" + DeclarationBasisText() + ").",
	SayDeclarationChanged:     "Phạm vi hệ thống quản lý chất lượng đã thay đổi sau quyết định công bố %s ngày %s: %s. Cần công bố lại (" + DeclarationBasisText() + ").",
	SayScopeMerged:            "sáp nhập %s ngày %s",
	SayScopeTTHCAdded:         "thủ tục hành chính mới chưa thuộc phạm vi %s",
	SayScopeTTHCGone:          "thủ tục hành chính không còn áp dụng %s",
	SayScopeProcedureAdded:    "quy trình nội bộ có hiệu lực chưa thuộc phạm vi %s",
	SayScopeProcedureGone:     "quy trình nội bộ đã thu hồi hoặc hết hiệu lực %s",
	SayMoreCodes:              "%s và %s mục khác",
	SayCompetenceMissing:      "%s chưa có năng lực %s – %s, được yêu cầu cho: %s.",
	SayCompetenceExpired:      "Năng lực %s – %s của %s đã hết hạn từ %s, được yêu cầu cho: %s.",
	SayNeededForStep:          "Bước “%s” – quy trình %s",
	SayNeededForMissingStep:   "Bước %s – quy trình %s (chưa có trong phiên bản có hiệu lực)",
	SayNeededForThisStep:      "Bước “%s”",
	SayNeededForRole:          "Vai trò %s",
}

// FindingKinds lists the sentences of findings, for the catalogue's
// completeness test.
func FindingKinds() []string {
	return slices.Collect(maps.Keys(findingTexts))
}

// PhraseText is the Vietnamese text of a phrase kind: a finding's
// sentence, or a label the web catalogue names the same way (the reason
// a TTHC is not under control, a signature's meaning, a role).
func PhraseText(kind string) (string, bool) {
	if t, ok := findingTexts[kind]; ok {
		return t, true
	}
	var t string
	switch {
	case strings.HasPrefix(kind, "control_reason."):
		t = ReasonText[strings.TrimPrefix(kind, "control_reason.")]
	case strings.HasPrefix(kind, "signature.meaning."):
		t = meaningLabel[Meaning(strings.TrimPrefix(kind, "signature.meaning."))]
	case strings.HasPrefix(kind, "role."):
		r := Role(strings.TrimPrefix(kind, "role."))
		if _, ok := roleTitle[r]; ok {
			t = RoleTitle(r)
		}
	}
	return t, t != ""
}

// SomeCodes names up to five codes and how many more there are.
func SomeCodes(cs []string) Phrase {
	const most = 5
	if len(cs) <= most {
		return Phrase{Value: strings.Join(cs, ", ")}
	}
	return Say(SayMoreCodes, strings.Join(cs[:most], ", "), len(cs)-most)
}
