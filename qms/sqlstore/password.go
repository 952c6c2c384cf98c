package sqlstore

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// A bcrypt comparison at the default cost is some 60 ms of one core's
// time, thousands of times a page read's. Unbounded, a burst of logins or
// signatures (or a flood of guesses from many addresses, which the
// per-address throttle does not slow) takes every core at once and stalls
// the write group and every page behind it. passwordChecks lets half the
// cores compare passwords at a time and a bounded queue wait for them;
// past the queue the check is refused at once, to be tried again shortly.
var passwordChecks = newCheckGate(max(1, runtime.GOMAXPROCS(0)/2), 64)

// passwordRetry is the Retry-After of a check refused by a full queue:
// the queue drains in about 64 × 60 ms.
const passwordRetry = 5 * time.Second

// PasswordMatches compares a password with its bcrypt hash, waiting its
// turn among the password checks in this process; err is set only when
// no comparison was made (the queue was full or ctx ended). The stores'
// Authenticate calls it for a known user and for an unknown one alike, so
// both take the same time.
func PasswordMatches(ctx context.Context, hash, password []byte) (bool, error) {
	if err := passwordChecks.enter(ctx); err != nil {
		return false, err
	}
	defer passwordChecks.leave()
	return bcrypt.CompareHashAndPassword(hash, password) == nil, nil
}

// checkGate admits a few costly checks at once and queues at most
// maxWaiting more.
type checkGate struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
}

func newCheckGate(running, maxWaiting int) *checkGate {
	return &checkGate{slots: make(chan struct{}, running), maxWaiting: int64(maxWaiting)}
}

// enter takes a slot, waiting in the queue when all are taken; it
// returns ETOOMANY when the queue is full and ctx's error when ctx ends
// first.
func (g *checkGate) enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return qms.TooMany(passwordRetry, "Máy chủ đang kiểm tra nhiều mật khẩu cùng lúc: thử lại sau ít giây.")
	}
	defer g.waiting.Add(-1)
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *checkGate) leave() { <-g.slots }
