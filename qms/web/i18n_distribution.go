package web

import "isodt/qms"

// Distribution and read-and-understood (issue #16 item 6).
var distributionTexts = []pageText{
	{"nav.reads", "Tài liệu cần đọc", "Documents to read"},
	{"flash.acknowledged", "Đã ghi nhận: bạn đã đọc và hiểu tài liệu.", "Recorded: you have read and understood the document."},
	{"flash.step_done_unread", "Đã hoàn thành bước. Lưu ý: bạn chưa xác nhận đã đọc và hiểu phiên bản tài liệu áp dụng cho bước này.",
		"Step completed. Note: you have not acknowledged reading the document version this step follows."},
	{"reading.title", "Phân phối và xác nhận đã đọc", "Distribution and read-and-understood"},
	{"reading.you_acknowledged", "Bạn đã xác nhận đã đọc và hiểu lúc", "You acknowledged reading and understanding it on"},
	{"reading.you_must_read", "Phiên bản này được phân phối cho bạn: hãy đọc và xác nhận trước", "This version was distributed to you: read it and acknowledge by"},
	{"reading.ack_button", "Đã đọc và hiểu", "Read and understood"},
	{"reading.acknowledged_count", "Đã xác nhận", "Acknowledged"},
	{"reading.person", "Họ và tên", "Full name"},
	{"reading.roles", "Vai trò", "Roles"},
	{"reading.self", "Tự xác nhận", "Acknowledged on own initiative"},
	{"reading.distributed_at", "Phân phối lúc", "Distributed"},
	{"reading.due_at", "Hạn xác nhận", "Due"},
	{"reading.acknowledged_at", "Xác nhận lúc", "Acknowledged"},
	{"reading.not_yet", "Chưa xác nhận", "Not yet"},
	{"reading.overdue", "quá hạn", "overdue"},
	{"reading.none_distributed", "Chưa phân phối cho ai.", "Not distributed to anyone."},
	{"reading.step_warning", "Bạn chưa xác nhận đã đọc và hiểu tài liệu mà bước này áp dụng. Vẫn có thể hoàn thành bước, nhưng hãy đọc tài liệu:",
		"You have not acknowledged reading the documents this step follows. You may still complete it, but read them:"},
	{"reading.procedure", "Quy trình", "Procedure"},
	{"reading.form", "Biểu mẫu", "Form"},
	{"reading.version", "Phiên bản", "Version"},
	{"reads.title", "Tài liệu cần đọc", "Documents to read"},
	{"reads.intro", "Các phiên bản quy trình, biểu mẫu có hiệu lực được phân phối cho bạn. Đọc rồi bấm “Đã đọc và hiểu”.",
		"The procedure and form versions in force distributed to you. Read each, then press “Read and understood”."},
	{"reads.document", "Tài liệu", "Document"},
	{"reads.nothing", "Bạn không còn tài liệu nào cần đọc.", "You have nothing left to read."},
	{"reads.agency_title", "Tình hình xác nhận trong đơn vị", "Acknowledgements in the agency"},
	{"reads.distributed", "Đã phân phối", "Distributed"},
	{"reads.acknowledged", "Đã xác nhận", "Acknowledged"},
	{"reads.overdue", "Quá hạn", "Overdue"},
	{"reads.not_yet", "Chưa xác nhận", "Not yet acknowledged"},
	{"reads.basis", "Căn cứ", "Basis"},
	{"reads.effective_on", "hiệu lực từ", "in force from"},
	{"audit_action.document.distribute", "Phân phối tài liệu có hiệu lực", "Document in force distributed"},
	{"audit_action.document.acknowledge", "Xác nhận đã đọc và hiểu tài liệu", "Document read and understood"},
	{"object_type.document_read", "Bản phân phối tài liệu", "Distributed copy"},
}

// ackBasisEnglish is qms.AckBasis in English, by its document.
var ackBasisEnglish = map[string]qms.Basis{
	"TCVN ISO 9001:2015 (ISO 9001:2015)": {Document: "TCVN ISO 9001:2015 (ISO 9001:2015)",
		Clause: "7.5.3.1 a), 7.5.3.2 a) - distribution and access to documents; 7.3 - awareness"},
	"Quyết định 19/2014/QĐ-TTg": {Document: "Prime Minister's Decision 19/2014/QD-TTg",
		Clause: "applying TCVN ISO 9001 in state administrative agencies",
		Note:   "The time to acknowledge (5 working days by default) is the agency's setting, not a legal time limit."},
}

// ackBasis is qms.AckBasis in the page's language.
func ackBasis(lang string) []qms.Basis {
	if lang != "en" {
		return qms.AckBasis
	}
	out := make([]qms.Basis, len(qms.AckBasis))
	for i, b := range qms.AckBasis {
		out[i] = b
		if en, ok := ackBasisEnglish[b.Document]; ok {
			out[i].Document, out[i].Clause, out[i].Note = en.Document, en.Clause, en.Note
		}
	}
	return out
}

func init() {
	addPageTexts(dictionaries, distributionTexts)
	domainEnglish["rule."+qms.RuleAckOverdue] = "Document in force not acknowledged as read and understood in time"
	// The store's audit actions and object type of this feature, in the
	// vocabularies the audit log's labels and filters read.
	auditActions = append(auditActions, "document.distribute", "document.acknowledge")
	objectTypes = append(objectTypes, "document_read")
	for i := range vocabularies {
		switch vocabularies[i].prefix {
		case "audit_action.":
			vocabularies[i].codes = auditActions
		case "object_type.":
			vocabularies[i].codes = objectTypes
		}
	}
}
