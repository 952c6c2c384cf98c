package web

import (
	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Changing one's own password (đổi mật khẩu): the password that signs a
// leader's approvals must be one only its owner knows, so after an
// administrator sets or resets it the owner replaces it here. The
// current password is checked with the login's own check, so wrong
// guesses count against the login throttle. The store ends every session
// and API token of the account, this one included: the owner signs in
// again with the new password.

// passwordPage is the form that changes the caller's password.
type passwordPage struct {
	page
	Required bool // the password was set by someone else (mustChangePassword)
}

func (s *Server) passwordForm(c *fiber.Ctx) error {
	return s.showPasswordForm(c, nil)
}

func (s *Server) showPasswordForm(c *fiber.Ctx, formErr error) error {
	data := &passwordPage{page: s.page(c), Required: callerOf(c).user.MustChangePassword}
	return s.renderPage(c, "me_password", &data.page, data, formErr)
}

func (s *Server) passwordChange(c *fiber.Ctx) error {
	if err := s.changeOwnPassword(c, c.FormValue("current_password"), c.FormValue("password"), c.FormValue("password_confirm")); err != nil {
		return s.showPasswordForm(c, err)
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect("/login?msg=password_changed", fiber.StatusSeeOther)
}

// passwordRequest is the body of POST /api/v1/me/password.
type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) apiPasswordChange(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.changeOwnPassword(c, req.CurrentPassword, req.NewPassword, req.NewPassword); err != nil {
		if qms.ErrorField(err) == "password" { // the form's name for new_password
			return qms.ErrorAbout(err, "new_password")
		}
		return err
	}
	return c.JSON(fiber.Map{"changed": true, "message": "Đã đổi mật khẩu. Mọi phiên đăng nhập và mã truy cập của tài khoản đã hết hiệu lực: đăng nhập lại bằng mật khẩu mới."})
}

// passwordChangePaths are the routes a caller whose password is temporary
// (qms.User.MustChangePassword) may use: changing it, reading who they
// are, signing out. Everything else waits for the change (authorize), a
// signature above all: the administrator who set the password knows it.
var passwordChangePaths = map[string]bool{"/me/password": true, "/api/v1/me/password": true, "/api/v1/me": true, "/logout": true}

// passwordFirst refuses, or on a page sends to the password form, a
// request of a caller whose password is temporary, outside
// passwordChangePaths.
func passwordFirst(c *fiber.Ctx, cl *caller) error {
	if isAPI(c) || c.Method() != fiber.MethodGet {
		return qms.Errorf(qms.EFORBIDDEN, "Mật khẩu của tài khoản %s do quản trị viên đặt nên chỉ dùng tạm: đổi mật khẩu (Đổi mật khẩu, /me/password; hoặc POST /api/v1/me/password) trước khi làm việc khác.", cl.user.Username)
	}
	return c.Redirect("/me/password", fiber.StatusSeeOther)
}

// changeOwnPassword checks the caller's current password and sets the
// new one (confirm: the new one typed again).
func (s *Server) changeOwnPassword(c *fiber.Ctx, current, next, confirm string) error {
	cl := callerOf(c)
	ctx := c.UserContext()
	if current == "" {
		return qms.FieldError("current_password", "Nhập mật khẩu hiện tại.")
	}
	stamp, err := s.recheckPasswordStamp(c, "password_change", "current_password", current, "Mật khẩu hiện tại không đúng: mật khẩu chưa được đổi.")
	if err != nil {
		return err
	}
	switch {
	case next == "":
		return qms.FieldError("password", "Nhập mật khẩu mới.")
	case next != confirm:
		return qms.FieldError("password_confirm", "Mật khẩu nhập lại không khớp với mật khẩu mới.")
	case next == current:
		return qms.FieldError("password", "Mật khẩu mới phải khác mật khẩu hiện tại.")
	}
	// Two changes sent at once both check the current password: the one
	// that writes second finds it replaced and is refused, whoever sent
	// it (outsider pass 21: the owner's change was silently lost).
	return s.Users.SetPassword(qms.WithCheckedPassword(ctx, stamp), cl.user.ID, next)
}
