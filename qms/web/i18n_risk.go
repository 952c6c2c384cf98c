package web

import (
	"isodt/qms"
)

// The register of risks and opportunities (issue #16 item 4): its page
// labels, its vocabularies, its audit actions and object types, the
// English names of its compliance rules and its API's documentation.
var riskTexts = []pageText{
	{"nav.risks", "Rủi ro và cơ hội", "Risks and opportunities"},
	{"risks.title", "Rủi ro và cơ hội", "Risks and opportunities"},
	{"risks.intro", "Sổ đăng ký rủi ro và cơ hội theo từng quá trình (TCVN ISO 9001:2015, mục 6.1): điểm = khả năng xảy ra × mức độ ảnh hưởng; từ 15 là cao, 5–12 trung bình, dưới 5 thấp.", "Register of risks and opportunities per process (ISO 9001:2015, 6.1): score = likelihood × impact; 15 and above is high, 5–12 medium, below 5 low."},
	{"risks.level", "Mức", "Level"},
	{"risks.any", "Tất cả", "All"},
	{"risks.process", "Quá trình", "Process"},
	{"risks.code", "Mã", "Code"},
	{"risks.kind", "Loại", "Kind"},
	{"risks.description", "Mô tả", "Description"},
	{"risks.description_hint", "Ví dụ: hồ sơ giấy thất lạc khi chuyển giữa các bộ phận", "E.g. paper dossiers lost between departments"},
	{"risks.score", "Điểm", "Score"},
	{"risks.owner", "Người chịu trách nhiệm", "Owner"},
	{"risks.review_on", "Xem xét lại", "Review on"},
	{"risks.review_on_dd_mm", "Ngày xem xét lại (dd/mm/yyyy)", "Review on (dd/mm/yyyy)"},
	{"risks.next_review_dd_mm", "Xem xét lại tiếp theo (dd/mm/yyyy)", "Next review (dd/mm/yyyy)"},
	{"risks.review_overdue", "quá hạn xem xét", "review overdue"},
	{"risks.actions_open", "Hành động xử lý", "Treatment actions"},
	{"risks.overdue", "quá hạn", "overdue"},
	{"risks.none", "Chưa có rủi ro hoặc cơ hội nào phù hợp bộ lọc.", "No risk or opportunity matches the filter."},
	{"risks.none_write", "Thêm ở mẫu bên dưới.", "Add one with the form below."},
	{"risks.add", "Thêm rủi ro hoặc cơ hội", "Add a risk or opportunity"},
	{"risks.add_button", "Thêm vào sổ đăng ký", "Add to the register"},
	{"risks.likelihood", "Khả năng xảy ra (1–5)", "Likelihood (1–5)"},
	{"risks.impact", "Mức độ ảnh hưởng (1–5)", "Impact (1–5)"},
	{"risks.likelihood_short", "khả năng", "likelihood"},
	{"risks.impact_short", "ảnh hưởng", "impact"},
	{"risks.scale_hint", "1 = rất thấp, 5 = rất cao. Với cơ hội, mức độ ảnh hưởng là lợi ích mang lại.", "1 = very low, 5 = very high. For an opportunity, impact is the benefit it brings."},
	{"risks.assessments", "Lịch sử đánh giá", "Assessment history"},
	{"risks.assessed_by", "Người đánh giá", "Assessed by"},
	{"risks.note", "Ghi chú", "Note"},
	{"risks.reassess", "Đánh giá lại", "Re-assess"},
	{"risks.treatment", "Hành động xử lý", "Treatment actions"},
	{"risks.links", "Liên kết", "Links"},
	{"risks.no_links", "Chưa liên kết với quy trình, phát hiện hay sự không phù hợp nào.", "Not linked to any procedure, finding or nonconformity."},
	{"risks.link_to", "Liên kết với", "Link to"},
	{"risks.add_link", "Thêm liên kết", "Add the link"},
	{"risks.close", "Đóng", "Close"},
	{"risks.close_reason", "Lý do đóng (đã xử lý xong, không còn phù hợp…)", "Reason for closing (treated, no longer relevant…)"},

	{"review.risks", "Rủi ro và cơ hội:", "Risks and opportunities:"},
	{"review.risks_open", "đang mở", "open"},
	{"review.risks_opportunities", "trong đó cơ hội:", "of which opportunities:"},
	{"review.risks_review_overdue", "quá hạn xem xét lại:", "past their review date:"},
	{"review.risks_actions_overdue", "hành động xử lý quá hạn:", "treatment actions overdue:"},

	{"risk_level.high", "Cao", "High"},
	{"risk_level.medium", "Trung bình", "Medium"},
	{"risk_level.low", "Thấp", "Low"},
	{"risk_kind.risk", "Rủi ro", "Risk"},
	{"risk_kind.opportunity", "Cơ hội", "Opportunity"},
	{"risk_status.open", "Đang mở", "Open"},
	{"risk_status.closed", "Đã đóng", "Closed"},
	{"risk_link.procedure", "Quy trình", "Procedure"},
	{"risk_link.finding", "Phát hiện kiểm tra tuân thủ", "Compliance finding"},
	{"risk_link.nc", "Sự không phù hợp", "Nonconformity"},

	{"audit_action.risk.create", "Thêm rủi ro, cơ hội", "Risk or opportunity added"},
	{"audit_action.risk.reassess", "Đánh giá lại rủi ro, cơ hội", "Risk or opportunity re-assessed"},
	{"audit_action.risk.action_add", "Thêm hành động xử lý rủi ro", "Treatment action added"},
	{"audit_action.risk.action_done", "Hoàn thành hành động xử lý rủi ro", "Treatment action done"},
	{"audit_action.risk.link", "Liên kết rủi ro, cơ hội", "Risk or opportunity linked"},
	{"audit_action.risk.close", "Đóng rủi ro, cơ hội", "Risk or opportunity closed"},
	{"object_type.risk", "Rủi ro, cơ hội", "Risk or opportunity"},
	{"object_type.risk_action", "Hành động xử lý rủi ro", "Risk treatment action"},
}

func init() {
	addPageTexts(dictionaries, riskTexts)
	domainEnglish["rule."+qms.RuleRiskReviewOverdue] = "Risk or opportunity past its review date"
	domainEnglish["rule."+qms.RuleRiskActionOverdue] = "Risk treatment action overdue"
	vocabularies = append(vocabularies,
		vocabulary{"riskLevel", "risk_level.", qms.RiskLevels},
		vocabulary{"riskKind", "risk_kind.", []string{qms.RiskKindRisk, qms.RiskKindOpportunity}},
		vocabulary{"riskStatus", "risk_status.", []string{qms.RiskOpen, qms.RiskClosed}},
		vocabulary{"riskLink", "risk_link.", []string{qms.RiskLinkProcedure, qms.RiskLinkFinding, qms.RiskLinkNC}},
	)
	auditActions = append(auditActions, "risk.create", "risk.reassess", "risk.action_add", "risk.action_done", "risk.link", "risk.close")
	objectTypes = append(objectTypes, "risk", "risk_action")
	// The vocabularies hold the slices as they were when declared.
	for i, v := range vocabularies {
		switch v.prefix {
		case "audit_action.":
			vocabularies[i].codes = auditActions
		case "object_type.":
			vocabularies[i].codes = objectTypes
		}
	}
	for k, d := range map[string]string{
		"GET /api/v1/risks":      "Sổ đăng ký rủi ro và cơ hội của đơn vị (lọc: level=high|medium|low, procedure=ID, status=open|closed|all; mặc định open)",
		"POST /api/v1/risks":     "Thêm rủi ro hoặc cơ hội (kind: risk|opportunity, likelihood và impact 1–5, owner: tên đăng nhập, review_on: dd/mm/yyyy hoặc yyyy-mm-dd)",
		"GET /api/v1/risks/{id}": "Một rủi ro hoặc cơ hội với hành động xử lý, lịch sử đánh giá và liên kết",
	} {
		doc := apiDocs[k]
		doc.Summary = d
		switch k {
		case "GET /api/v1/risks":
			doc.Resp = riskListResponse{}
		case "POST /api/v1/risks":
			doc.Request, doc.Resp = riskRequest{}, qms.Risk{}
		default:
			doc.Resp = qms.Risk{}
		}
		apiDocs[k] = doc
	}
}
