package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// loginFormPage is the sign-in form.
type loginFormPage struct {
	page
	Username string // as typed, shown again after a refusal
	Next     string // where to go once signed in
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if callerOf(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	p := &loginFormPage{page: s.page(c), Next: safeNext(c.Query("next"))}
	if c.Query("expired") != "" {
		p.Error = dictionaries[langOf(c)]["login.expired"]
	}
	return s.renderPage(c, "login", &p.page, p, nil)
}

// login checks the password (with throttling), starts a session for the
// user's first agency and goes where the user was heading.
func (s *Server) login(c *fiber.Ctx) error {
	username, next := strings.TrimSpace(c.FormValue("username")), safeNext(c.FormValue("next"))
	ctx := c.UserContext()
	refuse := func(err error) error {
		if qms.ErrorCode(err) == qms.EINTERNAL {
			return err
		}
		setErrorStatus(c, err)
		p := &loginFormPage{page: s.page(c), Username: username, Next: next}
		p.Error = refusalMessage(c, err)
		return s.renderPage(c, "login", &p.page, p, nil)
	}
	u, err := s.Auth.Authenticate(ctx, username, c.FormValue("password"), s.clientAddr(c))
	if err == nil && len(u.Agencies()) == 0 {
		err = qms.Errorf(qms.EFORBIDDEN, "Tài khoản chưa được gán vai trò ở đơn vị nào. Liên hệ quản trị viên.")
	}
	if err != nil {
		s.logRefusedLogin(c, "form", username, err)
		return refuse(err)
	}
	agency := u.Agencies()[0]
	// The session is refused when the password changed since it was
	// checked (qms.WithCheckedPassword).
	token, _, err := s.Auth.CreateSession(qms.WithCheckedPassword(qms.WithActor(ctx, userActor(u, agency)), u.PasswordStamp), u.ID, agency)
	if err != nil {
		return refuse(err)
	}
	s.setCookie(c, sessionCookie, token, qms.SessionLifetime)
	s.clearCookie(c, csrfCookie)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// logRefusedLogin writes the "login refused" line of a password refused
// at the login form, the token endpoint or a signature (via): a wrong
// one, including the one that starts a lock (lock_started). The other
// 429s are a lock in force (its start audited as auth.lock or
// auth.lock_addr) or a full queue of checks: the access log samples
// those, so they add no line here; nor does an internal error, which is
// logged as one. The username is cut to the longest one can be, so a
// flood of long ones cannot fill the disk through this line.
func (s *Server) logRefusedLogin(c *fiber.Ctx, via, username string, err error) {
	code := qms.ErrorCode(err)
	started := qms.StartsLock(err)
	if code == qms.EINTERNAL || code == qms.ETOOMANY && !started {
		return
	}
	username = strings.TrimSpace(username)
	if r := []rune(username); len(r) > qms.MaxUsernameLen {
		username = string(r[:qms.MaxUsernameLen]) + "…"
	}
	s.log.Warn("login refused", "via", via, "username", username, "ip", s.clientAddr(c), "reason", code, "lock_started", started)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.Auth.DeleteSession(c.UserContext(), callerOf(c).token); err != nil {
		return err
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect("/login?msg=logged_out", fiber.StatusSeeOther)
}

// switchAgency lets a user with roles in several agencies choose which
// one they act for; permissions follow the choice.
func (s *Server) switchAgency(c *fiber.Ctx) error {
	cl := callerOf(c)
	code := strings.ToUpper(strings.TrimSpace(c.FormValue("agency")))
	if err := s.Auth.SwitchSessionAgency(c.UserContext(), cl.session, code); err != nil {
		return err
	}
	return c.Redirect("/?msg=switched", fiber.StatusSeeOther)
}

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// apiToken exchanges a username and password for an API token.
func (s *Server) apiToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	u, err := s.Auth.Authenticate(ctx, req.Username, req.Password, s.clientAddr(c))
	if err != nil {
		s.logRefusedLogin(c, "token", req.Username, err)
		return err
	}
	agency := qms.SystemAgencyCode
	if as := u.Agencies(); len(as) > 0 {
		agency = as[0]
	}
	secret, _, err := s.Auth.CreateAPIToken(qms.WithCheckedPassword(qms.WithActor(ctx, userActor(u, agency)), u.PasswordStamp), u.ID, "api", 0)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": secret})
}

func (s *Server) apiMe(c *fiber.Ctx) error {
	cl := callerOf(c)
	var roles []qms.Role
	for _, m := range cl.user.Memberships {
		if m.AgencyCode == cl.agency {
			roles = append(roles, m.Role)
		}
	}
	return c.JSON(fiber.Map{"id": cl.user.ID, "username": cl.user.Username, "full_name": cl.user.FullName,
		"agency": cl.agency, "roles": roles, "memberships": cl.user.Memberships, "must_change_password": cl.user.MustChangePassword})
}
