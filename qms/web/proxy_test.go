package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"isodt/qms"
)

// TestTrustedProxyNamesClient: the login throttle keys on the address a
// trusted reverse proxy names in X-Real-IP, so one person's wrong
// passwords behind the proxy lock that person's address, not everyone's;
// from a peer that is not a trusted proxy the header is ignored, since
// any client can write it.
func TestTrustedProxyNamesClient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies []string
		// ownerElsewhere: the right password from another address named in
		// the header, after five wrong ones from the guesser's.
		ownerElsewhere int
	}{
		{"proxy trusted", []string{"127.0.0.1"}, 201},
		{"proxy in a trusted range", []string{"127.0.0.0/8"}, 201},
		{"no proxy trusted", nil, 429},
		{"peer outside the trusted range", []string{"10.0.0.0/8"}, 429},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t)
			a.proxies = tc.proxies
			a.wire()
			base := listen(t, a.srv)
			token := func(password, client string) int { t.Helper(); return tokenVia(t, base, password, client) }
			for i := range qms.MaxLoginFailures {
				want := 401
				if i == qms.MaxLoginFailures-1 {
					want = 429
				}
				if got := token(fmt.Sprintf("doan-%d", i), "203.0.113.7"); got != want {
					t.Fatalf("wrong password %d from 203.0.113.7: %d, want %d", i+1, got, want)
				}
			}
			if got := token("ngua-o-123", "203.0.113.7"); got != 429 {
				t.Fatalf("right password from the locked address: %d, want 429", got)
			}
			if got := token("ngua-o-123", "203.0.113.8"); got != tc.ownerElsewhere {
				t.Fatalf("right password from 203.0.113.8: %d, want %d", got, tc.ownerElsewhere)
			}
		})
	}
}

// TestTrustedProxyAddrSpellings: a trusted proxy may write the client's
// address as IPv4 mapped into IPv6, with a port or with a zone; the
// failures count against that client, not against the proxy (which
// would lock everyone behind it). A header naming no address counts
// under its own text.
func TestTrustedProxyAddrSpellings(t *testing.T) {
	for _, tc := range []struct{ name, guesser, sameClient, other string }{
		{"IPv4 mapped into IPv6", "::ffff:203.0.113.7", "203.0.113.7", "203.0.113.8"},
		{"with a port", "203.0.113.7:5555", "[::ffff:203.0.113.7]:80", "203.0.113.8:5555"},
		{"IPv6 with a zone", "fe80::1%eth0", "fe80::2", "2001:db8::1"},
		{"no address", "unknown", "unknown", "203.0.113.8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, logs := behindProxy(t)
			token := func(password, client string) int { t.Helper(); return tokenVia(t, base, password, client) }
			for i := range qms.MaxLoginFailures {
				token(fmt.Sprintf("doan-%d", i), tc.guesser)
			}
			if tc.name == "no address" && !strings.Contains(logs.String(), "names no address") {
				t.Errorf("no warning of the header naming no address in the log:\n%s", logs.String())
			}
			if got := token("ngua-o-123", tc.sameClient); got != 429 {
				t.Errorf("right password from %s, the guesser's address: %d, want 429", tc.sameClient, got)
			}
			if got := token("ngua-o-123", tc.other); got != 201 {
				t.Errorf("right password from %s behind the same proxy: %d, want 201", tc.other, got)
			}
		})
	}
}

// behindProxy serves a new app to a trusted proxy at 127.0.0.1 and
// returns its address and its log.
func behindProxy(t *testing.T) (base string, logs *lockedBuffer) {
	t.Helper()
	a := newApp(t)
	a.proxies = []string{"127.0.0.1"}
	logs = &lockedBuffer{}
	a.log = logs
	a.wire()
	return listen(t, a.srv), logs
}

// tokenVia asks for a token as a-leader with password, through a proxy
// naming the clients in X-Real-IP headers (an empty one is left out),
// and returns the status.
func tokenVia(t *testing.T, base, password string, clients ...string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/auth/token", strings.NewReader(`{"username":"a-leader","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, c := range clients {
		if c != "" {
			req.Header.Add("X-Real-IP", c)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTrustedProxyHeaderTwiceOrMissing: of two X-Real-IP headers the
// last, the one a proxy that adds rather than replaces wrote, names the
// client: the client's own forged first one does not count. A trusted
// proxy's request without the header counts under the proxy's address,
// with a warning in the log.
func TestTrustedProxyHeaderTwiceOrMissing(t *testing.T) {
	base, logs := behindProxy(t)
	token := func(password string, clients ...string) int {
		t.Helper()
		return tokenVia(t, base, password, clients...)
	}
	for i := range qms.MaxLoginFailures { // a guesser at .7 forging a new address each time
		token(fmt.Sprintf("doan-%d", i), fmt.Sprintf("198.51.100.%d", i), "203.0.113.7")
	}
	if got := token("ngua-o-123", "203.0.113.7"); got != 429 {
		t.Errorf("right password from the guesser's address: %d, want 429 (the last header counts)", got)
	}
	if got := token("ngua-o-123", "198.51.100.0"); got != 201 {
		t.Errorf("right password from an address the guesser forged: %d, want 201", got)
	}
	if got := token("ngua-o-123"); got != 201 || !strings.Contains(logs.String(), "without X-Real-IP") {
		t.Errorf("no header from the trusted proxy: %d, want 201 and a warning; log:\n%s", got, logs.String())
	}
}
