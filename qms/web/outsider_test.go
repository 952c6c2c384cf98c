package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/web"
)

// TestOutsider1FreeTextBounded sends one over-long value to each free-text
// field through real HTTP, on the pages and on the API: each is refused
// with 400 naming the field, and nothing of it reaches the audit log.
func TestOutsider1FreeTextBounded(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, officer, leader, admin, auditor := a.login("a-staff"), a.login("a-quality-officer"), a.login("a-leader"), a.login("a-admin"), a.login("a-auditor")
	staffTok, officerTok, adminTok := a.token("a-staff"), a.token("a-quality-officer"), a.token("a-admin")
	d := a.receive("Nguyễn Văn A")
	year := time.Now().Year()
	long := func(n int) string { return strings.Repeat("ả", n) }
	js := func(s string) string { return `"` + s + `"` }
	dossier := func(field, v string) url.Values {
		f := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Trần Thị B"}, "channel": {"counter"}}
		f.Set(field, v)
		return f
	}
	tests := []struct {
		name, field string
		send        func() *http.Response
	}{
		{"dossier note (web)", "note", func() *http.Response { return a.do("POST", "/dossiers", &staff, dossier("note", long(2001))) }},
		{"applicant id (web)", "error-applicant-id_number", func() *http.Response {
			return a.do("POST", "/dossiers", &staff, dossier("applicant_id", "012345678901234567890"))
		}},
		{"applicant phone (web)", "error-applicant-phone", func() *http.Response { return a.do("POST", "/dossiers", &staff, dossier("applicant_phone", long(21))) }},
		{"applicant name (web)", "error-applicant-name", func() *http.Response { return a.do("POST", "/dossiers", &staff, dossier("applicant_name", long(256))) }},
		{"dossier note (API)", "note", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers", staffTok, `{"tthc_code":"1.000001","applicant":{"name":"B"},"channel":"online","note":`+js(long(2001))+`}`)
		}},
		{"applicant id (API)", "applicant.id_number", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers", staffTok, `{"tthc_code":"1.000001","applicant":{"name":"B","id_number":"012345678901234567890"},"channel":"online"}`)
		}},
		{"pause reason", "reason", func() *http.Response {
			return a.do("POST", "/dossiers/"+d.Code+"/pause", &staff, url.Values{"reason": {long(2001)}})
		}},
		{"step note (API)", "note", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers/"+d.Code+"/steps", staffTok, `{"step_id":"check","exit":"","note":`+js(long(2001))+`}`)
		}},
		{"apology reason (API)", "reason", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers/"+d.Code+"/apology", staffTok, `{"new_appointment":"2030-01-02T10:00:00Z","reason":`+js(long(2001))+`}`)
		}},
		{"NC description (web)", "description", func() *http.Response {
			return a.do("POST", "/nonconformities", &officer, url.Values{"source": {"other"}, "description": {long(20001)}})
		}},
		{"NC root cause (API)", "root_cause", func() *http.Response {
			return a.api("POST", "/api/v1/nonconformities", officerTok, `{"source":"other","description":"x","root_cause":`+js(long(20001))+`}`)
		}},
		{"objective title", "title", func() *http.Response {
			return a.do("POST", "/objectives", &leader, url.Values{"year": {itoa(int64(year))}, "title": {long(501)}, "measure": {"timely_rate"}, "target": {"95"}, "period": {"quarter"}})
		}},
		{"review title", "title", func() *http.Response {
			return a.do("POST", "/reviews", &leader, url.Values{"title": {long(501)}, "held_on": {"20/12/2026"}})
		}},
		{"audit programme title", "title", func() *http.Response {
			return a.do("POST", "/audits/programmes", &auditor, url.Values{"year": {"2026"}, "title": {long(301)}})
		}},
		{"procedure title", "title", func() *http.Response {
			return a.do("POST", "/procedures", &officer, url.Values{"code": {"QT-99"}, "title": {long(501)}, "tthc_codes": {"1.000001"}})
		}},
		{"agency name (API)", "name", func() *http.Response {
			return a.api("POST", "/api/v1/agencies", adminTok, `{"code":"A9","name":`+js(long(256))+`,"parent":"A"}`)
		}},
		{"user full name (web)", "full_name", func() *http.Response {
			return a.do("POST", "/admin/users", &admin, url.Values{"username": {"moi"}, "full_name": {long(256)}, "password": {"ngua-o-123"}, "agency": {"A"}, "role": {"staff"}})
		}},
	}
	before := a.auditTotal()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.send()
			body := bodyOf(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(body, tc.field) && !strings.Contains(body, "quá dài") {
				t.Fatalf("%d, want 400 naming %s: %.300s", resp.StatusCode, tc.field, body)
			}
		})
	}
	if n := a.auditTotal(); n != before {
		t.Errorf("%d audit entries written by refused requests", n-before)
	}
}

// TestOutsider3NCSourceOfOwnAgency: a nonconformity's source_ref names an
// object of the caller's agency for the sources finding, late_dossier and
// audit, on the page and on the API; A's compliance page never shows B's
// nonconformity code.
func TestOutsider3NCSourceOfOwnAgency(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ctx := context.Background()
	officerCtx := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	if _, _, err := a.db.ImportTTHC(officerCtx, "A", []qms.TTHC{{Code: "1.000009", Name: "Thủ tục chưa có quy trình", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	auditorA, officerA, officerB := a.login("a-auditor"), a.login("a-quality-officer"), a.login("b-quality-officer")
	if code := a.do("POST", "/compliance/run", &auditorA, url.Values{}).StatusCode; code != 200 {
		t.Fatalf("run checks: %d", code)
	}
	var out struct{ Findings []qms.Finding }
	decode(t, a.api("GET", "/api/v1/findings?open=1", a.token("a-auditor"), ""), &out)
	var fid string
	for _, f := range out.Findings {
		if f.AgencyCode == "A" {
			fid = itoa(f.ID)
		}
	}
	if fid == "" {
		t.Fatalf("no finding of A: %+v", out.Findings)
	}
	dossierA := a.receive("Nguyễn Văn A")
	bTok := a.token("b-quality-officer")
	tests := []struct {
		name, source, ref string
		api               bool
	}{
		{"A's finding (web)", "finding", fid, false},
		{"A's finding (API)", "finding", fid, true},
		{"A's dossier (web)", "late_dossier", dossierA.Code, false},
		{"A's dossier (API)", "late_dossier", dossierA.Code, true},
		{"no such plan (web)", "audit", "999999", false},
		{"no such plan (API)", "audit", "999999", true},
		{"no such finding (API)", "finding", "999999", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			if tc.api {
				resp = a.api("POST", "/api/v1/nonconformities", bTok, `{"source":"`+tc.source+`","source_ref":"`+tc.ref+`","description":"Chiếm"}`)
			} else {
				resp = a.do("POST", "/nonconformities", &officerB, url.Values{"source": {tc.source}, "source_ref": {tc.ref}, "description": {"Chiếm"}})
			}
			body := bodyOf(t, resp)
			if (resp.StatusCode != 400 && resp.StatusCode != 404) || !strings.Contains(body, "source_ref") {
				t.Fatalf("%d, want 400/404 naming source_ref: %.300s", resp.StatusCode, body)
			}
		})
	}
	if page := bodyOf(t, a.do("GET", "/compliance", &officerA, nil)); strings.Contains(page, "NC-B-") {
		t.Error("A's compliance page shows B's nonconformity")
	}
	// A's own objects are accepted.
	for _, f := range []url.Values{
		{"source": {"finding"}, "source_ref": {fid}, "description": {"Phát hiện của A"}},
		{"source": {"late_dossier"}, "source_ref": {dossierA.Code}, "description": {"Hồ sơ trễ của A"}},
	} {
		if resp := a.do("POST", "/nonconformities", &officerA, f); resp.StatusCode != 303 {
			t.Fatalf("own %s: %d %s", f.Get("source"), resp.StatusCode, bodyOf(t, resp))
		}
	}
}

// TestOutsider9InputChecksAlike: the API refuses what the forms refuse:
// bytes that are not UTF-8, lone surrogate escapes, and control
// characters (NUL…) in any text, naming the field; tab and newline pass
// in a note and are refused in a name, which is one line.
func TestOutsider9InputChecksAlike(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, tok := a.login("a-staff"), a.token("a-staff")
	dossierJSON := func(name string) string {
		return `{"tthc_code":"1.000001","applicant":{"name":` + name + `},"channel":"online"}`
	}
	tests := []struct {
		name  string
		send  func() *http.Response
		field string // "" for accepted
	}{
		{"API invalid UTF-8", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON("\"\xff\xfe\"")) }, "name"},
		{"API lone high surrogate", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"x\ud800y"`)) }, "name"},
		{"API lone low surrogate", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"\udc00"`)) }, "name"},
		{"API NUL escape", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"Tr\u0000n"`)) }, `"field":"applicant.name"`},       // by its path, as the length check names it
		{"API escape character", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"Tr\u001bn"`)) }, `"field":"applicant.name"`}, // by its path, as the length check names it
		{"API right-to-left override", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"Tr\u202en"`)) }, `"field":"applicant.name"`},
		{"form right-to-left isolate", func() *http.Response {
			return a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Tr\u2067n"}, "channel": {"counter"}})
		}, "applicant_name"},
		{"API surrogate pair accepted", func() *http.Response { return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"Tr\ud83d\ude00n"`)) }, ""},
		{"API tab and newline accepted in a note", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"Trần Thị B"},"channel":"online","note":"2 bộ\tbản sao\nkèm CCCD"}`)
		}, ""},
		{"API tab and newline refused in a name (one line)", func() *http.Response {
			return a.api("POST", "/api/v1/dossiers", tok, dossierJSON(`"Trần\tThị\nB"`))
		}, `"field":"applicant.name"`},
		{"form NUL", func() *http.Response {
			return a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Tr\x00n"}, "channel": {"counter"}})
		}, "applicant_name"}, // refused by checkForm, before the handler, naming the form field
		{"form applicant_id over maxlength", func() *http.Response {
			return a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"B"}, "applicant_id": {strings.Repeat("1", 21)}, "channel": {"counter"}})
		}, "error-applicant-id_number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.send()
			body := bodyOf(t, resp)
			switch {
			case tc.field == "" && resp.StatusCode >= 300:
				t.Fatalf("refused: %d %.300s", resp.StatusCode, body)
			case tc.field != "" && (resp.StatusCode != 400 || !strings.Contains(body, tc.field)):
				t.Fatalf("%d, want 400 naming %s: %.300s", resp.StatusCode, tc.field, body)
			}
		})
	}
}

// TestOutsider11SmallAnswers: revoking another user's token through a
// user's page is refused (nothing is revoked, no "saved"); a 429 says
// when to retry; the Bearer scheme is read case-insensitively on /metrics
// and on the API.
func TestOutsider11SmallAnswers(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	secret, other, err := a.db.CreateAPIToken(sys, a.users["a-leader"].ID, "của người khác", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin := a.login("a-admin")
	resp := a.do("POST", "/admin/users/"+itoa(a.users["a-staff"].ID)+"/tokens/revoke", &admin, url.Values{"token": {itoa(other.ID)}})
	if body := bodyOf(t, resp); resp.StatusCode != 404 || strings.Contains(resp.Header.Get("Location"), "saved") || !strings.Contains(body, "mã truy cập") {
		t.Fatalf("revoke another user's token: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code := a.api("GET", "/api/v1/me", secret, "").StatusCode; code != 200 {
		t.Fatalf("the other user's token was revoked: %d", code)
	}

	for _, h := range []string{"bearer m-token", "BEARER m-token"} {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", h)
		a.reconfigure(web.Config{MetricsToken: "m-token"})
		if code := a.send(req).StatusCode; code != 200 {
			t.Errorf("/metrics with %q: %d", h, code)
		}
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", strings.Replace(h, "m-token", secret, 1))
		if code := a.send(req).StatusCode; code != 200 {
			t.Errorf("API with %q: %d", strings.Fields(h)[0], code)
		}
	}

	csrf := anonCSRF(t, a)
	for range qms.MaxLoginFailures {
		resp = postLogin(a, csrf, "b-leader", "sai")
	}
	if resp.StatusCode != 429 {
		t.Fatalf("lock: %d", resp.StatusCode)
	}
	for _, resp := range []*http.Response{resp, a.api("POST", "/api/v1/auth/token", "", `{"username":"b-leader","password":"ngua-o-123"}`)} {
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s <= 0 {
			t.Errorf("429 without Retry-After: %q", resp.Header.Get("Retry-After"))
		}
	}
}
