package web_test

import (
	"bytes"
	"html"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
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
