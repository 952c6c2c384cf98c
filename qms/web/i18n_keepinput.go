package web

// keepInputTexts are the labels of a form shown again after a failed
// submit (issue 14 item 7).
var keepInputTexts = []pageText{
	{"dossier.receipt_note", "Ghi chú khi tiếp nhận", "Note at reception"},
	{"dossier_form.resent", "Biểu mẫu này đã được gửi trước đó và hồ sơ đã được tiếp nhận:", "This form was sent before and the dossier was received:"},
	{"dossier_form.resent_next", "Để sửa hồ sơ đó, mở hồ sơ. Nếu đây là một hồ sơ khác, kiểm tra lại nội dung dưới đây rồi bấm tiếp nhận.", "To correct that dossier, open it. If this is another dossier, check what is below and receive it."},
	{"upload.choose_again", "Trình duyệt không gửi lại tệp đã chọn: hãy chọn lại tệp trước khi gửi.", "The browser does not send a chosen file again: choose the file again before sending."},
}

func init() { addPageTexts(dictionaries, keepInputTexts) }
