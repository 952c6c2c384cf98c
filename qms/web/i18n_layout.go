package web

// layoutTexts are the labels of the sidebar, the user menu and the role
// dashboards (issue 14, items 9 and 10).
var layoutTexts = []pageText{
	{"nav.menu", "☰ Danh mục", "☰ Menu"},
	{"nav.close", "Đóng ✕", "Close ✕"},
	{"nav.main", "Danh mục chính", "Main menu"},
	{"nav.switch_to", "Chuyển sang đơn vị", "Switch to agency"},
	{"nav.language", "Ngôn ngữ", "Language"},
	{"nav.sec_onestop", "Một cửa", "One-stop desk"},
	{"nav.sec_iso", "Hệ thống ISO", "ISO system"},
	{"nav.sec_check", "Kiểm tra & cải tiến", "Checking & improvement"},
	{"nav.sec_admin", "Quản trị", "Administration"},

	{"dash.staff_title", "Việc của tôi hôm nay", "My work today"},
	{"dash.steps_overdue", "bước đã quá hạn", "steps overdue"},
	{"dash.steps_due_today", "bước đến hạn hôm nay", "steps due today"},
	{"dash.staff_none", "Không có bước nào quá hạn hoặc đến hạn hôm nay.", "No step is overdue or due today."},
	{"dash.go_tasks", "Mở danh sách việc cần xử lý", "Open the task list"},
	{"dash.due", "hạn", "due"},
	{"dash.leader_title", "Điều hành", "Leadership"},
	{"dash.ontime_quarter", "hồ sơ giải quyết đúng hạn, quý", "of dossiers on time, quarter"},
	{"dash.target", "mục tiêu", "target"},
	{"dash.no_target", "chưa đặt mục tiêu", "no target set"},
	{"dash.late_dossiers", "hồ sơ đang quá hạn", "dossiers overdue"},
	{"dash.approvals_waiting", "Chờ tôi phê duyệt", "Waiting for my approval"},
	{"dash.quality_title", "Kiểm soát hệ thống ISO", "ISO system control"},
	{"dash.decisions_due", "quyết định xem xét của lãnh đạo đến hạn (30 ngày)", "management review decisions due (30 days)"},
	{"dash.last_review", "Lần xem xét của lãnh đạo gần nhất:", "Last management review:"},
	{"dash.no_review", "Chưa có cuộc họp xem xét của lãnh đạo nào.", "No management review held yet."},
	{"dash.review_due", "Đã đến hạn họp xem xét của lãnh đạo (12 tháng).", "A management review is due (12 months)."},
	{"dash.findings_by_rule", "Phát hiện đang mở theo quy tắc", "Open findings by rule"},
	{"dash.no_findings", "Không có phát hiện nào đang mở.", "No open findings."},
	{"dash.auditor_title", "Đánh giá nội bộ", "Internal audit"},
	{"dash.open_findings", "phát hiện đang mở", "open findings"},
	{"dash.open_ncs", "sự không phù hợp chưa đóng", "nonconformities not closed"},
	{"dash.actions_due", "hành động khắc phục đến hạn (14 ngày)", "corrective actions due (14 days)"},
	{"dash.next_audit", "Cuộc đánh giá tiếp theo", "Next audit"},
	{"dash.no_audit", "chưa lên kế hoạch.", "none planned."},
	{"dash.plan_audit", "Lập kế hoạch đánh giá", "Plan an audit"},
	{"dash.all_notifications", "Xem tất cả thông báo", "All notifications"},
}

func init() { addPageTexts(dictionaries, layoutTexts) }
