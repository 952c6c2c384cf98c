package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// withEditor adds "a-editor", quality officer and leader of A: one person
// who may both write and approve, so only segregation of duties stands
// between their edit and their approval.
func (a *app) withEditor() {
	a.t.Helper()
	sys := qms.WithActor(a.t.Context(), qms.SystemActor("test"))
	u := &qms.User{Username: "a-editor", FullName: "Người sửa", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleQualityOfficer}, {AgencyCode: "A", Role: qms.RoleLeader}}}
	if err := a.db.CreateUser(sys, u, "ngua-o-123"); err != nil {
		a.t.Fatal(err)
	}
	a.srv.Deps.Authz.Reload()
	a.users[u.Username] = u
}

// createForm makes form BM-01 of A with a draft version 1 and returns
// the version's path.
func (a *app) createForm(s *session) string {
	a.t.Helper()
	resp := a.do("POST", "/forms", s, url.Values{"code": {"BM-01"}, "title": {"Phiếu thử"}, "schema": {checkFormSchema}})
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	if resp.StatusCode != 303 || !strings.HasSuffix(path, "/versions/1") {
		a.t.Fatalf("create form: %d %s", resp.StatusCode, path)
	}
	return path
}

func TestTrust10NoApprovalByContributors(t *testing.T) {
	edit := func(a *app, doc, path string, s *session) {
		form := fourStepForm()
		if doc == "form" {
			form = url.Values{"schema": {checkFormSchema}, "change_summary": {"Sửa nhãn"}}
		}
		if code := a.do("POST", path, s, form).StatusCode; code != 303 {
			a.t.Fatalf("edit %s: %d", doc, code)
		}
	}
	importBPMN := func(a *app, doc, path string, s *session) {
		officer := a.login("a-quality-officer")
		file := []byte(bodyOf(a.t, a.do("GET", path+"/flowchart.bpmn", &officer, nil)))
		if code := a.upload(path+"/bpmn", s, "quy-trinh.bpmn", file).StatusCode; code != 200 {
			a.t.Fatalf("BPMN import: %d", code)
		}
	}
	tests := []struct {
		name     string
		doc      string                                     // procedure or form
		involve  func(a *app, doc, path string, s *session) // what a-editor does to the draft
		submit   string                                     // who submits it
		approver string
		action   string
		want     int
	}{
		{"procedure: the editor of another's draft", "procedure", edit, "a-quality-officer", "a-editor", "approve", 403},
		{"procedure: the submitter", "procedure", nil, "a-editor", "a-editor", "approve", 403},
		{"procedure: who imported a BPMN file into the draft", "procedure", importBPMN, "a-quality-officer", "a-editor", "approve", 403},
		{"procedure: an uninvolved leader", "procedure", edit, "a-quality-officer", "a-leader", "approve", 303},
		{"procedure: a leader who may write but did not", "procedure", nil, "a-quality-officer", "a-editor", "approve", 303},
		{"form: the editor of another's draft", "form", edit, "a-quality-officer", "a-editor", "approve", 403},
		{"form: the submitter", "form", nil, "a-editor", "a-editor", "approve", 403},
		{"form: an uninvolved leader", "form", edit, "a-quality-officer", "a-leader", "approve", 303},
		// Rejecting puts nothing in force: a contributor may send the draft back.
		{"procedure: the editor rejects", "procedure", edit, "a-quality-officer", "a-editor", "reject", 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t)
			a.withEditor()
			officer, editor := a.login("a-quality-officer"), a.login("a-editor")
			var path string
			if tt.doc == "procedure" {
				path = a.createProcedure(&officer)
			} else {
				path = a.createForm(&officer)
			}
			if tt.involve != nil {
				tt.involve(a, tt.doc, path, &editor)
			}
			submitter := a.login(tt.submit)
			if code := a.do("POST", path+"/submit", &submitter, signing(nil)).StatusCode; code != 303 {
				t.Fatalf("submit: %d", code)
			}
			approver := a.login(tt.approver)
			page := bodyOf(t, a.do("GET", path, &approver, nil))
			if offered := strings.Contains(page, `action="`+path+`/approve"`); tt.action == "approve" && offered != (tt.want == 303) {
				t.Errorf("approve button offered: %v", offered)
			}
			resp := a.do("POST", path+"/"+tt.action, &approver, signing(url.Values{"reason": {"Bổ sung bước thẩm định"}}))
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s by %s: %d, want %d", tt.action, tt.approver, resp.StatusCode, tt.want)
			}
			if tt.want == 403 && !strings.Contains(body, "Người đã soạn thảo, sửa hoặc trình phiên bản không được phê duyệt phiên bản đó.") {
				t.Fatal("refusal does not say why")
			}
			want := map[int]qms.DocStatus{403: qms.StatusSubmitted, 303: qms.StatusEffective}[tt.want]
			if tt.action == "reject" {
				want = qms.StatusDraft
			}
			if got := a.versionStatus(tt.doc, path); got != want {
				t.Fatalf("status %s, want %s", got, want)
			}
		})
	}
}

// versionStatus reads a version's status through the API.
func (a *app) versionStatus(doc, path string) qms.DocStatus {
	a.t.Helper()
	tok := a.token("a-auditor")
	if doc == "form" { // path is /forms/ID/versions/1
		var out struct{ Versions []qms.FormVersion }
		decode(a.t, a.api("GET", "/api/v1"+strings.TrimSuffix(path, "/versions/1"), tok, ""), &out)
		return out.Versions[0].Status
	}
	var out struct{ Version qms.ProcedureVersion }
	decode(a.t, a.api("GET", "/api/v1"+path, tok, ""), &out)
	return out.Version.Status
}
