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
