package qms

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do in one agency.
type Role string

const (
	RoleAdmin          Role = "admin"
	RoleQualityOfficer Role = "quality_officer" // thư ký ISO, cán bộ ISO
	RoleLeader         Role = "leader"          // lãnh đạo
	RoleStaff          Role = "staff"           // chuyên viên
	RoleAuditor        Role = "auditor"         // đánh giá viên nội bộ
)

// Roles lists every role in the order the UI shows them.
var Roles = []Role{RoleAdmin, RoleQualityOfficer, RoleLeader, RoleStaff, RoleAuditor}

// ParseRole returns EINVALID with the list of roles for an unknown name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", FieldError("role", "Vai trò %q không tồn tại. Chọn một trong: admin, quality_officer, leader, staff, auditor.", s)
}

// User is a person who signs in. Users are never deleted: they are
// disabled, so that the audit trail keeps naming them.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	// Title is the job title (chức vụ) a signature names.
	Title       string       `json:"title,omitempty"`
	Email       string       `json:"email,omitempty"`
	Disabled    bool         `json:"disabled"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Memberships []Membership `json:"memberships"`
	// MustChangePassword: the password was set by someone other than
	// the user (PasswordTemporary), who replaces it before anything else.
	// Read with a session or a token only.
	MustChangePassword bool `json:"must_change_password,omitempty"`
	// PasswordStamp is set by Authenticate only: the stamp of the
	// password it checked (WithCheckedPassword).
	PasswordStamp string `json:"-"`
	// RolesElsewhere says the user also holds roles outside the reach of
	// whoever asked (UserFilter.Within): those are left out of
	// Memberships, and only this flag tells that there are some, so that
	// an agency's admin sees why the account is the system admin's to
	// manage (CheckAccountAction) without learning where else it works.
	RolesElsewhere bool `json:"roles_elsewhere,omitempty"`
}

// Membership gives a user a role in an agency.
type Membership struct {
	AgencyCode string `json:"agency"`
	Role       Role   `json:"role"`
}

// HasRole reports whether the user holds role r in agency code.
func (u *User) HasRole(code string, r Role) bool {
	return slices.Contains(u.Memberships, Membership{AgencyCode: code, Role: r})
}

// Agencies returns the agencies the user belongs to, first seen first.
func (u *User) Agencies() []string {
	var out []string
	for _, m := range u.Memberships {
		if !slices.Contains(out, m.AgencyCode) {
			out = append(out, m.AgencyCode)
		}
	}
	return out
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,63}$`)

// UsernameLookalikes are the characters of a username read as another:
// "1" as "l", "0" as "o" (the separators "_", "-" and "." read apart). A
// username is what the API
// takes to name a delegate, an owner or an assignee and what the audit
// trail shows as the actor, so "svhtt.1eader1" beside "svhtt.leader1"
// would be taken for it (outsider pass 12).
var UsernameLookalikes = strings.NewReplacer("1", "l", "0", "o")

// UsernameKey is username as it reads to a person: two usernames with
// one key are one name.
func UsernameKey(username string) string { return UsernameLookalikes.Replace(username) }

// Normalize trims fields and lower-cases the username.
func (u *User) Normalize() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.FullName = Composed(u.FullName)
	u.Title = Composed(u.Title)
	u.Email = strings.TrimSpace(u.Email)
}

// Validate reports the first field that is wrong.
func (u *User) Validate() error {
	switch {
	case u.Username == "":
		return FieldError("username", "Tên đăng nhập không được để trống.")
	case !usernameRE.MatchString(u.Username):
		return FieldError("username", "Tên đăng nhập %q chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (2–64 ký tự).", u.Username)
	case u.Username == PublicActorName:
		// The audit trail's name for citizens and failed logins; an
		// account of that name would read as them (and SystemAdmin
		// refuses it).
		return FieldError("username", "Tên đăng nhập %q dành cho người dân trong nhật ký; hãy chọn tên khác.", u.Username)
	case utf8.RuneCountInString(u.FullName) > 255:
		return FieldError("full_name", "Họ tên dài quá 255 ký tự.")
	case CheckText("full_name", "Họ tên", u.FullName, MaxNameText) != nil:
		return CheckText("full_name", "Họ tên", u.FullName, MaxNameText)
	case !LatinLetters(u.FullName):
		return FieldError("full_name", "Họ tên %q có chữ không thuộc bảng chữ cái Latinh (chữ Kirin, Hy Lạp hay chữ toàn độ rộng trông giống chữ tiếng Việt, thường do dán từ nơi khác): hãy gõ lại bằng bàn phím tiếng Việt.", u.FullName)
	case CheckText("title", "Chức vụ", u.Title, MaxNameText) != nil:
		return CheckText("title", "Chức vụ", u.Title, MaxNameText)
	case !LatinLetters(u.Title):
		return FieldError("title", "Chức vụ %q có chữ không thuộc bảng chữ cái Latinh (chữ Kirin, Hy Lạp hay chữ toàn độ rộng trông giống chữ tiếng Việt): hãy gõ lại bằng bàn phím tiếng Việt.", u.Title)
	case CheckText("email", "Thư điện tử", u.Email, MaxNameText) != nil:
		return CheckText("email", "Thư điện tử", u.Email, MaxNameText)
	case u.Email != "" && !strings.Contains(u.Email, "@"):
		return FieldError("email", "Địa chỉ thư điện tử %q không hợp lệ.", u.Email)
	}
	return nil
}

// UserFilter selects users. Pointer fields mean "not set".
type UserFilter struct {
	ID       *int64
	Username *string
	// Within: the members of this agency or of an agency under it, with
	// their roles there only; a user holding roles outside as well is
	// read with RolesElsewhere set.
	Within *string
	Limit  int
}

// MaxPeopleNamed bounds one PeopleNamed call.
const MaxPeopleNamed = 500

// Person is a user as a list of names shows one: the login name and the
// full name people know them by.
type Person struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
	// Disabled: the account no longer signs in, so work given to it waits
	// on no one.
	Disabled bool `json:"disabled,omitempty"`
}

// UserUpdate holds what an update may change.
type UserUpdate struct {
	FullName *string
	Title    *string
	Email    *string
	Disabled *bool
}

// UserService manages users, passwords and memberships.
type UserService interface {
	// CreateUser stores the user with its memberships and password.
	// Returns EINVALID, ECONFLICT (username taken), ENOTFOUND (agency) or
	// EFORBIDDEN (a membership CheckMembershipChange refuses).
	CreateUser(ctx context.Context, u *User, password string) error
	// FindUserByID returns ENOTFOUND when there is none.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*User, error)
	// MemberNames lists, by username, the enabled users with a role in
	// agency itself (not in an agency under it), with their full names.
	MemberNames(ctx context.Context, agency string) ([]Person, error)
	// PeopleNamed returns the full names of usernames (at most
	// MaxPeopleNamed; unknown ones are left out), one query for what a
	// page names by full name.
	PeopleNamed(ctx context.Context, usernames []string) ([]Person, error)
	// UpdateUser edits the profile or disables the account, which ends
	// its sessions and tokens. EFORBIDDEN by CheckAccountAction.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// SetMembership adds (or with remove, removes) a role in an agency.
	// EFORBIDDEN by CheckMembershipChange (one's own roles among them).
	SetMembership(ctx context.Context, userID int64, m Membership, remove bool) (*User, error)
	// SetPassword replaces the password and ends every session and API
	// token of the user. EINVALID, ENOTFOUND, EFORBIDDEN by CheckAccountAction.
	SetPassword(ctx context.Context, userID int64, password string) error
}

// SystemAdmin reports whether the actor administers the whole system: a
// CLI command or scheduled job, or a user acting for the system agency
// (whose route already required the admin role there). The public actor
// a failed login or a citizen's form acts as is never one, even where it
// is filed under the system agency.
func (a Actor) SystemAdmin() bool {
	return a.System || (a.AgencyCode == SystemAgencyCode && a.Username != PublicActorName)
}

// CheckAccountAction is the rule for what acts on a whole account rather
// than on one agency's roles: its password, its sessions and API tokens,
// its login throttle, its profile, disabling it. An agency admin may do
// it only to users who belong to the admin's agency alone; a user who
// also belongs elsewhere is managed by the system admin, since the
// account carries the roles of every agency. Users may act on their own
// account. u may be a user read within the admin's reach (RolesElsewhere
// then stands for the roles left out). The refusal does not name the
// other agency: the admin of one agency does not learn where else the
// user works. Returns EFORBIDDEN.
func CheckAccountAction(a Actor, u *User) error {
	if a.SystemAdmin() || (a.UserID != 0 && a.UserID == u.ID) {
		return nil
	}
	elsewhere := u.RolesElsewhere
	for _, code := range u.Agencies() {
		elsewhere = elsewhere || code != a.AgencyCode
	}
	if elsewhere {
		return Errorf(EFORBIDDEN, "Người dùng %q còn thuộc đơn vị khác: chỉ quản trị viên hệ thống (%s) được đổi mật khẩu, khóa, mở khóa, sửa thông tin hay quản lý mã truy cập của tài khoản này.",
			u.Username, SystemAgencyCode)
	}
	return nil
}

// SigningRoles are the roles whose holders sign records (SignatureMeaning):
// the leader approves and decides dossiers, the quality officer puts
// drafts forward and closes nonconformities, the auditor attests audit
// reports.
var SigningRoles = []Role{RoleLeader, RoleQualityOfficer, RoleAuditor}

// Signs reports whether u holds a role that signs, in any agency.
func (u *User) Signs() bool {
	return slices.ContainsFunc(u.Memberships, func(m Membership) bool { return slices.Contains(SigningRoles, m.Role) })
}

// Who makes a signer. Whoever sets an account's password knows it until
// the owner replaces it, and can replace it themselves first: the
// temporary password (PasswordTemporary) stops no one who holds it. An
// agency's admin who could set a signer's password, or give a role that
// signs to an account whose password they set, could sign approvals and
// decisions in someone else's name (outsider pass 10). So a role that
// signs is granted, and a signer's password set, by the system
// administrator (or the CLI's operator) only; the agency's admin manages
// the other roles, withdraws any role and disables any account of theirs.

// CheckRoleGrant refuses a granting a role that signs unless a is the
// system administrator or the CLI. Returns EFORBIDDEN on "role".
func CheckRoleGrant(a Actor, r Role) error {
	if a.SystemAdmin() || !slices.Contains(SigningRoles, r) {
		return nil
	}
	return FieldErrorf(EFORBIDDEN, "role", "Vai trò %s có chữ ký điện tử trên hồ sơ, tài liệu: chỉ quản trị viên hệ thống (%s) cấp vai trò này, vì quản trị viên đơn vị biết mật khẩu của tài khoản mình tạo hoặc đặt lại. Đề nghị quản trị viên hệ thống cấp vai trò.", roleTitle[r], SystemAgencyCode)
}

// GrantableRoles are the roles a may grant (CheckRoleGrant), in the order
// of Roles.
func GrantableRoles(a Actor) []Role {
	var out []Role
	for _, r := range Roles {
		if CheckRoleGrant(a, r) == nil {
			out = append(out, r)
		}
	}
	return out
}

// CheckSignerAccount is the rule for setting u's password or changing
// the profile a signature prints (full name, title) and where its notices
// go (email): CheckAccountAction, and a signer's (Signs) only by its owner
// or the system administrator: an agency's admin who renamed a leader or
// gave them a grander title would sign through them no less. Returns
// EFORBIDDEN.
func CheckSignerAccount(a Actor, u *User) error {
	if err := CheckAccountAction(a, u); err != nil {
		return err
	}
	if a.SystemAdmin() || a.UserID != 0 && a.UserID == u.ID || !u.Signs() {
		return nil
	}
	return Errorf(EFORBIDDEN, "Tài khoản %q có vai trò ký điện tử (lãnh đạo, cán bộ ISO hoặc đánh giá viên): chỉ quản trị viên hệ thống (%s) đặt lại mật khẩu hay sửa họ tên, chức vụ, thư điện tử của tài khoản này; người dùng tự đổi mật khẩu của mình.", u.Username, SystemAgencyCode)
}

// CheckSignerPassword refuses a role that signs (r) to u when the last
// one to set u's password other than u was neither the system
// administrator nor the CLI (trusted false; setter names them): an
// agency's admin who reset a staff member's password and then "changed"
// it as them knows the password the account would sign with, and so does
// one who withdrew a signer's role, reset the password and waited for the
// role to come back (outsider pass 11). The system administrator resets
// the password first, handing it to the user, who replaces it.
func CheckSignerPassword(u *User, r Role, setter string, trusted bool) error {
	if trusted || !slices.Contains(SigningRoles, r) {
		return nil
	}
	return FieldErrorf(EFORBIDDEN, "role", "Mật khẩu hiện tại của tài khoản %q bắt nguồn từ mật khẩu do %s đặt: người đó có thể biết mật khẩu dùng để ký; quản trị viên hệ thống (%s) đặt lại mật khẩu (trao trực tiếp cho người dùng, người dùng đổi lại) rồi mới cấp vai trò %s.", u.Username, setter, SystemAgencyCode, roleTitle[r])
}

// SeesTokens reports whether a may know of u's API tokens: the system
// administrator and the user. A token is its owner's credential: an
// agency's admin learns nothing of it, not even whether there is one
// (one who may act on the account, CheckAccountAction, still revokes
// them all, as a password reset does). The pages show them how many are
// valid, not their prefixes or names, which the CLI lists to the operator.
func SeesTokens(a Actor, u *User) bool {
	return a.SystemAdmin() || (a.UserID != 0 && a.UserID == u.ID)
}

// CheckMembershipChange is the rule for granting or withdrawing a role
// of the user userID: nobody changes their own roles (CheckOwnRoles), and
// an agency admin manages the roles of the agency they act for, and no
// other. Returns EFORBIDDEN.
func CheckMembershipChange(a Actor, userID int64, m Membership) error {
	if err := CheckOwnRoles(a, userID); err != nil {
		return err
	}
	if a.SystemAdmin() || m.AgencyCode == a.AgencyCode {
		return nil
	}
	return FieldErrorf(EFORBIDDEN, "agency", "Bạn chỉ được cấp hoặc thu hồi vai trò tại đơn vị %s, không phải tại %s.", a.AgencyCode, m.AgencyCode)
}

// PasswordTemporary reports whether a password actor sets for the user
// username is temporary: set by another user (an administrator's reset,
// or an account an administrator created), it is known to them, and what
// signs in the user's name must be a password only the user knows. The
// owner's own change, and a CLI command (the operator, who holds the
// server and its database anyway), set a password that stays.
func PasswordTemporary(actor Actor, username string) bool {
	return !actor.System && !strings.EqualFold(actor.Username, username)
}

// CheckOwnRoles refuses a user granting or withdrawing a role of their
// own, a system administrator's account included: an admin who gives
// themselves leader or auditor signs and audits with no one having
// decided it, and one who drops a role has nobody to see it go. Another
// administrator of the agency, the system administrator or the CLI (the
// system actor, no user) does it. Returns EFORBIDDEN.
func CheckOwnRoles(a Actor, userID int64) error {
	if a.System || a.UserID == 0 || a.UserID != userID {
		return nil
	}
	return Errorf(EFORBIDDEN, "Bạn không được tự cấp hoặc thu hồi vai trò của chính mình: một quản trị viên khác của đơn vị hoặc quản trị viên hệ thống (%s) thay đổi vai trò của bạn.", SystemAgencyCode)
}
