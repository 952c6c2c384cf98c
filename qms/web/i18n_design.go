package web

// designTexts are the labels of the design system (issue 14, item 13):
// the report's charts and the empty states of the lists.
var designTexts = []pageText{
	{"title.feedback_intake", "Gửi phản ánh, kiến nghị", "Send feedback"},
	{"title.feedback_status", "Theo dõi phản ánh", "Feedback status"},
	{"title.public", "Công khai kết quả giải quyết hồ sơ", "Public results"},
	{"empty.dossiers", "Đổi bộ lọc, hoặc tiếp nhận hồ sơ mới:", "Change the filter, or receive a new dossier:"},
	{"empty.procedures_write", "Xây dựng quy trình đầu tiên cho một thủ tục hành chính", "Write the first procedure for an administrative procedure"},
	{"empty.forms_write", "Tạo biểu mẫu đầu tiên", "Create the first form"},
	{"empty.ask_quality_officer", "Cán bộ ISO của đơn vị sẽ xây dựng và trình ban hành.", "The agency's quality officer writes and submits them."},
	{"empty.ncs", "Lập phiếu từ một phát hiện tuân thủ, một kết quả đánh giá nội bộ hoặc một phản ánh:", "Raise one from a compliance finding, an internal audit result or a complaint:"},
	{"empty.audits_write", "Lập chương trình đánh giá năm, rồi lập kế hoạch đánh giá ở mẫu bên dưới.", "Make the year's audit programme, then plan an audit with the form below."},
	{"empty.feedbacks", "Người dân gửi phản ánh qua trang công khai của đơn vị; phản ánh mới hiện ở đây để giao xử lý.", "Citizens send feedback through the agency's public page; new feedback shows here to be assigned."},
	{"empty.tasks", "Xem danh sách hồ sơ", "See the dossier list"},
	{"empty.objectives_write", "Đặt mục tiêu ở mẫu bên dưới (ví dụ: tỷ lệ đúng hạn ≥ 95%).", "Set one with the form below (for example: on-time rate ≥ 95%)."},
	{"empty.reviews_write", "Lập cuộc họp xem xét ở mẫu bên dưới; số liệu đầu vào được tổng hợp tự động.", "Create a review with the form below; its input figures are gathered for you."},
	{"empty.compliance", "Các quy tắc được kiểm tra định kỳ; một phát hiện mới sẽ hiện ở đây để lập phiếu không phù hợp.", "The rules are checked on a schedule; a new finding shows here, ready for a nonconformity."},
	{"empty.compliance_run", "Bấm “Chạy kiểm tra ngay” để kiểm tra lại.", "Press “Run the checks now” to check again."},
	{"empty.audit", "Đổi hoặc bỏ bộ lọc:", "Change or clear the filter:"},
	{"empty.audit_all", "xem toàn bộ nhật ký", "see the whole log"},
	{"report.chart_by_month", "Tỷ lệ giải quyết đúng hạn theo tháng", "On-time rate by month"},
	{"report.chart_by_field", "Tỷ lệ giải quyết đúng hạn theo lĩnh vực", "On-time rate by field"},
	{"report.no_field", "(chưa có lĩnh vực)", "(no field)"},
	{"report.chart_note", "Tỷ lệ trên số hồ sơ đã giải quyết trong kỳ (số trong ngoặc).", "Rate over the dossiers completed in the period (number in brackets)."},
	{"report.no_dossier", "Chưa có hồ sơ nào trong kỳ này. Chọn kỳ khác hoặc tiếp nhận hồ sơ tại trang Hồ sơ.", "No dossier in this period. Choose another period, or receive dossiers on the Dossiers page."},
}

func init() { addPageTexts(dictionaries, designTexts) }
