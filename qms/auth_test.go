package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// TestAddrFailureLeaks: the count of an address across usernames is a
// leaky bucket: one a failure, one less each AddrFailureLeak, a lock at
// MaxAddrLoginFailures.
func TestAddrFailureLeaks(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	leak := qms.AddrFailureLeak
	for _, c := range []struct {
		name      string
		level     int
		since     time.Time
		now       time.Time
		wantLevel int
		wantSince time.Time
		locks     bool
	}{
		{"first failure", 0, time.Time{}, t0, 1, t0, false},
		{"no time to leak", 5, t0, t0.Add(leak / 2), 6, t0, false},
		{"two leaked, the rest of a minute kept", 5, t0, t0.Add(2*leak + leak/2), 4, t0.Add(2 * leak), false},
		{"all leaked: the bucket starts again", 3, t0, t0.Add(10 * leak), 1, t0.Add(10 * leak), false},
		{"the limit locks", qms.MaxAddrLoginFailures - 1, t0, t0.Add(leak / 2), qms.MaxAddrLoginFailures, t0, true},
		{"one leaked below the limit", qms.MaxAddrLoginFailures - 1, t0, t0.Add(leak), qms.MaxAddrLoginFailures - 1, t0.Add(leak), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			level, since, d := qms.AddrFailure(c.level, c.since, c.now)
			if level != c.wantLevel || !since.Equal(c.wantSince) || (d > 0) != c.locks {
				t.Fatalf("AddrFailure(%d, %v, %v) = %d, %v, %v; want %d, %v, lock %v",
					c.level, c.since, c.now, level, since, d, c.wantLevel, c.wantSince, c.locks)
			}
			if c.locks && d != qms.LoginLockDuration {
				t.Fatalf("lock of %v, want %v", d, qms.LoginLockDuration)
			}
		})
	}
}

// TestAddrFailureSlowTyposNeverLock: an office that mistypes once a
// minute, hour after hour, is never locked.
func TestAddrFailureSlowTyposNeverLock(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	level, since := 0, time.Time{}
	for i := 0; i < 8*60; i++ {
		var d time.Duration
		if level, since, d = qms.AddrFailure(level, since, now); d > 0 {
			t.Fatalf("locked at failure %d", i+1)
		}
		now = now.Add(qms.AddrFailureLeak)
	}
}

// TestUnlockAddrKey: the operator's spelling of an address to unlock
// reaches the key its failures were counted under; anything else is
// refused, quoting at most 64 bytes of it.
func TestUnlockAddrKey(t *testing.T) {
	for _, c := range []struct{ in, want, errHas string }{
		{"203.0.113.5", "203.0.113.5", ""},
		{" ::ffff:203.0.113.5 ", "203.0.113.5", ""},
		{"203.0.113.5:5555", "203.0.113.5", ""},
		{"[2001:db8::77]:443", "2001:db8::/64", ""},
		{"2001:db8::/64", "2001:db8::/64", ""},
		{"2001:db8::/48", "", "không hợp lệ"},
		{"header:unknown", "header:unknown", ""},
		{"10.2.2", "", `"10.2.2"`},
		{strings.Repeat("9", 100_000), "", strings.Repeat("9", 64) + "…\""},
	} {
		got, err := qms.UnlockAddrKey(c.in)
		if c.errHas == "" {
			if err != nil || got != c.want {
				t.Errorf("UnlockAddrKey(%.20q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.errHas) || len(err.Error()) > 300 {
			t.Errorf("UnlockAddrKey(%.20q): error %.300v, want one containing %q, short", c.in, err, c.errHas)
		}
	}
}

// TestThrottleAddr: the key a client address is counted under.
func TestThrottleAddr(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, c := range []struct{ in, want string }{
		{"", "-"},
		{"  ", "-"},
		{"203.0.113.5", "203.0.113.5"},
		{"::ffff:203.0.113.5", "203.0.113.5"},
		{"2001:db8::77", "2001:db8::/64"},
		{"2001:DB8:0:0:1::77", "2001:db8::/64"},
		{"2001:0db8:0000:0000:ffff::1", "2001:db8::/64"},
		{"2001:db8:0:1::1", "2001:db8:0:1::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"203.0.113.5:5555", "203.0.113.5"},
		{"[::ffff:203.0.113.5]:443", "203.0.113.5"},
		{"[2001:db8::77]", "2001:db8::/64"},
		{"[2001:db8::77]:8080", "2001:db8::/64"},
		{"khong-phai-dia-chi", "khong-phai-dia-chi"},
		{long, long[:64]},
	} {
		if got := qms.ThrottleAddr(c.in); got != c.want {
			t.Errorf("ThrottleAddr(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
