package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// minimalDocx is a Word document as small as it gets: a ZIP with the
// parts a .docx must hold, the text in its body.
func minimalDocx(text string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, part := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`},
	} {
		f, _ := w.Create(part[0])
		f.Write([]byte(part[1]))
	}
	w.Close()
	return b.Bytes()
}

// uploadFixture is agency A with a dossier whose check step records on a
// form with a file field, a draft form version, a draft procedure
// version and the catalogue import: every file field of the app.
type uploadFixture struct {
	a                           *app
	staff, officer              session
	formPath, bpmnPath, dossier string
}

func newUploadFixture(t *testing.T) *uploadFixture {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheckSchema(recordFormSchema)
	f := &uploadFixture{a: a, staff: a.login("a-staff"), officer: a.login("a-quality-officer")}
	resp := a.do("POST", "/forms", &f.officer, url.Values{"code": {"BM-TEP"}, "title": {"Phiếu có tệp"}, "schema": {recordFormSchema}})
	f.formPath = strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	u := a.users["a-quality-officer"]
	ps, _ := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{})
	v, err := a.db.CreateVersion(qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"}), ps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	f.bpmnPath = fmt.Sprintf("/procedures/%d/versions/%d/bpmn", ps[0].ID, v.Number)
	f.dossier = "/dossiers/" + a.receive("An").Code
	return f
}

// post sends one file in a multipart form as s.
func (f *uploadFixture) post(s *session, path string, fields map[string]string, field, name string, data []byte) *http.Response {
	var body bytes.Buffer
	ct := newMultipart(&body, s.csrf, fields, field, name, data)
	req := newSessionRequest("POST", path, s, &body)
	req.Header.Set("Content-Type", ct)
	return f.a.send(req)
}

// TestProduct8UploadLimitStated: every file input of the app states the
// limit next to it and carries it for the browser's check.
func TestProduct8UploadLimitStated(t *testing.T) {
	f := newUploadFixture(t)
	const mib20 = `data-max-bytes="20971520"`
	pages := []struct {
		who                    *session
		path                   string
		inputs                 int
		maxBytes, stated, over string // what each file input carries and states
	}{
		{&f.staff, f.dossier, 2, mib20, "Tối đa 20 MiB mỗi tệp.", "vượt giới hạn 20 MiB"}, // the form's file field and the evidence
		{&f.officer, f.formPath, 2, mib20, "Tối đa 20 MiB mỗi tệp.", "vượt giới hạn 20 MiB"},
		// The BPMN import has its own, smaller limit, stated as such.
		{&f.officer, strings.TrimSuffix(f.bpmnPath, "/bpmn"), 1, `data-max-bytes="10485760"`, "Tệp BPMN tối đa 10 MiB.", "vượt giới hạn 10 MiB của tệp BPMN"},
		{&f.officer, "/tthc/import", 1, mib20, "Tối đa 20 MiB mỗi tệp.", "vượt giới hạn 20 MiB"},
	}
	for _, p := range pages {
		page := bodyOf(t, f.a.do("GET", p.path, p.who, nil))
		files := strings.Count(page, `type="file"`)
		if files < p.inputs {
			t.Errorf("%s: %d file inputs, want %d", p.path, files, p.inputs)
		}
		if n := strings.Count(page, p.maxBytes); n != files {
			t.Errorf("%s: %d of %d file inputs carry %s", p.path, n, files, p.maxBytes)
		}
		if n := strings.Count(page, p.stated); n != files {
			t.Errorf("%s: the limit is stated %d times for %d file inputs", p.path, n, files)
		}
		if n := strings.Count(page, `data-too-large="Tệp {name} nặng {size}, `+p.over); n != files {
			t.Errorf("%s: %d of %d file inputs carry their message", p.path, n, files)
		}
	}
	if page := bodyOf(t, f.a.do("GET", "/", &f.staff, nil)); !strings.Contains(page, `<script src="/static/upload.js" defer></script>`) {
		t.Error("the layout does not load upload.js")
	}
	if resp := f.a.do("GET", "/static/upload.js", nil, nil); resp.StatusCode != 200 || !strings.Contains(bodyOf(t, resp), "data-max-bytes") {
		t.Error("upload.js is not served")
	}
}

// TestProduct8OversizeBackToForm: a file over 20 MiB comes back to the
// form it was sent from, with the message (at the field for a form's file
// field, with what was typed), status 413; nothing is stored. A body over
// the server's own limit, refused before any handler, sends the browser
// back to the referring form with the message.
func TestProduct8OversizeBackToForm(t *testing.T) {
	f := newUploadFixture(t)
	big := make([]byte, qms.MaxTemplateSize+1)
	cases := []struct {
		name          string
		who           *session
		path          string
		fields        map[string]string
		field, file   string
		form, atField string
	}{
		{"evidence", &f.staff, f.dossier + "/steps", map[string]string{"step_id": "check", "ket_luan": "Đạt"}, "evidence", "lon.pdf", `id="step-form-check"`, ""},
		{"form file field", &f.staff, f.dossier + "/steps", map[string]string{"step_id": "check", "ket_luan": "Đạt"}, "bien_ban", "lon.pdf", `id="step-form-check"`, `id="f-bien_ban-error"`},
		{"form template", &f.officer, f.formPath, map[string]string{"schema": recordFormSchema}, "template", "lon.docx", `name="schema"`, ""},
		{"bpmn import", &f.officer, f.bpmnPath, nil, "file", "lon.bpmn", `id="bpmn-file"`, ""},
		{"tthc import", &f.officer, "/tthc/import", nil, "file", "lon.csv", `id="tthc-file"`, ""},
	}
	before := f.a.auditTotal()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := f.post(c.who, c.path, c.fields, c.field, c.file, big)
			page := bodyOf(t, resp)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413", resp.StatusCode)
			}
			if !strings.Contains(page, c.form) {
				t.Errorf("not back on the form (%s)", c.form)
			}
			msg := `Tệp &#34;` + c.file + `&#34; nặng 20 MiB, vượt giới hạn 20 MiB mỗi tệp`
			if !strings.Contains(page, msg) {
				t.Errorf("the page lacks the message %s", msg)
			}
			if c.atField != "" {
				if i := strings.Index(page, c.atField); i < 0 || !strings.Contains(page[i:min(len(page), i+300)], "vượt giới hạn 20 MiB") {
					t.Error("the message is not at the field")
				}
				if !strings.Contains(page, `<option value="Đạt" selected>`) {
					t.Error("what was chosen in the form is lost")
				}
			}
		})
	}
	if after := f.a.auditTotal(); after != before {
		t.Errorf("refused uploads wrote %d audit entries", after-before)
	}

	// Over the server's body limit: back to the referring page.
	base := listen(t, f.a.srv)
	header := map[string]string{"Cookie": "qms_session=" + f.staff.cookie, "Content-Type": "multipart/form-data; boundary=x",
		"Referer": base + f.dossier + "?msg=saved"}
	resp := postOverLimit(t, base, f.dossier+"/steps", 32<<20+1, header)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != f.dossier+"?msg=too_large" {
		t.Fatalf("body over the limit: %d %q, want 303 to the form", resp.StatusCode, loc)
	}
	if page := bodyOf(t, f.a.do("GET", f.dossier+"?msg=too_large", &f.staff, nil)); !strings.Contains(page, "Tệp gửi lên quá lớn") {
		t.Error("the form does not say why it came back")
	}
	// From another site, or with no referrer, it stays a plain 413.
	header["Referer"] = "http://evil.example" + f.dossier
	if resp := postOverLimit(t, base, f.dossier+"/steps", 32<<20+1, header); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("foreign referrer: %d, want 413", resp.StatusCode)
	}
}

// TestProduct8ContentByBytes: a file is what its bytes say, whatever its
// name: an executable or script renamed .pdf, .docx, .txt, .csv or .bpmn
// is refused on every file field, and an accepted file is stored with the
// content type its bytes proved.
func TestProduct8ContentByBytes(t *testing.T) {
	f := newUploadFixture(t)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...)
	var onlyExe bytes.Buffer
	zw := zip.NewWriter(&onlyExe)
	w, _ := zw.Create("setup.exe")
	w.Write(pe)
	zw.Close()
	evidence := []struct {
		file string
		data []byte
		ok   bool
		ct   string
	}{
		{"bien-ban.pdf", elf, false, ""},
		{"to-trinh.docx", pe, false, ""},
		{"to-trinh.docx", onlyExe.Bytes(), false, ""},
		{"ghi-chu.txt", []byte("#!/bin/sh\nrm -rf /\n"), false, ""},
		{"trang.txt", []byte("<html><body><script>alert(1)</script></body></html>"), false, ""},
		{"setup.exe", pe, false, ""},
		{"anh.png", []byte("%PDF-1.4 not a png"), false, ""},
		{"bien-ban.pdf", []byte("%PDF-1.7\n1 0 obj"), true, "application/pdf"},
		{"to-trinh.docx", minimalDocx("Tờ trình"), true, qms.TemplateTypes[".docx"]},
		{"anh.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...), true, "image/png"},
		{"ghi-chu.txt", []byte("Ghi chú của chuyên viên"), true, "text/plain; charset=utf-8"},
	}
	for _, c := range evidence {
		t.Run("evidence "+c.file, func(t *testing.T) {
			d := f.a.receive("Bình")
			path := "/dossiers/" + d.Code
			resp := f.post(&f.staff, path+"/steps", map[string]string{"step_id": "check", "ket_luan": "Đạt", "ma_ho_so": d.Code}, "evidence", c.file, c.data)
			page := bodyOf(t, resp)
			recs, _ := f.a.db.StepRecords(context.Background(), d.ID)
			if !c.ok {
				if resp.StatusCode != 400 || !strings.Contains(page, c.file) || !strings.Contains(page, `id="step-form-check"`) {
					t.Errorf("refused %s: %d, want 400 on the form naming the file", c.file, resp.StatusCode)
				}
				if len(recs) != 1 {
					t.Errorf("the refused file completed the step")
				}
				return
			}
			if resp.StatusCode != 303 || len(recs) != 2 || len(recs[1].Files) != 1 {
				t.Fatalf("accepted %s: %d %s", c.file, resp.StatusCode, page)
			}
			got := f.a.do("GET", path+"/files/"+recs[1].Files[0].SHA256, &f.staff, nil)
			if ct := got.Header.Get("Content-Type"); ct != c.ct {
				t.Errorf("%s served as %q, want %q", c.file, ct, c.ct)
			}
		})
	}
	others := []struct {
		name, path, field, file string
		data                    []byte
		fields                  map[string]string
	}{
		{"form file field", f.dossier + "/steps", "bien_ban", "bien-ban.pdf", elf, map[string]string{"step_id": "check", "ket_luan": "Đạt"}},
		{"form template", f.formPath, "template", "mau.docx", pe, map[string]string{"schema": recordFormSchema}},
		{"bpmn import", f.bpmnPath, "file", "quy-trinh.bpmn", pe, nil},
		{"tthc import csv", "/tthc/import", "file", "danh-muc.csv", elf, nil},
		{"tthc import xlsx", "/tthc/import", "file", "danh-muc.xlsx", pe, nil},
	}
	for _, c := range others {
		t.Run(c.name, func(t *testing.T) {
			who := &f.officer
			if strings.HasPrefix(c.path, "/dossiers/") {
				who = &f.staff
			}
			resp := f.post(who, c.path, c.fields, c.field, c.file, c.data)
			if page := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(page, "không phải tài liệu: không được tải lên") {
				t.Errorf("%s renamed %s: %d, want 400 with the reason", c.name, c.file, resp.StatusCode)
			}
		})
	}
	// The API's raw bodies are checked the same way.
	tok := f.a.token("a-quality-officer")
	req := httptest.NewRequest("POST", "/api/v1/tthc/import?name=danh-muc.csv", bytes.NewReader(elf))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp := f.a.send(req)
	var out struct {
		Error struct{ Code, Message, Field string }
	}
	decode(t, resp, &out)
	if resp.StatusCode != 400 || out.Error.Field != "file" || !strings.Contains(out.Error.Message, "ELF") {
		t.Errorf("API import of an ELF as .csv: %d %+v", resp.StatusCode, out.Error)
	}
}

// TestProduct8TextNearMisses: a catalogue saved as UTF-16 (Excel's
// "Unicode Text") or holding a control character is refused saying so and
// how to save it, not as a renamed or damaged file.
func TestProduct8TextNearMisses(t *testing.T) {
	f := newUploadFixture(t)
	utf16 := []byte("\xff\xfe")
	for _, r := range "Mã TTHC,Tên\n1.000001,Cấp phép\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"utf-16", utf16, "UTF-16"},
		{"bell", []byte("Mã TTHC,Tên\n1.000001,Cấp \x07phép\n"), "ký tự điều khiển (mã 0x07)"},
		{"nul", []byte("Mã TTHC,Tên\n1.000001,\x00\n"), "ký tự điều khiển (mã 0x00)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := f.post(&f.officer, "/tthc/import", nil, "file", "danh-muc.csv", c.data)
			page := bodyOf(t, resp)
			if resp.StatusCode != 400 || !strings.Contains(page, c.want) || !strings.Contains(page, "CSV UTF-8") || strings.Contains(page, "bị đổi tên") {
				t.Errorf("%s: %d, want 400 saying %q and to save as CSV UTF-8", c.name, resp.StatusCode, c.want)
			}
		})
	}
}
