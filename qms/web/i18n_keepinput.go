package web

// keepInputTexts are the labels of a form shown again after a failed
// submit (issue 14 item 7).
var keepInputTexts = []pageText{
	{"upload.choose_again", "Trình duyệt không gửi lại tệp đã chọn: hãy chọn lại tệp trước khi gửi.", "The browser does not send a chosen file again: choose the file again before sending."},
}

func init() { addPageTexts(dictionaries, keepInputTexts) }
