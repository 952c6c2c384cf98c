package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

const checkFormSchema = `{"fields":[{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},{"name":"so_trang","label":"Số trang hồ sơ","type":"number"}]}`

// formOnCheck makes form BM-QT01-01 effective in A and issues version 2
// of QT-01 whose check step records on it.
func (a *app) formOnCheck() { a.formOnCheckSchema(checkFormSchema) }

// formOnCheckSchema is formOnCheck with the form's schema.
func (a *app) formOnCheckSchema(schema string) {
	a.t.Helper()
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	f := &qms.Form{AgencyCode: "A", Code: "BM-QT01-01", Title: "Phiếu thẩm định"}
	if err := a.db.CreateForm(as("a-quality-officer"), f, json.RawMessage(schema)); err != nil {
		a.t.Fatal(err)
	}
	a.db.TransitionFormVersion(as("a-quality-officer"), f.ID, 1, qms.ActionSubmit, "")
	if _, err := a.db.TransitionFormVersion(as("a-leader"), f.ID, 1, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
	ps, _ := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{})
	v, err := a.db.CreateVersion(as("a-quality-officer"), ps[0].ID)
	if err != nil {
		a.t.Fatal(err)
	}
	v.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	a.db.UpdateVersion(as("a-quality-officer"), v)
	a.db.TransitionVersion(as("a-quality-officer"), ps[0].ID, v.Number, qms.ActionSubmit, "")
	if _, err := a.db.TransitionVersion(as("a-leader"), ps[0].ID, v.Number, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
}

func TestFormPagesAndTemplates(t *testing.T) {
	a := newApp(t)
	officer, leader := a.login("a-quality-officer"), a.login("a-leader")
	resp := a.do("POST", "/forms", &officer, url.Values{"code": {"BM-01"}, "title": {"Phiếu thử"}, "schema": {`{"fields":[{"name":"a"}]}`}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "nhãn") {
		t.Fatalf("bad schema: %d", resp.StatusCode)
	}
	resp = a.do("POST", "/forms", &officer, url.Values{"code": {"BM-01"}, "title": {"Phiếu thử"}, "schema": {checkFormSchema}})
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	if resp.StatusCode != 303 || !strings.HasSuffix(path, "/versions/1") {
		t.Fatalf("create form: %d %s", resp.StatusCode, path)
	}
	docx := minimalDocx("Phiếu thẩm định")
	upload := func(name string, data []byte) *http.Response {
		var body bytes.Buffer
		w := newMultipart(&body, officer.csrf, map[string]string{"schema": checkFormSchema, "change_summary": "Ban hành lần đầu"}, "template", name, data)
		req := httptest.NewRequest("POST", path, &body)
		req.Header.Set("Content-Type", w)
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: officer.cookie})
		return a.send(req)
	}
	if code := upload("mau.exe", docx).StatusCode; code != 400 {
		t.Fatalf("exe template: %d", code)
	}
	if code := upload("lon.pdf", make([]byte, qms.MaxTemplateSize+1)).StatusCode; code != 413 {
		t.Fatalf("oversize template: %d", code)
	}
	if code := upload("phieu.docx", docx).StatusCode; code != 303 {
		t.Fatalf("docx template: %d", code)
	}
	a.do("POST", path+"/submit", &officer, signing(nil))
	if code := a.do("POST", path+"/approve", &leader, signing(nil)).StatusCode; code != 303 {
		t.Fatalf("approve form: %d", code)
	}
	got := a.do("GET", path+"/template", &officer, nil)
	data, _ := io.ReadAll(got.Body)
	if !bytes.Equal(data, docx) || got.Header.Get("Content-Type") != qms.TemplateTypes[".docx"] {
		t.Fatalf("template download: %d bytes, %s", len(data), got.Header.Get("Content-Type"))
	}
	// Standard forms are listed, readable and adoptable, not editable.
	body := bodyOf(t, a.do("GET", "/forms", &officer, nil))
	if !strings.Contains(body, "Mẫu số 01") {
		t.Fatal("standard forms not listed")
	}
	var list struct{ Forms []qms.Form }
	decode(t, a.api("GET", "/api/v1/forms", a.token("a-staff"), ""), &list)
	var std qms.Form
	for _, f := range list.Forms {
		if f.AgencyCode == "SYS" {
			std = f
		}
	}
	if code := a.do("POST", "/forms/"+itoa(std.ID)+"/versions", &officer, url.Values{}).StatusCode; code != 403 {
		t.Fatalf("editing a standard form: %d", code)
	}
	if code := a.do("POST", "/forms/"+itoa(std.ID)+"/adopt", &officer, url.Values{}).StatusCode; code != 303 {
		t.Fatalf("adopt: %d", code)
	}
	// Another agency does not see A's form.
	b := a.login("b-quality-officer")
	if code := a.do("GET", strings.TrimSuffix(path, "/versions/1"), &b, nil).StatusCode; code != 404 {
		t.Fatalf("B reads A's form: %d", code)
	}
}

func TestStepWithFormEntry(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheck()
	staff := a.login("a-staff")
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"An"}, "channel": {"counter"}})
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	body := bodyOf(t, a.do("GET", path, &staff, nil))
	if !strings.Contains(body, `name="ket_luan"`) || !strings.Contains(body, `name="form_version" value="1"`) {
		t.Fatal("the step does not show its form")
	}
	resp = a.do("POST", path+"/steps", &staff, url.Values{"step_id": {"check"}, "form_version": {"1"}, "so_trang": {"mười"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "field-error") {
		t.Fatalf("invalid entry: %d", resp.StatusCode)
	}
	resp = a.do("POST", path+"/steps", &staff, url.Values{"step_id": {"check"}, "form_version": {"1"}, "ket_luan": {"Đạt"}, "so_trang": {"1.250"}})
	if resp.StatusCode != 303 {
		t.Fatalf("valid entry: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	var d struct {
		Steps []qms.StepRecord
	}
	decode(t, a.api("GET", "/api/v1"+path, a.token("a-staff"), ""), &d)
	last := d.Steps[len(d.Steps)-1]
	if last.FormCode != "BM-QT01-01" || last.FormVersion != 1 || last.Entry["ket_luan"] != "Đạt" || last.Entry["so_trang"] != 1250.0 {
		t.Fatalf("record: %+v", last)
	}
}

// The API checks a step's entry against the form's schema, field by
// field, and records it on the version in force when form_version is
// omitted; a stale version is refused.
func TestAPIStepWithFormEntry(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheck()
	token := a.token("a-staff")
	var d qms.Dossier
	decode(t, a.api("POST", "/api/v1/dossiers", token, `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"An"}}`), &d)
	var tasks struct{ Tasks []qms.Task }
	decode(t, a.api("GET", "/api/v1/tasks", token, ""), &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].Form != "BM-QT01-01" {
		t.Fatalf("task does not name its form: %+v", tasks.Tasks)
	}
	step := "/api/v1/dossiers/" + d.Code + "/steps"
	for _, tc := range []struct {
		body, want string
		code       int
	}{
		{`{"step_id":"check"}`, "biểu mẫu", 400},
		{`{"step_id":"check","entry":{"ket_luan":"Có lẽ"}}`, "ket_luan", 400},
		{`{"step_id":"check","entry":{"ket_luan":"Đạt","so_trangg":3}}`, "so_trangg", 400},
		{`{"step_id":"check","form_version":7,"entry":{"ket_luan":"Đạt"}}`, "phiên bản", 400},
		{`{"step_id":"check","entry":{"ket_luan":"Đạt","so_trang":"12"}}`, "", 200},
	} {
		resp := a.api("POST", step, token, tc.body)
		if body := bodyOf(t, resp); resp.StatusCode != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s", tc.body, resp.StatusCode, body)
		}
	}
	var got struct{ Steps []qms.StepRecord }
	decode(t, a.api("GET", "/api/v1/dossiers/"+d.Code, token, ""), &got)
	last := got.Steps[len(got.Steps)-1]
	if last.FormVersion != 1 || last.Entry["so_trang"] != 12.0 {
		t.Fatalf("record: %+v", last)
	}
}
