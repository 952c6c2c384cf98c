package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// checkForm reads the body of every posted form, urlencoded or multipart,
// once for all handlers. A multipart body that cannot be read is refused
// here with the one error shape (the JSON one on the API): fasthttp's
// early parse used to answer it before any handler, as a page without
// the request's path. Text that is not valid UTF-8 is refused naming the
// field, so no handler stores or audits mangled bytes.
func (s *Server) checkForm(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch:
	default:
		return c.Next()
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		mf, err := c.MultipartForm()
		if err != nil {
			s.log.Warn("multipart body refused", "path", c.Path(), "request_id", c.Locals("requestid"), "err", err)
			return qms.Errorf(qms.EINVALID, "Không đọc được dữ liệu gửi lên (multipart/form-data): nội dung bị cắt cụt hoặc sai ranh giới (boundary).")
		}
		for name, values := range mf.Value {
			for _, v := range values {
				if err := checkUTF8(name, v); err != nil {
					return err
				}
			}
		}
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		var err error
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			if err == nil {
				err = checkUTF8(string(k), string(v))
			}
		})
		if err != nil {
			return err
		}
	}
	return c.Next()
}

// checkUTF8 refuses a form field whose name or value is not UTF-8.
func checkUTF8(name, value string) error {
	if !utf8.ValidString(name) {
		return qms.FieldError(strings.ToValidUTF8(name, "?"), "Tên trường %q không phải văn bản UTF-8 hợp lệ.", strings.ToValidUTF8(name, "?"))
	}
	if !utf8.ValidString(value) {
		return qms.FieldError(name, "Trường %q chứa ký tự không phải văn bản UTF-8 hợp lệ: hãy gõ lại hoặc dán lại nội dung ở dạng Unicode (UTF-8).", name)
	}
	return nil
}
