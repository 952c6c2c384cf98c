package web_test

import (
	"bytes"
	"html"
	"io"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// The pool picker lists only pools with a process, by name and id with
// their step counts, and the API gives them as a structured list.
func TestBPMN8PoolPicker(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	file, err := os.ReadFile("../bpmn/testdata/two-pools.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	body := bodyOf(t, a.upload(path+"/bpmn", &s, "two-pools.bpmn", file))
	if !strings.Contains(body, "Sở Tư pháp – Pool_So (3 bước)") || strings.Contains(body, `value="Pool_Dan"`) {
		t.Errorf("picker does not list the pools with a process by name, id and steps:\n%s", body)
	}
	// The picker is the version page shown at the import's address: its
	// forms and links must still point at the version, not below /bpmn
	// (the pick would post to …/bpmn/bpmn and be refused).
	if strings.Contains(body, path+"/bpmn/") || !strings.Contains(body, `action="`+path+`/bpmn"`) {
		t.Errorf("the picker page points below %s/bpmn/ or lacks the import form", path)
	}
	// The file is kept for the pick: choosing a pool is enough.
	m := regexp.MustCompile(`name="kept_file" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the uploaded file is not kept for the pick")
	}
	var form bytes.Buffer
	ct := newMultipart(&form, s.csrf, map[string]string{"kept_file": html.UnescapeString(m[1]), "participant": "Pool_Huyen"}, "no_file", "", nil)
	req := newSessionRequest("POST", path+"/bpmn", &s, &form)
	req.Header.Set("Content-Type", ct)
	if resp := a.send(req); resp.StatusCode != 200 {
		t.Fatalf("pick with the kept file: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	tok := a.token("a-quality-officer")
	var got0 struct {
		Version struct {
			Flowchart struct {
				Steps []struct{ ID string } `json:"steps"`
			} `json:"flowchart"`
		} `json:"version"`
	}
	decode(t, a.api("GET", "/api/v1"+path, tok, ""), &got0)
	if n := len(got0.Version.Flowchart.Steps); n != 3 {
		t.Errorf("draft has %d steps after picking UBND huyện, want 3", n)
	}

	req = newReq("POST", "/api/v1"+path+"/bpmn", tok)
	req.Body = io.NopCloser(bytes.NewReader(file))
	req.ContentLength = int64(len(file))
	req.Header.Set("Content-Type", "application/xml")
	resp := a.send(req)
	var got struct {
		Participants []map[string]any `json:"participants"`
	}
	decode(t, resp, &got)
	want := []map[string]any{{"id": "Pool_So", "name": "Sở Tư pháp", "steps": 3.0}, {"id": "Pool_Huyen", "name": "UBND huyện", "steps": 3.0}}
	if resp.StatusCode != 400 || !reflect.DeepEqual(got.Participants, want) {
		t.Errorf("API: %d %+v, want 400 with %+v", resp.StatusCode, got.Participants, want)
	}
}

// A file whose process has no steps is refused, and the draft keeps its
// flowchart.
func TestBPMN3EmptyProcessKeepsDraft(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s) // a draft of four steps
	file, err := os.ReadFile("../bpmn/testdata/empty-process.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	resp := a.upload(path+"/bpmn", &s, "empty-process.bpmn", file)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "không có bước nào") {
		t.Errorf("upload: %d, want 400 saying the process has no steps", resp.StatusCode)
	}
	var got struct {
		Version struct {
			Flowchart struct {
				Steps []any `json:"steps"`
			} `json:"flowchart"`
		} `json:"version"`
	}
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-quality-officer"), ""), &got)
	if n := len(got.Version.Flowchart.Steps); n != 4 {
		t.Errorf("draft has %d steps after the refused import, want 4", n)
	}
}

// The pool pick works for every file the import accepts, however large:
// the upload is kept on the server (not in the page) for the session that
// sent it, for a limited time, and a session keeps only its latest few.
func TestBPMN8PoolPickKeepsFile(t *testing.T) {
	small, err := os.ReadFile("../bpmn/testdata/two-pools.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	// padded grows the file to n bytes with a comment after the XML
	// declaration, which Import reads through like any other part.
	padded := func(n int) []byte {
		decl, rest, _ := bytes.Cut(small, []byte("\n"))
		pad := n - len(small) - len("\n<!--  -->")
		return slices.Concat(decl, []byte("\n<!-- "), bytes.Repeat([]byte("x"), pad), []byte(" -->"), []byte("\n"), rest)
	}
	tests := []struct {
		name string
		file []byte
	}{
		{"small", small},
		{"3 MiB", padded(3 << 20)},
		{"at the import limit", padded(bpmn.MaxImportBytes)},
	}
	keptID := regexp.MustCompile(`name="kept_file" value="([^"]+)"`)
	steps := func(a *app, path string) int {
		var got struct {
			Version struct {
				Flowchart struct {
					Steps []any `json:"steps"`
				} `json:"flowchart"`
			} `json:"version"`
		}
		decode(t, a.api("GET", "/api/v1"+path, a.token("a-quality-officer"), ""), &got)
		return len(got.Version.Flowchart.Steps)
	}
	pick := func(a *app, path string, s *session, kept string) (int, string) {
		var form bytes.Buffer
		ct := newMultipart(&form, s.csrf, map[string]string{"kept_file": kept, "participant": "Pool_Huyen"}, "no_file", "", nil)
		req := newSessionRequest("POST", path+"/bpmn", s, &form)
		req.Header.Set("Content-Type", ct)
		resp := a.send(req)
		return resp.StatusCode, bodyOf(t, resp)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.file) > bpmn.MaxImportBytes {
				t.Fatalf("fixture of %d bytes is over the import limit", len(tc.file))
			}
			a := newApp(t)
			s := a.login("a-quality-officer")
			path := a.createProcedure(&s) // a draft of four steps
			body := bodyOf(t, a.upload(path+"/bpmn", &s, "pools.bpmn", tc.file))
			m := keptID.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("the uploaded file of %d bytes is not kept for the pick", len(tc.file))
			}
			if len(body) > 200<<10 {
				t.Errorf("the picker page is %d bytes: the file travels in the page instead of staying on the server", len(body))
			}
			kept := html.UnescapeString(m[1])

			// Another session of the same user cannot use it.
			other := a.login("a-quality-officer")
			if code, body := pick(a, path, &other, kept); code != 400 || !strings.Contains(body, "không còn được giữ") {
				t.Errorf("pick from another session: %d, want 400 saying the file is not kept", code)
			}
			if n := steps(a, path); n != 4 {
				t.Fatalf("draft has %d steps after a refused pick, want 4", n)
			}
			if code, body := pick(a, path, &s, kept); code != 200 {
				t.Fatalf("pick with the kept file: %d %s", code, body)
			}
			if n := steps(a, path); n != 3 {
				t.Errorf("draft has %d steps after picking UBND huyện, want 3", n)
			}
		})
	}

	t.Run("expires", func(t *testing.T) {
		a := newApp(t)
		s := a.login("a-quality-officer")
		path := a.createProcedure(&s)
		m := keptID.FindStringSubmatch(bodyOf(t, a.upload(path+"/bpmn", &s, "pools.bpmn", small)))
		if m == nil {
			t.Fatal("not kept")
		}
		a.clock.Add(qms.KeptUploadTTL + time.Minute)
		if code, body := pick(a, path, &s, html.UnescapeString(m[1])); code != 400 || !strings.Contains(body, "không còn được giữ") {
			t.Errorf("pick after %v: %d, want 400 saying the file is not kept", qms.KeptUploadTTL, code)
		}
	})

	t.Run("a session keeps its latest", func(t *testing.T) {
		a := newApp(t)
		s := a.login("a-quality-officer")
		path := a.createProcedure(&s)
		var ids []string
		for range qms.KeptUploadsPerSession + 1 {
			m := keptID.FindStringSubmatch(bodyOf(t, a.upload(path+"/bpmn", &s, "pools.bpmn", small)))
			if m == nil {
				t.Fatal("not kept")
			}
			ids = append(ids, html.UnescapeString(m[1]))
		}
		if code, _ := pick(a, path, &s, ids[0]); code != 400 {
			t.Errorf("pick with the oldest of %d kept files: %d, want 400", len(ids), code)
		}
		if code, body := pick(a, path, &s, ids[len(ids)-1]); code != 200 {
			t.Errorf("pick with the latest kept file: %d %s", code, body)
		}
	})
}

// Task kinds, the lane hierarchy and the flow ids of an imported file are
// stored with the draft and written back by its BPMN export, in
// horizontal lanes.
func TestBPMN11ExportKeepsWhatWasImported(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	file, err := os.ReadFile("../bpmn/testdata/kept-on-export.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	tok := a.token("a-quality-officer")
	req := newReq("POST", "/api/v1"+path+"/bpmn", tok)
	req.Body = io.NopCloser(bytes.NewReader(file))
	req.ContentLength = int64(len(file))
	req.Header.Set("Content-Type", "application/xml")
	if resp := a.send(req); resp.StatusCode != 200 {
		t.Fatalf("import: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	export := func() string {
		resp := a.api("GET", "/api/v1"+path+"/flowchart.bpmn", tok, "")
		out := bodyOf(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("export: %d %s", resp.StatusCode, out)
		}
		return out
	}
	out := export()
	kept := []string{
		`<bpmn:serviceTask id="lookup"`, `<bpmn:callActivity id="appraise"`, `<bpmn:subProcess id="consult"`,
		`<bpmn:lane id="L_so" name="Sở Tư pháp">`, `<bpmn:childLaneSet`, `<bpmn:lane id="L_cv" name="Chuyên viên">`, `<bpmn:lane id="L_ld" name="Lãnh đạo Sở">`,
		`<bpmn:sequenceFlow id="Flow_2thamdinh"`, `<bpmn:sequenceFlow id="SequenceFlow_0khong"`,
		`bpmnElement="L_tp" isHorizontal="true"`,
	}
	for _, want := range kept {
		if !strings.Contains(out, want) {
			t.Errorf("export has no %s", want)
		}
	}
	back, err := bpmn.Import(strings.NewReader(out), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	orig, err := bpmn.Import(bytes.NewReader(file), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Flowchart.Lanes, orig.Flowchart.Lanes) {
		t.Errorf("lanes after storing and exporting: %+v, want %+v", back.Flowchart.Lanes, orig.Flowchart.Lanes)
	}
}

// The steps table shows no lanes, task kinds or flow ids: saving the draft
// through it (renaming a step) keeps them for the export.
func TestBPMN11EditorKeepsWhatWasImported(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	file, err := os.ReadFile("../bpmn/testdata/kept-on-export.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	tok := a.token("a-quality-officer")
	req := newReq("POST", "/api/v1"+path+"/bpmn", tok)
	req.Body = io.NopCloser(bytes.NewReader(file))
	req.ContentLength = int64(len(file))
	req.Header.Set("Content-Type", "application/xml")
	if resp := a.send(req); resp.StatusCode != 200 {
		t.Fatalf("import: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	var got struct {
		Version struct {
			Flowchart flowchart.Flowchart `json:"flowchart"`
		} `json:"version"`
	}
	decode(t, a.api("GET", "/api/v1"+path, tok, ""), &got)
	fc := got.Version.Flowchart
	form := url.Values{"purpose": {"Mục đích"}}
	for _, st := range fc.Steps {
		name := st.Name
		if st.ID == "lookup" {
			name = "Tra cứu CSDL hộ tịch"
		}
		form.Add("step_id", st.ID)
		form.Add("step_name", name)
		form.Add("step_kind", string(st.Kind))
		form.Add("step_responsible", st.Responsible)
		form.Add("step_hours", "1")
		form.Add("step_forms", "")
		form.Add("step_records", "")
	}
	for _, e := range fc.Edges {
		form.Add("edge_from", e.From)
		form.Add("edge_to", e.To)
		form.Add("edge_label", e.Label)
	}
	if resp := a.do("POST", path, &s, form); resp.StatusCode != 303 {
		t.Fatalf("save through the steps table: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	resp := a.api("GET", "/api/v1"+path+"/flowchart.bpmn", tok, "")
	out := bodyOf(t, resp)
	for _, want := range []string{
		`<bpmn:serviceTask id="lookup" name="Tra cứu CSDL hộ tịch"`, `<bpmn:callActivity id="appraise"`, `<bpmn:childLaneSet`,
		`<bpmn:lane id="L_ld" name="Lãnh đạo Sở">`, `<bpmn:sequenceFlow id="Flow_2thamdinh"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export after saving the steps table has no %s", want)
		}
	}
}
