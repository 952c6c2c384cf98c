package web

// editorTexts are the labels of the flowchart diagram editor and the form
// builder (issue 14, items 11 and 12).
var editorTexts = []pageText{
	{"diagram.title", "Vẽ lưu đồ dạng sơ đồ", "Flowchart diagram editor"},
	{"diagram.open", "Vẽ lưu đồ dạng sơ đồ", "Edit as a diagram"},
	{"diagram.table_view", "Về bảng các bước (dùng được bằng bàn phím)", "Back to the steps table (keyboard friendly)"},
	{"diagram.help", "Kéo các bước từ bảng công cụ bên trái, nối bằng mũi tên; nhấp đúp để đặt tên. Chọn một bước để nhập thời gian, biểu mẫu và hồ sơ. Lưu đồ được kiểm tra ngay khi thay đổi, theo đúng các quy tắc khi trình duyệt.", "Drag steps from the palette on the left and connect them with arrows; double-click to name. Select a step to enter its time, forms and records. The diagram is checked as it changes, with the rules applied on submission."},
	{"diagram.lanes_help", "Người thực hiện là làn (lane) chứa bước.", "The responsible is the lane that holds the step."},
	{"diagram.step", "Bước đang chọn", "Selected step"},
	{"diagram.save", "Lưu lưu đồ vào dự thảo", "Save the diagram to the draft"},
	{"diagram.load_error", "Không mở được lưu đồ của dự thảo. Tải lại trang hoặc dùng bảng các bước.", "The draft's flowchart could not be opened. Reload the page or use the steps table."},
	{"diagram.check_failed", "Chưa kiểm tra được lưu đồ (mất kết nối?). Lưu đồ vẫn được kiểm tra khi lưu.", "The diagram could not be checked (connection lost?). It is still checked when saved."},
	{"diagram.not_draft", "Lần ban hành này không còn là dự thảo nên không sửa được lưu đồ. Tạo lần ban hành mới để sửa.", "This issue is no longer a draft, so its flowchart cannot be edited. Create a new issue to edit it."},
}

func init() { addPageTexts(dictionaries, editorTexts) }
