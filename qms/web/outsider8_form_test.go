package web_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestOutsider8FormFieldOnce: a field sent twice in a posted form is
// refused with 400 naming it, urlencoded or multipart, as a JSON member
// named twice is (a handler reads the first value, a proxy may read the
// other); so is a field both in the form and in the query string, which
// c.FormValue reads first. The fields a route reads as a list (the
// flowchart's tables, the evidence files of a step) still go through.
func TestOutsider8FormFieldOnce(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	refused := func(name, field string, status int, body string) {
		t.Helper()
		if status != 400 || !strings.Contains(body, `Trường &#34;`+field+`&#34; được gửi nhiều lần`) && !strings.Contains(body, `Trường "`+field+`" được gửi nhiều lần`) {
			t.Errorf("%s: %d, want 400 naming %s: %.300s", name, status, field, body)
		}
	}

	// The outside tester's form: two applicants, the first was stored.
	form := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Tên Một", "Tên Hai"}, "channel": {"counter"}}
	resp := a.do("POST", "/dossiers", &staff, form)
	refused("urlencoded, applicant_name twice", "applicant_name", resp.StatusCode, bodyOf(t, resp))
	form.Set("applicant_name", "Tên Hai")
	resp = a.do("POST", "/dossiers?applicant_name=T%C3%AAn+M%E1%BB%99t", &staff, form)
	refused("applicant_name in the query and the form", "applicant_name", resp.StatusCode, bodyOf(t, resp))
	if _, n, err := a.db.FindDossiers(t.Context(), qms.DossierFilter{}); err != nil || n != 0 {
		t.Fatalf("%d dossiers after the refused forms (%v)", n, err)
	}

	// Multipart: the step completed is named twice; then the step form
	// with two evidence files (a multiple file input) is taken.
	d := a.receive("Nguyễn Văn A")
	step := func(ids []string, files ...string) (int, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", staff.csrf)
		for _, id := range ids {
			w.WriteField("step_id", id)
		}
		w.WriteField("note", "Đủ thành phần")
		for _, f := range files {
			fw, _ := w.CreateFormFile("evidence", f)
			fw.Write([]byte("biên bản " + f))
		}
		w.Close()
		req := newSessionRequest("POST", "/dossiers/"+d.Code+"/steps", &staff, &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		resp := a.send(req)
		return resp.StatusCode, bodyOf(t, resp)
	}
	status, body := step([]string{"check", "approve"}, "a.txt")
	refused("multipart, step_id twice", "step_id", status, body)
	if p, err := a.db.DossierProgress(t.Context(), "A", d.Code); err != nil || len(p.Steps) != 1 {
		t.Fatalf("the refused form completed a step: %v %v", p, err)
	}
	if status, body = step([]string{"check"}, "a.txt", "b.txt"); status != 303 {
		t.Fatalf("two evidence files: %d %.300s", status, body)
	}
	if p, err := a.db.DossierProgress(t.Context(), "A", d.Code); err != nil || len(p.Steps) != 2 || len(p.Steps[1].Files) != 2 {
		t.Fatalf("the step with two files: %v %v", p, err)
	}

	// The flowchart's tables post each column once per row.
	officer := a.login("a-quality-officer")
	ps, err := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("procedures: %v %v", ps, err)
	}
	base := "/procedures/" + itoa(ps[0].ID)
	if resp = a.do("POST", base+"/versions", &officer, url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("new version: %d", resp.StatusCode)
	}
	rows := fourStepForm() // 5 step rows, 4 flows, 2 records
	rows.Add("purpose", "Mục đích thứ hai")
	resp = a.do("POST", base+"/versions/2", &officer, rows)
	refused("flowchart form, purpose twice", "purpose", resp.StatusCode, bodyOf(t, resp))
	rows.Set("purpose", "Mục đích")
	if resp = a.do("POST", base+"/versions/2", &officer, rows); resp.StatusCode != 303 {
		t.Fatalf("flowchart form: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	if v, err := a.db.FindVersion(t.Context(), ps[0].ID, 2); err != nil || len(v.Flowchart.Steps) != 4 || len(v.Flowchart.Edges) != 3 || len(v.Records) != 1 {
		t.Fatalf("the draft saved: %+v %v", v, err)
	}
}
