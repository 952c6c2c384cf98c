package web

// publicMergedTexts are the public pages' words for an agency that has
// merged into another.
var publicMergedTexts = []pageText{
	{"public.merged_into", "Đơn vị này đã sáp nhập vào", "This agency has merged into"},
	{"public.merged_lookup", "Vẫn có thể tra cứu hồ sơ đã nộp tại đây; hồ sơ đang giải quyết được chuyển tiếp sang đơn vị mới.", "Dossiers filed here can still be looked up here; those in progress are forwarded to the new agency."},
	{"public.merged_feedback", "Đơn vị đã sáp nhập không nhận phản ánh, kiến nghị mới. Xin gửi phản ánh tại trang của đơn vị tiếp nhận:", "A merged agency takes no new feedback. Please send it on the page of the agency that took over:"},
}

func init() { addPageTexts(dictionaries, publicMergedTexts) }
