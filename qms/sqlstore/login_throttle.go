package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"isodt/qms"
)

// The login throttle, the same on both stores: a count per username and
// client address (qms.LoginLockFor) and one per address across usernames
// (qms.AddrFailure), kept in the login_throttle row of username
// qms.AddrThrottleKey.

// LoginLock is the refusal of a login of username from addr while a lock
// is in force, of the username at the address or of the address; nil
// when none. One statement reads both rows (a login asks before its
// password check and again after); forUpdate locks them for the rest of
// the transaction ("" on SQLite, whose writes take turns).
func LoginLock(ctx context.Context, q Querier, username, addr, forUpdate string, now time.Time) (refusal, err error) {
	rows, err := q.Query(ctx, `SELECT username, locked_until FROM login_throttle WHERE addr = ? AND username IN (?, ?)`+forUpdate,
		addr, username, qms.AddrThrottleKey)
	if err != nil {
		return nil, fmt.Errorf("read the login locks of %s at %s: %w", username, addr, err)
	}
	defer rows.Close()
	for rows.Next() {
		var who string
		var locked *string
		if err := rows.Scan(&who, &locked); err != nil {
			return nil, err
		}
		if locked == nil || !now.Before(ParseTime(*locked)) {
			continue
		}
		if until := ParseTime(*locked); who == qms.AddrThrottleKey {
			refusal = qms.LoginAddrLocked(until, now)
		} else if refusal == nil {
			refusal = qms.LoginLocked(until, now)
		}
	}
	return refusal, rows.Err()
}

// CountLoginFailure counts a failed login of username from addr in the
// caller's write transaction and returns the refusal to answer: the
// username's count at the address (qms.LoginLockFor) and the address's
// across usernames (qms.AddrFailure). An empty username is one no account
// can have (over-long): it counts at the address only. A lock in force,
// of the username or of the address, refuses without counting anything,
// so the guesses it refuses never extend it. The first lock of a
// username's episode (the life of its row) is audited as auth.lock, each
// lock of an address as auth.lock_addr. Rows quiet for
// LoginFailureWindow are deleted on the way. forUpdate is the dialect's
// row lock ("" on SQLite, whose writes take turns).
func CountLoginFailure(ctx context.Context, tx Tx, username, addr, forUpdate string) (refusal, err error) {
	now := tx.Now()
	if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?)`,
		FormatTime(now.Add(-qms.LoginFailureWindow)), FormatTime(now)); err != nil {
		return nil, fmt.Errorf("forget old login failures: %w", err)
	}
	var failures int
	if username != "" {
		var locked *string
		err := tx.QueryRow(ctx, `SELECT failures, locked_until FROM login_throttle WHERE username = ? AND addr = ?`+forUpdate, username, addr).Scan(&failures, &locked)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("read the login failures of %s: %w", username, err)
		}
		if locked != nil && now.Before(ParseTime(*locked)) {
			return qms.LoginLocked(ParseTime(*locked), now), nil
		}
	}
	addrUntil, inForce, err := countAddrFailure(ctx, tx, addr, forUpdate)
	if err != nil {
		return nil, err
	} else if inForce {
		return qms.LoginAddrLocked(addrUntil, now), nil
	}
	var until time.Time
	if username != "" {
		if failures, until, err = countUsernameFailure(ctx, tx, username, addr, failures); err != nil {
			return nil, err
		}
	}
	if !addrUntil.IsZero() {
		return qms.LoginAddrLockStarted(addrUntil, now), nil
	}
	return qms.LoginFailed(failures, until, now), nil
}

// countUsernameFailure counts the failure after failures of username at
// addr and returns the count and the lock it starts, zero if none.
func countUsernameFailure(ctx context.Context, tx Tx, username, addr string, failures int) (int, time.Time, error) {
	now := tx.Now()
	failures++
	var until time.Time
	var lock any
	if d := qms.LoginLockFor(failures); d > 0 {
		until = now.Add(d)
		lock = FormatTime(until)
	}
	if err := putThrottleRow(ctx, tx, username, addr, failures, lock, now); err != nil {
		return 0, time.Time{}, fmt.Errorf("count a login failure of %s: %w", username, err)
	}
	if failures != qms.MaxLoginFailures {
		return failures, until, nil
	}
	agencies, err := lockAgencies(ctx, tx, username)
	if err != nil {
		return 0, time.Time{}, err
	}
	for _, agency := range agencies {
		if err := tx.Audit(ctx, agency, "auth.lock", "login", username, nil,
			map[string]any{"addr": addr, "failures": failures, "locked_until": until}, "đăng nhập sai nhiều lần"); err != nil {
			return 0, time.Time{}, err
		}
	}
	return failures, until, nil
}

// lockAgencies are the agencies whose audit trail records the lock of
// username: SYS, and each agency the account (if there is one) has a
// role in, so that the admin who holds the unlock button sees why; an
// agency merged into another is read-only and left out.
func lockAgencies(ctx context.Context, tx Tx, username string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT m.agency_code FROM memberships m JOIN users u ON u.id = m.user_id JOIN agencies a ON a.code = m.agency_code
		WHERE u.username = ? AND a.merged_into IS NULL AND m.agency_code <> ? ORDER BY m.agency_code`, username, qms.SystemAgencyCode)
	if err != nil {
		return nil, fmt.Errorf("find the agencies of %s: %w", username, err)
	}
	defer rows.Close()
	out := []string{qms.SystemAgencyCode}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		out = append(out, code)
	}
	return out, rows.Err()
}

// countAddrFailure counts a failed login from addr across usernames. A
// lock in force is returned with inForce and nothing is counted;
// otherwise until is the lock this failure starts, zero if none.
func countAddrFailure(ctx context.Context, tx Tx, addr, forUpdate string) (until time.Time, inForce bool, err error) {
	now := tx.Now()
	var level int
	var locked *string
	var since string
	err = tx.QueryRow(ctx, `SELECT failures, locked_until, updated_at FROM login_throttle WHERE username = ? AND addr = ?`+forUpdate,
		qms.AddrThrottleKey, addr).Scan(&level, &locked, &since)
	if err != nil && err != sql.ErrNoRows {
		return time.Time{}, false, fmt.Errorf("read the login failures of address %s: %w", addr, err)
	}
	if locked != nil && now.Before(ParseTime(*locked)) {
		return ParseTime(*locked), true, nil
	}
	var leakedFrom time.Time
	if since != "" {
		leakedFrom = ParseTime(since)
	}
	level, leakedTo, d := qms.AddrFailure(level, leakedFrom, now)
	var lock any
	if d > 0 {
		until = now.Add(d)
		lock = FormatTime(until)
	}
	if err := putThrottleRow(ctx, tx, qms.AddrThrottleKey, addr, level, lock, leakedTo); err != nil {
		return time.Time{}, false, fmt.Errorf("count a login failure of address %s: %w", addr, err)
	}
	if d == 0 {
		return time.Time{}, false, nil
	}
	return until, false, tx.Audit(ctx, qms.SystemAgencyCode, "auth.lock_addr", "login_addr", addr, nil,
		map[string]any{"failures": level, "locked_until": until}, "đăng nhập sai nhiều lần với nhiều tên đăng nhập")
}

// UnlockAddress ends the lock of a client address across usernames; an
// address that does not parse (qms.UnlockAddrKey) is refused before any
// write.
func (s *Store) UnlockAddress(ctx context.Context, addr string) (int, error) {
	key, err := qms.UnlockAddrKey(addr)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.update(ctx, func(tx Tx) (err error) {
		n, err = unlockAddress(ctx, tx, key)
		return err
	})
	return int(n), err
}

// unlockAddress ends the lock of the address key in the write
// transaction tx: it deletes the address's count across
// usernames, not the counts of usernames at the address, which are
// their own episodes (UnlockLogin). A row cleared is audited as
// auth.unlock_addr under SYS, where its auth.lock_addr is, with the
// count and lock it ended; nothing cleared writes nothing.
func unlockAddress(ctx context.Context, tx Tx, key string) (int64, error) {
	if err := qms.CheckAddressUnlock(tx.Actor()); err != nil {
		return 0, err
	}
	var level int
	var locked *string
	err := tx.QueryRow(ctx, `DELETE FROM login_throttle WHERE username = ? AND addr = ? RETURNING failures, locked_until`,
		qms.AddrThrottleKey, key).Scan(&level, &locked)
	if err == sql.ErrNoRows {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("unlock address %s: %w", key, err)
	}
	before := map[string]any{"failures": level, "locked_until": nil}
	if locked != nil {
		before["locked_until"] = ParseTime(*locked)
	}
	return 1, tx.Audit(ctx, qms.SystemAgencyCode, "auth.unlock_addr", "login_addr", key, before, nil, "")
}

// putThrottleRow writes the count of username (or of the address,
// qms.AddrThrottleKey) at addr; lock is the end of its lock or nil.
func putThrottleRow(ctx context.Context, tx Tx, username, addr string, failures int, lock any, updated time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO login_throttle (username, addr, failures, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (username, addr) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		username, addr, failures, lock, FormatTime(updated))
	return err
}
