package web

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"isodt/qms"
)

// refusedText is a submitted text the form check refused before any
// handler could show its form again. The API answers with the domain's
// message (err), which names the member by its path; a page says it in
// its own language, names the field by its label and tells the browser
// which input to mark when the user goes back to the form (static/app.js).
type refusedText struct {
	err     error  // qms.CheckText's or checkUTF8's refusal
	field   string // the form field, as the form names it (made valid UTF-8)
	badName bool   // the field's name itself is not UTF-8
	value   string // what was sent, to say what is wrong with it
	max     int
}

func (r *refusedText) Error() string { return r.err.Error() }
func (r *refusedText) Unwrap() error { return r.err }

// message is the refusal in the page's language, on the form posted to
// path.
func (r *refusedText) message(lang, path string) string {
	l := dictionaries[lang]
	name := fieldLabel(l, path, r.field)
	if r.badName {
		return fmt.Sprintf(label(l, "formcheck.name_utf8"), name)
	}
	fault, c := qms.FindTextFault(r.value, r.max)
	switch fault {
	case qms.TextNotUTF8:
		return fmt.Sprintf(label(l, "formcheck.utf8"), name)
	case qms.TextControl:
		if qms.ZeroWidth(c) {
			return fmt.Sprintf(label(l, "formcheck.zero_width"), name, fmt.Sprintf("U+%04X", c))
		}
		return fmt.Sprintf(label(l, "formcheck.control"), name, fmt.Sprintf("U+%04X", c))
	case qms.TextMultiLine:
		return fmt.Sprintf(label(l, "formcheck.one_line"), name)
	case qms.TextBlank:
		return fmt.Sprintf(label(l, "formcheck.blank"), name)
	case qms.TextInvisible:
		return fmt.Sprintf(label(l, "formcheck.invisible"), name, fmt.Sprintf("U+%04X", c))
	case qms.TextLoneMark:
		return fmt.Sprintf(label(l, "formcheck.lone_mark"), name, fmt.Sprintf("U+%04X", c))
	}
	return fmt.Sprintf(label(l, "formcheck.too_long"), name, formatNumber(float64(r.max), 0, lang), formatNumber(float64(utf8.RuneCountInString(r.value)), 0, lang))
}

// fieldLabel is what the form posted to path calls the field name: the
// label its template shows (formFieldLabels), else the label of the
// name shared by the forms (field.<name>), else the name in quotes.
func fieldLabel(l map[string]string, path, name string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, f := range formFieldLabels {
		if f.field == name && routeMatches(strings.Split(strings.Trim(f.route, "/"), "/"), segs) {
			return "“" + label(l, f.key) + "”"
		}
	}
	if v, ok := l["field."+name]; ok {
		return "“" + v + "”"
	}
	return strconv.Quote(name)
}

// formFieldLabels name a field as its form's template labels it, where
// forms posting one field name label it differently: the citizen's
// feedback form asks for "Họ và tên" in "name", a provider's form for
// "Tên nhà cung cấp". A form not listed here is named by field.<name>.
var formFieldLabels = []struct{ route, field, key string }{
	{"/public/:agency/feedback", "name", "user.full_name"},
	{"/admin/calendar", "name", "calendar.name_reason"},
	{"/competence/catalogue", "name", "competence.name"},
	{"/providers", "name", "providers.name"},
	{"/providers/:id", "name", "providers.name"},
	{"/admin/agencies", "name", "agency.name"},
	{"/admin/agencies/:code", "name", "agency.name"},
	{"/admin/agency-merge", "name", "restructure.new_name"},
	{"/admin/agency-split", "name", "restructure.new_name"},
	{"/dossiers/:code/delegations", "reason", "dossier.delegate_reason"},
}

// formCheckTexts are the form check's refusals on a page and the labels
// of the free-text fields they name. A field name shared by several
// forms (note, reason, name) has the label that fits all of them.
var formCheckTexts = []pageText{
	{"formcheck.name_utf8", "Tên một ô nhập (%s) không phải văn bản UTF-8 hợp lệ: biểu mẫu đã bị sửa ngoài trang, hãy tải lại trang.", "The name of a field (%s) is not valid UTF-8 text: the form was changed outside the page; reload the page."},
	{"formcheck.utf8", "Ô %s chứa ký tự không phải văn bản UTF-8 hợp lệ: hãy gõ lại hoặc dán lại nội dung ở dạng Unicode.", "The field %s holds characters that are not valid UTF-8 text: type or paste the text again as Unicode."},
	{"formcheck.control", "Ô %s chứa ký tự điều khiển không được phép (%s), thường do dán từ một tài liệu khác: hãy xóa ký tự đó rồi gửi lại.", "The field %s holds a control character that is not allowed (%s), usually from text pasted from another document: remove it and send again."},
	{"formcheck.zero_width", "Ô %s chứa ký tự vô hình không được phép (%s), thường do dán từ một tài liệu khác: hãy xóa ký tự đó rồi gửi lại.", "The field %s holds an invisible character that is not allowed (%s), usually from text pasted from another document: remove it and send again."},
	{"formcheck.one_line", "Ô %s chỉ được viết trên một dòng: bỏ dấu xuống dòng hoặc ký tự tab rồi gửi lại.", "The field %s must be on one line: remove the line break or tab and send again."},
	{"formcheck.blank", "Ô %s chỉ gồm khoảng trắng hoặc ký tự vô hình: hãy nhập nội dung.", "The field %s holds only spaces or invisible characters: type its content."},
	{"formcheck.invisible", "Ô %s chứa ký tự vô hình (%s), khiến nó trông như một tên khác, thường do dán từ tài liệu khác: hãy gõ lại.", "The field %s holds an invisible character (%s) that makes it look like another name, usually from pasted text: type it again."},
	{"formcheck.lone_mark", "Ô %s bắt đầu bằng một dấu đứng riêng (%s), không gắn với chữ nào: hãy gõ lại.", "The field %s begins with a lone accent mark (%s) attached to no letter: type it again."},
	{"formcheck.too_long", "Ô %s quá dài: tối đa %s ký tự (hiện có %s).", "The field %s is too long: at most %s characters (it has %s)."},
	{"field.actor", "Người thực hiện", "Actor"},
	// The fields the domain's refusals name most (what a page leads an
	// English refusal with, refusalMessage), by their labels on the forms.
	{"field.actions", "Hành động khắc phục", "Corrective actions"},
	{"field.agency", "Đơn vị", "Agency"},
	{"field.applicant.name", "Tên người nộp", "Applicant's name"},
	{"field.applicant.phone", "Số điện thoại người nộp", "Applicant's phone"},
	{"field.applicant.address", "Địa chỉ của người nộp", "Applicant's address"},
	{"field.applicant.id_number", "Số CCCD/mã số thuế của người nộp", "Applicant's ID card or tax number"},
	{"field.assignee", "Người được giao", "Assignee"},
	{"field.channel", "Kênh tiếp nhận", "Channel"},
	{"field.clauses", "Điều khoản ISO", "ISO clauses"},
	{"field.competence_id", "Năng lực", "Competence"},
	{"field.date", "Ngày", "Date"},
	{"field.decided_on", "Ngày quyết định", "Decided on"},
	{"field.due_on", "Hạn hoàn thành", "Due on"},
	{"field.evaluated_on", "Ngày đánh giá", "Evaluated on"},
	{"field.exit", "Kết quả bước", "Step outcome"},
	{"field.expires_on", "Ngày hết hạn", "Expires on"},
	{"field.file", "Tệp", "File"},
	{"field.held_on", "Ngày họp", "Held on"},
	{"field.impact", "Mức độ ảnh hưởng", "Impact"},
	{"field.kind", "Loại", "Kind"},
	{"field.likelihood", "Khả năng xảy ra", "Likelihood"},
	{"field.measure", "Chỉ tiêu đo", "Measure"},
	{"field.new_password", "Mật khẩu mới", "New password"},
	{"field.obtained_on", "Ngày cấp", "Obtained on"},
	{"field.owner", "Người phụ trách", "Owner"},
	{"field.parent", "Đơn vị cấp trên", "Parent agency"},
	{"field.period", "Kỳ", "Period"},
	{"field.procedure_id", "Quy trình", "Procedure"},
	{"field.programme_id", "Chương trình đánh giá", "Audit programme"},
	{"field.quarter", "Quý", "Quarter"},
	{"field.received_at", "Thời điểm tiếp nhận", "Received at"},
	{"field.review_on", "Ngày xem xét lại", "Review on"},
	{"field.role", "Vai trò", "Role"},
	{"field.source", "Nguồn", "Source"},
	{"field.start_on", "Ngày bắt đầu", "Start on"},
	{"field.status", "Trạng thái", "Status"},
	{"field.step_id", "Bước", "Step"},
	{"field.target", "Chỉ tiêu", "Target"},
	{"field.time_limit_days", "Thời hạn giải quyết (ngày)", "Time limit (days)"},
	{"field.tthc_code", "Thủ tục hành chính", "Administrative procedure"},
	{"field.units", "Đơn vị được đánh giá", "Units audited"},
	{"field.verdict", "Kết luận", "Verdict"},
	{"field.year", "Năm", "Year"},
	{"field.answer", "Nội dung trả lời", "Answer"},
	{"field.applicant_address", "Địa chỉ người nộp", "Applicant's address"},
	{"field.applicant_id", "Số CCCD hoặc mã số thuế", "ID card or tax number"},
	{"field.applicant_name", "Tên người nộp hồ sơ", "Applicant's name"},
	{"field.applicant_phone", "Số điện thoại người nộp", "Applicant's phone"},
	{"field.auditors", "Chuyên gia đánh giá", "Auditors"},
	{"field.certificate_no", "Số chứng chỉ", "Certificate number"},
	{"field.change_summary", "Tóm tắt thay đổi", "Summary of changes"},
	{"field.close_reason", "Lý do đóng", "Reason for closing"},
	{"field.code", "Mã", "Code"},
	{"field.comment", "Góp ý", "Comment"},
	{"field.conclusion", "Kết luận", "Conclusion"},
	{"field.contact", "Thông tin liên hệ", "Contact"},
	{"field.content", "Nội dung", "Content"},
	{"field.contract_ref", "Số hợp đồng", "Contract reference"},
	{"field.correction", "Khắc phục tức thời", "Immediate correction"},
	{"field.course", "Khóa đào tạo", "Course"},
	{"field.criteria", "Tiêu chí", "Criteria"},
	{"field.definitions", "Định nghĩa", "Definitions"},
	{"field.delegation_reason", "Lý do ủy quyền", "Reason for the delegation"},
	{"field.description", "Mô tả", "Description"},
	{"field.dossier_code", "Mã hồ sơ", "Dossier code"},
	{"field.edge_label", "Điều kiện", "Condition"},
	{"field.email", "Thư điện tử", "Email"},
	{"field.evidence", "Bằng chứng", "Evidence"},
	{"field.fee", "Phí, lệ phí", "Fees and charges"},
	{"field.field", "Lĩnh vực", "Sector"},
	{"field.forms", "Biểu mẫu", "Forms"},
	{"field.full_name", "Họ và tên", "Full name"},
	{"field.issuer", "Nơi cấp", "Issued by"},
	{"field.key", "Mã khảo sát", "Survey key"},
	{"field.legal_basis", "Căn cứ pháp lý", "Legal basis"},
	{"field.minutes", "Biên bản", "Minutes"},
	{"field.name", "Tên", "Name"},
	{"field.new_code", "Mã mới", "New code"},
	{"field.note", "Ghi chú", "Note"},
	{"field.notes", "Ghi chú", "Notes"},
	{"field.number", "Số văn bản", "Number"},
	{"field.owner_unit", "Đơn vị chủ trì", "Lead unit"},
	{"field.password", "Mật khẩu", "Password"},
	{"field.password_confirm", "Nhập lại mật khẩu", "Password again"},
	{"field.current_password", "Mật khẩu hiện tại", "Current password"},
	{"field.published_by", "Quyết định công bố", "Publishing decision"},
	{"field.purpose", "Mục đích", "Purpose"},
	{"field.q", "Từ khóa tìm kiếm", "Search words"},
	{"field.reason", "Lý do", "Reason"},
	{"field.record_kept_at", "Nơi lưu hồ sơ", "Where the record is kept"},
	{"field.record_name", "Tên hồ sơ lưu", "Record name"},
	{"field.record_retention", "Thời gian lưu", "Retention"},
	{"field.references", "Tài liệu viện dẫn", "References"},
	{"field.requirements", "Yêu cầu", "Requirements"},
	{"field.result", "Kết quả", "Result"},
	{"field.reviewer", "Người xem xét", "Reviewer"},
	{"field.root_cause", "Nguyên nhân gốc", "Root cause"},
	{"field.scope", "Phạm vi áp dụng", "Scope"},
	{"field.service_level", "Mức độ dịch vụ công", "Online public service level"},
	{"field.service", "Dịch vụ", "Service"},
	{"field.signed_by", "Người ký", "Signed by"},
	{"field.source_ref", "Tham chiếu nguồn", "Source reference"},
	{"field.step_name", "Tên bước", "Step name"},
	{"field.summary", "Tóm tắt", "Summary"},
	{"field.text", "Nội dung", "Text"},
	{"field.title", "Tiêu đề", "Title"},
	{"field.username", "Tên đăng nhập", "Username"},
	{"field.working_hours", "Giờ làm việc", "Working hours"},
}

func init() { addPageTexts(dictionaries, formCheckTexts) }
