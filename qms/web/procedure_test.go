package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/bpmn"
)

// upload posts a file as multipart field "file" with the session's token.
func (a *app) upload(target string, s *session, name string, content []byte) *http.Response {
	a.t.Helper()
	return a.send(uploadRequest(target, s, name, content))
}

// uploadRequest posts content as the form's file name to target.
func uploadRequest(target string, s *session, name string, content []byte) *http.Request {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", s.csrf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
	return req
}

func sampleCSV(t *testing.T) []byte {
	b, err := os.ReadFile("../importer/testdata/tthc-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fourStepForm is the steps table of a 4-step flowchart as a browser posts it.
func fourStepForm() url.Values {
	return url.Values{
		"purpose":          {"Quy định trình tự cấp giấy phép karaoke"},
		"step_id":          {"s", "tham-dinh", "ky", "e", ""},
		"step_name":        {"Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Ký giấy phép", "Trả kết quả", ""},
		"step_kind":        {"start", "task", "task", "end", "task"},
		"step_responsible": {"Bộ phận một cửa", "Chuyên viên phòng", "Lãnh đạo Sở", "Bộ phận một cửa", ""},
		"step_hours":       {"0", "24", "8", "0", ""},
		"step_forms":       {"", "", "", "", ""},
		"step_records":     {"", "Phiếu thẩm định", "Giấy phép", "", ""},
		"edge_from":        {"s", "tham-dinh", "ky", ""},
		"edge_to":          {"tham-dinh", "ky", "e", ""},
		"edge_label":       {"", "", "", ""},
		"record_name":      {"Hồ sơ đề nghị cấp phép", ""},
		"record_kept_at":   {"Phòng Quản lý văn hóa", ""},
		"record_retention": {"05 năm", ""},
	}
}

var locationID = regexp.MustCompile(`^/procedures/(\d+)`)

// createProcedure makes QT-01 for TTHC 1.000001 with a saved 4-step draft
// and returns its version path.
func (a *app) createProcedure(s *session) string {
	a.t.Helper()
	if resp := a.upload("/tthc/import", s, "tthc.csv", sampleCSV(a.t)); resp.StatusCode != 200 {
		a.t.Fatalf("import: %d", resp.StatusCode)
	}
	resp := a.do("POST", "/procedures", s, url.Values{"code": {"qt-01"}, "title": {"Cấp giấy phép karaoke"}, "tthc_codes": {"1.000001"}})
	m := locationID.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || m == nil {
		a.t.Fatalf("create procedure: %d %s", resp.StatusCode, bodyOf(a.t, resp))
	}
	if resp = a.do("POST", "/procedures/"+m[1]+"/versions", s, url.Values{}); resp.StatusCode != 303 {
		a.t.Fatalf("new version: %d", resp.StatusCode)
	}
	path := "/procedures/" + m[1] + "/versions/1"
	if resp = a.do("POST", path, s, fourStepForm()); resp.StatusCode != 303 {
		a.t.Fatalf("save draft: %d %s", resp.StatusCode, bodyOf(a.t, resp))
	}
	return path
}

func tthcStatus(t *testing.T, a *app, token, code string) qms.Control {
	var cs []qms.Control
	decode(t, a.api("GET", "/api/v1/tthc/status", token, ""), &cs)
	for _, c := range cs {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("%s not in status list", code)
	return qms.Control{}
}

func TestProcedureLifecycleOverHTTP(t *testing.T) {
	a := newApp(t)
	officer, leader := a.login("a-quality-officer"), a.login("a-leader")
	tok := a.token("a-auditor")
	path := a.createProcedure(&officer)
	if c := tthcStatus(t, a, tok, "1.000001"); c.Reason != qms.ReasonDraftOnly {
		t.Fatalf("draft: %+v", c)
	}
	body := bodyOf(t, a.do("GET", path, &officer, nil))
	if !strings.Contains(body, `id="flowchart-ok"`) || !strings.Contains(body, "Thẩm định hồ sơ") {
		t.Fatal("draft page does not show a valid flowchart")
	}
	// Quality officers submit but may not approve (policy).
	if code := a.do("POST", path+"/submit", &officer, signing(nil)).StatusCode; code != 303 {
		t.Fatalf("submit: %d", code)
	}
	if code := a.do("POST", path+"/approve", &officer, signing(nil)).StatusCode; code != 403 {
		t.Fatalf("officer approves: %d", code)
	}
	if code := a.do("POST", path, &officer, fourStepForm()).StatusCode; code != 400 {
		t.Fatalf("submitted version edited: %d", code)
	}
	if code := a.do("POST", path+"/approve", &leader, signing(nil)).StatusCode; code != 303 {
		t.Fatalf("leader approves: %d", code)
	}
	if c := tthcStatus(t, a, tok, "1.000001"); c.Status != qms.Controlled {
		t.Fatalf("after approval: %+v", c)
	}
	if c := tthcStatus(t, a, tok, "1.000002"); c.Reason != qms.ReasonNoProcedure {
		t.Fatalf("uncovered TTHC: %+v", c)
	}
	body = bodyOf(t, a.do("GET", path+"/print", &officer, nil))
	for _, want := range []string{"Mục đích", "Phạm vi", "Tài liệu viện dẫn", "Định nghĩa", "Nội dung quy trình", "Biểu mẫu", "Hồ sơ cần lưu", "Lần ban hành: <strong>01</strong>", "Người A", `<td class="role">Lãnh đạo</td>`, "05 năm"} {
		if !strings.Contains(body, want) {
			t.Errorf("print lacks %q\n%s", want, body)
		}
	}
}

func TestSelfApprovalRefused(t *testing.T) {
	a := newApp(t)
	// One person both quality officer and leader of A.
	u := a.users["a-quality-officer"]
	if _, err := a.db.SetMembership(qms.WithActor(t.Context(), qms.SystemActor("test")), u.ID, qms.Membership{AgencyCode: "A", Role: qms.RoleLeader}, false); err != nil {
		t.Fatal(err)
	}
	a.srv.Deps.Authz.Reload()
	a.users["a-quality-officer"], _ = a.db.FindUserByID(t.Context(), u.ID)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	a.do("POST", path+"/submit", &s, signing(nil))
	resp := a.do("POST", path+"/approve", &s, signing(nil))
	if body := bodyOf(t, resp); resp.StatusCode != 403 || !strings.Contains(body, "không được phê duyệt phiên bản đó") {
		t.Fatalf("self-approval: %d", resp.StatusCode)
	}
	var out struct{ Version qms.ProcedureVersion }
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-auditor"), ""), &out)
	if out.Version.Status != qms.StatusSubmitted {
		t.Fatalf("status after refused approval: %s", out.Version.Status)
	}
}

func TestCatalogueImportErrors(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	bad := string(sampleCSV(t)) + "1.000099,Thiếu thời hạn,Văn hóa,năm,0,,,,active\n,Không mã,Văn hóa,5,0,,,,active\n"
	resp := a.upload("/tthc/import", &s, "bad.csv", []byte(bad))
	body := bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(body, "row 10: time_limit_days:") || !strings.Contains(body, "row 11: code:") {
		t.Fatalf("import errors: %d\n%s", resp.StatusCode, body)
	}
	var list struct{ TTHC []qms.TTHC }
	decode(t, a.api("GET", "/api/v1/tthc", a.token("a-staff"), ""), &list)
	if len(list.TTHC) != 0 {
		t.Fatalf("a rejected file wrote %d rows", len(list.TTHC))
	}
	// Through the API: the same errors as lines.
	req := httptest.NewRequest("POST", "/api/v1/tthc/import?name=bad.csv", strings.NewReader(bad))
	req.Header.Set("Authorization", "Bearer "+a.token("a-quality-officer"))
	var e struct{ Error struct{ Rows []string } }
	r := a.send(req)
	decode(t, r, &e)
	if r.StatusCode != 400 || len(e.Error.Rows) != 2 {
		t.Fatalf("api import errors: %d %v", r.StatusCode, e.Error.Rows)
	}
	// Good file twice: idempotent.
	for i, want := range []string{"thêm mới 8, cập nhật 0", "thêm mới 0, cập nhật 0"} {
		body := bodyOf(t, a.upload("/tthc/import", &s, "tthc.csv", sampleCSV(t)))
		if !strings.Contains(body, want) {
			t.Fatalf("import %d: want %q", i+1, want)
		}
	}
}

func TestFlowchartRenderings(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	svg := a.do("GET", path+"/flowchart.svg", &s, nil)
	if ct := svg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") || !strings.Contains(bodyOf(t, svg), "<svg") {
		t.Fatalf("svg: %s", ct)
	}
	mmd := bodyOf(t, a.do("GET", path+"/flowchart.mmd", &s, nil))
	if !strings.HasPrefix(mmd, "flowchart TD") {
		t.Fatalf("mermaid: %.40s", mmd)
	}
	resp := a.do("GET", path+"/flowchart.bpmn", &s, nil)
	res, err := bpmn.Import(resp.Body, bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Version qms.ProcedureVersion }
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-staff"), ""), &out)
	if fmt.Sprint(res.Flowchart) != fmt.Sprint(out.Version.Flowchart) {
		t.Fatalf("BPMN round trip changed the flowchart:\n%v\n%v", res.Flowchart, out.Version.Flowchart)
	}
	if code := a.do("GET", path+"/flowchart.pdf", &s, nil).StatusCode; code != 404 {
		t.Fatalf("unknown format: %d", code)
	}
	// Import a modeler's file into the draft through the API.
	file, err := os.ReadFile("../bpmn/testdata/lanes-gateway.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/api/v1"+path+"/bpmn", bytes.NewReader(file))
	req.Header.Set("Authorization", "Bearer "+a.token("a-quality-officer"))
	var imported struct {
		Version  qms.ProcedureVersion
		Warnings []string
	}
	r := a.send(req)
	decode(t, r, &imported)
	if r.StatusCode != 200 || len(imported.Version.Flowchart.Steps) < 4 || len(imported.Warnings) == 0 {
		t.Fatalf("bpmn import: %d, %d steps, %v", r.StatusCode, len(imported.Version.Flowchart.Steps), imported.Warnings)
	}
	req = httptest.NewRequest("POST", "/api/v1"+path+"/bpmn", strings.NewReader("không phải XML"))
	req.Header.Set("Authorization", "Bearer "+a.token("a-quality-officer"))
	if code := a.send(req).StatusCode; code != 400 {
		t.Fatalf("non-BPMN file: %d", code)
	}
}

func TestProceduresOfOtherAgencyInvisible(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	b := a.login("b-quality-officer")
	btok := a.token("b-leader")
	for _, p := range []string{strings.TrimSuffix(path, "/versions/1"), path, path + "/print", path + "/flowchart.svg"} {
		if code := a.do("GET", p, &b, nil).StatusCode; code != 404 {
			t.Errorf("GET %s as B: %d", p, code)
		}
		if code := a.api("GET", "/api/v1"+p, btok, "").StatusCode; code != 404 && !strings.HasSuffix(p, "/print") {
			t.Errorf("API GET %s as B: %d", p, code)
		}
	}
	for _, p := range []string{path, path + "/submit", path + "/approve"} {
		form := fourStepForm()
		if p != path {
			form = url.Values{} // the tables' fields are sent twice, read as lists by the draft's route only
		}
		if code := a.do("POST", p, &b, form).StatusCode; code != 404 && code != 403 {
			t.Errorf("POST %s as B: %d", p, code)
		}
	}
	var list struct{ Procedures []qms.Procedure }
	decode(t, a.api("GET", "/api/v1/procedures", btok, ""), &list)
	if len(list.Procedures) != 0 {
		t.Fatal("B lists A's procedures")
	}
	if hits := bodyOf(t, a.do("GET", "/search?q=karaoke", &b, nil)); strings.Contains(hits, "QT-01") {
		t.Fatal("B's search finds A's procedure")
	}
}

func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	a := newApp(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Summary   string
			Responses map[string]any
		}
	}
	decode(t, a.do("GET", "/api/openapi.json", nil, nil), &doc)
	// A creation answers 201, as documented; the rest 200. Every route
	// documented 201 exists (ten of them).
	created := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if _, ok := op.Responses["201"]; ok {
				created++
			} else if _, ok := op.Responses["200"]; !ok {
				t.Errorf("%s %s documents neither 200 nor 201", method, path)
			}
		}
	}
	if _, ok := doc.Paths["/api/v1/dossiers/{code}/delegations"]["post"].Responses["201"]; !ok || created != 10 {
		t.Errorf("the delegation's documented status is not 201, or %d routes documented 201 (want 10)", created)
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	for key := range a.srv.Rules() {
		method, path, _ := strings.Cut(key, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		op, ok := doc.Paths[param.ReplaceAllString(path, "{$1}")][strings.ToLower(method)]
		if !ok || op.Summary == "" {
			t.Errorf("%s is missing or has no summary in openapi.json", key)
		}
	}
}

func TestBPMNPoolPicker(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	file, err := os.ReadFile("../bpmn/testdata/two-pools.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	res, err := bpmn.Import(bytes.NewReader(file), bpmn.ImportOptions{})
	var be *bpmn.Error
	if err == nil || !asBPMN(err, &be) || len(be.Participants) < 2 {
		t.Fatalf("two-pools.bpmn imports without a choice (%v)", res.ProcessID)
	}
	resp := a.upload(path+"/bpmn", &s, "two-pools.bpmn", file)
	body := bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(body, `id="participant"`) || !strings.Contains(body, be.Participants[0].ID) {
		t.Fatalf("no pool picker: %d", resp.StatusCode)
	}
}

func asBPMN(err error, target **bpmn.Error) bool {
	e, ok := err.(*bpmn.Error)
	*target = e
	return ok
}
