package qms

import (
	"context"
	"fmt"
	"github.com/trustelem/zxcvbn"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
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
	// PasswordStamp is set by Authenticate only: the stamp of the
	// password it checked (WithCheckedPassword).
	PasswordStamp string `json:"-"`
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

// Normalize trims fields and lower-cases the username.
func (u *User) Normalize() {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.FullName = strings.TrimSpace(u.FullName)
	u.Title = strings.TrimSpace(u.Title)
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
	case CheckText("title", "Chức vụ", u.Title, MaxNameText) != nil:
		return CheckText("title", "Chức vụ", u.Title, MaxNameText)
	case CheckText("email", "Thư điện tử", u.Email, MaxNameText) != nil:
		return CheckText("email", "Thư điện tử", u.Email, MaxNameText)
	case u.Email != "" && !strings.Contains(u.Email, "@"):
		return FieldError("email", "Địa chỉ thư điện tử %q không hợp lệ.", u.Email)
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// MinPasswordScore is the least zxcvbn score of a new password: 2 means
// at least a million guesses. Below it are the passwords every guessing
// list starts with ("12345678", "password1", "admin123", "P@ssw0rd"), and
// the address lock (30 wrong passwords) would let a guesser try them.
const MinPasswordScore = 2

// ValidatePassword checks a new password; known (the username, the full
// name) are words a guesser would try first, so a password built on them
// scores lower, also unaccented and without spaces (guessWords). zxcvbn is run only on what passed the length checks: its
// matching grows faster than the length, and 72 bytes bound it.
func ValidatePassword(p string, known ...string) error {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		return FieldError("password", "Mật khẩu phải có ít nhất %d ký tự.", MinPasswordLength)
	case len(p) > 72: // bcrypt reads no further
		return FieldError("password", "Mật khẩu dài quá: tối đa 72 byte (chữ không dấu 1 byte, chữ có dấu 2–3 byte mỗi chữ).")
	case !utf8.ValidString(p):
		// The web's form check refuses these before; the CLI reads the
		// password from stdin, where a file or a pipe may carry them.
		return FieldError("password", "Mật khẩu chứa byte không phải văn bản UTF-8 hợp lệ: hãy gõ lại mật khẩu.")
	case passwordControlChar(p) >= 0:
		// Nobody can type it at the login form (which refuses it, and
		// where tab and Enter do something else).
		return FieldError("password", "Mật khẩu chứa ký tự điều khiển (U+%04X), không gõ được khi đăng nhập: hãy chọn mật khẩu khác.", passwordControlChar(p))
	case strings.TrimSpace(p) != p:
		// A pasted password with a space at an end is one its owner
		// cannot type again; eight spaces are no password.
		return FieldError("password", "Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")
	case zxcvbn.PasswordStrength(p, guessWords(known)).Score < MinPasswordScore:
		return FieldError("password", "Mật khẩu quá dễ đoán (như 12345678, password, admin123 hay có tên đăng nhập, họ tên): hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	return nil
}

// passwordControlChar is the first character of p that no password may
// hold (qms.ControlChar, and tab, newline and carriage return too), or -1.
func passwordControlChar(p string) rune {
	for _, r := range p {
		if unicode.IsControl(r) {
			return r
		}
	}
	if r, ok := ControlChar(p); ok {
		return r
	}
	return -1
}

// UserFilter selects users. Pointer fields mean "not set".
type UserFilter struct {
	ID       *int64
	Username *string
	Within   *string // members of this agency or of an agency under it
	Limit    int
}

// MaxPeopleNamed bounds one PeopleNamed call.
const MaxPeopleNamed = 500

// Person is a user as a list of names shows one: the login name and the
// full name people know them by.
type Person struct {
	Username string `json:"username"`
	FullName string `json:"full_name"`
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
	// EFORBIDDEN by CheckMembershipChange.
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
// account. Returns EFORBIDDEN.
func CheckAccountAction(a Actor, u *User) error {
	if a.SystemAdmin() || (a.UserID != 0 && a.UserID == u.ID) {
		return nil
	}
	for _, code := range u.Agencies() {
		if code != a.AgencyCode {
			return Errorf(EFORBIDDEN, "Người dùng %q còn thuộc đơn vị %s: chỉ quản trị viên hệ thống (%s) được đổi mật khẩu, khóa, mở khóa, sửa thông tin hay quản lý mã truy cập của tài khoản này.",
				u.Username, code, SystemAgencyCode)
		}
	}
	return nil
}

// CheckMembershipChange is the rule for granting or withdrawing a role:
// an agency admin manages the roles of the agency they act for, and no
// other. Returns EFORBIDDEN.
func CheckMembershipChange(a Actor, m Membership) error {
	if a.SystemAdmin() || m.AgencyCode == a.AgencyCode {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Field: "agency", Message: fmt.Sprintf("Bạn chỉ được cấp hoặc thu hồi vai trò tại đơn vị %s, không phải tại %s.", a.AgencyCode, m.AgencyCode)}
}
