package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// touchEvery spares a write per request: last_seen_at moves at most once
// a minute.
const touchEvery = time.Minute

// newDummyHash makes the hash compared against when the user does not
// exist, at the cost of the real hashes, so that an unknown username
// takes as long as a wrong password.
func (db *DB) newDummyHash() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("không có người dùng này"), db.PasswordCost())
	if err != nil { // a cost above bcrypt's maximum, which refuses every password as well
		h, _ = bcrypt.GenerateFromPassword([]byte("không có người dùng này"), bcrypt.DefaultCost)
	}
	return h
}

// Authenticate checks a password with login throttling per username and
// client address (qms.LoginLockFor).
func (db *DB) Authenticate(ctx context.Context, username, password, addr string) (*qms.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" || password == "" {
		return nil, qms.Errorf(qms.EINVALID, "Nhập tên đăng nhập và mật khẩu.")
	}
	addr = qms.ThrottleAddr(addr)
	if len(username) > qms.MaxUsernameLen || len(password) > qms.MaxPasswordLen {
		// Nothing so long can match: not compared, but counted at the
		// address, so a flood of them meets the address's lock.
		return nil, db.loginFailed(ctx, "", addr)
	}
	now := db.now().UTC()
	if refusal, err := sqlstore.LoginLock(ctx, sharedQuerier{db.direct()}, username, addr, "", now); err != nil {
		return nil, err
	} else if refusal != nil {
		return nil, refusal
	}
	var id int64
	var hash string
	var disabled bool
	err := db.direct().queryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`, username).Scan(&id, &hash, &disabled)
	if err == pgx.ErrNoRows {
		if _, err := sqlstore.PasswordMatches(ctx, addr, db.dummyHash(), []byte(password)); err != nil {
			return nil, err
		}
		return nil, db.loginFailed(ctx, username, addr)
	} else if err != nil {
		return nil, err
	}
	if match, err := sqlstore.PasswordMatches(ctx, addr, []byte(hash), []byte(password)); err != nil {
		return nil, err
	} else if !match || disabled {
		return nil, db.loginFailed(ctx, username, addr)
	}
	// Success clears the count, unless guesses racing this one locked the
	// username or the address meanwhile: the lock wins, read under the
	// rows' lock.
	err = pgx.BeginFunc(ctx, db.pool, func(ptx pgx.Tx) error {
		q := querier{ptx}
		if refusal, err := sqlstore.LoginLock(ctx, sharedQuerier{q}, username, addr, " FOR UPDATE", now); err != nil {
			return err
		} else if refusal != nil {
			return refusal
		}
		_, err := q.exec(ctx, `DELETE FROM login_throttle WHERE username = ? AND addr = ? AND (locked_until IS NULL OR locked_until <= ?)`,
			username, addr, formatTime(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	u, err := db.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u.PasswordStamp = qms.PasswordStampOf(hash)
	return u, nil
}

// loginFailed counts a failed login of username (empty: over-long) from
// addr and returns the refusal to answer (sqlstore.CountLoginFailure);
// the rows are read FOR UPDATE, which also waits for a successful login
// clearing the username's row (Authenticate), which takes no head lock.
// The actor is the anonymous client: the username is what was guessed,
// the object of the lock, not who guessed it.
func (db *DB) loginFailed(ctx context.Context, username, addr string) error {
	ctx = qms.WithActor(ctx, qms.PublicActor(qms.SystemAgencyCode))
	var refusal error
	err := db.update(ctx, func(tx *Tx) (err error) {
		refusal, err = sqlstore.CountLoginFailure(ctx, tx.shared(), username, addr, " FOR UPDATE")
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}

// UnlockLogin forgets the failed logins of a user at every address.
func (db *DB) UnlockLogin(ctx context.Context, username string) (int, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var n int64
	err := db.update(ctx, func(tx *Tx) error {
		u, err := tx.db.findOneUser(ctx, tx.querier, qms.UserFilter{Username: &username})
		if err != nil {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", username)
		}
		if err := qms.CheckAccountAction(tx.actor, u); err != nil {
			return err
		}
		tag, err := tx.exec(ctx, `DELETE FROM login_throttle WHERE username = ?`, username)
		if err != nil {
			return fmt.Errorf("unlock login: %w", err)
		}
		if n = tag.RowsAffected(); n == 0 {
			return nil
		}
		return tx.auditAccount(ctx, u, "auth.unlock", "user", itoa(u.ID), nil, map[string]any{"addresses": n}, "")
	})
	return int(n), err
}

// UnlockAddress ends the lock of a client address across usernames
// (sqlstore.UnlockAddress); an address that does not parse is refused
// before any write.
func (db *DB) UnlockAddress(ctx context.Context, addr string) (int, error) {
	key, err := qms.UnlockAddrKey(addr)
	if err != nil {
		return 0, err
	}
	var n int64
	err = db.update(ctx, func(tx *Tx) (err error) {
		n, err = sqlstore.UnlockAddress(ctx, tx.shared(), key)
		return err
	})
	return int(n), err
}

// CreateSession starts a session for the user acting for agencyCode.
func (db *DB) CreateSession(ctx context.Context, userID int64, agencyCode string) (string, *qms.Session, error) {
	token, id := qms.NewSecret("")
	csrf, _ := qms.NewSecret("")
	var s *qms.Session
	err := db.update(ctx, func(tx *Tx) error {
		if err := sqlstore.CheckPasswordUnchanged(ctx, tx.shared(), userID, " FOR SHARE"); err != nil {
			return err
		}
		s = &qms.Session{ID: id, UserID: userID, AgencyCode: agencyCode, CSRFToken: csrf,
			CreatedAt: tx.now, ExpiresAt: tx.now.Add(qms.SessionLifetime), LastSeenAt: tx.now}
		if _, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			s.ID, s.UserID, s.AgencyCode, s.CSRFToken, formatTime(s.CreatedAt), formatTime(s.ExpiresAt), formatTime(s.LastSeenAt)); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return tx.audit(ctx, agencyCode, "auth.login", "user", itoa(userID), nil, map[string]any{"agency": agencyCode}, "")
	})
	return token, s, err
}

// FindSession returns ENOTFOUND for an unknown token and EUNAUTHORIZED for
// an expired session.
func (db *DB) FindSession(ctx context.Context, token string) (*qms.Session, error) {
	var s qms.Session
	var created, expires, seen string
	err := db.direct().queryRow(ctx, `SELECT id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at FROM sessions WHERE id = ?`,
		qms.HashSecret(token)).Scan(&s.ID, &s.UserID, &s.AgencyCode, &s.CSRFToken, &created, &expires, &seen)
	if err == pgx.ErrNoRows {
		return nil, qms.Errorf(qms.ENOTFOUND, "Phiên đăng nhập không tồn tại.")
	} else if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = parseTime(created), parseTime(expires), parseTime(seen)
	if s.Expired(db.now(), qms.SessionIdle) {
		return nil, qms.Errorf(qms.EUNAUTHORIZED, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
	}
	return &s, nil
}

// TouchSession moves the idle clock, at most once a minute.
func (db *DB) TouchSession(ctx context.Context, s *qms.Session) error {
	now := db.now().UTC()
	if now.Sub(s.LastSeenAt) < touchEvery {
		return nil
	}
	s.LastSeenAt = now
	_, err := db.direct().exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, formatTime(now), s.ID)
	return err
}

// SwitchSessionAgency makes the session act for another of the user's agencies.
func (db *DB) SwitchSessionAgency(ctx context.Context, s *qms.Session, agencyCode string) error {
	return db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ?`, s.UserID, agencyCode).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.EFORBIDDEN, "Bạn không thuộc đơn vị %q.", agencyCode)
		}
		if _, err := tx.exec(ctx, `UPDATE sessions SET agency_code = ? WHERE id = ?`, agencyCode, s.ID); err != nil {
			return err
		}
		before := s.AgencyCode
		s.AgencyCode = agencyCode
		return tx.audit(ctx, agencyCode, "auth.switch_agency", "user", itoa(s.UserID), map[string]string{"agency": before}, map[string]string{"agency": agencyCode}, "")
	})
}

// DeleteSession ends a session (logout); an unknown token is not an error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.update(ctx, func(tx *Tx) error {
		var userID int64
		var agency string
		err := tx.queryRow(ctx, `DELETE FROM sessions WHERE id = ? RETURNING user_id, agency_code`, qms.HashSecret(token)).Scan(&userID, &agency)
		if err == pgx.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, agency, "auth.logout", "user", itoa(userID), nil, nil, "")
	})
}

// CreateAPIToken returns the token secret, shown once. The token expires
// after ttl (qms.APITokenLifetime when 0).
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *qms.APIToken, error) {
	if ttl < 0 {
		return "", nil, qms.FieldError("days", "Thời hạn của mã truy cập phải dương.")
	} else if ttl == 0 {
		ttl = qms.APITokenLifetime
	}
	secret, hash := qms.NewSecret("qms_")
	t := &qms.APIToken{UserID: userID, Name: strings.TrimSpace(name), Prefix: secret[:qms.TokenPrefixLength]}
	err := db.update(ctx, func(tx *Tx) error {
		u, err := tx.db.findOneUser(ctx, tx.querier, qms.UserFilter{ID: &userID})
		if err != nil {
			return err
		} else if u.Disabled {
			return qms.Errorf(qms.EINVALID, "Tài khoản %q đã bị khóa.", u.Username)
		}
		if err := qms.CheckAccountAction(tx.actor, u); err != nil {
			return err
		}
		if err := sqlstore.CheckPasswordUnchanged(ctx, tx.shared(), userID, " FOR SHARE"); err != nil {
			return err
		}
		expires := tx.now.Add(ttl)
		t.Username, t.CreatedAt, t.ExpiresAt = u.Username, tx.now, &expires
		if err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			userID, t.Name, hash, t.Prefix, formatTime(t.CreatedAt), formatTime(expires)).Scan(&t.ID); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return tx.auditAccount(ctx, u, "token.create", "api_token", itoa(t.ID), nil, t, "")
	})
	return secret, t, err
}

// FindUserByAPIToken returns EUNAUTHORIZED for an unknown, revoked or
// expired token or a disabled user. It reads the token every time: a
// revocation takes effect on the next request, on every server.
func (db *DB) FindUserByAPIToken(ctx context.Context, secret string) (*qms.User, error) {
	var id, userID int64
	var expires, revoked, used *string
	err := db.direct().queryRow(ctx, `SELECT id, user_id, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = ?`,
		qms.HashSecret(secret)).Scan(&id, &userID, &expires, &revoked, &used)
	invalid := qms.Errorf(qms.EUNAUTHORIZED, "Mã truy cập API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
	if err == pgx.ErrNoRows {
		return nil, invalid
	} else if err != nil {
		return nil, err
	}
	now := db.now().UTC()
	if revoked != nil || (expires != nil && !now.Before(parseTime(*expires))) {
		return nil, invalid
	}
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	} else if u.Disabled {
		return nil, invalid
	}
	// last_used_at moves at most once a minute, like a session's idle clock.
	if used == nil || now.Sub(parseTime(*used)) >= touchEvery {
		if _, err := db.direct().exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, formatTime(now), id); err != nil {
			return nil, fmt.Errorf("token last use: %w", err)
		}
	}
	return u, nil
}
