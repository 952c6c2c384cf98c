package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// statusOf maps domain error codes to HTTP statuses: the only such map.
var statusOf = map[string]int{
	qms.EINVALID:      fiber.StatusBadRequest,
	qms.ENOTFOUND:     fiber.StatusNotFound,
	qms.ECONFLICT:     fiber.StatusConflict,
	qms.EUNAUTHORIZED: fiber.StatusUnauthorized,
	qms.EFORBIDDEN:    fiber.StatusForbidden,
	qms.ETOOMANY:      fiber.StatusTooManyRequests,
	qms.EINTERNAL:     fiber.StatusInternalServerError,
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// handleError turns any error into a page or JSON with the right status.
// Internal errors are logged with the request id and shown as a generic
// message: their text may hold SQL or paths.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	code, msg, field := qms.ErrorCode(err), qms.ErrorMessage(err), qms.ErrorField(err)
	status := statusOf[code]
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status, code, msg = fe.Code, fiberCode(fe.Code), fiberMessage(fe)
	}
	if status >= 500 {
		s.log.Error("internal error", "request_id", c.Locals("requestid"), "path", c.Path(), "err", err)
	}
	c.Status(status)
	setSecurityHeaders(c)
	if isAPI(c) || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Field = code, msg, field
		return c.JSON(body)
	}
	return c.Render("error", s.view(c, fiber.Map{"Status": status, "Message": msg}), "layout")
}

func fiberCode(status int) string {
	switch {
	case status == fiber.StatusNotFound:
		return qms.ENOTFOUND
	case status == fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case status == fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case status >= 500:
		return qms.EINTERNAL
	}
	return qms.EINVALID
}

func fiberMessage(fe *fiber.Error) string {
	switch fe.Code {
	case fiber.StatusNotFound:
		return "Không tìm thấy trang hoặc đối tượng yêu cầu."
	case fiber.StatusRequestEntityTooLarge:
		return "Dữ liệu gửi lên vượt quá dung lượng cho phép."
	case fiber.StatusMethodNotAllowed:
		return "Phương thức không được hỗ trợ cho địa chỉ này."
	case fiber.StatusUnprocessableEntity, fiber.StatusBadRequest:
		return "Yêu cầu không hợp lệ."
	}
	if fe.Code >= 500 {
		return qms.ErrorMessage(errors.New(""))
	}
	return "Yêu cầu không hợp lệ."
}
