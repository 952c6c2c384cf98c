package web_test

import (
	"testing"
)

// TestListParamsRefused: a list's page number and status filter that mean
// nothing are refused naming the parameter (outsider pass 8: page=-1,
// page=abc and status=bogus were served as page 1 or as no dossier); an
// audit log period that ends before it starts is refused as the report
// refuses it; a page past the end of the list offers the first page.
func TestListParamsRefused(t *testing.T) {
	a := newApp(t)
	tok := a.token("a-leader")
	for _, tt := range []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/dossiers?status=bogus", 400, "status"},
		{"/api/v1/dossiers?status=completed", 200, ""},
		{"/api/v1/dossiers?page=-1", 400, "page"},
		{"/api/v1/dossiers?page=abc", 400, "page"},
		{"/api/v1/dossiers?page=1e3", 400, "page"},
		{"/api/v1/dossiers?page=99999999999", 400, "page"},
		{"/api/v1/dossiers?page=2", 200, ""},
		{"/api/v1/audit?page=0", 400, "page"},
		{"/api/v1/audit?from=05/01/2026&to=01/01/2026", 400, "to"},
		{"/api/v1/audit?from=01/01/2026&to=01/01/2026", 200, ""},
		// Outsider pass 9: the siblings of the above.
		{"/api/v1/tasks?page=-1", 400, "page"},
		{"/api/v1/tasks?page=abc", 400, "page"},
		{"/api/v1/tasks?page=1", 200, ""},
		{"/api/v1/dossiers?overdue=yes", 400, "overdue"},
		{"/api/v1/dossiers?overdue=1", 200, ""},
		{"/api/v1/findings?severity=bogus", 400, "severity"},
		{"/api/v1/findings?severity=high", 200, ""},
		{"/api/v1/findings?rule=BOGUS", 400, "rule"},
		{"/api/v1/findings?rule=DOSSIER_OVERDUE", 200, ""},
		{"/api/v1/findings?open=2", 400, "open"},
		{"/api/v1/findings?open=0", 200, ""},
		{"/api/v1/objectives?withdrawn=2", 400, "withdrawn"},
		{"/api/v1/objectives?withdrawn=1", 200, ""},
		{"/api/v1/tthc/status?status=bogus", 400, "status"},
		{"/api/v1/tthc/status?status=not_controlled", 200, ""},
	} {
		checkAPI(t, tt.path, a.api("GET", tt.path, tok, ""), tt.status, tt.field, nil)
	}
	s := a.login("a-leader")
	for _, path := range []string{"/tasks?page=abc", "/dossiers?page=-1", "/dossiers?status=bogus", "/dossiers?overdue=2", "/compliance?severity=bogus", "/tthc?status=bogus"} {
		if resp := a.do("GET", path, &s, nil); resp.StatusCode != 400 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	if page := parsePage(t, bodyOf(t, a.do("GET", "/dossiers?page=9999", &s, nil))); page.byID("first-page") == nil {
		t.Error("a page past the end does not offer the first page")
	}
}

// TestPublicPagesNotForSystemAgency: the system agency serves no citizen:
// its public page, feedback form and survey are 404 (outsider pass 9
// filed a feedback against SYS), an agency's are not.
func TestPublicPagesNotForSystemAgency(t *testing.T) {
	a := newApp(t)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/public/SYS", 404},
		{"/public/sys/feedback", 404},
		{"/public/SYS/satisfaction/SYS-2026-000001", 404},
		{"/public/A", 200},
		{"/public/A/feedback", 200},
	} {
		if resp := a.do("GET", tt.path, nil, nil); resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, resp.StatusCode, tt.status)
		}
	}
}
