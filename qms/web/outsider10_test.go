package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"isodt/qms"
)

// TestOutsider10DoubleSubmitReceivesOnce: three concurrent POSTs of the
// receipt form (same CSRF token) made three dossiers. The receipt form
// carries a one-time nonce and the API takes an Idempotency-Key: the
// same key by the same agency within a day gives back the first dossier.
func TestOutsider10DoubleSubmitReceivesOnce(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	a.effectiveProcedureOf("B")
	count := func(agency string) int {
		t.Helper()
		_, n, err := a.db.FindDossiers(context.Background(), qms.DossierFilter{AgencyCode: &agency, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// concurrently sends n copies of the request made by mk and returns
	// the statuses and the Location or body of each.
	concurrently := func(n int, mk func() *http.Request) (codes []int, outs []string) {
		codes, outs = make([]int, n), make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := a.srv.App().Test(mk(), -1)
				if err != nil {
					t.Error(err)
					return
				}
				codes[i] = resp.StatusCode
				if loc := resp.Header.Get("Location"); loc != "" {
					outs[i] = loc
				} else {
					var d struct {
						Code string `json:"code"`
					}
					json.NewDecoder(resp.Body).Decode(&d)
					outs[i] = d.Code
				}
			}()
		}
		wg.Wait()
		return codes, outs
	}
	same := func(name string, outs []string) {
		t.Helper()
		for _, o := range outs {
			if o == "" || o != outs[0] {
				t.Fatalf("%s: the repeats answered %v, want the first result each time", name, outs)
			}
		}
	}

	// The web form: its nonce is rendered once per form shown.
	s := a.login("a-staff")
	page := bodyOf(t, a.do("GET", "/dossiers/new", &s, nil))
	m := regexp.MustCompile(`name="nonce" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the receipt form has no nonce")
	}
	form := url.Values{"_csrf": {s.csrf}, "nonce": {m[1]}, "tthc_code": {"1.000001"}, "channel": {"counter"}, "applicant_name": {"Trần Thị Bình"}}.Encode()
	codes, outs := concurrently(3, func() *http.Request {
		req := httptest.NewRequest("POST", "/dossiers", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		return req
	})
	if codes[0] != 303 {
		t.Fatalf("form submits: %v %v", codes, outs)
	}
	same("form", outs)
	if n := count("A"); n != 1 {
		t.Fatalf("a triple submit of the form made %d dossiers", n)
	}
	// Back to the sent form, the name corrected, sent again: the page
	// leads to the dossier received from it, keeps what was typed, and a
	// new nonce lets a different dossier be received from it.
	changed := url.Values{"nonce": {m[1]}, "tthc_code": {"1.000001"}, "channel": {"counter"}, "applicant_name": {"Trần Thị Bình An"}}
	resp := a.do("POST", "/dossiers", &s, changed)
	again := bodyOf(t, resp)
	first, _, _ := strings.Cut(strings.TrimPrefix(outs[0], "/dossiers/"), "?")
	if resp.StatusCode != 409 || !strings.Contains(again, `id="form-resent-dossier"`) || !strings.Contains(again, `href="/dossiers/`+first+`"`) ||
		!strings.Contains(again, `value="Trần Thị Bình An"`) {
		t.Fatalf("the form sent again: %d, want 409 leading to %s with the input kept:\n%.2000s", resp.StatusCode, first, again)
	}
	// Only the note changed: the same (it was dropped silently).
	noteOnly := url.Values{"nonce": {m[1]}, "tthc_code": {"1.000001"}, "channel": {"counter"}, "applicant_name": {"Trần Thị Bình"}, "note": {"3 bộ, thêm bản sao CCCD"}}
	if resp := a.do("POST", "/dossiers", &s, noteOnly); resp.StatusCode != 409 {
		t.Fatalf("the form sent again with another note: %d, want 409", resp.StatusCode)
	}
	fresh := regexp.MustCompile(`name="nonce" value="([^"]+)"`).FindStringSubmatch(again)
	if fresh == nil || fresh[1] == m[1] {
		t.Fatal("the form sent again keeps the used nonce")
	}
	changed.Set("nonce", fresh[1])
	if resp := a.do("POST", "/dossiers", &s, changed); resp.StatusCode != 303 || count("A") != 2 {
		t.Fatalf("another dossier from the refreshed form: %d, %d dossiers", resp.StatusCode, count("A"))
	}

	// The API: the same key by A, concurrently; another key; the same key by B.
	body := `{"tthc_code":"1.000001","applicant":{"name":"Trần Thị Bình"},"channel":"online"}`
	withKey := func(token, key string) func() *http.Request {
		return func() *http.Request {
			req := httptest.NewRequest("POST", "/api/v1/dossiers", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Idempotency-Key", key)
			return req
		}
	}
	aTok, bTok := a.token("a-staff"), a.token("b-staff")
	codes, outs = concurrently(3, withKey(aTok, "k-1"))
	if codes[0] != 201 {
		t.Fatalf("API receipts: %v", codes)
	}
	same("API", outs)
	if n := count("A"); n != 3 {
		t.Fatalf("three API receipts with one key: %d dossiers of A, want 3", n)
	}
	_, other := concurrently(1, withKey(aTok, "k-2"))
	_, ofB := concurrently(1, withKey(bTok, "k-1"))
	if other[0] == outs[0] || ofB[0] == outs[0] || count("A") != 4 || count("B") != 1 {
		t.Fatalf("another key or another agency got the first result: %v %v %v", outs[0], other, ofB)
	}
	// Without a key each receipt is new, as before.
	a.receiveAPI(aTok, "")
	a.receiveAPI(aTok, "")
	if n := count("A"); n != 6 {
		t.Fatalf("receipts without a key: %d dossiers of A, want 6", n)
	}
}
