package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// A bcrypt comparison at the default cost is some 60 ms of one core's
// time, thousands of times a page read's. Unbounded, a burst of logins or
// signatures (or a flood of guesses naming a new user each time, which
// the per-username throttle does not slow) takes every core at once and
// stalls the write group and every page behind it. passwordChecks lets
// half the cores compare passwords at a time; the others wait in a
// bounded queue served one client address after another, so that one
// address sending many checks at once delays each other address by one
// check at most, not by its whole burst. An office behind one NAT address
// still gets its morning logins queued rather than refused.
var passwordChecks = newCheckGate(max(1, runtime.GOMAXPROCS(0)/2), 256, 64)

// passwordRetry is the Retry-After of a check refused by a full queue.
const passwordRetry = 5 * time.Second

// PasswordMatches compares a password with its bcrypt hash, waiting its
// turn among the password checks in this process; err is set only when
// no comparison was made (the queue was full or ctx ended). The stores'
// Authenticate calls it for a known user and for an unknown one alike, so
// both take the same time. addr is the client's address as the login
// throttle keys it. The password is compared in its qms.PasswordText
// form, the one hashed; one typed in another Unicode form is also
// compared as typed, for a hash made before passwords were normalised.
func PasswordMatches(ctx context.Context, addr string, hash, password []byte) (bool, error) {
	if err := passwordChecks.enter(ctx, addr); err != nil {
		return false, err
	}
	defer passwordChecks.leave()
	nfc := []byte(qms.PasswordText(string(password)))
	if bcrypt.CompareHashAndPassword(hash, nfc) == nil {
		return true, nil
	}
	return !bytes.Equal(nfc, password) && bcrypt.CompareHashAndPassword(hash, password) == nil, nil
}

// checkGate runs at most maxRunning costly checks at once. The others
// wait, at most maxWaiting of them and perAddr from one address; a slot
// that frees goes to the oldest waiter of the address whose turn it is,
// the addresses taking turns.
type checkGate struct {
	mu                              sync.Mutex
	running, waiting                int
	maxRunning, maxWaiting, perAddr int
	queues                          map[string][]chan struct{} // address → its waiters, oldest first
	turns                           []string                   // the addresses with waiters, next first
}

func newCheckGate(maxRunning, maxWaiting, perAddr int) *checkGate {
	return &checkGate{maxRunning: maxRunning, maxWaiting: maxWaiting, perAddr: perAddr, queues: map[string][]chan struct{}{}}
}

// busy is the refusal of a check the gate has no place for.
func busy() error {
	return qms.TooMany(passwordRetry, "Máy chủ đang kiểm tra nhiều mật khẩu cùng lúc: thử lại sau ít giây.")
}

// enter returns once the check of addr may run, and must then be paired
// with a leave. It returns ETOOMANY at once when the queue or addr's share
// of it is full, and ctx's error when ctx ends while waiting.
func (g *checkGate) enter(ctx context.Context, addr string) error {
	g.mu.Lock()
	if g.running < g.maxRunning && g.waiting == 0 {
		g.running++
		g.mu.Unlock()
		return nil
	}
	q := g.queues[addr]
	if g.waiting >= g.maxWaiting || len(q) >= g.perAddr {
		g.mu.Unlock()
		return busy()
	}
	turn := make(chan struct{})
	if len(q) == 0 {
		g.turns = append(g.turns, addr)
	}
	g.queues[addr] = append(q, turn)
	g.waiting++
	g.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	q = g.queues[addr]
	i := slices.Index(q, turn)
	if i < 0 {
		g.mu.Unlock()
		g.leave() // handed a slot as ctx ended: give it on
		return ctx.Err()
	}
	g.queues[addr] = slices.Delete(q, i, i+1)
	g.waiting--
	if len(g.queues[addr]) == 0 {
		delete(g.queues, addr)
		g.turns = slices.DeleteFunc(g.turns, func(a string) bool { return a == addr })
	}
	g.mu.Unlock()
	return ctx.Err()
}

// leave ends a check: its slot goes to the next waiter, if any.
func (g *checkGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.waiting == 0 {
		g.running--
		return
	}
	addr := g.turns[0]
	g.turns = g.turns[1:]
	q := g.queues[addr]
	next := q[0]
	if q = q[1:]; len(q) > 0 {
		g.queues[addr] = q
		g.turns = append(g.turns, addr)
	} else {
		delete(g.queues, addr)
	}
	g.waiting--
	close(next) // the slot passes on: running stays as it is
}

// CheckPasswordUnchanged refuses, in a write transaction that creates a
// session or token for userID or changes its password, when ctx carries
// the stamp of a checked password (qms.WithCheckedPassword) that is no
// longer the account's.
// forShare is the dialect's row lock that makes a concurrent password
// change wait for this transaction ("" on SQLite, whose writes take
// turns).
func CheckPasswordUnchanged(ctx context.Context, tx Tx, userID int64, forShare string) error {
	stamp, ok := qms.CheckedPassword(ctx)
	if !ok {
		return nil
	}
	var hash string
	if err := tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`+forShare, userID).Scan(&hash); err != nil {
		return fmt.Errorf("read the password of user %d: %w", userID, err)
	}
	if qms.PasswordStampOf(hash) != stamp {
		return qms.ErrPasswordChanged
	}
	return nil
}
