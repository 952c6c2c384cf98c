package web

import "isodt/qms"

// Signatures with meaning (issue #16 item 7): the labels of the password
// a signing action asks for and of the signature block of printed
// documents.
var signatureTexts = []pageText{
	{"signature.password", "Mật khẩu để ký", "Password to sign"},
	{"signature.step_signs", "Bước của lãnh đạo: hoàn thành bước này là ký phê duyệt, nhập lại mật khẩu.", "A leader's step: completing it signs an approval; enter your password again."},
	{"signature.meaning.drafted", "Soạn thảo", "Drafted"},
	{"signature.meaning.reviewed", "Kiểm tra", "Reviewed"},
	{"signature.meaning.approved", "Phê duyệt", "Approved"},
	{"signature.block_title", "Chữ ký điện tử", "Electronic signatures"},
	{"signature.what", "Nội dung ký", "Signed"},
	{"signature.meaning", "Ý nghĩa", "Meaning"},
	{"signature.name", "Họ và tên", "Full name"},
	{"signature.signed_at", "Thời điểm ký", "Signed at"},
	{"signature.not_current", "(nội dung đã thay đổi sau khi ký)", "(content changed after signing)"},
	{"signature.this_version", "Lần ban hành", "Issue"},
	{"signature.this_report", "Báo cáo đánh giá", "Audit report"},
	{"user.title", "Chức vụ", "Title"},
	{"audit_action.signature.sign", "Ký điện tử", "Signed electronically"},
}

func init() {
	addPageTexts(dictionaries, signatureTexts)
	domainEnglish["rule."+qms.RuleSignatureBroken] = "Signed content changed after signing"
}
