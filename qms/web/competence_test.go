package web_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestCompetence5PagesAndRules: the quality officer keeps the catalogue,
// requirements and records (with an evidence file) through the pages;
// leaders and auditors read the matrix; staff see only their own records
// and evidence; a revoke needs its reason; every write is audited.
func TestCompetence5PagesAndRules(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	qo, staff, leader, auditor := a.login("a-quality-officer"), a.login("a-staff"), a.login("a-leader"), a.login("a-auditor")
	post := func(s *session, path string, form url.Values, want int) string {
		t.Helper()
		resp := a.do("POST", path, s, form)
		body := bodyOf(t, resp)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %d, want %d\n%s", path, resp.StatusCode, want, body)
		}
		return body
	}
	post(&qo, "/competence/catalogue", url.Values{"code": {"MOTCUA"}, "name": {"Nghiệp vụ một cửa"}}, 303)
	if body := post(&qo, "/competence/catalogue", url.Values{"code": {"MOTCUA"}, "name": {"Trùng"}}, 409); !strings.Contains(body, `id="error-code"`) {
		t.Fatal("duplicate code: no message at the field")
	}
	post(&leader, "/competence/catalogue", url.Values{"code": {"X"}, "name": {"Lãnh đạo không ghi"}}, 403)
	comps, _ := a.db.FindCompetences(t.Context(), "A")
	cid := itoa(comps[0].ID)
	ps, _ := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{})
	post(&qo, "/competence/requirements", url.Values{"competence_id": {cid}, "step": {itoa(ps[0].ID) + "/check"}}, 303)

	// The staff member completing "check" lacks MOTCUA: the step form
	// warns, and the step can still be completed.
	d := a.receive("Nguyễn Văn An")
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &staff, nil)); !strings.Contains(body, `id="competence-warning-check"`) || !strings.Contains(body, "MOTCUA") {
		t.Fatal("the step form does not warn of the missing competence")
	}
	if resp := a.do("POST", "/dossiers/"+d.Code+"/steps", &staff, url.Values{"step_id": {"check"}}); resp.StatusCode != 303 {
		t.Fatalf("completing the step despite the warning: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	d = a.receive("Trần Thị Bình")
	var api struct {
		Gaps []qms.CompetenceGap `json:"gaps"`
	}
	decode(t, a.api("GET", "/api/v1/competence/matrix", a.token("a-leader"), ""), &api)
	if len(api.Gaps) != 1 || api.Gaps[0].Person.Username != "a-staff" || api.Gaps[0].Status != qms.CompetenceMissing {
		t.Fatalf("API gaps: %+v", api.Gaps)
	}
	if resp := a.api("GET", "/api/v1/competence/matrix", a.token("a-staff"), ""); resp.StatusCode != 403 {
		t.Fatalf("staff read the matrix through the API: %d", resp.StatusCode)
	}

	// A record with its evidence, through the multipart form.
	var buf bytes.Buffer
	ct := newMultipart(&buf, qo.csrf, map[string]string{"username": "a-staff", "competence_id": cid, "course": "Tập huấn một cửa 2026",
		"certificate_no": "CN-01", "obtained_on": "02/01/2026", "expires_on": "31/12/2027", "back": "person"}, "evidence", "chung-chi.pdf", []byte("%PDF-1.4\n% chứng chỉ\n"))
	req := newSessionRequest("POST", "/competence/records", &qo, &buf)
	req.Header.Set("Content-Type", ct)
	if resp := a.send(req); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/competence/people/a-staff") {
		t.Fatalf("add record: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), bodyOf(t, resp))
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &staff, nil)); strings.Contains(body, `id="competence-warning-check"`) {
		t.Fatal("still warned after the training was recorded")
	}
	recs, _ := a.db.FindCompetenceRecords(t.Context(), qms.CompetenceRecordFilter{AgencyCode: "A"})
	if len(recs) != 1 || recs[0].Evidence == nil {
		t.Fatalf("records: %+v", recs)
	}
	rid := itoa(recs[0].ID)

	tests := []struct {
		name   string
		who    *session
		path   string
		status int
		has    string
	}{
		{"officer sees the matrix", &qo, "/competence", 200, `id="competence-row-a-staff"`},
		{"leader reads the matrix", &leader, "/competence", 200, `data-status="valid"`},
		{"auditor reads a person", &auditor, "/competence/people/a-staff", 200, "CN-01"},
		{"staff may not read the matrix", &staff, "/competence", 403, ""},
		{"staff may not read another person", &staff, "/competence/people/a-leader", 403, ""},
		{"staff read their own", &staff, "/competence/me", 200, "Tập huấn một cửa 2026"},
		{"staff download their own evidence", &staff, "/competence/records/" + rid + "/evidence", 200, "chứng chỉ"},
		{"leader downloads evidence", &leader, "/competence/records/" + rid + "/evidence", 200, "%PDF"},
		{"a person in B sees nothing of A", ptr(a.login("b-quality-officer")), "/competence/records/" + rid + "/evidence", 404, ""},
	}
	for _, tc := range tests {
		resp := a.do("GET", tc.path, tc.who, nil)
		if body := bodyOf(t, resp); resp.StatusCode != tc.status || !strings.Contains(body, tc.has) {
			t.Errorf("%s: %d, want %d with %q", tc.name, resp.StatusCode, tc.status, tc.has)
		}
	}
	// Another staff member's evidence is not the staff's to read.
	a.addUser("a-staff-2", "A", qms.RoleStaff)
	staff2 := a.login("a-staff-2")
	if resp := a.do("GET", "/competence/records/"+rid+"/evidence", &staff2, nil); resp.StatusCode != 404 {
		t.Fatalf("another staff member reads the evidence: %d", resp.StatusCode)
	}

	if body := post(&qo, "/competence/records/"+rid+"/revoke", url.Values{"reason": {""}, "back": {"person"}, "username": {"a-staff"}}, 400); !strings.Contains(body, `id="error-reason"`) {
		t.Fatal("revoke without a reason: no message at the field")
	}
	post(&staff, "/competence/records/"+rid+"/revoke", url.Values{"reason": {"Tự thu hồi"}}, 403)
	post(&qo, "/competence/records/"+rid+"/revoke", url.Values{"reason": {"Cấp nhầm"}, "back": {"person"}, "username": {"a-staff"}}, 303)
	if body := bodyOf(t, a.do("GET", "/competence/people/a-staff", &qo, nil)); !strings.Contains(body, "Cấp nhầm") || !strings.Contains(body, `class="revoked"`) {
		t.Fatal("the revoked record is not shown with its reason")
	}
	for _, action := range []string{"competence.create", "competence.require", "competence.record.add", "competence.record.revoke"} {
		if n := a.auditCount(action); n != 1 {
			t.Errorf("%s: %d audit entries, want 1", action, n)
		}
	}
}

func ptr[T any](v T) *T { return &v }
