package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"isodt/qms/postgres/pgcluster"
)

// TestBeyond5DatabaseDown: PostgreSQL restarts under a running server (a
// failover, a maintenance restart). While it is down the server answers
// 503 with Retry-After and a message saying to try again, as JSON for
// the API and as the error page for a browser, never 500; /readyz says
// not ready. Once it is back the same token works again, with no restart
// of qms.
func TestBeyond5DatabaseDown(t *testing.T) {
	if _, err := pgcluster.FindBin(); err != nil {
		t.Skip("SKIP: PostgreSQL is not installed ('apt-get install postgresql')")
	}
	// A cluster of its own: the shared one of pgtest must stay up.
	cl, err := pgcluster.Start(pgcluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Stop()
	if err := cl.Exec(`CREATE DATABASE qms`); err != nil {
		t.Fatal(err)
	}
	url := cl.URL("qms")
	ctx := context.Background()
	pw := bootstrapPostgres(t, url)
	var log bytes.Buffer
	srv, err := spawnServer(ctx, buildQMS(t), url, &log)
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, log.String())
	}
	defer srv.stop(10 * time.Second)
	token := apiToken(t, srv.base, "admin", pw)
	if code, out := apiCall(t, srv.base, "GET", "/api/v1/me", token, ""); code != http.StatusOK {
		t.Fatalf("before the restart: %d %s", code, out)
	}

	if err := cl.Halt(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, accept, want string
	}{
		{"API", "/api/v1/me", "application/json", `"code":"unavailable"`},
		{"public page", "/public/STTTT", "text/html", "thử lại sau"}, // the agency is looked up in the database
	} {
		req, _ := http.NewRequest("GET", srv.base+tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", tc.accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, tc.want) {
			t.Errorf("%s with the database down: %d, Retry-After %q, want 503 saying %q:\n%s", tc.name, resp.StatusCode, resp.Header.Get("Retry-After"), tc.want, body)
		}
	}
	if resp, err := http.Get(srv.base + "/readyz"); err != nil || resp.StatusCode == http.StatusOK {
		t.Errorf("/readyz with the database down: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	if err := cl.Resume(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, out := apiCall(t, srv.base, "GET", "/api/v1/me", token, "")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the database came back: %d %s\n%s", code, out, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
