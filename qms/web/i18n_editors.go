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
	{"formbuilder.title", "Trình tạo biểu mẫu", "Form builder"},
	{"formbuilder.help", "Thêm, sắp xếp và sửa các trường; ô JSON bên dưới được cập nhật theo và vẫn dùng để nhập/xuất (dán JSON vào đó rồi rời ô để nạp lại).", "Add, reorder and edit the fields; the JSON box below follows and still serves for import/export (paste JSON there and leave the box to load it)."},
	{"formbuilder.add", "+ Thêm trường", "+ Add a field"},
	{"formbuilder.field", "Trường", "Field"},
	{"formbuilder.name", "Tên máy (a-z, 0-9, _)", "Machine name (a-z, 0-9, _)"},
	{"formbuilder.label", "Nhãn", "Label"},
	{"formbuilder.type", "Kiểu", "Type"},
	{"formbuilder.required", "Bắt buộc", "Required"},
	{"formbuilder.options", "Các lựa chọn (mỗi dòng một lựa chọn)", "Options (one per line)"},
	{"formbuilder.up", "↑ Lên", "↑ Up"},
	{"formbuilder.down", "↓ Xuống", "↓ Down"},
	{"formbuilder.remove", "Xóa trường", "Remove field"},
	{"formbuilder.empty", "Chưa có trường nào: biểu mẫu chỉ để in. Bấm “Thêm trường” để nhập liệu trên hệ thống.", "No fields yet: the form is for printing only. Press “Add a field” to enter records in the system."},
	{"formbuilder.json_error", "Ô JSON không đọc được, trình tạo tạm dừng cho đến khi sửa:", "The JSON box cannot be read; the builder waits until it is fixed:"},
	{"formbuilder.type_text", "Văn bản", "Text"},
	{"formbuilder.type_number", "Số", "Number"},
	{"formbuilder.type_date", "Ngày (dd/mm/yyyy)", "Date (dd/mm/yyyy)"},
	{"formbuilder.type_select", "Danh sách chọn", "Choice list"},
	{"formbuilder.type_checkbox", "Ô đánh dấu", "Checkbox"},
	{"formbuilder.type_file", "Tệp đính kèm", "File"},
}

func init() { addPageTexts(dictionaries, editorTexts) }
