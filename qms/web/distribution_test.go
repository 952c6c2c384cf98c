package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestDistribution6ReadAndAcknowledgeOverHTTP: an approved procedure
// version reaches the staff's "Tài liệu cần đọc"; a step on it shows a
// warning until the staff acknowledges (completing it is not blocked,
// the flash says so); the button records the time; the quality officer
// reads the distribution list; the API acknowledges and lists.
func TestDistribution6ReadAndAcknowledgeOverHTTP(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ps, err := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{})
	if err != nil || len(ps) != 1 {
		t.Fatal(err)
	}
	vpath := "/procedures/" + itoa(ps[0].ID) + "/versions/1"
	staff, officer := a.login("a-staff"), a.login("a-quality-officer")

	reads := bodyOf(t, a.do("GET", "/reads", &staff, nil))
	if !strings.Contains(reads, "QT-01") || !strings.Contains(reads, `id="ack-procedure-`+itoa(ps[0].ID)+`-1"`) {
		t.Fatal("the staff's reading list lacks QT-01 and its button")
	}
	page := bodyOf(t, a.do("GET", vpath, &staff, nil))
	if !strings.Contains(page, `id="ack-version"`) || !strings.Contains(page, `id="my-read"`) || strings.Contains(page, `id="distribution-list"`) {
		t.Fatal("version page for the staff: wants the button and their state, not the list")
	}
	if page := bodyOf(t, a.do("GET", vpath, &officer, nil)); !strings.Contains(page, `id="distribution-list"`) || !strings.Contains(page, `id="reading-count">Đã xác nhận: 1/2`) {
		t.Fatal("the quality officer does not see the distribution list with 1 of 2 acknowledged (the approver)")
	}

	// A dossier on QT-01: the staff's step warns, completing it works and says so.
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Nguyễn Văn An"}, "channel": {"counter"}})
	dpath := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	if resp.StatusCode != 303 || !strings.HasPrefix(dpath, "/dossiers/A-") {
		t.Fatalf("receive: %d %s", resp.StatusCode, dpath)
	}
	steps := []struct {
		name     string
		ack      bool // acknowledge QT-01 first
		form     url.Values
		warnPage bool
		flash    string
	}{
		{"not acknowledged: warned, not blocked", false, url.Values{"step_id": {"check"}, "note": {"Đủ"}}, true, "msg=step_done_unread"},
		{"acknowledged: no warning", true, url.Values{"step_id": {"ok"}, "exit": {"Đạt"}}, false, "msg=step_done"},
	}
	for _, s := range steps {
		if s.ack {
			resp := a.do("POST", vpath+"/ack", &staff, url.Values{"back": {"/reads"}})
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/reads?msg=acknowledged" {
				t.Fatalf("acknowledge: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		body := bodyOf(t, a.do("GET", dpath, &staff, nil))
		if got := strings.Contains(body, "step-unread"); got != s.warnPage {
			t.Fatalf("%s: warning on the step page = %v", s.name, got)
		}
		resp := a.do("POST", dpath+"/steps", &staff, s.form)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasSuffix(loc, s.flash) {
			t.Fatalf("%s: %d %s", s.name, resp.StatusCode, loc)
		}
		if s.flash == "msg=step_done_unread" {
			if body := bodyOf(t, a.do("GET", dpath+"?msg=step_done_unread", &staff, nil)); !strings.Contains(body, "bạn chưa xác nhận đã đọc và hiểu") {
				t.Fatal("the flash after completing does not remind")
			}
		}
	}
	if n := a.auditCount("document.acknowledge"); n != 1 {
		t.Fatalf("%d acknowledgement entries, want 1", n)
	}
	if body := bodyOf(t, a.do("GET", "/reads", &staff, nil)); !strings.Contains(body, `id="nothing-to-read"`) {
		t.Fatal("QT-01 still on the staff's list after acknowledging")
	}
	if page := bodyOf(t, a.do("GET", vpath, &staff, nil)); strings.Contains(page, `id="ack-version"`) || !strings.Contains(page, "Bạn đã xác nhận đã đọc và hiểu lúc") {
		t.Fatal("version page after acknowledging")
	}

	// The API: the leader acknowledges; the list is the quality officer's.
	base := "/api/v1/procedures/" + itoa(ps[0].ID) + "/versions/1"
	var r qms.DocumentRead
	resp = a.api("POST", base+"/ack", a.token("a-leader"), "")
	if resp.StatusCode != 200 {
		t.Fatalf("API acknowledge: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	decode(t, resp, &r)
	if r.AcknowledgedAt == nil || r.Username != "a-leader" {
		t.Fatalf("API acknowledgement: %+v", r)
	}
	var list struct{ Distribution []qms.DocumentRead }
	decode(t, a.api("GET", base+"/distribution", a.token("a-quality-officer"), ""), &list)
	if len(list.Distribution) != 2 || list.Distribution[0].AcknowledgedAt == nil || list.Distribution[1].AcknowledgedAt == nil {
		t.Fatalf("distribution list: %+v", list.Distribution)
	}
	for _, c := range []struct {
		name, method, path, user string
		want                     int
	}{
		{"staff may not read the list", "GET", base + "/distribution", "a-staff", 403},
		{"another agency's version", "POST", base + "/ack", "b-staff", 404},
		{"a draft is not read", "POST", "/api/v1/procedures/" + itoa(ps[0].ID) + "/versions/9/ack", "a-staff", 404},
		{"anonymous", "GET", "/api/v1/reads", "", 401},
		{"own list", "GET", "/api/v1/reads", "a-auditor", 200},
	} {
		tok := ""
		if c.user != "" {
			tok = a.token(c.user)
		}
		if resp := a.api(c.method, c.path, tok, ""); resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
}
