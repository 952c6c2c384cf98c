package web

import "isodt/qms"

// Competence (ISO 9001:2015 7.2, issue #16 item 5): the matrix, a
// person's records and the competence warning of the step form.
var competenceTexts = []pageText{
	{"nav.competence", "Năng lực nhân sự", "Competence"},
	{"nav.my_competence", "Năng lực của tôi", "My competence"},
	{"competence.title", "Năng lực nhân sự (ISO 9001:2015 mục 7.2)", "Competence (ISO 9001:2015 clause 7.2)"},
	{"competence.intro", "Ma trận cho biết mỗi người có đủ năng lực mà vai trò hoặc bước quy trình của họ yêu cầu hay không, theo hồ sơ đào tạo và chứng chỉ còn hiệu lực.", "The matrix shows whether each person holds the competences their role or procedure steps require, from training and certificate records in force."},
	{"competence.my_records", "Xem hồ sơ năng lực của tôi", "See my competence records"},
	{"competence.gaps", "trường hợp thiếu hoặc hết hạn năng lực yêu cầu", "required competences missing or expired"},
	{"competence.no_gaps", "Mọi người đều có đủ năng lực yêu cầu", "Everyone holds the required competences"},
	{"competence.as_of", "tính đến ngày", "as of"},
	{"competence.matrix", "Ma trận năng lực", "Competence matrix"},
	{"competence.person", "Người", "Person"},
	{"competence.roles", "Vai trò", "Roles"},
	{"competence.no_people", "Đơn vị chưa có người dùng.", "The agency has no users yet."},
	{"competence.legend", "* năng lực được yêu cầu đối với người này; “Sắp hết hạn”: hết hạn trong vòng 60 ngày.", "* competence required of this person; “Expiring”: expires within 60 days."},
	{"competence.no_catalogue", "Chưa có năng lực nào trong danh mục.", "The catalogue has no competence yet."},
	{"competence.catalogue", "Danh mục năng lực", "Competence catalogue"},
	{"competence.code", "Mã", "Code"},
	{"competence.name", "Tên năng lực", "Competence name"},
	{"competence.description", "Mô tả", "Description"},
	{"competence.merged_from", "nhận khi sáp nhập từ", "received in a merger from"},
	{"competence.add", "Thêm năng lực", "Add competence"},
	{"competence.requirements", "Yêu cầu năng lực", "Competence requirements"},
	{"competence.competence", "Năng lực", "Competence"},
	{"competence.required_of", "Yêu cầu đối với", "Required of"},
	{"competence.applies_to", "Áp dụng cho vai trò", "Applies to role"},
	{"competence.withdraw", "Bãi bỏ", "Withdraw"},
	{"competence.withdraw_reason", "Lý do bãi bỏ", "Reason for withdrawing"},
	{"competence.role", "Vai trò", "Role"},
	{"competence.step", "Bước", "Step"},
	{"competence.step_not_in_force", "Bước chưa có trong phiên bản có hiệu lực", "Step not in the version in force"},
	{"competence.no_requirements", "Chưa có yêu cầu năng lực nào.", "No competence requirement yet."},
	{"competence.by_step", "(theo bước quy trình)", "(by procedure step)"},
	{"competence.by_role", "(theo vai trò)", "(by role)"},
	{"competence.add_requirement", "Thêm yêu cầu", "Add requirement"},
	{"competence.add_record", "Ghi nhận đào tạo / chứng chỉ", "Record training / certificate"},
	{"competence.valid", "Đạt", "Held"},
	{"competence.until", "đến", "until"},
	{"competence.expiring", "Sắp hết hạn", "Expiring"},
	{"competence.expired", "Hết hạn", "Expired"},
	{"competence.missing", "Thiếu", "Missing"},
	{"competence.required", "Năng lực được yêu cầu", "Required competence"},
	{"competence.course", "Khóa đào tạo / chứng chỉ", "Course / certificate"},
	{"competence.certificate_no", "Số chứng chỉ", "Certificate number"},
	{"competence.issuer", "Đơn vị cấp", "Issued by"},
	{"competence.obtained_on", "Ngày cấp", "Obtained on"},
	{"competence.date_format", "dd/mm/yyyy", "dd/mm/yyyy"},
	{"competence.expires_on", "Ngày hết hạn", "Expires on"},
	{"competence.no_expiry", "Không thời hạn", "No expiry"},
	{"competence.evidence", "Minh chứng", "Evidence"},
	{"competence.person_title", "Hồ sơ năng lực", "Competence records"},
	{"competence.standing", "Tình trạng", "Standing"},
	{"competence.records", "Hồ sơ đào tạo và chứng chỉ", "Training and certificate records"},
	{"competence.state", "Hiệu lực", "Status"},
	{"competence.revoke", "Thu hồi", "Revoke"},
	{"competence.revoked", "Đã thu hồi", "Revoked"},
	{"competence.revoke_reason", "Lý do thu hồi", "Reason for revoking"},
	{"competence.no_records", "Chưa có hồ sơ đào tạo hay chứng chỉ nào.", "No training or certificate record yet."},
	{"competence.back_to_matrix", "Về ma trận năng lực", "Back to the competence matrix"},
	{"audit_action.competence.create", "Thêm năng lực vào danh mục", "Competence added to the catalogue"},
	{"audit_action.competence.require", "Đặt yêu cầu năng lực", "Competence requirement set"},
	{"audit_action.competence.requirement.withdraw", "Bãi bỏ yêu cầu năng lực", "Competence requirement withdrawn"},
	{"audit_action.competence.record.add", "Ghi nhận đào tạo / chứng chỉ", "Training / certificate recorded"},
	{"audit_action.competence.record.revoke", "Thu hồi hồ sơ năng lực", "Competence record revoked"},
	{"object_type.competence", "Năng lực", "Competence"},
	{"object_type.competence_requirement", "Yêu cầu năng lực", "Competence requirement"},
	{"object_type.competence_record", "Hồ sơ năng lực", "Competence record"},
	{"competence.step_warning", "Lưu ý: bạn chưa có đủ năng lực mà bước này yêu cầu (ISO 9001:2015 mục 7.2). Bạn vẫn có thể hoàn thành bước; cán bộ ISO sẽ theo dõi việc đào tạo bổ sung.", "Note: you do not hold every competence this step requires (ISO 9001:2015 clause 7.2). You may still complete the step; the quality officer follows up the training."},
}

func init() {
	addPageTexts(dictionaries, competenceTexts)
	auditActions = append(auditActions, "competence.create", "competence.require", "competence.requirement.withdraw", "competence.record.add", "competence.record.revoke")
	objectTypes = append(objectTypes, "competence", "competence_requirement", "competence_record")
	// The vocabularies took the lists before this init appended to them.
	for i := range vocabularies {
		switch vocabularies[i].prefix {
		case "audit_action.":
			vocabularies[i].codes = auditActions
		case "object_type.":
			vocabularies[i].codes = objectTypes
		}
	}
	domainEnglish["rule."+qms.RuleCompetenceMissing] = "Person assigned to a step lacks a required competence, or it expired"
}
