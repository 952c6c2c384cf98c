package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/web"
)

// lockedBuffer is a log sink the server's goroutines may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines are the "request" lines logged, decoded.
func (l *lockedBuffer) requests(t *testing.T) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

// The access log: by default only failed and slow requests get a line,
// each with its request id; --access-log all logs every request. The
// metrics count every request either way.
func TestOneSource5AccessLog(t *testing.T) {
	a := newApp(t)
	for _, tc := range []struct {
		name    string
		cfg     web.Config
		paths   []string
		logged  []string // paths with a line, in order
		metrics bool
	}{
		{name: "default: failed only", cfg: web.Config{}, paths: []string{"/healthz", "/khong-co", "/healthz"}, logged: []string{"/khong-co"}},
		{name: "all", cfg: web.Config{AccessLog: web.AccessLogAll}, paths: []string{"/healthz", "/khong-co"}, logged: []string{"/healthz", "/khong-co"}},
		{name: "slow threshold", cfg: web.Config{SlowRequest: time.Nanosecond}, paths: []string{"/healthz"}, logged: []string{"/healthz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sink lockedBuffer
			tc.cfg.Logger = slog.New(slog.NewJSONHandler(&sink, nil))
			tc.cfg.MetricsToken = "do-dem"
			srv := a.serverWith(tc.cfg)
			for _, p := range tc.paths {
				resp, err := srv.App().Test(httptest.NewRequest("GET", p, nil), -1)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			got := sink.requests(t)
			if len(got) != len(tc.logged) {
				t.Fatalf("logged %v, want lines for %v", got, tc.logged)
			}
			for i, m := range got {
				if m["path"] != tc.logged[i] || m["request_id"] == nil || m["request_id"] == "" {
					t.Errorf("line %d: %v, want path %s with a request id", i, m, tc.logged[i])
				}
			}
			req := httptest.NewRequest("GET", "/metrics", nil)
			req.Header.Set("Authorization", "Bearer do-dem")
			resp, err := srv.App().Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			resp.Body.Close()
			if !strings.Contains(body.String(), `route="/healthz"`) {
				t.Errorf("metrics miss the requests not logged:\n%.2000s", body.String())
			}
		})
	}
	if _, err := web.ParseAccessLog("moi-thu"); err == nil {
		t.Error("an unknown access log setting was accepted")
	}
}

// Refusals (429) are sampled in the access log: one line a second, the
// next one saying how many went unlogged; a refused login adds no line of
// its own. A flood of refused requests cannot fill the disk.
func TestTrustRefusalsSampledInLog(t *testing.T) {
	a := newApp(t)
	var sink lockedBuffer
	a.srv = a.serverWith(web.Config{Logger: slog.New(slog.NewJSONHandler(&sink, nil))})
	srv := a.srv
	token := func() int {
		req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{"username":"a-leader","password":"sai-mat-khau"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	refusals := func() []map[string]any {
		var out []map[string]any
		for _, m := range sink.requests(t) {
			if m["status"] == float64(429) {
				out = append(out, m)
			}
		}
		return out
	}
	const flood = 40
	refused := 0
	start := time.Now()
	for range qms.MaxLoginFailures + flood {
		if token() == 429 {
			refused++
		}
	}
	if time.Since(start) >= time.Second {
		t.Skip("the requests took over a second: the machine is too busy for this test")
	}
	if got := refusals(); refused < flood || len(got) != 1 {
		t.Fatalf("%d refused requests in under a second logged %d lines, want 1", refused, len(got))
	}
	time.Sleep(time.Second + 50*time.Millisecond)
	if token() != 429 {
		t.Fatal("the locked username's next try was not refused")
	}
	got := refusals()
	if len(got) != 2 || got[1]["refused_not_logged"] != float64(refused-1) {
		t.Fatalf("after a second: %v, want a second line with refused_not_logged %d", got, refused-1)
	}
	loginRefused := func() int {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return strings.Count(sink.b.String(), `"login refused"`)
	}
	// The token endpoint's wrong passwords were logged, one line each,
	// the one that started the lock included; the refusals of the lock
	// in force were not.
	before := loginRefused()
	if want := qms.MaxLoginFailures; before != want {
		t.Fatalf("the token requests logged %d \"login refused\" lines, want %d (the wrong passwords up to the lock)", before, want)
	}
	csrf := anonCSRF(t, a)
	if code := postLogin(a, csrf, "a-leader", "sai-mat-khau").StatusCode; code != 429 || loginRefused() != before {
		t.Fatalf("a refused login (%d) logged %d \"login refused\" lines, want none", code, loginRefused()-before)
	}
	if code := postLogin(a, csrf, "a-staff", "sai-mat-khau").StatusCode; code != 401 || loginRefused() != before+1 {
		t.Fatalf("a wrong password (%d) logged %d \"login refused\" lines, want 1", code, loginRefused()-before)
	}
}
