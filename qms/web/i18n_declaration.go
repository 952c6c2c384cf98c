package web

import "isodt/qms"

// Declarations of conformity (issue #16 item 3).
var declarationTexts = []pageText{
	{"decl.confirm_supersede", "Tôi xác nhận bản công bố này thay thế bản công bố hiện hành số", "I confirm this declaration supersedes the one in force, number"},
	{"nav.declarations", "Công bố ISO", "Declaration of conformity"},
	{"decl.title", "Công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015", "Declaration that the quality management system conforms to TCVN ISO 9001:2015"},
	{"decl.intro", "Thủ trưởng cơ quan ký quyết định công bố, nêu phạm vi áp dụng (các thủ tục hành chính và quy trình nội bộ), và công bố lại khi phạm vi thay đổi: sáp nhập, thêm hoặc bãi bỏ thủ tục, thu hồi quy trình. Căn cứ:", "The head of the agency signs a decision declaring conformity, naming the scope (the administrative procedures and internal procedures covered), and declares again when the scope changes: a merger, a procedure added or abolished, an internal procedure withdrawn. Legal basis:"},
	{"decl.to_declare_again", "Cần công bố (lại)", "To declare (again)"},
	{"decl.current", "Quyết định công bố đang áp dụng", "Declaration in force"},
	{"decl.none", "Đơn vị chưa có quyết định công bố nào.", "The agency has not recorded any declaration yet."},
	{"decl.number", "Số quyết định", "Decision number"},
	{"decl.number_example", "ví dụ 125/QĐ-STP", "e.g. 125/QD-STP"},
	{"decl.decided_on", "Ngày ký", "Signed on"},
	{"decl.date_example", "ngày/tháng/năm", "dd/mm/yyyy"},
	{"decl.signed_by", "Người ký", "Signed by"},
	{"decl.scope", "Phạm vi áp dụng", "Scope"},
	{"decl.scope_hint", "Mặc định chọn mọi thủ tục đang áp dụng và mọi quy trình đang có hiệu lực của đơn vị; bỏ chọn những mục nằm ngoài phạm vi.", "Every active administrative procedure and every internal procedure in force is ticked; untick what the system does not cover."},
	{"decl.scope_tthc", "Thủ tục hành chính", "Administrative procedures"},
	{"decl.scope_processes", "Quy trình nội bộ", "Internal procedures"},
	{"decl.no_tthc", "Danh mục thủ tục hành chính của đơn vị đang trống.", "The agency's catalogue of administrative procedures is empty."},
	{"decl.no_processes", "Đơn vị chưa có quy trình nào có hiệu lực.", "The agency has no internal procedure in force."},
	{"decl.file", "Quyết định đã ký", "Signed decision"},
	{"decl.choose_file_again", "Chọn lại tệp: trình duyệt không giữ tệp đã chọn.", "Choose the file again: browsers do not keep it."},
	{"decl.note", "Ghi chú", "Note"},
	{"decl.recorded", "Người ghi nhận", "Recorded by"},
	{"decl.supersede_note", "Quyết định mới thay thế quyết định đang áp dụng; quyết định cũ được giữ lại, không bị xóa.", "The new decision supersedes the one in force; the old one is kept, never deleted."},
	{"decl.declare", "Ghi nhận quyết định công bố", "Record the declaration"},
	{"decl.declare_again", "Công bố lại", "Declare again"},
	{"decl.record", "Ghi nhận", "Record"},
	{"decl.history", "Các lần công bố", "Declarations"},
	{"decl.state", "Trạng thái", "State"},
	{"decl.in_force", "Đang áp dụng", "In force"},
	{"decl.superseded", "Đã thay thế lúc", "Superseded at"},
	{"decl.tthc_short", "thủ tục", "procedures"},
	{"decl.processes_short", "quy trình", "internal procedures"},
	{"audit_action.declaration.create", "Ghi nhận quyết định công bố ISO", "Declaration of conformity recorded"},
	{"audit_action.declaration.supersede", "Thay thế quyết định công bố ISO", "Declaration of conformity superseded"},
	{"object_type.declaration", "Quyết định công bố ISO", "Declaration of conformity"},
}

func init() {
	addPageTexts(dictionaries, declarationTexts)
	auditActions = append(auditActions, "declaration.create", "declaration.supersede")
	addVocabularyCodes("audit_action.", "declaration.create", "declaration.supersede")
	addVocabularyCodes("object_type.", "declaration")
	domainEnglish["rule."+qms.RuleDeclarationMissing] = "Agency runs procedures but has not declared its QMS conformant to TCVN ISO 9001:2015"
	domainEnglish["rule."+qms.RuleDeclarationScopeChanged] = "QMS scope changed since the last declaration"
}

// addVocabularyCodes adds codes to the vocabulary of prefix, from the
// file of the topic that writes them.
func addVocabularyCodes(prefix string, codes ...string) {
	for i := range vocabularies {
		if vocabularies[i].prefix == prefix {
			vocabularies[i].codes = append(vocabularies[i].codes, codes...)
		}
	}
}
