package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"isodt/qms"
)

// The login throttle's count per client address across usernames
// (qms.AddrFailure), kept in the login_throttle row of username
// qms.AddrThrottleKey. Both stores count a username's failures in their
// own code; the address's count is the same on both and written here.

// AddrLockedUntil is the end of the lock of a client address across
// usernames (zero if none). forUpdate is the dialect's row lock for the
// rest of the transaction ("" on SQLite, whose writes take turns).
func AddrLockedUntil(ctx context.Context, q Querier, addr, forUpdate string) (time.Time, error) {
	var until *string
	err := q.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE username = ? AND addr = ?`+forUpdate,
		qms.AddrThrottleKey, addr).Scan(&until)
	if err != nil && err != sql.ErrNoRows {
		return time.Time{}, fmt.Errorf("read the lock of address %s: %w", addr, err)
	}
	if until == nil {
		return time.Time{}, nil
	}
	return ParseTime(*until), nil
}

// CountAddrFailure counts a failed login from addr in the caller's write
// transaction. A lock in force is returned with inForce and nothing is
// counted (the guesses a lock refuses never extend it); otherwise until
// is the lock this failure starts, zero if none. A lock's start is
// audited as auth.lock_addr.
func CountAddrFailure(ctx context.Context, tx Tx, addr, forUpdate string) (until time.Time, inForce bool, err error) {
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
	var lockFrom time.Time
	if since != "" {
		lockFrom = ParseTime(since)
	}
	level, leakedTo, d := qms.AddrFailure(level, lockFrom, now)
	var lock any
	if d > 0 {
		until = now.Add(d)
		lock = FormatTime(until)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO login_throttle (username, addr, failures, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (username, addr) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		qms.AddrThrottleKey, addr, level, lock, FormatTime(leakedTo)); err != nil {
		return time.Time{}, false, fmt.Errorf("count a login failure of address %s: %w", addr, err)
	}
	if d == 0 {
		return time.Time{}, false, nil
	}
	return until, false, tx.Audit(ctx, qms.SystemAgencyCode, "auth.lock_addr", "login_addr", addr, nil,
		map[string]any{"failures": level, "locked_until": until}, "đăng nhập sai nhiều lần với nhiều tên đăng nhập")
}

// LoginRefusal is the answer to a failed login once it is counted: err
// if counting failed; the address's lock (addrUntil) when one is in
// force or begins; the username's lock in force when nothing was counted
// (failures 0); otherwise the failures-th failure of the username.
func LoginRefusal(err error, failures int, until, addrUntil, now time.Time) error {
	switch {
	case err != nil:
		return err
	case !addrUntil.IsZero():
		return qms.LoginAddrLocked(addrUntil, now)
	case failures == 0:
		return qms.LoginLocked(until, now)
	}
	return qms.LoginFailed(failures, until, now)
}
