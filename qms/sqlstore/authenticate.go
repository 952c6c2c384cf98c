package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// Authenticate checks a password with login throttling per username and
// client address (qms.LoginLockFor) and per address across usernames
// (qms.AddrFailure): guesses from one address lock that address out,
// never the owner signing in from another one. The stores differ only in
// how a success clears its count (Config.ClearLoginCount) and in the
// clause that locks the throttle rows a write reads (Config.RowLock).
func (s *Store) Authenticate(ctx context.Context, username, password, addr string) (*qms.User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if username == "" || password == "" {
		return nil, qms.Errorf(qms.EINVALID, "Nhập tên đăng nhập và mật khẩu.")
	}
	addr = qms.ThrottleAddr(addr)
	if len(username) > qms.MaxUsernameLen || len(password) > qms.MaxPasswordLen {
		// Nothing so long can match: not compared, but counted at the
		// address, so a flood of them meets the address's lock.
		return nil, s.loginFailed(ctx, "", addr)
	}
	now := s.cfg.Now().UTC()
	if refusal, err := LoginLock(ctx, s.read(), username, addr, "", now); err != nil {
		return nil, err
	} else if refusal != nil {
		return nil, refusal
	}
	var id int64
	var hash string
	var disabled bool
	err := s.read().QueryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`, username).Scan(&id, &hash, (*Flag)(&disabled))
	if err == sql.ErrNoRows {
		// An unknown username costs a comparison too, so that timing
		// does not tell which usernames exist.
		if _, err := PasswordMatches(ctx, addr, s.dummyHash(), []byte(password)); err != nil {
			return nil, err
		}
		return nil, s.loginFailed(ctx, username, addr)
	} else if err != nil {
		return nil, err
	}
	if match, err := PasswordMatches(ctx, addr, []byte(hash), []byte(password)); err != nil {
		return nil, err
	} else if !match || disabled {
		return nil, s.loginFailed(ctx, username, addr)
	}
	if err := s.cfg.ClearLoginCount(ctx, username, addr, now); err != nil {
		return nil, err
	}
	u, err := s.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u.PasswordStamp = qms.PasswordStampOf(hash)
	return u, nil
}

// ClearLoginCount is the end of a successful login on q, in the order the
// store gives its writes (see Config.ClearLoginCount): the username's count
// at addr goes, unless guesses racing this login locked the username or the
// address meanwhile; then the lock wins and is the refusal.
func ClearLoginCount(ctx context.Context, q Querier, username, addr, rowLock string, now time.Time) error {
	if refusal, err := LoginLock(ctx, q, username, addr, rowLock, now); err != nil {
		return err
	} else if refusal != nil {
		return refusal
	}
	_, err := q.Exec(ctx, `DELETE FROM login_throttle WHERE username = ? AND addr = ? AND (locked_until IS NULL OR locked_until <= ?)`,
		username, addr, FormatTime(now))
	return err
}

// loginFailed counts a failed login of username (empty: over-long) from
// addr and returns the refusal to answer (CountLoginFailure). The actor is
// the anonymous client: the username is what was guessed, the object of
// the lock, not who guessed it.
func (s *Store) loginFailed(ctx context.Context, username, addr string) error {
	ctx = qms.WithActor(ctx, qms.PublicActor(qms.SystemAgencyCode))
	var refusal error
	err := s.update(ctx, func(tx Tx) (err error) {
		refusal, err = CountLoginFailure(ctx, tx, username, addr, s.cfg.RowLock)
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}

// dummyHash is compared against when the username is unknown. It has the
// cost of the real hashes, so that an unknown username takes as long as a
// wrong password; made on first use, since a CLI command that never signs
// anyone in should not pay for it.
func (s *Store) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		var err error
		s.dummy, err = bcrypt.GenerateFromPassword([]byte("không có người dùng này"), s.PasswordCost())
		if err != nil { // a cost above bcrypt's maximum, which refuses every password as well
			s.dummy, _ = bcrypt.GenerateFromPassword([]byte("không có người dùng này"), bcrypt.DefaultCost)
		}
	})
	return s.dummy
}
