package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestProduct3NCOfAFinding: a compliance finding has at most one open
// nonconformity (a second is refused naming the first, the findings page
// links to it instead of offering a new one); the NC page links its
// source; closing as effective needs the finding cleared by the scan or
// a recorded reason, kept on the NC and in its audit entry.
func TestProduct3NCOfAFinding(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	officerCtx := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	if _, _, err := a.db.ImportTTHC(officerCtx, "A", []qms.TTHC{{Code: "1.000009", Name: "Thủ tục chưa có quy trình", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	auditor, officer := a.login("a-auditor"), a.login("a-quality-officer")
	if code := a.do("POST", "/compliance/run", &auditor, url.Values{}).StatusCode; code != 200 {
		t.Fatalf("run checks: %d", code)
	}
	finding := func(object string) qms.Finding {
		t.Helper()
		var out struct{ Findings []qms.Finding }
		decode(t, a.api("GET", "/api/v1/findings?rule=TTHC_NOT_CONTROLLED&open=1", a.token("a-auditor"), ""), &out)
		for _, f := range out.Findings {
			if f.ObjectID == object {
				return f
			}
		}
		t.Fatalf("no open finding for %s: %+v", object, out.Findings)
		return qms.Finding{}
	}
	stays := finding("1.000009")
	fid := itoa(stays.ID)
	compliance := func() string { return bodyOf(t, a.do("GET", "/compliance", &officer, nil)) }
	if page := compliance(); !strings.Contains(page, `id="nc-from-`+fid+`"`) {
		t.Fatal("an open finding without a nonconformity offers none")
	}

	// The first NC of the finding.
	resp := a.do("POST", "/nonconformities", &officer, url.Values{"source": {"finding"}, "source_ref": {fid}, "description": {"TTHC 1.000009 chưa có quy trình"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	ncURL := strings.SplitN(resp.Header.Get("Location"), "?", 2)[0]
	ncs, _ := a.db.FindNCs(ctx, "A")
	if len(ncs) != 1 {
		t.Fatalf("%d nonconformities", len(ncs))
	}
	nc := ncs[0]

	// The findings page links the open NC instead of offering another;
	// the form for the finding leads to the open NC.
	page := compliance()
	if strings.Contains(page, `id="nc-from-`+fid+`"`) || !strings.Contains(page, `<a href="`+ncURL+`" class="nc-open">`+nc.Code+`</a>`) {
		t.Fatalf("findings page with an open NC:\n%s", page)
	}
	if resp := a.do("GET", "/nonconformities/new?finding="+fid, &officer, nil); resp.StatusCode != 303 || resp.Header.Get("Location") != ncURL {
		t.Fatalf("new NC form for a finding with one: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A second one is refused, by the page and the API, naming the first.
	for _, tc := range []struct {
		name string
		send func() (int, string)
	}{
		{"page", func() (int, string) {
			r := a.do("POST", "/nonconformities", &officer, url.Values{"source": {"finding"}, "source_ref": {fid}, "description": {"Lần hai"}})
			return r.StatusCode, bodyOf(t, r)
		}},
		{"api", func() (int, string) {
			r := a.api("POST", "/api/v1/nonconformities", a.token("a-auditor"), `{"source":"finding","source_ref":"`+fid+`","description":"Lần hai"}`)
			return r.StatusCode, bodyOf(t, r)
		}},
	} {
		if code, body := tc.send(); code != 409 || !strings.Contains(body, nc.Code) || !strings.Contains(body, "đang mở") {
			t.Fatalf("%s: duplicate NC: %d %s", tc.name, code, body)
		}
	}
	if ncs, _ := a.db.FindNCs(ctx, "A"); len(ncs) != 1 {
		t.Fatalf("%d nonconformities after the refused duplicates", len(ncs))
	}

	// The NC page links its source finding.
	if page := bodyOf(t, a.do("GET", ncURL, &officer, nil)); !strings.Contains(page, `<a href="/compliance?rule=TTHC_NOT_CONTROLLED&amp;open=1#finding-`+fid+`" id="nc-source-link">Phát hiện #`+fid) {
		t.Fatalf("NC page lacks its source:\n%s", page)
	}

	// Worked to an effective verdict while the finding is still open.
	toVerdict := func(url_ string) {
		t.Helper()
		for _, step := range []struct {
			path string
			form url.Values
		}{
			{"", url.Values{"description": {"TTHC chưa có quy trình"}, "root_cause": {"Chưa phân công soạn quy trình"}}},
			{"/actions", url.Values{"description": {"Soạn quy trình"}, "owner": {"a-staff"}, "due_on": {a.clock.Now().AddDate(0, 0, 7).Format("02/01/2006")}}},
			{"/status", url.Values{"action": {"start"}}},
		} {
			if r := a.do("POST", url_+step.path, &officer, step.form); r.StatusCode != 303 {
				t.Fatalf("%s: %d %s", step.path, r.StatusCode, bodyOf(t, r))
			}
		}
		n, _ := a.db.FindNC(ctx, "A", mustID(t, url_))
		// Its owner records it done: the quality officer who verifies did not.
		owner := a.login("a-staff")
		if r := a.do("POST", url_+"/actions/"+itoa(n.Actions[0].ID)+"/done", &owner, url.Values{"result": {"Đã ban hành"}}); r.StatusCode != 303 {
			t.Fatalf("action done: %d", r.StatusCode)
		}
		if r := a.do("POST", url_+"/status", &officer, url.Values{"action": {"verify"}, "verdict": {"effective"}}); r.StatusCode != 303 {
			t.Fatalf("verify: %d", r.StatusCode)
		}
	}
	toVerdict(ncURL)
	resp = a.do("POST", ncURL+"/status", &officer, url.Values{"action": {"close"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "#"+fid) || !strings.Contains(body, "vẫn đang mở") || !strings.Contains(body, `id="close-reason"`) {
		t.Fatalf("close over an open finding without a reason: %d\n%s", resp.StatusCode, body)
	}
	if n, _ := a.db.FindNC(ctx, "A", nc.ID); n.Status != qms.NCInProgress {
		t.Fatalf("closed anyway: %s", n.Status)
	}
	// The API asks the same.
	if r := a.api("POST", "/api/v1/nonconformities/"+itoa(nc.ID)+"/status", a.token("a-auditor"), `{"action":"close"}`); r.StatusCode != 400 || !strings.Contains(bodyOf(t, r), "close_reason") {
		t.Fatalf("api close without a reason: %d", r.StatusCode)
	}
	reason := "Quy trình đã trình duyệt, chờ lãnh đạo ký; phát hiện sẽ đóng ở lần quét sau"
	if r := a.do("POST", ncURL+"/status", &officer, signing(url.Values{"action": {"close"}, "close_reason": {reason}})); r.StatusCode != 303 {
		t.Fatalf("close with a reason: %d %s", r.StatusCode, bodyOf(t, r))
	}
	if n, _ := a.db.FindNC(ctx, "A", nc.ID); n.Status != qms.NCClosed || n.CloseReason != reason {
		t.Fatalf("closed NC: %s %q", n.Status, n.CloseReason)
	}
	close := "nc.close"
	entries, _, err := a.db.FindAuditEntries(ctx, qms.AuditFilter{Action: &close})
	if err != nil || len(entries) != 1 || entries[0].Reason != reason || !strings.Contains(string(entries[0].After), reason) {
		t.Fatalf("audit of the close: %v %+v", err, entries)
	}
	if page := bodyOf(t, a.do("GET", ncURL, &officer, nil)); !strings.Contains(page, `<dd id="nc-close-reason">`+reason) {
		t.Fatal("NC page lacks the close reason")
	}
	// Closed, it no longer holds the finding: a new NC may be raised.
	if page := compliance(); !strings.Contains(page, `id="nc-from-`+fid+`"`) {
		t.Fatal("a finding whose NC is closed offers no new one")
	}

	// A finding the scan has cleared closes its NC without a reason.
	a.db.ImportTTHC(officerCtx, "A", []qms.TTHC{{Code: "1.000001", Name: "Cấp giấy phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}})
	a.do("POST", "/compliance/run", &auditor, url.Values{})
	clears := finding("1.000001")
	var created qms.Nonconformity
	r := a.api("POST", "/api/v1/nonconformities", a.token("a-auditor"), `{"source":"finding","source_ref":"`+itoa(clears.ID)+`","description":"TTHC 1.000001 chưa có quy trình"}`)
	if r.StatusCode != 201 {
		t.Fatalf("second finding's NC: %d %s", r.StatusCode, bodyOf(t, r))
	}
	decode(t, r, &created)
	toVerdict("/nonconformities/" + itoa(created.ID))
	a.effectiveProcedure()
	a.do("POST", "/compliance/run", &auditor, url.Values{})
	if r := a.do("POST", "/nonconformities/"+itoa(created.ID)+"/status", &officer, signing(url.Values{"action": {"close"}})); r.StatusCode != 303 {
		t.Fatalf("close after the scan cleared the finding: %d %s", r.StatusCode, bodyOf(t, r))
	}
	if n, _ := a.db.FindNC(ctx, "A", created.ID); n.Status != qms.NCClosed || n.CloseReason != "" {
		t.Fatalf("NC of a cleared finding: %s %q", n.Status, n.CloseReason)
	}
	if page := bodyOf(t, a.do("GET", "/nonconformities/"+itoa(created.ID), &officer, nil)); !strings.Contains(page, "open=0#finding-"+itoa(clears.ID)) || !strings.Contains(page, "đã khắc phục") {
		t.Fatal("NC page does not show its finding cleared")
	}
}

func mustID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	for _, r := range path[strings.LastIndex(path, "/")+1:] {
		if r < '0' || r > '9' {
			t.Fatalf("no id in %s", path)
		}
		id = id*10 + int64(r-'0')
	}
	return id
}
