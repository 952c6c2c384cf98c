package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"isodt/qms"
)

// lookupFrom sends a public request as the client addr, named by the
// trusted proxy (web.Config.TrustedProxies) in X-Real-IP.
func (a *app) lookupFrom(addr, method, target string, form url.Values, v visitor) *http.Response {
	a.t.Helper()
	var req *http.Request
	if form != nil {
		form.Set("_csrf", v.token)
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: v.cookie})
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("X-Real-IP", addr)
	return a.send(req)
}

// TestPublicLookupsBounded (qms.LookupRefused): the public lookups by
// code (a dossier's status, its survey's form and answer, a feedback's
// tracking page) are counted per client address in the store. Past
// qms.LookupMissMax codes that name nothing, every lookup from the
// address gets 429 with Retry-After and the reason in Vietnamese, a code
// that exists included, on every kind of lookup, and the page shows
// nothing of the dossier; another address still looks up; the window's
// end lets the address in again. Past qms.LookupMax lookups of codes
// that exist, the same.
func TestPublicLookupsBounded(t *testing.T) {
	a := newApp(t)
	a.proxies = []string{"0.0.0.0/0"} // Fiber's test connection
	a.wire()
	a.effectiveProcedure()
	code := a.returnedDossiers("A", 1)[0]
	v := a.visit("/public/A")
	resp := a.post(v, "/public/A/feedback", feedbackForm("Hỏi về hồ sơ"))
	feedback := strings.TrimSuffix(resp.Header.Get("Location"), "?sent=1")
	if resp.StatusCode != 303 || feedback == "" {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	survey := a.surveyForm(code, "4")
	survey.Set("comment", "")

	// The kinds of lookup, each of a code that exists and of one that
	// does not (what the page answers when it is not refused).
	kinds := []struct {
		name          string
		method        string
		hit, miss     string
		form          url.Values
		hitWant, want int // found, not found
		shows         string
	}{
		{"status page", "GET", "/public/A?code=" + code, "/public/A?code=A-2026-999999", nil, 200, 200, `id="lookup-result"`},
		{"survey form", "GET", "/public/A/satisfaction/" + code, "/public/A/satisfaction/A-2026-999999", nil, 200, 404, `id="satisfaction-form"`},
		{"survey answer", "POST", "/public/A/satisfaction/" + code, "/public/A/satisfaction/A-2026-999999", survey, 400, 404, `id="satisfaction-form"`},
		{"feedback tracking", "GET", feedback, "/public/A/feedback/PA-A-2026-999", nil, 200, 404, `id="feedback-status"`},
	}
	for _, k := range kinds {
		form := func() url.Values {
			if k.form == nil {
				return nil
			}
			f := url.Values{}
			for n, vs := range k.form {
				f[n] = vs
			}
			f.Set("key", "00000-00000") // a wrong key: the answer is refused, the dossier shown
			return f
		}
		if resp := a.lookupFrom("203.0.113.9", k.method, k.hit, form(), v); resp.StatusCode != k.hitWant {
			t.Fatalf("%s of %s: %d, want %d", k.name, code, resp.StatusCode, k.hitWant)
		}
	}
	// Misses from one address, spread over every kind, up to the bound.
	guesser := "203.0.113.7"
	for i := range qms.LookupMissMax {
		k := kinds[i%len(kinds)]
		if resp := a.lookupFrom(guesser, k.method, k.miss, k.form, v); resp.StatusCode != k.want {
			t.Fatalf("miss %d (%s): %d, want %d", i+1, k.name, resp.StatusCode, k.want)
		}
	}
	retry := regexp.MustCompile(`^[0-9]+$`)
	for _, k := range kinds {
		t.Run("refused "+k.name, func(t *testing.T) {
			resp := a.lookupFrom(guesser, k.method, k.hit, k.form, v)
			body := bodyOf(t, resp)
			ra := resp.Header.Get("Retry-After")
			if resp.StatusCode != 429 || !retry.MatchString(ra) {
				t.Fatalf("an existing code after %d misses: %d, Retry-After %q", qms.LookupMissMax, resp.StatusCode, ra)
			}
			if n, _ := strconv.Atoi(ra); n < 1 || n > int(qms.LookupWindow.Seconds()) {
				t.Fatalf("Retry-After %s", ra)
			}
			if !strings.Contains(body, "mã không có trong 10 phút qua") || !strings.Contains(body, "thử lại sau 10 phút") {
				t.Fatalf("no reason in Vietnamese:\n%.3000s", body)
			}
			if strings.Contains(body, k.shows) || strings.Contains(body, "1.000001") {
				t.Fatal("the refused page shows the dossier or the feedback")
			}
		})
	}
	// The public page stays, without the lookup: its figures and the
	// feedback form, with the refusal where the result would be.
	if body := bodyOf(t, a.lookupFrom(guesser, "GET", "/public/A?code="+code, nil, v)); !strings.Contains(body, `id="public-rate"`) ||
		!strings.Contains(body, `id="feedback-form"`) || !strings.Contains(body, `id="lookup-refused"`) {
		t.Fatal("the refused status page lost its figures or feedback form, or does not say why")
	}
	// The same address without a code, and another address, are served.
	if resp := a.lookupFrom(guesser, "GET", "/public/A", nil, v); resp.StatusCode != 200 {
		t.Fatalf("the public page without a lookup: %d", resp.StatusCode)
	}
	if body := bodyOf(t, a.lookupFrom("203.0.113.8", "GET", "/public/A?code="+code, nil, v)); !strings.Contains(body, `id="lookup-result"`) {
		t.Fatal("another address is refused")
	}
	// The window's end lets the guesser in again.
	a.clock.Add(qms.LookupWindow)
	if body := bodyOf(t, a.lookupFrom(guesser, "GET", "/public/A?code="+code, nil, v)); !strings.Contains(body, `id="lookup-result"`) {
		t.Fatal("still refused after the window")
	}

	// Lookups of codes that exist: LookupMax in the window, then 429.
	walker := "2001:db8:1:2::7"
	for i := range qms.LookupMax {
		if resp := a.lookupFrom(walker, "GET", "/public/A?code="+code, nil, v); resp.StatusCode != 200 {
			t.Fatalf("lookup %d: %d", i+1, resp.StatusCode)
		}
	}
	// Another address of the same /64 is the same client (qms.ThrottleAddr).
	resp = a.lookupFrom("2001:db8:1:2::8", "GET", "/public/A?code="+code, nil, v)
	if body := bodyOf(t, resp); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, fmt.Sprintf("đã tra cứu %d lần trong 10 phút qua", qms.LookupMax)) || strings.Contains(body, `id="lookup-result"`) {
		t.Fatalf("lookup %d: %d\n%.2000s", qms.LookupMax+1, resp.StatusCode, body)
	}
}

// TestFeedbackDossierCodeCounted: a feedback naming a dossier code is a
// lookup by code as the status page's is (outsider pass 11: its refusal
// of a code that does not exist told codes apart, uncounted): misses
// there use up the address's bound, after which a status lookup and a
// feedback naming a code that exists are refused alike.
func TestFeedbackDossierCodeCounted(t *testing.T) {
	a := newApp(t)
	a.proxies = []string{"0.0.0.0/0"}
	a.wire()
	a.effectiveProcedure()
	code := a.returnedDossiers("A", 1)[0]
	v := a.visit("/public/A")
	naming := func(dossier string) url.Values {
		f := feedbackForm("Hỏi về hồ sơ " + dossier)
		f.Set("dossier_code", dossier)
		return f
	}
	guesser := "203.0.113.17"
	for i := range qms.LookupMissMax {
		if resp := a.lookupFrom(guesser, "POST", "/public/A/feedback", naming(fmt.Sprintf("A-2026-%06d", 900000+i)), v); resp.StatusCode != 400 {
			t.Fatalf("miss %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := a.lookupFrom(guesser, "GET", "/public/A?code="+code, nil, v); resp.StatusCode != 429 {
		t.Errorf("a status lookup after the feedback's misses: %d, want 429", resp.StatusCode)
	}
	if resp := a.lookupFrom(guesser, "POST", "/public/A/feedback", naming(code), v); resp.StatusCode != 429 {
		t.Errorf("a feedback naming a code that exists, after the misses: %d, want 429", resp.StatusCode)
	}
	if resp := a.lookupFrom("203.0.113.18", "POST", "/public/A/feedback", naming(code), v); resp.StatusCode != 303 {
		t.Errorf("another address's feedback naming the code: %d, want 303", resp.StatusCode)
	}
}
