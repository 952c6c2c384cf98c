package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/qmstest"
	"isodt/qms/web"
)

// serverWith builds a second server on the app's services with its own
// config (logger, cookies, body limit), as cmd/qms wires it.
func (a *app) serverWith(cfg web.Config) *web.Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = a.clock.Now
	}
	return web.New(cfg, a.srv.Deps)
}

// listen serves srv on a real port until the test ends and returns its
// base URL.
func listen(t *testing.T, srv *web.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// receive records a dossier of TTHC 1.000001 in A through the store, as
// a-staff (effectiveProcedure first).
func (a *app) receive(applicant string) *qms.Dossier {
	a.t.Helper()
	u := a.users["a-staff"]
	ctx := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	d := &qms.Dossier{AgencyCode: "A", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: applicant}, Channel: qms.ChannelCounter}
	if err := a.db.ReceiveDossier(ctx, d); err != nil {
		a.t.Fatal(err)
	}
	return d
}

// auditTotal counts every audit entry.
func (a *app) auditTotal() int {
	a.t.Helper()
	_, n, err := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{})
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

// cookieNamed returns the last Set-Cookie of name in resp.
func cookieNamed(resp *http.Response, name string) *http.Cookie {
	var out *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			out = c
		}
	}
	return out
}

// postOverLimit sends the headers of a POST announcing a body of n bytes,
// and no body, then reads the answer: the server must refuse on the
// length alone. Writing megabytes it will not read would race the refusal
// with a connection reset.
func postOverLimit(t *testing.T, base, path string, n int, header map[string]string) *http.Response {
	t.Helper()
	return sendWithBody(t, base, "POST", path, n, header)
}

// sendWithBody sends method path with a body of n zero bytes.
func sendWithBody(t *testing.T, base, method, path string, n int, header map[string]string) *http.Response {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", method, path, host, n)
	for k, v := range header {
		fmt.Fprintf(&req, "%s: %s\r\n", k, v)
	}
	req.WriteString("\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		t.Fatal(err)
	}
	// The body follows as a client sends it; the server may answer and
	// close before it is all sent (readBody reads no more than the
	// caller may send), so how far it gets is not the test's business.
	go io.Copy(conn, io.LimitReader(zeros{}, int64(n)))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s announcing %d bytes: no answer: %v", method, path, n, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// happyPath is every step of a dossier of effectiveProcedure after its
// receipt, with the exit taken at the decision.
var happyPath = []struct{ step, exit string }{{"check", ""}, {"ok", "Đạt"}, {"sign", ""}, {"e", ""}}

// TestConcurrentWritersOverHTTP: 64 API clients each receive dossiers and
// take them through every step on a real listener, while 8 more read task
// and dossier lists. The single writer connection must serialize them all:
// no 5xx, no "database is locked" in any answer or log line, every
// acknowledged write in the database, exactly one audit entry per write
// and an intact chain.
func TestConcurrentWritersOverHTTP(t *testing.T) {
	const writers, dossiersEach, readers = 64, 2, 8
	a := newApp(t)
	a.effectiveProcedure()
	logs := &qmstest.Buffer{}
	base := listen(t, a.serverWith(web.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	tokens, signers := make([]string, writers), make([]string, writers)
	for i := range tokens {
		tokens[i], signers[i] = a.token("a-staff"), a.token("a-leader")
	}
	ctx := context.Background()
	auditBefore, err := a.db.VerifyAuditChain(ctx)
	if err != nil {
		t.Fatal(err)
	}

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: writers + readers}}
	defer client.CloseIdleConnections()
	var (
		mu      sync.Mutex
		acked   = map[string][]string{} // dossier code → acknowledged steps
		refused []string                // every answer other than the expected 2xx
	)
	call := func(method, path, token, body string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			mu.Lock()
			refused = append(refused, fmt.Sprintf("%s %s: %v", method, path, err))
			mu.Unlock()
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode/100 != 2 || strings.Contains(string(b), "locked") {
			mu.Lock()
			refused = append(refused, fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, b))
			mu.Unlock()
		}
		return resp.StatusCode, b
	}

	var wg sync.WaitGroup
	done := make(chan struct{})
	for i := 0; i < readers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				call("GET", []string{"/api/v1/tasks", "/api/v1/dossiers?status=in_progress"}[n%2], tokens[0], "")
			}
		}()
	}
	start := time.Now()
	var writersWG sync.WaitGroup
	for w := 0; w < writers; w++ {
		writersWG.Add(1)
		go func(token, signer string) {
			defer writersWG.Done()
			for range dossiersEach {
				st, b := call("POST", "/api/v1/dossiers", token, `{"tthc_code":"1.000001","applicant":{"name":"Lê Văn C"},"channel":"online"}`)
				var d struct{ Code string }
				if st != 201 || json.Unmarshal(b, &d) != nil {
					return
				}
				mu.Lock()
				acked[d.Code] = []string{}
				mu.Unlock()
				for _, s := range happyPath {
					by, body := token, fmt.Sprintf(`{"step_id":%q,"exit":%q}`, s.step, s.exit)
					if s.step == "sign" {
						// The leader's step, signed with the password.
						by, body = signer, fmt.Sprintf(`{"step_id":%q,"password":%q}`, s.step, signPassword)
					}
					if st, _ := call("POST", "/api/v1/dossiers/"+d.Code+"/steps", by, body); st != 200 {
						return
					}
					mu.Lock()
					acked[d.Code] = append(acked[d.Code], s.step)
					mu.Unlock()
				}
			}
		}(tokens[w], signers[w])
	}
	writersWG.Wait()
	close(done)
	wg.Wait()
	t.Logf("%d writers × %d dossiers × %d writes in %v", writers, dossiersEach, 1+len(happyPath), time.Since(start).Round(time.Millisecond))

	if len(refused) > 0 {
		t.Errorf("%d answers were not 2xx (first 5 shown):\n%s", len(refused), strings.Join(refused[:min(5, len(refused))], "\n"))
	}
	if l := logs.String(); strings.Contains(l, "database is locked") || strings.Contains(l, `"level":"ERROR"`) {
		t.Errorf("server log has errors:\n%s", grepLines(l, "ERROR", "locked"))
	}
	if len(acked) != writers*dossiersEach {
		t.Errorf("%d dossiers acknowledged, want %d", len(acked), writers*dossiersEach)
	}
	writes, entries := 0, 0
	for code, steps := range acked {
		writes += 1 + len(steps)
		// The leader's step adds the entry of its signature.
		entries += 1 + len(steps)
		if slices.Contains(steps, "sign") {
			entries++
		}
		d, err := a.db.FindDossier(ctx, "A", code)
		if err != nil {
			t.Errorf("acknowledged dossier %s: %v", code, err)
			continue
		}
		recs, err := a.db.StepRecords(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, r.StepID)
		}
		if want := "s," + strings.Join(steps, ","); strings.Join(got, ",") != want {
			t.Errorf("dossier %s: step records %v, acknowledged %s", code, got, want)
		}
		if len(steps) == len(happyPath) && d.Status != qms.DossierCompleted {
			t.Errorf("dossier %s: status %s after its end step", code, d.Status)
		}
	}
	auditAfter, err := a.db.VerifyAuditChain(ctx)
	if err != nil {
		t.Fatalf("audit chain after the load: %v", err)
	}
	if got := auditAfter - auditBefore; got != int64(entries) {
		t.Errorf("%d audit entries for %d acknowledged writes, want %d", got, writes, entries)
	}
}

// grepLines keeps the first 10 lines of s that contain any of words.
func grepLines(s string, words ...string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) && len(out) < 10 {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
