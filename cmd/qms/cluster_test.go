package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"isodt/policies"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
)

// TestBeyond3TwoServers runs two `qms serve` processes on one PostgreSQL
// database, as behind a load balancer, and checks the three behaviours a
// cluster needs: writes through both keep one audit chain (qms audit
// verify passes), a user and role made through one server is honoured by
// the other within a second, and every scheduled job runs once per slot
// though both servers schedule it.
func TestBeyond3TwoServers(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pw := bootstrapPostgres(t, url)
	bin := buildQMS(t)
	var logs [2]bytes.Buffer
	var servers [2]*child
	for i := range servers {
		// Both schedule the deadline job every second: its slot is the
		// minute, so it may run once a minute in all.
		s, err := spawnServer(ctx, bin, url, &logs[i], "--job", "deadlines=@every 1s")
		if err != nil {
			t.Fatalf("server %d: %v\n%s", i, err, logs[i].String())
		}
		defer s.stop(10 * time.Second)
		servers[i] = s
	}
	a, b := servers[0].base, servers[1].base
	admin := apiToken(t, a, "admin", pw)

	// One chain: agencies created through both servers at once.
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			base := []string{a, b}[i%2]
			body := fmt.Sprintf(`{"code":"DV%03d","name":"Đơn vị %d","kind":"so_nganh"}`, i, i)
			if code, out := apiCall(t, base, "POST", "/api/v1/agencies", admin, body); code != http.StatusCreated {
				t.Errorf("create agency %d through %s: %d %s", i, base, code, out)
			}
		}(i)
	}
	wg.Wait()
	if code, stdout, stderr := runArgs("audit", "verify", "--db", url); code != 0 {
		t.Fatalf("audit verify after writes through two servers: %d %s %s", code, stdout, stderr)
	}

	// A user with a role, made through A, works through B within 1 s of
	// the last write through A: the password the admin gave is temporary
	// (qms.PasswordTemporary), so the user first sets their own there.
	if code, out := apiCall(t, a, "POST", "/api/v1/users", admin, `{"username":"can.bo","full_name":"Nguyễn Văn Cán","password":"ngua-o-du-dai-12","agency":"DV001","role":"staff"}`); code != http.StatusCreated {
		t.Fatalf("create user: %d %s", code, out)
	}
	if code, out := apiCall(t, a, "POST", "/api/v1/me/password", apiToken(t, a, "can.bo", "ngua-o-du-dai-12"),
		`{"current_password":"ngua-o-du-dai-12","new_password":"cua-rieng-can-bo-3"}`); code != http.StatusOK {
		t.Fatalf("the user's own password: %d %s", code, out)
	}
	made := time.Now()
	tok := apiToken(t, b, "can.bo", "cua-rieng-can-bo-3")
	for {
		code, out := apiCall(t, b, "GET", "/api/v1/dossiers", tok, "")
		if code == http.StatusOK {
			break
		}
		if time.Since(made) > time.Second {
			t.Fatalf("the role given through A is not honoured by B after %s: %d %s", time.Since(made), code, out)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Cron once: by now both servers have fired the job every second.
	time.Sleep(2 * time.Second)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var runs, slots, servers2 int
	if err := conn.QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT left(started_at, 16)), COUNT(DISTINCT server) FROM job_runs WHERE job = 'deadlines' AND trigger = 'schedule'`).Scan(&runs, &slots, &servers2); err != nil {
		t.Fatal(err)
	}
	if runs == 0 || runs != slots {
		t.Fatalf("deadlines ran %d times in %d minute slots (want once per slot, at least once)", runs, slots)
	}
	var blank int
	conn.QueryRow(ctx, `SELECT COUNT(*) FROM job_runs WHERE server = ''`).Scan(&blank)
	if blank > 0 {
		t.Errorf("%d job runs do not name the server that ran them", blank)
	}
}

// bootstrapPostgres sets up the database at url as qms serve needs it
// and returns the admin's first password.
func bootstrapPostgres(t *testing.T, url string) string {
	t.Helper()
	db, err := postgres.Open(context.Background(), url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rules, _ := policies.Default()
	pw, err := db.Bootstrap(context.Background(), rules)
	if err != nil || pw == "" {
		t.Fatalf("bootstrap: %q %v", pw, err)
	}
	return pw
}

// apiToken signs username in through the API at base.
func apiToken(t *testing.T, base, username, password string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"username": username, "password": password})
	code, out := apiCall(t, base, "POST", "/api/v1/auth/token", "", string(b))
	var tok struct{ Token string }
	if code/100 != 2 || json.Unmarshal([]byte(out), &tok) != nil || tok.Token == "" {
		t.Fatalf("token for %s at %s: %d %s", username, base, code, out)
	}
	return tok.Token
}

// apiCall sends one API request and returns the status and the body.
func apiCall(t *testing.T, base, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, ""
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
