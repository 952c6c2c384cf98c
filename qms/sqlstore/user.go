package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// CreateUser stores the user, its memberships and its password hash.
func (s *Store) CreateUser(ctx context.Context, u *qms.User, password string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	hash, err := s.hashPassword(password, u.PasswordWords()...)
	if err != nil {
		return err
	}
	return s.createUser(ctx, u, hash)
}

// HashPassword checks a password and returns its bcrypt hash at the
// store's cost, for CreateUserHashed.
func (s *Store) HashPassword(password string) (string, error) { return s.hashPassword(password) }

// CreateUserHashed is CreateUser with a hash made by HashPassword. A
// bcrypt hash costs tens of milliseconds by design; the demo data set
// gives its 2,000 users one password and so hashes it once.
func (s *Store) CreateUserHashed(ctx context.Context, u *qms.User, hash string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	if _, err := bcrypt.Cost([]byte(hash)); err != nil {
		return fmt.Errorf("create user %s: password hash: %w", u.Username, err)
	}
	return s.createUser(ctx, u, hash)
}

func (s *Store) createUser(ctx context.Context, u *qms.User, hash string) error {
	return s.update(ctx, func(tx Tx) error {
		if err := checkUsernameDistinct(ctx, tx, u.Username); err != nil {
			return err
		}
		u.CreatedAt, u.UpdatedAt = tx.Now(), tx.Now()
		err := tx.QueryRow(ctx, `INSERT INTO users (username, full_name, title, email, password_hash, password_temporary, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.FullName, u.Title, u.Email, hash, qms.PasswordTemporary(tx.Actor(), u.Username), u.Disabled, FormatTime(u.CreatedAt), FormatTime(u.UpdatedAt)).Scan(&u.ID)
		if s.cfg.IsUnique(err) {
			return qms.FieldErrorf(qms.ECONFLICT, "username", "Tên đăng nhập %q đã được dùng.", u.Username)
		} else if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		ms := u.Memberships
		u.Memberships = nil
		for _, m := range ms {
			if err := qms.CheckMembershipChange(tx.Actor(), u.ID, m); err != nil {
				return err
			}
			if err := qms.CheckRoleGrant(tx.Actor(), m.Role); err != nil {
				return err
			}
			if err := addMembership(ctx, tx, u, m); err != nil {
				return err
			}
		}
		if err := checkNameUnique(ctx, tx, u, nil); err != nil {
			return err
		}
		agency := tx.Actor().AgencyCode
		if len(u.Memberships) > 0 {
			agency = u.Memberships[0].AgencyCode
		}
		return tx.Audit(ctx, agency, "user.create", "user", Itoa(u.ID), nil, u, "")
	})
}

func addMembership(ctx context.Context, tx Tx, u *qms.User, m qms.Membership) error {
	role, err := qms.ParseRole(string(m.Role))
	if err != nil {
		return err
	}
	a, err := FindAgency(ctx, tx, m.AgencyCode)
	if err != nil {
		return qms.FieldError("agency", "Đơn vị %q không tồn tại.", m.AgencyCode)
	}
	m = qms.Membership{AgencyCode: a.Code, Role: role}
	if u.HasRole(m.AgencyCode, m.Role) {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO memberships (user_id, agency_code, role) VALUES (?, ?, ?)`, u.ID, m.AgencyCode, m.Role); err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	u.Memberships = append(u.Memberships, m)
	return nil
}

// FindUserByID returns ENOTFOUND when there is none.
func (s *Store) FindUserByID(ctx context.Context, id int64) (*qms.User, error) {
	u, err := findOneUser(ctx, s.read(), s.cfg.InsertOrder, qms.UserFilter{ID: &id})
	return u, internalf(err, "find user %d", id)
}

// FindUserByUsername returns ENOTFOUND when there is none.
func (s *Store) FindUserByUsername(ctx context.Context, username string) (*qms.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	u, err := findOneUser(ctx, s.read(), s.cfg.InsertOrder, qms.UserFilter{Username: &username})
	return u, internalf(err, "find user %q", username)
}

// FindUserOn is the user matching f on q, ENOTFOUND when there is none.
func (s *Store) FindUserOn(ctx context.Context, q Querier, f qms.UserFilter) (*qms.User, error) {
	return findOneUser(ctx, q, s.cfg.InsertOrder, f)
}

func findOneUser(ctx context.Context, q Querier, order string, f qms.UserFilter) (*qms.User, error) {
	f.Limit = 1
	us, err := findUsers(ctx, q, order, f)
	if err != nil {
		return nil, err
	} else if len(us) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng.")
	}
	return us[0], nil
}

// FindUsers returns the users matching f, by username, with memberships.
func (s *Store) FindUsers(ctx context.Context, f qms.UserFilter) ([]*qms.User, error) {
	out, err := findUsers(ctx, s.read(), s.cfg.InsertOrder, f)
	return out, internalf(err, "find users")
}

// MemberNames is one query for what a page lists by name only (the
// delegation form), not the users and all their memberships.
func (s *Store) MemberNames(ctx context.Context, agency string) ([]qms.Person, error) {
	rows, err := s.read().Query(ctx, `SELECT DISTINCT u.username, u.full_name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.agency_code = ? AND u.disabled = FALSE ORDER BY u.username`, agency)
	if err != nil {
		return nil, internalf(err, "member names")
	}
	defer rows.Close()
	var out []qms.Person
	for rows.Next() {
		var p qms.Person
		if err := rows.Scan(&p.Username, &p.FullName); err != nil {
			return nil, internalf(err, "member names")
		}
		out = append(out, p)
	}
	return out, internalf(rows.Err(), "member names")
}

// PeopleNamed is one query for the full names a page shows (the actors of
// a dossier's steps), where a lookup per name was one query each.
func (s *Store) PeopleNamed(ctx context.Context, usernames []string) ([]qms.Person, error) {
	if len(usernames) == 0 {
		return nil, nil
	}
	if len(usernames) > qms.MaxPeopleNamed {
		return nil, qms.Errorf(qms.EINVALID, "Tối đa %d tên mỗi lần tra.", qms.MaxPeopleNamed)
	}
	args := make([]any, len(usernames))
	for i, u := range usernames {
		args[i] = u
	}
	rows, err := s.read().Query(ctx, `SELECT username, full_name, disabled FROM users WHERE username IN (?`+strings.Repeat(", ?", len(usernames)-1)+`)`, args...)
	if err != nil {
		return nil, internalf(err, "people named")
	}
	defer rows.Close()
	var out []qms.Person
	for rows.Next() {
		var p qms.Person
		if err := rows.Scan(&p.Username, &p.FullName, (*Flag)(&p.Disabled)); err != nil {
			return nil, internalf(err, "people named")
		}
		out = append(out, p)
	}
	return out, internalf(rows.Err(), "people named")
}

// joinedUserColumns are a user's columns and one of its memberships'
// (NULL when it has none), for a statement that finds the user through a
// session or a token (joinUser) and reads it with scanJoinedUser.
const joinedUserColumns = `u.id, u.username, u.full_name, u.title, u.email, u.disabled, u.password_temporary, u.created_at, u.updated_at, m.agency_code, m.role`

// joinUser joins the user whose id is in userID, and its memberships.
func joinUser(userID string) string {
	return ` JOIN users u ON u.id = ` + userID + ` LEFT JOIN memberships m ON m.user_id = u.id`
}

// scanJoinedUser reads the rows of one user, one per membership: head
// takes the columns before joinedUserColumns, the same on every row. No
// row is a nil user.
func scanJoinedUser(rows Rows, head ...any) (*qms.User, error) {
	var u *qms.User
	for rows.Next() {
		var x qms.User
		var created, updated string
		var agency, role *string
		if err := rows.Scan(append(head[:len(head):len(head)], &x.ID, &x.Username, &x.FullName, &x.Title, &x.Email, (*Flag)(&x.Disabled), (*Flag)(&x.MustChangePassword), &created, &updated,
			&agency, &role)...); err != nil {
			return nil, err
		}
		if u == nil {
			x.CreatedAt, x.UpdatedAt, x.Memberships = ParseTime(created), ParseTime(updated), []qms.Membership{}
			u = &x
		}
		if agency != nil {
			u.Memberships = append(u.Memberships, qms.Membership{AgencyCode: *agency, Role: qms.Role(*role)})
		}
	}
	return u, rows.Err()
}

func findUsers(ctx context.Context, q Querier, order string, f qms.UserFilter) ([]*qms.User, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.ID; v != nil {
		where, args = append(where, "u.id = ?"), append(args, *v)
	}
	if v := f.Username; v != nil {
		where, args = append(where, "u.username = ?"), append(args, *v)
	}
	if v := f.Within; v != nil {
		where = append(where, "u.id IN (SELECT user_id FROM memberships WHERE agency_code IN ("+subtreeSQL+"))")
		args = append(args, *v)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10000
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.username, u.full_name, u.title, u.email, u.disabled, u.created_at, u.updated_at
		FROM users u WHERE `+strings.Join(where, " AND ")+` ORDER BY u.username LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	var out []*qms.User
	byID := map[int64]*qms.User{}
	for rows.Next() {
		var u qms.User
		var created, updated string
		if err := rows.Scan(&u.ID, &u.Username, &u.FullName, &u.Title, &u.Email, (*Flag)(&u.Disabled), &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		u.CreatedAt, u.UpdatedAt = ParseTime(created), ParseTime(updated)
		u.Memberships = []qms.Membership{}
		out = append(out, &u)
		byID[u.ID] = &u
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out))
	for _, u := range out {
		ids = append(ids, u.ID)
	}
	// Within, the roles outside the subtree are not read, only flagged:
	// whoever reads the members of an agency sees their roles there
	// (qms.User.RolesElsewhere).
	inside, margs := "TRUE", ids
	if v := f.Within; v != nil {
		inside, margs = "agency_code IN ("+subtreeSQL+")", append([]any{*v}, ids...)
	}
	mrows, err := q.Query(ctx, `SELECT user_id, agency_code, role, `+inside+` FROM memberships WHERE user_id IN (`+Placeholders(len(ids))+`) ORDER BY `+order, margs...)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var id int64
		var m qms.Membership
		var in bool
		if err := mrows.Scan(&id, &m.AgencyCode, &m.Role, &in); err != nil {
			return nil, err
		}
		if !in {
			byID[id].RolesElsewhere = true
			continue
		}
		byID[id].Memberships = append(byID[id].Memberships, m)
	}
	return out, mrows.Err()
}

// UpdateUser changes the profile or disables the account
// (qms.CheckAccountAction applies). A disabled account loses its sessions
// and API tokens at once.
func (s *Store) UpdateUser(ctx context.Context, id int64, upd qms.UserUpdate) (*qms.User, error) {
	var u *qms.User
	err := s.update(ctx, func(tx Tx) error {
		before, err := findOneUser(ctx, tx, s.cfg.InsertOrder, qms.UserFilter{ID: &id})
		if err != nil {
			return err
		}
		check := qms.CheckAccountAction
		if upd.FullName != nil || upd.Title != nil || upd.Email != nil {
			check = qms.CheckSignerAccount // what a signature prints, where its notices go
		}
		if err := check(tx.Actor(), before); err != nil {
			return err
		}
		after := *before
		if upd.FullName != nil {
			after.FullName = *upd.FullName
		}
		if upd.Email != nil {
			after.Email = *upd.Email
		}
		if upd.Title != nil {
			after.Title = *upd.Title
		}
		if upd.Disabled != nil {
			after.Disabled = *upd.Disabled
		}
		after.Normalize()
		if err := after.Validate(); err != nil {
			return err
		}
		if after.FullName != before.FullName || before.Disabled && !after.Disabled {
			if err := checkNameUnique(ctx, tx, &after, nil); err != nil {
				return err
			}
		}
		after.UpdatedAt = tx.Now()
		if _, err := tx.Exec(ctx, `UPDATE users SET full_name = ?, title = ?, email = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			after.FullName, after.Title, after.Email, after.Disabled, FormatTime(after.UpdatedAt), id); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		u = &after
		if !after.Disabled {
			return AuditAccount(ctx, tx, before, "user.update", "user", Itoa(id), before, u, "")
		}
		sessions, tokens, err := EndCredentials(ctx, tx, id)
		if err != nil {
			return err
		}
		return AuditAccount(ctx, tx, before, "user.update", "user", Itoa(id), before,
			map[string]any{"user": u, "sessions_ended": sessions, "tokens_revoked": tokens}, "")
	})
	return u, err
}

// SetMembership grants or withdraws a role in an agency.
func (s *Store) SetMembership(ctx context.Context, userID int64, m qms.Membership, remove bool) (*qms.User, error) {
	var u *qms.User
	err := s.update(ctx, func(tx Tx) error {
		before, err := findOneUser(ctx, tx, s.cfg.InsertOrder, qms.UserFilter{ID: &userID})
		if err != nil {
			return err
		}
		if err := qms.CheckMembershipChange(tx.Actor(), userID, m); err != nil {
			return err
		}
		if !remove {
			if err := qms.CheckRoleGrant(tx.Actor(), m.Role); err != nil {
				return err
			}
			if err := checkSignerPassword(ctx, tx, before, m.Role); err != nil {
				return err
			}
		}
		after := *before
		after.Memberships = append([]qms.Membership(nil), before.Memberships...)
		action := "user.grant"
		if remove {
			action = "user.revoke"
			if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE user_id = ? AND agency_code = ? AND role = ?`, userID, m.AgencyCode, m.Role); err != nil {
				return err
			}
			after.Memberships = after.Memberships[:0]
			for _, old := range before.Memberships {
				if old != m {
					after.Memberships = append(after.Memberships, old)
				}
			}
		} else if err := addMembership(ctx, tx, &after, m); err != nil {
			return err
		} else if err := checkNameUnique(ctx, tx, &after, []string{m.AgencyCode}); err != nil {
			return err
		}
		u = &after
		return tx.Audit(ctx, m.AgencyCode, action, "user", Itoa(userID), before, u, "")
	})
	return u, err
}

// SetPassword replaces a password (qms.CheckSignerAccount applies) and
// signs the user out everywhere: whoever knew the old password may hold
// a session or a token. The hash never reaches the audit trail. With the
// stamp of a checked password in ctx (qms.WithCheckedPassword: the
// owner's own change), it is refused once that password is replaced.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	// The names the password is checked against are read before the write:
	// the bcrypt hash takes tens of milliseconds and no write waits for it.
	var known []string
	if u, err := findOneUser(ctx, s.read(), s.cfg.InsertOrder, qms.UserFilter{ID: &userID}); err == nil {
		known = u.PasswordWords()
	}
	hash, err := s.hashPassword(password, known...)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		u, err := findOneUser(ctx, tx, s.cfg.InsertOrder, qms.UserFilter{ID: &userID})
		if err != nil {
			return err
		}
		if err := qms.CheckSignerAccount(tx.Actor(), u); err != nil {
			return err
		}
		// A change that checked the current password first goes through
		// only if it is still the account's (writes take turns).
		if err := CheckPasswordUnchanged(ctx, tx, userID, ""); err != nil {
			return err
		}
		temporary := qms.PasswordTemporary(tx.Actor(), u.Username)
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_temporary = ?, updated_at = ? WHERE id = ?`, hash, temporary, FormatTime(tx.Now()), userID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		sessions, tokens, err := EndCredentials(ctx, tx, userID)
		if err != nil {
			return err
		}
		return AuditAccount(ctx, tx, u, "user.password", "user", Itoa(userID), nil,
			map[string]any{"sessions_ended": sessions, "tokens_revoked": tokens, "temporary": temporary}, "")
	})
}

func (s *Store) hashPassword(password string, known ...string) (string, error) {
	password = qms.PasswordText(password)
	if err := qms.ValidatePassword(password, known...); err != nil {
		return "", err
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), s.PasswordCost())
	return string(b), err
}

// PasswordCost is the bcrypt cost of every hash the store makes.
func (s *Store) PasswordCost() int {
	if s.cfg.PasswordCost == 0 {
		return bcrypt.DefaultCost
	}
	return s.cfg.PasswordCost
}

// EndCredentials ends every session of the user and revokes every API
// token: whoever knew the old password may hold one.
func EndCredentials(ctx context.Context, tx Tx, userID int64) (sessions, tokens int64, err error) {
	if sessions, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return 0, 0, fmt.Errorf("end sessions: %w", err)
	}
	if tokens, err = tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, FormatTime(tx.Now()), userID); err != nil {
		return 0, 0, fmt.Errorf("revoke tokens: %w", err)
	}
	return sessions, tokens, nil
}

// AuditAccount writes the entry of an action on a whole account once
// under each agency the user belongs to, in the same transaction: every
// agency's auditor sees what was done to an account that holds its roles.
func AuditAccount(ctx context.Context, tx Tx, u *qms.User, action, objectType, objectID string, before, after any, reason string) error {
	agencies := u.Agencies()
	if len(agencies) == 0 {
		agencies = []string{tx.Actor().AgencyCode}
	}
	for _, a := range agencies {
		if err := tx.Audit(ctx, a, action, objectType, objectID, before, after, reason); err != nil {
			return err
		}
	}
	return nil
}

// usernameKeySQL is qms.UsernameKey of the column username, in SQL both
// stores speak.
const usernameKeySQL = `replace(replace(username, '1', 'l'), '0', 'o')`

// checkUsernameDistinct refuses a new username that reads as one taken
// (qms.UsernameKey) but is not it (that one the unique index refuses as
// used). The message does not name the other account: it may be another
// agency's.
func checkUsernameDistinct(ctx context.Context, tx Tx, username string) error {
	var alike bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE `+usernameKeySQL+` = ? AND username <> ?)`, qms.UsernameKey(username), username).Scan(&alike); err != nil {
		return err
	} else if alike {
		return qms.FieldErrorf(qms.ECONFLICT, "username", "Tên đăng nhập %q dễ nhầm với một tên đăng nhập đã có (chữ số 1 đọc như chữ l, số 0 như chữ o): hãy chọn tên khác.", username)
	}
	return nil
}

// checkNameUnique refuses u's full name when it reads as (qms.SameName)
// the name another user sharing one of its agencies (those of agencies,
// or all of u's) bears or bore: records, slips and signatures name
// people by their full name as it reads now, so a staff member named as
// the leader reads as the leader on the leader's past work (outsider pass
// 10), and one named as a colleague who left or was renamed reads as
// them on theirs (pass 11): a disabled account's name, and the names
// accounts had before a rename (user.update in the audit trail), stay
// theirs. A user without a full name is shown by their username and is
// not checked.
func checkNameUnique(ctx context.Context, tx Tx, u *qms.User, agencies []string) error {
	name := u.FullName
	if strings.TrimSpace(name) == "" || u.Disabled {
		return nil
	}
	if agencies == nil {
		agencies = u.Agencies()
	}
	refuse := func(other, code, how string) error {
		return qms.FieldErrorf(qms.ECONFLICT, "full_name", "Họ tên %q %s tài khoản %s trong đơn vị %s: hồ sơ, phiếu và chữ ký ghi người thực hiện bằng họ tên, nên hai người trong một đơn vị phải phân biệt được họ tên (ví dụ thêm bộ phận: \"%s (Phòng Một cửa)\").", u.FullName, how, other, code, u.FullName)
	}
	for _, code := range agencies {
		other, err := firstNamed(tx.Query(ctx, `SELECT DISTINCT u.username, u.full_name FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE m.agency_code = ? AND u.id <> ?`, code, u.ID))(name, func(full string) string { return full })
		if err != nil {
			return err
		} else if other != "" {
			return refuse(other, code, "giống họ tên của")
		}
		other, err = firstNamed(tx.Query(ctx, `SELECT object_id, before_json FROM audit_log
			WHERE object_type = 'user' AND object_id <> ? AND action = 'user.update' AND agency_code = ?`, Itoa(u.ID), code))(name, formerName)
		if err != nil {
			return err
		} else if other != "" {
			return refuse("#"+other, code, "giống họ tên cũ của")
		}
	}
	return nil
}

// firstNamed reads rows of (who, text) and returns the first who whose
// name, got from text, reads as name (qms.SameName).
func firstNamed(rows Rows, err error) func(name string, nameOf func(string) string) (string, error) {
	return func(name string, nameOf func(string) string) (string, error) {
		if err != nil {
			return "", err
		}
		defer rows.Close()
		for rows.Next() {
			var who string
			var text *string
			if err := rows.Scan(&who, &text); err != nil {
				return "", err
			}
			if text != nil && qms.SameName(nameOf(*text), name) {
				return who, nil
			}
		}
		return "", rows.Err()
	}
}

// formerName is the full name in a user.update entry's before_json.
func formerName(beforeJSON string) string {
	var before struct {
		FullName string `json:"full_name"`
	}
	json.Unmarshal([]byte(beforeJSON), &before)
	return before.FullName
}

// checkSignerPassword applies qms.CheckSignerPassword to granting role to
// u: it reads, from the audit trail, who last set u's password other than
// u (an account's creation sets the first), and whether they were the
// system administrator or the CLI.
func checkSignerPassword(ctx context.Context, tx Tx, u *qms.User, role qms.Role) error {
	if !slices.Contains(qms.SigningRoles, role) {
		return nil
	}
	var setter string
	found, err := scanOne(tx.Query(ctx, `SELECT actor FROM audit_log WHERE object_type = 'user' AND object_id = ?
		AND action IN ('user.password', 'user.create') AND actor <> ? ORDER BY id DESC LIMIT 1`, Itoa(u.ID), u.Username))(&setter)
	if err != nil || !found {
		return err // none: the account predates the trail's record of it
	}
	trusted := strings.HasPrefix(setter, "system:")
	if !trusted {
		roles, err := RolesIn(ctx, tx, qms.SystemAgencyCode, setter)
		if err != nil {
			return err
		}
		trusted = slices.Contains(roles, qms.RoleAdmin)
	}
	return qms.CheckSignerPassword(u, role, setter, trusted)
}
