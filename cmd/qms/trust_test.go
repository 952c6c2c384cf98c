package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"isodt/qms/qmstest"
)

// TestTrust12MetricsAddr: with --metrics-addr the metrics have a listener
// of their own, asking for the --metrics-token; the app's address
// answers /metrics with 404.
func TestTrust12MetricsAddr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &qmstest.Buffer{}
	db := filepath.Join(t.TempDir(), "qms.db")
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0", "--metrics-token", "m-token", "--db", db},
			strings.NewReader(""), out, io.Discard)
	}()
	appRe := regexp.MustCompile(`phục vụ tại http://(127\.0\.0\.1:\d+)`)
	metricsRe := regexp.MustCompile(`số liệu Prometheus tại http://(127\.0\.0\.1:\d+)/metrics`)
	var app, metrics string
	for i := 0; i < 100 && metrics == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		if m := appRe.FindStringSubmatch(out.String()); m != nil {
			app = m[1]
		}
		if m := metricsRe.FindStringSubmatch(out.String()); m != nil {
			metrics = m[1]
		}
	}
	if app == "" || metrics == "" {
		t.Fatalf("server did not announce both addresses:\n%s", out.String())
	}
	get := func(url, token string) (int, string) {
		req, _ := http.NewRequest("GET", url, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name, url, token string
		want             int
	}{
		{"app address, token", "http://" + app + "/metrics", "m-token", 404},
		{"metrics address, no token", "http://" + metrics + "/metrics", "", 401},
		{"metrics address, wrong token", "http://" + metrics + "/metrics", "x", 401},
		{"metrics address, token", "http://" + metrics + "/metrics", "m-token", 200},
		{"metrics address, other path", "http://" + metrics + "/readyz", "m-token", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(tt.url, tt.token)
			if code != tt.want || (tt.want == 200 && !strings.Contains(body, "qms_http_requests_total")) {
				t.Fatalf("status %d, want %d:\n%.300s", code, tt.want, body)
			}
		})
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestTrust12ReadOnlyDatabaseDir: serve and migrate on a database path
// that cannot be written say so in Vietnamese, naming the folder, and
// exit 2 without starting.
func TestTrust12ReadOnlyDatabaseDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, db: filepath.Join(file, "data", "qms.db")}
	for _, args := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		t.Run(args[0], func(t *testing.T) {
			code, out, errText := c.run("", args...)
			if code != 2 || !strings.Contains(errText, "không phải thư mục") || !strings.Contains(errText, file) ||
				strings.Contains(errText, "unable to open") || strings.Contains(out, "phục vụ tại") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errText)
			}
		})
	}
}
