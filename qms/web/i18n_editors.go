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

// modelerTexts translate the bpmn.io modeler's own words (palette,
// context pad, menus): the key is "bpmnjs." + the modeler's English text,
// which diagramWords maps to the page's language.
var modelerTexts = []pageText{
	{"bpmnjs.Activate hand tool", "Công cụ kéo khung nhìn", "Activate hand tool"},
	{"bpmnjs.Activate lasso tool", "Công cụ chọn vùng", "Activate lasso tool"},
	{"bpmnjs.Activate create/remove space tool", "Công cụ thêm/bớt khoảng trống", "Activate create/remove space tool"},
	{"bpmnjs.Activate global connect tool", "Công cụ nối hai bước", "Activate global connect tool"},
	{"bpmnjs.Create start event", "Thêm điểm bắt đầu", "Create start event"},
	{"bpmnjs.Create intermediate/boundary event", "Thêm sự kiện trung gian", "Create intermediate/boundary event"},
	{"bpmnjs.Create end event", "Thêm điểm kết thúc", "Create end event"},
	{"bpmnjs.Create gateway", "Thêm điểm rẽ nhánh", "Create gateway"},
	{"bpmnjs.Create task", "Thêm bước công việc", "Create task"},
	{"bpmnjs.Create expanded sub-process", "Thêm quy trình con", "Create expanded sub-process"},
	{"bpmnjs.Create data object reference", "Thêm đối tượng dữ liệu", "Create data object reference"},
	{"bpmnjs.Create data store reference", "Thêm kho dữ liệu", "Create data store reference"},
	{"bpmnjs.Create pool/participant", "Thêm bể (pool)", "Create pool/participant"},
	{"bpmnjs.Create group", "Thêm nhóm", "Create group"},
	{"bpmnjs.Append end event", "Nối điểm kết thúc", "Append end event"},
	{"bpmnjs.Append gateway", "Nối điểm rẽ nhánh", "Append gateway"},
	{"bpmnjs.Append task", "Nối bước công việc", "Append task"},
	{"bpmnjs.Append intermediate/boundary event", "Nối sự kiện trung gian", "Append intermediate/boundary event"},
	{"bpmnjs.Append text annotation", "Thêm ghi chú", "Append text annotation"},
	{"bpmnjs.Change element", "Đổi loại", "Change element"},
	{"bpmnjs.Delete", "Xóa", "Delete"},
	{"bpmnjs.Connect to other element", "Nối tới bước khác", "Connect to other element"},
	{"bpmnjs.Add lane above", "Thêm làn phía trên", "Add lane above"},
	{"bpmnjs.Add lane below", "Thêm làn phía dưới", "Add lane below"},
	{"bpmnjs.Divide into two lanes", "Chia thành hai làn", "Divide into two lanes"},
	{"bpmnjs.Divide into three lanes", "Chia thành ba làn", "Divide into three lanes"},
	{"bpmnjs.Search in diagram", "Tìm trong lưu đồ", "Search in diagram"},
}

// diagramWords maps the modeler's English words to lang, for its
// translate module (static/diagram.js).
func diagramWords(lang string) map[string]string {
	m := make(map[string]string, len(modelerTexts))
	for _, p := range modelerTexts {
		m[p.en] = dictionaries[lang][p.key]
	}
	return m
}

func init() {
	addPageTexts(dictionaries, editorTexts)
	addPageTexts(dictionaries, modelerTexts)
}
