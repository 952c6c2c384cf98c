package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
)

// The gate runs at most maxRunning checks at once, queues at most
// maxWaiting more and refuses the next at once with a Retry-After; a
// freed slot admits one waiter; a waiter whose context ends leaves the
// queue; nothing is left over once every check has ended.
func TestTrustPasswordChecksBounded(t *testing.T) {
	g := newCheckGate(1, 2, 10)
	bg := context.Background()
	if err := g.enter(bg, "a"); err != nil {
		t.Fatalf("first check: %v", err)
	}
	first, second := queue(t, g, bg, "a", 1), queue(t, g, bg, "a", 2)
	notYet(t, first, "a check beside the first")
	err := g.enter(bg, "b")
	var qe *qms.Error
	if !errors.As(err, &qe) || qe.Code != qms.ETOOMANY || qe.RetryAfter <= 0 {
		t.Fatalf("a check past the queue: %v, want ETOOMANY with a Retry-After", err)
	}
	g.leave()
	if err := <-first; err != nil {
		t.Fatalf("the oldest waiter after the slot freed: %v", err)
	}
	notYet(t, second, "a second waiter with one slot")
	ctx, cancel := context.WithCancel(bg)
	gone := queue(t, g, ctx, "c", 2)
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter whose request ended: %v", err)
	}
	if n := g.waitingNow(); n != 1 {
		t.Fatalf("queue after the cancelled waiter left: %d, want 1", n)
	}
	g.leave()
	if err := <-second; err != nil {
		t.Fatalf("last waiter: %v", err)
	}
	g.leave()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running != 0 || g.waiting != 0 || len(g.queues) != 0 || len(g.turns) != 0 {
		t.Fatalf("after every check ended: running %d, waiting %d, queues %v, turns %v", g.running, g.waiting, g.queues, g.turns)
	}
}

// Addresses take turns: an address that sent many checks at once holds
// at most perAddr places in the queue, and a check from another address
// runs after one more of the flood's, not after all of them.
func TestTrustPasswordChecksFairAmongAddresses(t *testing.T) {
	g := newCheckGate(1, 64, 3)
	bg := context.Background()
	if err := g.enter(bg, "flood"); err != nil {
		t.Fatal(err)
	}
	var flood []chan error
	for i := range 3 {
		flood = append(flood, queue(t, g, bg, "flood", i+1))
	}
	for i := range 50 {
		if err := g.enter(bg, "flood"); qms.ErrorCode(err) != qms.ETOOMANY {
			t.Fatalf("the flood's check %d past its share of the queue: %v, want ETOOMANY", i+5, err)
		}
	}
	owner := queue(t, g, bg, "owner", 4)
	g.leave()
	if err := <-flood[0]; err != nil {
		t.Fatal(err)
	}
	g.leave()
	select {
	case err := <-owner:
		if err != nil {
			t.Fatal(err)
		}
	case err := <-flood[1]:
		t.Fatalf("the flood's second waiter ran before the owner, who waited behind one of its checks (%v)", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the owner's check did not run")
	}
	for _, w := range flood[1:] {
		g.leave()
		if err := <-w; err != nil {
			t.Fatal(err)
		}
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
		if got, err := PasswordMatches(bg, "127.0.0.1", hash, []byte(tc.password)); err != nil || got != tc.want {
			t.Errorf("PasswordMatches(%q) = %v, %v; want %v", tc.password, got, err, tc.want)
		}
	}
	saved := passwordChecks
	t.Cleanup(func() { passwordChecks = saved })
	passwordChecks = newCheckGate(1, 0, 2)
	if err := passwordChecks.enter(bg, "127.0.0.2"); err != nil {
		t.Fatal(err)
	}
	if got, err := PasswordMatches(bg, "127.0.0.1", hash, []byte("mật khẩu đúng")); qms.ErrorCode(err) != qms.ETOOMANY || got {
		t.Fatalf("with every slot taken and no queue: %v, %v; want ETOOMANY", got, err)
	}
}

func (g *checkGate) waitingNow() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// queue starts a check of addr that must wait, and returns once it is the
// n-th waiter; its outcome arrives on the channel.
func queue(t *testing.T, g *checkGate, ctx context.Context, addr string, n int) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- g.enter(ctx, addr) }()
	for deadline := time.Now().Add(5 * time.Second); g.waitingNow() != n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("check of %s not queued as waiter %d", addr, n)
		}
	}
	return done
}

func notYet(t *testing.T, c chan error, what string) {
	t.Helper()
	select {
	case err := <-c:
		t.Fatalf("%s: %v", what, err)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestTrust6DummyHashCost: the hash an unknown username is checked
// against has the cost of real password hashes, whatever the store's
// PasswordCost, so that an unknown user answers as slowly as a known one.
func TestTrust6DummyHashCost(t *testing.T) {
	for _, tt := range []struct {
		name       string
		configured int
		want       int
	}{{"default", 0, bcrypt.DefaultCost}, {"lowered for tests", bcrypt.MinCost + 1, bcrypt.MinCost + 1}, {"raised", 11, 11}} {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Config{PasswordCost: tt.configured})
			real, err := s.hashPassword("ngua-o-123")
			if err != nil {
				t.Fatal(err)
			}
			realCost, _ := bcrypt.Cost([]byte(real))
			dummyCost, err := bcrypt.Cost(s.dummyHash())
			if err != nil || dummyCost != tt.want || dummyCost != realCost {
				t.Fatalf("dummy hash cost %d (%v), real hash cost %d, want %d", dummyCost, err, realCost, tt.want)
			}
		})
	}
}
