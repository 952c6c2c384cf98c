package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"isodt/qms"
)

// postDeclaration posts the declaration form as s, with the file named
// name holding data ("" for no file).
func (a *app) postDeclaration(s *session, fields map[string][]string, name string, data []byte) *http.Response {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", s.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
	}
	w.Close()
	req := newSessionRequest("POST", "/declarations", s, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.send(req)
}

var signedPDF = []byte("%PDF-1.4\n% quyết định công bố đã ký\n")

// TestDeclaration3Page: the quality officer sees the rule's finding and
// records the declaration with its scope and the signed decision; a
// refused form keeps what was typed and stores no file; a second
// declaration supersedes the first, which stays; auditors read, staff
// do not; another agency reaches nothing of A's.
func TestDeclaration3Page(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if _, err := a.db.RunChecks(sys, qms.CheckScope{AgencyCode: "A", Rule: qms.RuleDeclarationMissing}); err != nil {
		t.Fatal(err)
	}
	officer := a.login("a-quality-officer")
	page := bodyOf(t, a.do("GET", "/declarations", &officer, nil))
	for _, want := range []string{`id="declaration-none"`, `id="declaration-findings"`, "chưa công bố hệ thống quản lý chất lượng", `name="tthc" value="1.000001" checked`, `name="process" value="QT-01" checked`, "19/2014/QĐ-TTg"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	full := map[string][]string{"number": {"01/QĐ-A"}, "decided_on": {"02/01/2026"}, "signed_by": {"Giám đốc Sở A"}, "tthc": {"1.000001"}, "process": {"QT-01"}}
	for _, tc := range []struct {
		name    string
		fields  map[string][]string
		file    string
		data    []byte
		status  int
		message string
	}{
		{"empty scope", map[string][]string{"number": {"01/QĐ-A"}, "decided_on": {"02/01/2026"}}, "qd.pdf", signedPDF, 400, "Phạm vi công bố trống"},
		{"bad date", map[string][]string{"number": {"01/QĐ-A"}, "decided_on": {"31/02/2026"}, "tthc": {"1.000001"}}, "qd.pdf", signedPDF, 400, "Ngày ký quyết định công bố"},
		{"no file", full, "", nil, 400, "Chưa tải lên quyết định"},
		{"program renamed", full, "qd.pdf", []byte("MZ\x90\x00 not a pdf"), 400, "không phải tài liệu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := a.auditCount("file.store")
			resp := a.postDeclaration(&officer, tc.fields, tc.file, tc.data)
			body := bodyOf(t, resp)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.message) {
				t.Fatalf("status %d, want %d with %q", resp.StatusCode, tc.status, tc.message)
			}
			if !strings.Contains(body, `value="01/QĐ-A"`) {
				t.Error("the form lost the number typed")
			}
			if a.auditCount("declaration.create") != 0 || a.auditCount("file.store") != files {
				t.Fatal("a refused form wrote something")
			}
		})
	}
	if resp := a.postDeclaration(&officer, full, "qd-01.pdf", signedPDF); resp.StatusCode != 303 {
		t.Fatalf("declare: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	ds, err := a.db.FindDeclarations(sys, "A")
	if err != nil || len(ds) != 1 || ds[0].CreatedBy != "a-quality-officer" || strings.Join(ds[0].Processes, ",") != "QT-01" {
		t.Fatalf("declarations %+v, %v", ds, err)
	}
	first := itoa(ds[0].ID)
	page = bodyOf(t, a.do("GET", "/declarations", &officer, nil))
	if !strings.Contains(page, `id="declaration-current"`) || !strings.Contains(page, "qd-01.pdf") {
		t.Fatal("the declaration is not shown")
	}
	resp := a.do("GET", "/declarations/"+first+"/file", &officer, nil)
	if got := bodyOf(t, resp); resp.StatusCode != 200 || got != string(signedPDF) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("file: %d %q %s", resp.StatusCode, got, resp.Header.Get("Content-Type"))
	}
	// A leader declares again: the first is superseded, not deleted.
	leader := a.login("a-leader")
	again := map[string][]string{"number": {"02/QĐ-A"}, "decided_on": {"03/01/2026"}, "tthc": {"1.000001"}}
	// Superseding is confirmed by naming the declaration in force
	// (outsider finding: a careless form replaced it at once).
	if body := bodyOf(t, a.postDeclaration(&leader, again, "qd-02.pdf", signedPDF)); !strings.Contains(body, `id="error-confirm_supersede"`) || !strings.Contains(body, "01/QĐ-A") {
		t.Fatal("a second declaration was recorded without confirming the supersession")
	}
	again["confirm_supersede"] = []string{"01/QĐ-A"}
	if resp := a.postDeclaration(&leader, again, "qd-02.pdf", signedPDF); resp.StatusCode != 303 {
		t.Fatalf("declare again: %d", resp.StatusCode)
	}
	if a.auditCount("declaration.supersede") != 1 {
		t.Fatal("no audit entry for the superseded declaration")
	}
	// Who may do what.
	auditor, staff, other := a.login("a-auditor"), a.login("a-staff"), a.login("b-quality-officer")
	if page := bodyOf(t, a.do("GET", "/declarations", &auditor, nil)); !strings.Contains(page, "02/QĐ-A") || !strings.Contains(page, "01/QĐ-A") || strings.Contains(page, `id="declaration-form"`) {
		t.Fatal("the auditor does not read the declarations, or is offered the form")
	}
	for _, tc := range []struct {
		name string
		resp *http.Response
		want int
	}{
		{"auditor posts", a.postDeclaration(&auditor, again, "qd.pdf", signedPDF), 403},
		{"staff reads", a.do("GET", "/declarations", &staff, nil), 403},
		{"other agency's file", a.do("GET", "/declarations/"+first+"/file", &other, nil), 404},
	} {
		if tc.resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.resp.StatusCode, tc.want)
		}
	}
	body := bodyOf(t, a.api("GET", "/api/v1/declarations", a.token("a-auditor"), ""))
	if !strings.Contains(body, `"number":"02/QĐ-A"`) || !strings.Contains(body, `"superseded_by"`) || !strings.Contains(body, `"legal_basis"`) {
		t.Fatalf("API: %s", body)
	}
	if _, err := a.db.RunChecks(sys, qms.CheckScope{AgencyCode: "A", Rule: qms.RuleDeclarationMissing}); err != nil {
		t.Fatal(err)
	}
	if page := bodyOf(t, a.do("GET", "/declarations", &officer, nil)); strings.Contains(page, `id="declaration-findings"`) {
		t.Fatal("the finding is still shown after the declaration")
	}
}

// TestDeclarationScopeIsOwn (outsider pass 8): B's quality officer posts
// A's TTHC or A's procedure among B's own; the form is refused naming
// the code, and no file, no declaration is written; B's own scope is
// recorded.
func TestDeclarationScopeIsOwn(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure() // A: TTHC 1.000001, QT-01 in force
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	if _, _, err := a.db.ImportTTHC(sys, "B", []qms.TTHC{{Code: "2.000001", Name: "Cấp phép quảng cáo", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	officer := a.login("b-quality-officer")
	fields := func(tthc, process []string) map[string][]string {
		return map[string][]string{"number": {"01/QĐ-B"}, "decided_on": {"02/01/2026"}, "tthc": tthc, "process": process}
	}
	for _, tc := range []struct {
		name          string
		tthc, process []string
		field, code   string
	}{
		{"A's TTHC", []string{"2.000001", "1.000001"}, nil, "tthc", "1.000001"},
		{"A's procedure", []string{"2.000001"}, []string{"QT-01"}, "process", "QT-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := a.auditCount("file.store")
			resp := a.postDeclaration(&officer, fields(tc.tthc, tc.process), "qd.pdf", signedPDF)
			body := bodyOf(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(body, `id="error-`+tc.field+`"`) || !strings.Contains(body, tc.code) {
				t.Fatalf("status %d, want 400 naming %s on %s", resp.StatusCode, tc.code, tc.field)
			}
			if a.auditCount("declaration.create") != 0 || a.auditCount("file.store") != files {
				t.Fatal("a refused scope wrote something")
			}
		})
	}
	if resp := a.postDeclaration(&officer, fields([]string{"2.000001"}, nil), "qd.pdf", signedPDF); resp.StatusCode != 303 {
		t.Fatalf("B's own scope: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	var got struct{ Declarations []qms.Declaration }
	decode(t, a.api("GET", "/api/v1/declarations", a.token("b-quality-officer"), ""), &got)
	if len(got.Declarations) != 1 || strings.Join(got.Declarations[0].TTHCCodes, ",") != "2.000001" || len(got.Declarations[0].Processes) != 0 {
		t.Fatalf("B's declarations: %+v", got.Declarations)
	}
}
