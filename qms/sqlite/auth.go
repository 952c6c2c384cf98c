package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// touchEvery spares a write per request: last_seen_at moves at most once
// a minute.
const touchEvery = time.Minute

// dummyHash is compared against when the user does not exist, so that an
// unknown username takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("không có người dùng này"), bcrypt.MinCost)

var errBadCredentials = qms.Errorf(qms.EUNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng.")

// Authenticate checks a password with login throttling: MaxLoginFailures
// failures in a row lock the username for LoginLockDuration. The lock is
// audited; single failures only count.
func (db *DB) Authenticate(ctx context.Context, username, password string) (*qms.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" || password == "" {
		return nil, qms.Errorf(qms.EINVALID, "Nhập tên đăng nhập và mật khẩu.")
	}
	if len(username) > 64 || len(password) > 256 {
		return nil, errBadCredentials
	}
	now := db.now().UTC()
	var lockedUntil sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT locked_until FROM login_throttle WHERE username = ?`, username).Scan(&lockedUntil)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if lockedUntil.Valid && now.Before(parseTime(lockedUntil.String)) {
		return nil, errLocked(parseTime(lockedUntil.String), now)
	}
	var id int64
	var hash string
	var disabled bool
	err = db.read.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`, username).Scan(&id, &hash, &disabled)
	if err == sql.ErrNoRows {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, db.loginFailed(ctx, username)
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || disabled {
		return nil, db.loginFailed(ctx, username)
	}
	// Success clears the count, unless guesses racing this one locked the
	// account meanwhile: the lock wins, checked in the writer's order.
	var until sql.NullString
	err = db.write.QueryRowContext(ctx, `SELECT locked_until FROM login_throttle WHERE username = ?`, username).Scan(&until)
	if err != nil && err != sql.ErrNoRows {
		return nil, err
	}
	if until.Valid && now.Before(parseTime(until.String)) {
		return nil, errLocked(parseTime(until.String), now)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_throttle WHERE username = ? AND (locked_until IS NULL OR locked_until <= ?)`, username, formatTime(now)); err != nil {
		return nil, err
	}
	return db.FindUserByID(ctx, id)
}

func errLocked(until, now time.Time) error {
	return qms.Errorf(qms.ETOOMANY, "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau %d phút.", int(until.Sub(now).Minutes())+1)
}

// loginFailed counts a failure and locks the username at the limit. It
// returns the error the caller should report.
func (db *DB) loginFailed(ctx context.Context, username string) error {
	locked := false
	ctx = qms.WithActor(ctx, qms.Actor{Username: username, AgencyCode: qms.SystemAgencyCode})
	var lockedUntil time.Time
	err := db.update(ctx, func(tx *Tx) error {
		// Read and count in the same IMMEDIATE transaction: parallel
		// guesses are serialised here, and a lock in force is never reset.
		var failures int
		var until sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT failures, locked_until FROM login_throttle WHERE username = ?`, username).Scan(&failures, &until)
		switch {
		case err == sql.ErrNoRows:
			failures = 0
		case err != nil:
			return err
		case until.Valid && tx.now.Before(parseTime(until.String)):
			lockedUntil = parseTime(until.String)
			return nil
		case until.Valid:
			failures = 0 // the lock has expired: start counting again
		}
		failures++
		var lock any
		if failures >= qms.MaxLoginFailures {
			lockedUntil = tx.now.Add(qms.LoginLockDuration)
			lock, locked = formatTime(lockedUntil), true
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (username, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
			username, failures, lock, formatTime(tx.now)); err != nil {
			return err
		}
		if !locked {
			return nil
		}
		return tx.audit(ctx, qms.SystemAgencyCode, "auth.lock", "login", username, nil,
			map[string]any{"failures": failures, "locked_until": lockedUntil}, "đăng nhập sai nhiều lần")
	})
	if err != nil {
		return err
	}
	if locked {
		return qms.Errorf(qms.ETOOMANY, "Tài khoản tạm khóa %d phút do đăng nhập sai %d lần liên tiếp.", int(qms.LoginLockDuration.Minutes()), qms.MaxLoginFailures)
	}
	if !lockedUntil.IsZero() {
		return errLocked(lockedUntil, db.now())
	}
	return errBadCredentials
}

// CreateSession starts a session for the user acting for agencyCode.
func (db *DB) CreateSession(ctx context.Context, userID int64, agencyCode string) (string, *qms.Session, error) {
	token, id := newSecret("")
	csrf, _ := newSecret("")
	var s *qms.Session
	err := db.update(ctx, func(tx *Tx) error {
		s = &qms.Session{ID: id, UserID: userID, AgencyCode: agencyCode, CSRFToken: csrf,
			CreatedAt: tx.now, ExpiresAt: tx.now.Add(qms.SessionLifetime), LastSeenAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at FROM sessions WHERE id = ?`,
		hashSecret(token)).Scan(&s.ID, &s.UserID, &s.AgencyCode, &s.CSRFToken, &created, &expires, &seen)
	if err == sql.ErrNoRows {
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
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, formatTime(now), s.ID)
	return err
}

// SwitchSessionAgency makes the session act for another of the user's agencies.
func (db *DB) SwitchSessionAgency(ctx context.Context, s *qms.Session, agencyCode string) error {
	return db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ?`, s.UserID, agencyCode).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.EFORBIDDEN, "Bạn không thuộc đơn vị %q.", agencyCode)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET agency_code = ? WHERE id = ?`, agencyCode, s.ID); err != nil {
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
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE id = ? RETURNING user_id, agency_code`, hashSecret(token)).Scan(&userID, &agency)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		return tx.audit(ctx, agency, "auth.logout", "user", itoa(userID), nil, nil, "")
	})
}

// CreateAPIToken returns the token secret, shown once.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string) (string, *qms.APIToken, error) {
	secret, hash := newSecret("qms_")
	t := &qms.APIToken{UserID: userID, Name: strings.TrimSpace(name)}
	err := db.update(ctx, func(tx *Tx) error {
		u, err := findOneUser(ctx, tx, qms.UserFilter{ID: &userID})
		if err != nil {
			return err
		} else if u.Disabled {
			return qms.Errorf(qms.EINVALID, "Tài khoản %q đã bị khóa.", u.Username)
		}
		t.CreatedAt = tx.now
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`, userID, t.Name, hash, formatTime(t.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		t.ID, _ = res.LastInsertId()
		agency := ""
		if len(u.Memberships) > 0 {
			agency = u.Memberships[0].AgencyCode
		}
		return tx.audit(ctx, agency, "token.create", "api_token", itoa(t.ID), nil, t, "")
	})
	return secret, t, err
}

// FindUserByAPIToken returns EUNAUTHORIZED for an unknown, revoked or
// expired token or a disabled user.
func (db *DB) FindUserByAPIToken(ctx context.Context, secret string) (*qms.User, error) {
	hash := hashSecret(secret)
	var t tokenRow
	err := db.read.QueryRowContext(ctx, `SELECT user_id, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?`, hash).Scan(&t.userID, &t.expires, &t.revoked)
	invalid := qms.Errorf(qms.EUNAUTHORIZED, "Mã truy cập API không hợp lệ hoặc đã hết hạn.")
	if err == sql.ErrNoRows {
		return nil, invalid
	} else if err != nil {
		return nil, err
	}
	if t.revoked.Valid || (t.expires.Valid && !db.now().Before(parseTime(t.expires.String))) {
		return nil, invalid
	}
	u, err := db.FindUserByID(ctx, t.userID)
	if err != nil {
		return nil, err
	} else if u.Disabled {
		return nil, invalid
	}
	return u, nil
}

// tokenRow is what FindUserByAPIToken reads of a token.
type tokenRow struct {
	userID           int64
	expires, revoked sql.NullString
}

// newSecret returns a random token and the hash the store keeps of it.
func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
