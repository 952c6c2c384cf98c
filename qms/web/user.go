package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// findVisibleUser loads a user with a role somewhere in the caller's
// scope, with their roles there only (qms.UserFilter.Within): an agency's
// admin does not read what the user holds in another agency. Any other
// user is not found.
func (s *Server) findVisibleUser(c *fiber.Ctx, rawID string) (*qms.User, error) {
	notFound := qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng.")
	id, ok := atoi64(rawID)
	if !ok {
		return nil, notFound
	}
	us, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{ID: &id, Within: scope(callerOf(c)), Limit: 1})
	if err != nil {
		return nil, err
	} else if len(us) == 0 {
		return nil, notFound
	}
	return us[0], nil
}

// createUser checks that every membership is inside the caller's scope,
// creates the user and reloads the policy with the new roles.
func (s *Server) createUser(c *fiber.Ctx, u *qms.User, password string) error {
	if len(u.Memberships) == 0 {
		return qms.FieldError("agency", "Chọn đơn vị và vai trò cho người dùng.")
	}
	for i, m := range u.Memberships {
		if strings.TrimSpace(m.AgencyCode) == "" {
			return qms.FieldError("agency", "Chọn đơn vị cho vai trò %s (%s) của người dùng.", label(dictionaries["vi"], "role."+string(m.Role)), m.Role)
		}
		a, err := s.findVisibleAgency(c, m.AgencyCode)
		if err != nil {
			return qms.FieldError("agency", "Đơn vị %q không thuộc phạm vi bạn quản lý.", m.AgencyCode)
		}
		u.Memberships[i].AgencyCode = a.Code
	}
	if err := s.Users.CreateUser(c.UserContext(), u, password); err != nil {
		return err
	}
	return s.Authz.Reload()
}

// usersPage is the list of the users the caller may see.
type usersPage struct {
	page
	Users    []*qms.User
	CanWrite bool
}

func (s *Server) userList(c *fiber.Ctx) error {
	us, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{Within: scope(callerOf(c))})
	if err != nil {
		return err
	}
	p := &usersPage{page: s.page(c), Users: us, CanWrite: s.can(c, "user", "write")}
	return s.renderPage(c, "users", &p.page, p, nil)
}

// grantableAgencies are the agencies of the caller's scope where the store
// lets the caller grant or revoke a role of the user userID (0 for a new
// one) (qms.CheckMembershipChange: a system administrator anywhere,
// another administrator in the agency they act for, never to their own
// account) and that are not merged (read-only), so that no form offers a
// choice it then refuses.
func (s *Server) grantableAgencies(c *fiber.Ctx, userID int64) ([]*qms.Agency, map[string]bool, error) {
	cl := callerOf(c)
	all, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{Within: scope(cl)})
	if err != nil {
		return nil, nil, err
	}
	out, codes := all[:0], map[string]bool{}
	for _, a := range all {
		if a.MergedInto == "" && qms.CheckMembershipChange(cl.actor, userID, qms.Membership{AgencyCode: a.Code}) == nil {
			out, codes[a.Code] = append(out, a), true
		}
	}
	return out, codes, nil
}

// userFormPage is the form that creates a user with a first role.
type userFormPage struct {
	page
	Form       *qms.User      // as typed
	Membership qms.Membership // the first role: as typed, or staff of the caller's agency
	Agencies   []*qms.Agency  // where the caller may grant a role
	Roles      []qms.Role     // the roles the caller may grant
	// SignerRolesKept: Roles leaves out the roles that sign (qms.CheckRoleGrant).
	SignerRolesKept bool
}

func (s *Server) userForm(c *fiber.Ctx, u *qms.User, formErr error) error {
	agencies, _, err := s.grantableAgencies(c, 0)
	if err != nil {
		return err
	}
	m := qms.Membership{AgencyCode: callerOf(c).agency, Role: qms.RoleStaff}
	if len(u.Memberships) > 0 {
		m = u.Memberships[0]
	}
	p := &userFormPage{page: s.page(c), Form: u, Membership: m, Agencies: agencies, Roles: qms.GrantableRoles(callerOf(c).actor)}
	p.SignerRolesKept = len(p.Roles) < len(qms.Roles)
	return s.renderPage(c, "user_form", &p.page, p, formErr)
}

func (s *Server) userNew(c *fiber.Ctx) error { return s.userForm(c, &qms.User{}, nil) }

func (s *Server) userCreate(c *fiber.Ctx) error {
	u := &qms.User{Username: c.FormValue("username"), FullName: c.FormValue("full_name"), Title: c.FormValue("title"), Email: c.FormValue("email")}
	role, err := qms.ParseRole(c.FormValue("role"))
	u.Memberships = []qms.Membership{{AgencyCode: c.FormValue("agency"), Role: role}}
	if err == nil {
		err = s.createUser(c, u, c.FormValue("password"))
	}
	if err != nil {
		return s.userForm(c, u, err)
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) userShow(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	return s.userPage(c, u, nil)
}

// userShowPage is one user: their roles in the caller's scope, the forms
// that edit the account and, to whom may know of them (qms.SeesTokens),
// how many valid API tokens it holds.
type userShowPage struct {
	page
	User       *qms.User       // the user shown, within the caller's scope (page.Me is the caller)
	Agencies   []*qms.Agency   // where the caller may grant a role
	Grantable  map[string]bool // the codes of Agencies
	Roles      []qms.Role
	SeesTokens bool // the count below is shown
	Tokens     int  // valid (neither revoked nor expired) API tokens, when SeesTokens
	CanWrite   bool
	CanAccount bool // the caller may edit, lock and unlock the account, and revoke its tokens
	OwnRoles   bool // the caller's own account: its roles are changed by another admin
	// CanSetPassword: the caller may set the password and the profile (a
	// signer's are the system administrator's, qms.CheckSignerAccount).
	CanSetPassword bool
	// SignerRolesKept: Roles leaves out the roles that sign, which only
	// the system administrator grants (qms.CheckRoleGrant).
	SignerRolesKept bool
}

func (s *Server) userPage(c *fiber.Ctx, u *qms.User, formErr error) error {
	agencies, grantable, err := s.grantableAgencies(c, u.ID)
	if err != nil {
		return err
	}
	cl := callerOf(c)
	canWrite := s.can(c, "user", "write")
	// The account-wide forms show only where the store would accept them;
	// u, read within the caller's scope, says whether it has roles
	// elsewhere.
	canAccount := canWrite && qms.CheckAccountAction(cl.actor, u) == nil
	p := &userShowPage{page: s.page(c), User: u, Agencies: agencies, Grantable: grantable, Roles: qms.GrantableRoles(cl.actor),
		SeesTokens: qms.SeesTokens(cl.actor, u), CanWrite: canWrite, CanAccount: canAccount, OwnRoles: qms.CheckOwnRoles(cl.actor, u.ID) != nil,
		CanSetPassword: canAccount && qms.CheckSignerAccount(cl.actor, u) == nil}
	p.SignerRolesKept = len(p.Roles) < len(qms.Roles)
	if p.SeesTokens {
		tokens, err := s.Auth.FindAPITokens(c.UserContext(), qms.TokenFilter{UserID: &u.ID})
		if err != nil {
			return err
		}
		now := s.cfg.Now()
		for _, t := range tokens {
			if t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt)) {
				p.Tokens++
			}
		}
	}
	return s.renderPage(c, "user", &p.page, p, formErr)
}

// userUpdate edits the profile or disables/enables the account.
func (s *Server) userUpdate(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	upd := qms.UserUpdate{}
	if v := c.FormValue("disabled"); v != "" {
		disabled := v == "1"
		if disabled && u.ID == callerOf(c).user.ID {
			return s.userPage(c, u, qms.Errorf(qms.EINVALID, "Bạn không thể tự khóa tài khoản của mình."))
		}
		upd.Disabled = &disabled
	} else {
		name, title, email := c.FormValue("full_name"), c.FormValue("title"), c.FormValue("email")
		upd.FullName, upd.Title, upd.Email = &name, &title, &email
	}
	if _, err := s.Users.UpdateUser(c.UserContext(), u.ID, upd); err != nil {
		return s.userPage(c, u, err)
	}
	if err := s.Authz.Reload(); err != nil {
		return err
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=saved", fiber.StatusSeeOther)
}

// userMembership grants or revokes a role in an agency of the caller's scope.
func (s *Server) userMembership(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	role, err := qms.ParseRole(c.FormValue("role"))
	if err != nil {
		return s.userPage(c, u, err)
	}
	a, err := s.findVisibleAgency(c, strings.TrimSpace(c.FormValue("agency")))
	if err != nil {
		return s.userPage(c, u, qms.FieldError("agency", "Đơn vị %q không thuộc phạm vi bạn quản lý.", c.FormValue("agency")))
	}
	// One's own roles are refused by the store (qms.CheckOwnRoles), with
	// the other paths that change them.
	remove := c.FormValue("remove") == "1"
	if _, err := s.Users.SetMembership(c.UserContext(), u.ID, qms.Membership{AgencyCode: a.Code, Role: role}, remove); err != nil {
		return s.userPage(c, u, err)
	}
	if err := s.Authz.Reload(); err != nil {
		return err
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) userPassword(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.Users.SetPassword(c.UserContext(), u.ID, c.FormValue("password")); err != nil {
		return s.userPage(c, u, err)
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=saved", fiber.StatusSeeOther)
}

// userUnlock clears the login throttle of the user at every address.
func (s *Server) userUnlock(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	if _, err := s.Auth.UnlockLogin(c.UserContext(), u.Username); err != nil {
		return s.userPage(c, u, err)
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=saved", fiber.StatusSeeOther)
}

// userTokensRevoke revokes every API token of the user (token=all), or
// one by its number (form field token) for the system admin or the user.
func (s *Server) userTokensRevoke(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	f := qms.TokenFilter{UserID: &u.ID}
	if v := c.FormValue("token"); v != "all" {
		id, ok := atoi64(v)
		if !ok {
			return s.userPage(c, u, qms.FieldError("token", "Chọn mã truy cập cần thu hồi."))
		}
		// One token by its number is for whoever may know of the tokens:
		// to anyone else, whether the number is the user's would tell
		// that it exists, so every number is "not found".
		if !qms.SeesTokens(callerOf(c).actor, u) {
			return s.userPage(c, u, qms.FieldErrorf(qms.ENOTFOUND, "token", "Không tìm thấy mã truy cập cần thu hồi (của người dùng này)."))
		}
		f.ID = &id
	}
	if _, err := s.Auth.RevokeAPITokens(c.UserContext(), f); err != nil {
		return s.userPage(c, u, err)
	}
	return c.Redirect("/admin/users/"+itoa(u.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) apiUserList(c *fiber.Ctx) error {
	us, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{Within: scope(callerOf(c))})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"users": orEmpty(us)})
}

func (s *Server) apiUserShow(c *fiber.Ctx) error {
	u, err := s.findVisibleUser(c, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type userRequest struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Title    string `json:"title,omitempty"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Agency   string `json:"agency"`
	Role     string `json:"role"`
}

func (s *Server) apiUserCreate(c *fiber.Ctx) error {
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	role, err := qms.ParseRole(req.Role)
	if err != nil {
		return err
	}
	u := &qms.User{Username: req.Username, FullName: req.FullName, Title: req.Title, Email: req.Email,
		Memberships: []qms.Membership{{AgencyCode: req.Agency, Role: role}}}
	if err := s.createUser(c, u, req.Password); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(u)
}
