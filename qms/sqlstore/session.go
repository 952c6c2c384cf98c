package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// Sessions and the login throttle's unlock, the same on both stores.

// TouchEvery spares a write per request: a session's last_seen_at moves
// at most once a minute, and so does a token's last_used_at.
const TouchEvery = time.Minute

// CreateSession starts a session for the user acting for agencyCode,
// unless the user's password changed since Authenticate checked it
// (CheckPasswordUnchanged, which on PostgreSQL holds the user row's share
// lock, so that a concurrent change waits for this write).
func (s *Store) CreateSession(ctx context.Context, userID int64, agencyCode string) (string, *qms.Session, error) {
	token, id := qms.NewSecret("")
	csrf, _ := qms.NewSecret("")
	var sess *qms.Session
	err := s.update(ctx, func(tx Tx) error {
		if err := CheckPasswordUnchanged(ctx, tx, userID, s.cfg.ShareLock); err != nil {
			return err
		}
		now := tx.Now()
		sess = &qms.Session{ID: id, UserID: userID, AgencyCode: agencyCode, CSRFToken: csrf,
			CreatedAt: now, ExpiresAt: now.Add(qms.SessionLifetime), LastSeenAt: now}
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, agency_code, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sess.ID, sess.UserID, sess.AgencyCode, sess.CSRFToken, FormatTime(sess.CreatedAt), FormatTime(sess.ExpiresAt), FormatTime(sess.LastSeenAt)); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return tx.Audit(ctx, agencyCode, "auth.login", "user", Itoa(userID), nil, map[string]any{"agency": agencyCode}, "")
	})
	return token, sess, err
}

// FindSession returns ENOTFOUND for an unknown token and EUNAUTHORIZED for
// an expired session.
func (s *Store) FindSession(ctx context.Context, token string) (*qms.Session, error) {
	sess, _, err := s.FindSessionUser(ctx, token)
	return sess, err
}

// FindSessionUser is FindSession with the session's user and memberships,
// read in the same statement: it runs on every request of a signed-in
// page, where the session, the user and the memberships were three.
func (s *Store) FindSessionUser(ctx context.Context, token string) (*qms.Session, *qms.User, error) {
	rows, err := s.read().Query(ctx, `SELECT s.id, s.user_id, s.agency_code, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, `+
		joinedUserColumns+` FROM sessions s`+joinUser("s.user_id")+` WHERE s.id = ? ORDER BY m.`+s.cfg.InsertOrder, qms.HashSecret(token))
	if err != nil {
		return nil, nil, internalf(err, "find session")
	}
	defer rows.Close()
	var sess qms.Session
	var created, expires, seen string
	u, err := scanJoinedUser(rows, &sess.ID, &sess.UserID, &sess.AgencyCode, &sess.CSRFToken, &created, &expires, &seen)
	if err != nil {
		return nil, nil, internalf(err, "find session")
	} else if u == nil || sess.ID != qms.HashSecret(token) {
		// The row found must be the one the cookie names: an index edited
		// with the file could lead to another's (outsider pass 19).
		return nil, nil, qms.Errorf(qms.ENOTFOUND, "Phiên đăng nhập không tồn tại.")
	}
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeenAt = ParseTime(created), ParseTime(expires), ParseTime(seen)
	if sess.Expired(s.cfg.Now(), qms.SessionIdle) {
		return nil, nil, qms.Errorf(qms.EUNAUTHORIZED, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
	}
	return &sess, u, nil
}

// TouchSession moves the idle clock, at most once a minute. It is no
// audited change: a plain write, outside the write transactions.
func (s *Store) TouchSession(ctx context.Context, sess *qms.Session) error {
	now := s.cfg.Now().UTC()
	if now.Sub(sess.LastSeenAt) < TouchEvery {
		return nil
	}
	sess.LastSeenAt = now
	_, err := s.cfg.Write.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, FormatTime(now), sess.ID)
	return err
}

// SwitchSessionAgency makes the session act for another of the user's agencies.
func (s *Store) SwitchSessionAgency(ctx context.Context, sess *qms.Session, agencyCode string) error {
	return s.update(ctx, func(tx Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = ? AND agency_code = ?`, sess.UserID, agencyCode).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return qms.Errorf(qms.EFORBIDDEN, "Bạn không thuộc đơn vị %q.", agencyCode)
		}
		if _, err := tx.Exec(ctx, `UPDATE sessions SET agency_code = ? WHERE id = ?`, agencyCode, sess.ID); err != nil {
			return err
		}
		before := sess.AgencyCode
		sess.AgencyCode = agencyCode
		return tx.Audit(ctx, agencyCode, "auth.switch_agency", "user", Itoa(sess.UserID), map[string]string{"agency": before}, map[string]string{"agency": agencyCode}, "")
	})
}

// DeleteSession ends a session (logout); an unknown token is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.update(ctx, func(tx Tx) error {
		var userID int64
		var agency string
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE id = ? RETURNING user_id, agency_code`, qms.HashSecret(token)).Scan(&userID, &agency)
		if err == sql.ErrNoRows {
			return nil
		} else if err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "auth.logout", "user", Itoa(userID), nil, nil, "")
	})
}

// UnlockLogin forgets the failed logins of a user at every address.
func (s *Store) UnlockLogin(ctx context.Context, username string) (int, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var n int64
	err := s.update(ctx, func(tx Tx) error {
		u, err := findOneUser(ctx, tx, s.cfg.InsertOrder, qms.UserFilter{Username: &username})
		if err != nil {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", username)
		}
		if err := qms.CheckAccountAction(tx.Actor(), u); err != nil {
			return err
		}
		if n, err = tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = ?`, username); err != nil {
			return fmt.Errorf("unlock login: %w", err)
		} else if n == 0 {
			return nil
		}
		return AuditAccount(ctx, tx, u, "auth.unlock", "user", Itoa(u.ID), nil, map[string]any{"addresses": n}, "")
	})
	return int(n), err
}
