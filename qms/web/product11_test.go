package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// TestProduct11DiagramCheck: the diagram editor's live validation runs the
// version page's rules on the posted BPMN, behind the procedure write rule,
// the agency scope and the CSRF check, and refuses a body over the BPMN
// import's size limit.
func TestProduct11DiagramCheck(t *testing.T) {
	a := newApp(t)
	p, v := a.draftVersion()
	path := "/procedures/" + itoa(p.ID) + "/versions/" + itoa(int64(v.Number)) + "/diagram/check"
	valid, err := bpmn.Export(v.Flowchart, "Process_1", p.Title)
	if err != nil {
		t.Fatal(err)
	}
	broken := v.Flowchart
	broken.Steps = append(append([]flowchart.Step(nil), broken.Steps...), flowchart.Step{ID: "cut", Name: "Bước cụt", Kind: flowchart.KindTask, Hours: 1})
	broken.Edges = append(append([]flowchart.Edge(nil), broken.Edges...), flowchart.Edge{From: "check", To: "cut"})
	invalid, err := bpmn.Export(broken, "Process_1", p.Title)
	if err != nil {
		t.Fatal(err)
	}
	unknownForm := v.Flowchart
	unknownForm.Steps = append([]flowchart.Step(nil), unknownForm.Steps...)
	unknownForm.Steps[1].Forms = []string{"BM-KHONG-CO"}
	withForm, err := bpmn.Export(unknownForm, "Process_1", p.Title)
	if err != nil {
		t.Fatal(err)
	}
	officer, staff, other := a.login("a-quality-officer"), a.login("a-staff"), a.login("b-quality-officer")
	post := func(s *session, body []byte, csrf bool) *http.Response {
		req := newSessionRequest("POST", path, s, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/xml")
		if csrf {
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
		return a.send(req)
	}
	huge := append(bytes.Repeat([]byte(" "), bpmn.MaxImportBytes), valid...)
	tests := []struct {
		name   string
		send   func() *http.Response
		status int
		want   []string // in the body
		reject []string // not in the body
	}{
		{"anonymous", func() *http.Response { return a.send(httpPost(path, valid)) }, 403, nil, []string{"problems"}},
		{"staff may not write procedures", func() *http.Response { return post(&staff, valid, true) }, 403, nil, nil},
		{"other agency", func() *http.Response { return post(&other, valid, true) }, 404, nil, nil},
		{"no csrf token", func() *http.Response { return post(&officer, valid, false) }, 403, nil, nil},
		{"valid diagram", func() *http.Response { return post(&officer, valid, true) }, 200, []string{`"problems":[]`}, nil},
		{"step without exit", func() *http.Response { return post(&officer, invalid, true) }, 200, []string{`"problems":[{`, "Bước cụt"}, nil},
		{"unknown form, as on submission", func() *http.Response { return post(&officer, withForm, true) }, 200, []string{`"code":"unknown_form"`, "BM-KHONG-CO"}, nil},
		{"not xml", func() *http.Response { return post(&officer, []byte("%PDF-1.4 không phải BPMN"), true) }, 400, []string{`"error":`}, []string{"problems"}},
		{"empty", func() *http.Response { return post(&officer, nil, true) }, 400, []string{"Lưu đồ trống"}, nil},
		{"over the import limit", func() *http.Response { return post(&officer, huge, true) }, 413, []string{"tối đa 10 MiB"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.send()
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q: %.500s", w, body)
				}
			}
			for _, r := range tt.reject {
				if strings.Contains(body, r) {
					t.Errorf("body has %q: %.500s", r, body)
				}
			}
		})
	}
	if got, _ := a.db.FindVersion(t.Context(), p.ID, v.Number); len(got.Flowchart.Steps) != len(v.Flowchart.Steps) {
		t.Errorf("checking saved the draft: %d steps", len(got.Flowchart.Steps))
	}
}

func httpPost(target string, body []byte) *http.Request {
	req, _ := http.NewRequest("POST", target, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/xml")
	return req
}

// TestProduct11DiagramPage: the editor page loads the vendored modeler
// (served from the binary with the right types, under the strict CSP);
// a refused save returns the drawing as posted with the message, and a
// good one replaces the draft's flowchart through the BPMN import.
func TestProduct11DiagramPage(t *testing.T) {
	a := newApp(t)
	p, v := a.draftVersion()
	officer := a.login("a-quality-officer")
	base := "/procedures/" + itoa(p.ID) + "/versions/" + itoa(int64(v.Number))

	resp := a.do("GET", base+"/diagram", &officer, nil)
	page := bodyOf(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(page, `src="/static/vendor/bpmn-js/bpmn-modeler.production.min.js"`) ||
		!strings.Contains(page, `data-source="`+base+`/flowchart.bpmn"`) {
		t.Fatalf("editor page %d: %.400s", resp.StatusCode, page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP of the editor: %q", csp)
	}
	if link := bodyOf(t, a.do("GET", base, &officer, nil)); !strings.Contains(link, `href="`+base+`/diagram"`) {
		t.Error("the version page does not link the diagram editor")
	}
	for file, ctype := range map[string]string{
		"bpmn-modeler.production.min.js":   "javascript",
		"assets/diagram-js.css":            "text/css",
		"assets/bpmn-js.css":               "text/css",
		"assets/bpmn-font/css/bpmn.css":    "text/css",
		"assets/bpmn-font/font/bpmn.woff2": "font/woff2",
		"LICENSE":                          "",
	} {
		resp := a.do("GET", "/static/vendor/bpmn-js/"+file, nil, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), ctype) {
			t.Errorf("%s: %d %q", file, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if file == "LICENSE" && !strings.Contains(body, "watermark must stay fully visible") {
			t.Errorf("LICENSE: %.200s", body)
		}
	}

	bad := `<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="P"><task id="t" name="Vẽ dở`
	resp = a.do("POST", base+"/diagram", &officer, url.Values{"xml": {bad}})
	page = bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(page, `id="diagram-error"`) || !strings.Contains(page, "Vẽ dở") {
		t.Fatalf("refused save %d: the drawing is not kept: %.600s", resp.StatusCode, page)
	}

	fc := v.Flowchart
	fc.Steps = append(append([]flowchart.Step(nil), fc.Steps[:len(fc.Steps)-1]...), flowchart.Step{ID: "visit", Name: "Kiểm tra thực địa", Kind: flowchart.KindTask, Hours: 4, Responsible: "Chuyên viên"}, fc.Steps[len(fc.Steps)-1])
	fc.Edges = append(append([]flowchart.Edge(nil), fc.Edges...), flowchart.Edge{From: "check", To: "visit"}, flowchart.Edge{From: "visit", To: "ok"})
	xml, err := bpmn.Export(fc, "Process_1", p.Title)
	if err != nil {
		t.Fatal(err)
	}
	resp = a.do("POST", base+"/diagram", &officer, url.Values{"xml": {string(xml)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != base+"/diagram?msg=saved" {
		t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	got, err := a.db.FindVersion(t.Context(), p.ID, v.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Flowchart.Steps) != len(v.Flowchart.Steps)+1 || got.Flowchart.Steps[len(got.Flowchart.Steps)-2].Name != "Kiểm tra thực địa" {
		t.Errorf("saved flowchart: %+v", got.Flowchart.Steps)
	}
	// Only a draft is edited: the effective version 1 gets a note, not the editor.
	page = bodyOf(t, a.do("GET", "/procedures/"+itoa(p.ID)+"/versions/1/diagram", &officer, nil))
	if strings.Contains(page, "bpmn-modeler") || !strings.Contains(page, `id="diagram-not-draft"`) {
		t.Errorf("effective version offers the editor")
	}
	if resp := a.do("POST", "/procedures/"+itoa(p.ID)+"/versions/1/diagram", &officer, url.Values{"xml": {string(xml)}}); resp.StatusCode == 303 {
		t.Errorf("saved a diagram into an effective version")
	}
}
