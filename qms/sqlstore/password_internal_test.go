package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// The gate runs at most its slots at once, queues at most maxWaiting more
// and refuses the next at once with a Retry-After; a freed slot admits a
// waiter; a waiter whose context ends leaves the queue.
func TestTrustPasswordChecksBounded(t *testing.T) {
	g := newCheckGate(1, 2)
	bg := context.Background()
	if err := g.enter(bg); err != nil {
		t.Fatalf("first check: %v", err)
	}
	admitted := make(chan error, 2)
	for range 2 {
		go func() { admitted <- g.enter(bg) }()
	}
	waitFor(t, func() bool { return g.waiting.Load() == 2 }, "two checks queued")
	select {
	case err := <-admitted:
		t.Fatalf("a check ran beside the first: %v", err)
	default:
	}
	err := g.enter(bg)
	var qe *qms.Error
	if !errors.As(err, &qe) || qe.Code != qms.ETOOMANY || qe.RetryAfter <= 0 {
		t.Fatalf("a check past the queue: %v, want ETOOMANY with a Retry-After", err)
	}
	g.leave()
	if err := <-admitted; err != nil {
		t.Fatalf("the oldest waiter after the slot freed: %v", err)
	}
	select {
	case err := <-admitted:
		t.Fatalf("a second waiter ran with one slot: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	ctx, cancel := context.WithCancel(bg)
	gone := make(chan error, 1)
	go func() { gone <- g.enter(ctx) }()
	waitFor(t, func() bool { return g.waiting.Load() == 2 }, "a cancellable check queued")
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter whose request ended: %v", err)
	}
	if n := g.waiting.Load(); n != 1 {
		t.Fatalf("queue after the cancelled waiter left: %d, want 1", n)
	}
	g.leave()
	if err := <-admitted; err != nil {
		t.Fatalf("last waiter: %v", err)
	}
	g.leave()
}

// PasswordMatches compares through the process's gate and says whether
// the password matches; it refuses, without comparing, when the queue is
// full.
func TestTrustPasswordMatchesThroughGate(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("mật khẩu đúng"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	for _, tc := range []struct {
		password string
		want     bool
	}{{"mật khẩu đúng", true}, {"mật khẩu sai", false}} {
		if got, err := PasswordMatches(bg, hash, []byte(tc.password)); err != nil || got != tc.want {
			t.Errorf("PasswordMatches(%q) = %v, %v; want %v", tc.password, got, err, tc.want)
		}
	}
	saved := passwordChecks
	t.Cleanup(func() { passwordChecks = saved })
	passwordChecks = newCheckGate(1, 0)
	if err := passwordChecks.enter(bg); err != nil {
		t.Fatal(err)
	}
	if got, err := PasswordMatches(bg, hash, []byte("mật khẩu đúng")); qms.ErrorCode(err) != qms.ETOOMANY || got {
		t.Fatalf("with every slot taken and no queue: %v, %v; want ETOOMANY", got, err)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
