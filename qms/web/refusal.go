package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// refusalMessage is what a page in the reader's language says of a
// refusal from the domain or the store. Their messages are Vietnamese,
// the records' language, and quote the records' own words; a Vietnamese
// page shows the message as it is. An English page shows the message's
// English (translatedRefusal) when the catalogue has it. Otherwise it
// leads the message with what kind of refusal it is and, for a field,
// the field by its English label, so that a reader without Vietnamese
// knows what to do next; the message follows as the detail.
func refusalMessage(c *fiber.Ctx, err error) string {
	msg := qms.ErrorMessage(err)
	lang := langOf(c)
	if lang == "vi" || msg == "" {
		return msg
	}
	if en, ok := translatedRefusal(err, lang, c.Path()); ok {
		return en
	}
	l := dictionaries[lang]
	code := qms.ErrorCode(err)
	if code == qms.EINTERNAL {
		return label(l, "error.internal") // its message says nothing more
	}
	lead := label(l, "refusal.other")
	if _, ok := l["refusal."+code]; ok {
		lead = label(l, "refusal."+code)
	}
	if field := qms.ErrorField(err); code == qms.EINVALID && field != "" {
		lead = fmt.Sprintf(label(l, "refusal.invalid_field"), fieldLabel(l, c.Path(), field))
	}
	return lead + " " + fmt.Sprintf(label(l, "refusal.detail"), msg)
}

var refusalTexts = []pageText{
	{"refusal.invalid", "Chưa được chấp nhận: kiểm tra lại nội dung đã nhập.", "Not accepted: check what was entered."},
	{"refusal.invalid_field", "Chưa được chấp nhận: kiểm tra lại ô %s.", "Not accepted: check the field %s."},
	{"refusal.not_found", "Không tìm thấy: có thể đã chuyển sang đơn vị khác, hoặc đường dẫn sai.", "Not found: it may belong to another agency now, or the link is wrong."},
	{"refusal.conflict", "Chưa thực hiện: hồ sơ đã thay đổi, hoặc việc này đã được làm.", "Not done: the record has changed, or this was done already."},
	{"refusal.forbidden", "Không được phép: vai trò của bạn ở đơn vị này không cho phép việc này.", "Not allowed: your role in this agency does not permit it."},
	{"refusal.unauthorized", "Cần đăng nhập, hoặc đăng nhập không thành công.", "Sign-in needed, or the sign-in failed."},
	{"refusal.too_many_requests", "Quá nhiều lần thử: đợi một lát rồi thử lại.", "Too many attempts: wait a moment and try again."},
	{"refusal.unavailable", "Cơ sở dữ liệu tạm thời không truy cập được: thử lại sau ít phút.", "The database cannot be reached for now: try again in a few minutes."},
	{"refusal.other", "Chưa thực hiện được.", "Not done."},
	{"refusal.detail", "Chi tiết: %s", "The server's explanation, in Vietnamese (the language of the records): %s"},
}

func init() { addPageTexts(dictionaries, refusalTexts) }
