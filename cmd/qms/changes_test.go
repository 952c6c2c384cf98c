package main

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"isodt/qms/sqlite"
)

// TestOneSource2CLIUserAllowedWhileServing: a user, membership and token
// created with the qms CLI (another process) while `qms serve` runs are
// honoured by the server within a second, without a restart; the server
// warns once at start when its SQLite lacks the planner guarantee, and not
// otherwise.
func TestOneSource2CLIUserAllowedWhileServing(t *testing.T) {
	bin := buildQMS(t)
	dbPath := filepath.Join(t.TempDir(), "qms.db")
	seedDB(t, dbPath)
	srv := startServer(t, bin, dbPath)
	cli := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--db", dbPath)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("qms %s: %v %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	cli("ngua-o-123\n", "user", "add", "--username", "moi", "--agency", seedAgency, "--role", "staff")
	token := cli("", "token", "create", "--username", "moi")
	me := func() int {
		req, _ := http.NewRequest("GET", srv.base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(time.Second)
	for code := me(); code != 200; code = me() {
		if time.Now().After(deadline) {
			t.Fatalf("/api/v1/me of a user added by the CLI: %d a second later", code)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The binary is built with this test's CGO_CFLAGS, so with its SQLite.
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stable, err := db.PlannerStable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := 1
	if stable {
		want = 0
	}
	if n := strings.Count(srv.stderr.String(), "SQLITE_ENABLE_QPSG"); n != want {
		t.Fatalf("%d warnings about the planner guarantee (planner stable: %v), want %d:\n%s", n, stable, want, srv.stderr.String())
	}
}
