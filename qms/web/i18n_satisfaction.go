package web

import "isodt/qms"

// Citizen satisfaction (issue #16 item 9): the labels of the survey and
// its results, and the English of the SIPAS questionnaire, whose source
// text is the domain's (qms.SIPAS2017).
var satisfactionTexts = []pageText{
	{"nav.satisfaction", "Sự hài lòng", "Satisfaction"},
	{"title.satisfaction_public", "Đánh giá mức độ hài lòng", "Satisfaction survey"},
	{"satisfaction.withheld", "Dòng có dưới 5 phiếu chỉ hiện số phiếu, không hiện điểm, để người trả lời không bị nhận ra.", "Rows with fewer than 5 responses show their count only, not their scores, so that no one who answered can be recognised."},
	{"satisfaction.title", "Mức độ hài lòng của người dân, tổ chức", "Citizen and organisation satisfaction"},
	{"satisfaction.survey", "Đánh giá mức độ hài lòng về giải quyết hồ sơ", "How satisfied are you with the handling of your dossier?"},
	{"satisfaction.score_1", "Rất không hài lòng", "Very dissatisfied"},
	{"satisfaction.score_2", "Không hài lòng", "Dissatisfied"},
	{"satisfaction.score_3", "Bình thường", "Neutral"},
	{"satisfaction.score_4", "Hài lòng", "Satisfied"},
	{"satisfaction.score_5", "Rất hài lòng", "Very satisfied"},
	{"satisfaction.rate_dossier", "Đánh giá mức độ hài lòng", "Rate our service"},
	{"satisfaction.rate_invite", "Hồ sơ đã trả kết quả: mời ông/bà cho biết mức độ hài lòng (một lần cho mỗi hồ sơ).",
		"The result has been returned: please tell us how satisfied you are (once per dossier)."},
	{"satisfaction.sent", "Cảm ơn ông/bà đã đánh giá. Ý kiến của ông/bà giúp cơ quan cải tiến chất lượng phục vụ.",
		"Thank you for your answers: they help the agency improve its service."},
	{"satisfaction.intro", "Chọn một mức cho mỗi nhận định, từ 1 (rất không hài lòng) đến 5 (rất hài lòng). Phiếu không hỏi họ tên hay thông tin cá nhân " +
		"và được ẩn danh: cơ quan chỉ xem kết quả tổng hợp và ý kiến, không biết phiếu của hồ sơ nào, của ai.",
		"Choose one level for each statement, from 1 (very dissatisfied) to 5 (very satisfied). The survey asks for no name or personal data " +
			"and is anonymous: the agency sees totals and comments, never which dossier or whose they are."},
	{"satisfaction.legal_basis", "Căn cứ:", "Legal basis:"},
	{"satisfaction.effective_from", "áp dụng từ", "in force from"},
	{"satisfaction.optional", "(trả lời nếu ông/bà đã góp ý, phản ánh)", "(answer if you sent feedback)"},
	{"satisfaction.comment", "Ý kiến khác (không bắt buộc, tối đa 2.000 ký tự)", "Other comments (optional, at most 2,000 characters)"},
	{"satisfaction.send", "Gửi đánh giá", "Send"},
	{"satisfaction.key", "Mã khảo sát", "Survey key"},
	{"satisfaction.key_hint", "In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, mục cuối. Chỉ người giữ giấy này đánh giá được hồ sơ.",
		"Printed on the receipt slip, last item. Only the holder of the slip can rate the dossier."},
	{"satisfaction.year", "Năm", "Year"},
	{"satisfaction.quarter", "Quý", "Quarter"},
	{"satisfaction.whole_year", "Cả năm", "Whole year"},
	{"satisfaction.index", "Chỉ số hài lòng", "Satisfaction index"},
	{"satisfaction.responses", "Phiếu đánh giá", "Responses"},
	{"satisfaction.comments", "Ý kiến khác", "Comments"},
	{"satisfaction.by_quarter", "Theo quý", "By quarter"},
	{"satisfaction.by_agency", "Theo đơn vị", "By agency"},
	{"satisfaction.by_tthc", "Theo thủ tục hành chính", "By administrative procedure"},
	{"satisfaction.by_question", "Theo tiêu chí", "By criterion"},
	{"satisfaction.question", "Tiêu chí", "Criterion"},
	{"satisfaction.answers", "Số trả lời", "Answers"},
	{"satisfaction.mean", "Điểm trung bình", "Mean score"},
	{"satisfaction.satisfied", "Tỷ lệ hài lòng", "Satisfied"},
	{"satisfaction.none", "Chưa có phiếu đánh giá trong kỳ.", "No responses in the period."},
	{"satisfaction.latest_comments", "Ý kiến gần đây", "Latest comments"},
	{"satisfaction.no_comments", "Chưa có ý kiến.", "No comments yet."},
	{"satisfaction.comments_anonymous", "Phiếu đánh giá được ẩn danh: ý kiến chỉ ghi tháng gửi, không ghi hồ sơ hay thủ tục, xếp theo tháng rồi theo nội dung.",
		"Responses are anonymous: a comment shows only its month, not its dossier or procedure, sorted by month, then by text."},
	{"satisfaction.month", "Tháng", "Month"},
	{"object_type." + qms.SatisfactionObject, "Phiếu đánh giá mức độ hài lòng", "Satisfaction response"},
	{"audit.deidentified", "Mục ghi trước khi phiếu đánh giá được ẩn danh: hiển thị không kèm hồ sơ; mã băm là của mục như đã ghi (kiểm tra bằng qms audit verify).",
		"Written before responses were anonymous: shown without its dossier; the hash is that of the entry as written (checked by qms audit verify)."},
	{"review.satisfaction", "Mức độ hài lòng của người dân (SIPAS):", "Citizen satisfaction (SIPAS):"},
	{"review.satisfaction_responses", "phiếu, chỉ số hài lòng", "responses, satisfaction index"},
	{"review.satisfaction_details", "Chi tiết", "Details"},
	{"audit_action.satisfaction.submit", "Đánh giá mức độ hài lòng", "Satisfaction survey answered"},
}

// sipasEnglish names the questionnaire's groups and criteria in English,
// by code (domainName "sipas.<code>").
var sipasEnglish = map[string]string{
	"SIPAS-2017.title": "Measuring citizens' and organisations' satisfaction with the service of state administrative agencies (SIPAS)",
	"SIPAS-2017.basis": "Decision 2640/QD-BNV of 10/10/2017 of the Minister of Home Affairs approving the scheme for measuring satisfaction " +
		"with the service of state administrative agencies",
	"TC": "Access to the service", "TT": "Administrative procedure", "CC": "Service by the civil servants",
	"KQ": "Result of the procedure", "GY": "Receiving and handling comments and complaints",
	"TC1": "The waiting area has enough seats",
	"TC2": "The equipment serving citizens is sufficient",
	"TC3": "The equipment serving citizens is modern",
	"TC4": "The equipment serving citizens is easy to use",
	"TT1": "The procedure is posted publicly and completely",
	"TT2": "The procedure is posted publicly and accurately",
	"TT3": "The documents required are those the rules set",
	"TT4": "The fees charged are those the rules set",
	"TT5": "The time taken (from receipt to result) is within the legal limit",
	"CC1": "The civil servants are courteous",
	"CC2": "The civil servants listen to citizens' views",
	"CC3": "The civil servants answer and explain fully",
	"CC4": "The civil servants help to fill in the dossier thoroughly",
	"CC5": "The civil servants' guidance is easy to understand",
	"CC6": "The civil servants follow the rules in handling the case",
	"KQ1": "The result complies with the rules",
	"KQ2": "The result has complete information",
	"KQ3": "The result has accurate information",
	"GY1": "The agency provides ways to send comments and complaints",
	"GY2": "Sending comments and complaints is easy",
	"GY3": "The agency receives and handles comments and complaints actively",
	"GY4": "The agency reports the outcome of comments and complaints in time",
}

func init() {
	addPageTexts(dictionaries, satisfactionTexts)
	domainEnglish["rule."+qms.RuleSatisfactionBelowTarget] = "Citizen satisfaction last quarter below the target"
	// The audit action of a response, in the audit-action vocabulary.
	auditActions = append(auditActions, "satisfaction.submit")
	addVocabularyCodes("object_type.", qms.SatisfactionObject)
	for i := range vocabularies {
		if vocabularies[i].prefix == "audit_action." {
			vocabularies[i].codes = auditActions
		}
	}
	for code, en := range sipasEnglish {
		domainEnglish["sipas."+code] = en
	}
}
