package web

// designTexts are the labels of the design system (issue 14, item 13):
// the report's charts and the empty states of the lists.
var designTexts = []pageText{
	{"title.feedback_intake", "Gửi phản ánh, kiến nghị", "Send feedback"},
	{"title.feedback_status", "Theo dõi phản ánh", "Feedback status"},
	{"title.public", "Công khai kết quả giải quyết hồ sơ", "Public results"},
	{"report.chart_by_month", "Tỷ lệ giải quyết đúng hạn theo tháng", "On-time rate by month"},
	{"report.chart_by_field", "Tỷ lệ giải quyết đúng hạn theo lĩnh vực", "On-time rate by field"},
	{"report.no_field", "(chưa có lĩnh vực)", "(no field)"},
	{"report.chart_note", "Tỷ lệ trên số hồ sơ đã giải quyết trong kỳ (số trong ngoặc).", "Rate over the dossiers completed in the period (number in brackets)."},
	{"report.no_dossier", "Chưa có hồ sơ nào trong kỳ này. Chọn kỳ khác hoặc tiếp nhận hồ sơ tại trang Hồ sơ.", "No dossier in this period. Choose another period, or receive dossiers on the Dossiers page."},
}

func init() { addPageTexts(dictionaries, designTexts) }
