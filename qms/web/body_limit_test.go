package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBodiesReadOnlyAsFarAsTheCallerMaySend: a body past what its sender
// may send is refused (413) before it is read, over a real connection:
// nobody signed in sends more than 256 KiB (30 MiB bodies on /login held
// 30 MiB each, 4.3 GB for 64 at once: outsider pass 21), a request that
// reads no body brings none; a signed-in caller's large upload still goes
// through.
func TestBodiesReadOnlyAsFarAsTheCallerMaySend(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	d := a.receive("An")
	base := listen(t, a.srv)
	const mib = 1 << 20
	tests := []struct {
		name, method, path string
		header             map[string]string
		size, want         int
	}{
		{"anonymous login form", "POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, mib, 413},
		{"anonymous JSON", "POST", "/api/v1/dossiers", map[string]string{"Content-Type": "application/json"}, mib, 413},
		{"anonymous multipart", "POST", "/public/A/feedback", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, mib, 413},
		{"a body on a GET", "GET", "/healthz", nil, mib, 413},
		{"a made-up session", "POST", "/dossiers", map[string]string{"Cookie": "qms_session=khong-co", "Content-Type": "multipart/form-data; boundary=x"}, mib, 413},
		{"signed in, past the body limit", "POST", "/dossiers", map[string]string{"Cookie": "qms_session=" + staff.cookie, "Content-Type": "application/x-www-form-urlencoded"}, 32*mib + 1, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{}
			for k, v := range tt.header {
				h[k] = v
			}
			var resp *http.Response
			if tt.method == "GET" {
				resp = sendWithBody(t, base, tt.method, tt.path, tt.size, h)
			} else {
				resp = postOverLimit(t, base, tt.path, tt.size, h)
			}
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s with %d bytes: %d, want %d", tt.method, tt.path, tt.size, resp.StatusCode, tt.want)
			}
		})
	}
	// A signed-in upload of 3 MiB (past the read-ahead and the anonymous
	// limit) is read and stored.
	var body bytes.Buffer
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 3<<20)...)
	ct := newMultipart(&body, staff.csrf, map[string]string{"step_id": "check"}, "evidence", "bien-ban.pdf", pdf)
	req, _ := http.NewRequest("POST", base+"/dossiers/"+d.Code+"/steps", &body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Cookie", "qms_session="+staff.cookie)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("a signed-in evidence upload of 3 MiB: %d, want 303", resp.StatusCode)
	}
	if recs, _ := a.db.StepRecords(context.Background(), d.ID); len(recs) != 2 || len(recs[1].Files) != 1 || recs[1].Files[0].Name != "bien-ban.pdf" {
		t.Errorf("the upload's step record: %+v", recs)
	}
}

// TestLargeBodiesOneAtATimePerAccount: an account sending a large body
// slowly holds one of the two slots for large bodies, not both: its own
// second large body is refused at once (429), another account's goes
// through (outsider pass 23: one account's three slow uploads held every
// other account's files for 10 s and then refused them).
func TestLargeBodiesOneAtATimePerAccount(t *testing.T) {
	a := newApp(t)
	staff, officer := a.token("a-staff"), a.token("a-quality-officer")
	base := listen(t, a.srv)
	host := strings.TrimPrefix(base, "http://")
	const size = 2 << 20
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers and the first 70 KB of a 2 MiB body, then nothing.
	fmt.Fprintf(conn, "POST /api/v1/dossiers HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", host, staff, size)
	conn.Write(bytes.Repeat([]byte(" "), 70_000))
	// Over a raw connection that reads the answer while the body is
	// still being sent: a refusal comes before the body is read, and a
	// client that waits to finish writing first sees only the reset.
	post := func(token string) int {
		t.Helper()
		return sendWithBody(t, base, "POST", "/api/v1/dossiers", size,
			map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}).StatusCode
	}
	// The server takes the staller's slot once it has read its headers;
	// a second request that came first would take it instead.
	time.Sleep(300 * time.Millisecond)
	if code := post(staff); code != 429 {
		t.Errorf("the same account's second large body: %d, want 429", code)
	}
	if code := post(officer); code == 429 || code == 413 {
		t.Errorf("another account's large body: %d, want it read", code)
	}
}
