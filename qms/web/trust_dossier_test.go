package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// apiErr is the error body of the API.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// dossierOut is what the API answers about a dossier, with what the
// tests read of its step records.
type dossierOut struct {
	qms.Dossier
	Steps []struct {
		StepID           string        `json:"step_id"`
		Actor            string        `json:"actor"`
		Files            []qms.FileRef `json:"files"`
		DelegatedBy      string        `json:"delegated_by"`
		DelegationReason string        `json:"delegation_reason"`
	} `json:"steps"`
}

// checkAPI asserts the status of resp and, for an error, the field it
// names; it decodes a success into out when out is not nil.
func checkAPI(t *testing.T, name string, resp *http.Response, want int, field string, out any) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: status %d, want %d: %s", name, resp.StatusCode, want, bodyOf(t, resp))
	}
	if want >= 400 {
		var e apiErr
		decode(t, resp, &e)
		if e.Error.Field != field || e.Error.Message == "" {
			t.Fatalf("%s: error %+v, want field %q", name, e.Error, field)
		}
		return
	}
	if out != nil {
		decode(t, resp, out)
	} else {
		resp.Body.Close()
	}
}

// receiveAPI posts a receipt of TTHC 1.000001 with the client's code ("":
// the agency numbers it).
func (a *app) receiveAPI(token, code string) *http.Response {
	body, _ := json.Marshal(map[string]any{"tthc_code": "1.000001", "applicant": map[string]string{"name": "Trần Thị Bình"}, "channel": "online", "code": code})
	return a.api("POST", "/api/v1/dossiers", token, string(body))
}

// TestTrust3DossierCodesPerAgency: one agency can no longer block another's
// receipt. A client's code must carry the caller's agency prefix; a code is
// unique within its agency only (a dossier of B that carries A's next
// number, as B's client could create before, or as an import brings it,
// does not stop A's numbering); the generator skips a number a client took;
// every lookup by code, public page included, finds the caller's agency's
// dossier.
func TestTrust3DossierCodesPerAgency(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	a.effectiveProcedureOf("B")
	year := a.clock.Now().In(qms.Zone).Year()
	code := func(agency string, n int) string { return qms.DossierCode(agency, year, n) }
	aStaff, bStaff := a.token("a-staff"), a.token("b-staff")

	for _, c := range []struct {
		name, token, code string
		want              int
		field             string
	}{
		{"B's client takes A's next number", bStaff, code("A", 1), 400, "code"},
		{"B's client, a code without the agency", bStaff, "2026-000001", 400, "code"},
		{"B's client, the agency without the dash", bStaff, "B2026-000001", 400, "code"},
		{"A's client takes its own number 2", aStaff, code("A", 2), 201, ""},
		{"B's client takes its own number 1", bStaff, code("B", 1), 201, ""},
		{"A's client takes number 2 again", aStaff, code("A", 2), 409, "code"},
	} {
		checkAPI(t, c.name, a.receiveAPI(c.token, c.code), c.want, c.field, nil)
	}
	var e apiErr
	decode(t, a.receiveAPI(bStaff, code("A", 1)), &e)
	if !strings.Contains(e.Error.Message, "phải bắt đầu bằng mã đơn vị B") {
		t.Fatalf("the refusal does not say which prefix: %q", e.Error.Message)
	}

	// B's history, imported from its one-stop system, holds a code of A's
	// shape: A's own numbering goes on through it.
	bCtx := qms.WithActor(context.Background(), qms.Actor{UserID: a.users["b-admin"].ID, Username: "b-admin", AgencyCode: "B"})
	now := a.clock.Now()
	if _, err := a.db.ImportDossiers(bCtx, "B", []sqlite.DossierImport{{Code: code("A", 3), TTHCCode: "9.999999", ReceivedAt: now.Add(-48 * 3600e9), DueAt: now.Add(48 * 3600e9), Status: qms.DossierReceived}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 3 {
		var d dossierOut
		checkAPI(t, "A receives, numbered", a.receiveAPI(aStaff, ""), 201, "", &d)
		got = append(got, d.Code)
	}
	if want := []string{code("A", 1), code("A", 3), code("A", 4)}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("A's numbering: %v, want %v (2 skipped: A's client took it)", got, want)
	}

	// code("A", 3) is now a dossier of A and one of B: each caller reaches
	// its own agency's, read or written.
	shared := code("A", 3)
	as, bs := a.login("a-staff"), a.login("b-staff")
	var buf bytes.Buffer
	ctype := newMultipart(&buf, as.csrf, map[string]string{"step_id": "check", "note": "Đủ thành phần"}, "evidence", "bien-ban.txt", []byte("biên bản thẩm định"))
	req := newSessionRequest("POST", "/dossiers/"+shared+"/steps", &as, &buf)
	req.Header.Set("Content-Type", ctype)
	if resp := a.send(req); resp.StatusCode != 303 {
		t.Fatalf("A completes a step of its %s: %d %s", shared, resp.StatusCode, bodyOf(t, resp))
	}
	checkAPI(t, "A pauses its "+shared, a.api("POST", "/api/v1/dossiers/"+shared+"/pause", aStaff, `{"reason":"Bổ sung bản sao giấy phép"}`), 200, "", nil)
	var ad, bd dossierOut
	checkAPI(t, "A reads "+shared, a.api("GET", "/api/v1/dossiers/"+shared, aStaff, ""), 200, "", &ad)
	checkAPI(t, "B reads "+shared, a.api("GET", "/api/v1/dossiers/"+shared, bStaff, ""), 200, "", &bd)
	if ad.AgencyCode != "A" || ad.Status != qms.DossierPaused || len(ad.Steps) != 2 || len(ad.Steps[1].Files) != 1 {
		t.Fatalf("A's %s: %+v", shared, ad.Dossier)
	}
	if bd.AgencyCode != "B" || bd.TTHCCode != "9.999999" || bd.Status != qms.DossierReceived || len(bd.Steps) != 0 {
		t.Fatalf("B's %s changed with A's: %+v", shared, bd.Dossier)
	}
	sha := ad.Steps[1].Files[0].SHA256
	checkAPI(t, "A resumes its "+shared, a.api("POST", "/api/v1/dossiers/"+shared+"/resume", aStaff, ""), 200, "", nil)
	checkAPI(t, "A reads "+shared+" again", a.api("GET", "/api/v1/dossiers/"+shared, aStaff, ""), 200, "", &ad)
	checkAPI(t, "B reads "+shared+" again", a.api("GET", "/api/v1/dossiers/"+shared, bStaff, ""), 200, "", &bd)
	if ad.Status != qms.DossierInProgress || bd.Status != qms.DossierReceived {
		t.Fatalf("after A resumed its %s: A's %s, B's %s", shared, ad.Status, bd.Status)
	}

	pages := []struct {
		name, path string
		who        *session
		status     int
		has, lacks string
	}{
		{"A's dossier page", "/dossiers/" + shared, &as, 200, "Trần Thị Bình", "9.999999"},
		{"B's dossier page", "/dossiers/" + shared, &bs, 200, "9.999999", "Trần Thị Bình"},
		{"A's control slip", "/dossiers/" + shared + "/control-slip", &as, 200, "Trần Thị Bình", "9.999999"},
		{"B's control slip", "/dossiers/" + shared + "/control-slip", &bs, 200, "Sở B", "Trần Thị Bình"},
		{"A's evidence file", "/dossiers/" + shared + "/files/" + sha, &as, 200, "biên bản thẩm định", ""},
		{"B asks for A's file under its own dossier", "/dossiers/" + shared + "/files/" + sha, &bs, 404, "", "biên bản thẩm định"},
		{"public page of A", "/public/A?code=" + shared, nil, 200, "1.000001", "Không tìm thấy"},
		{"public page of B", "/public/B?code=" + shared, nil, 200, "9.999999", "Không tìm thấy"},
		{"public page of B, A's own number", "/public/B?code=" + code("A", 4), nil, 200, "Không tìm thấy", `id="lookup-result"`},
	}
	for _, p := range pages {
		resp := a.do("GET", p.path, p.who, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != p.status || !strings.Contains(body, p.has) || p.lacks != "" && strings.Contains(body, p.lacks) {
			t.Errorf("%s: %d, want %d with %q and without %q", p.name, resp.StatusCode, p.status, p.has, p.lacks)
		}
	}
}

// TestTrust8StepNeedsItsRole: a step is completed by its responsible role
// ("Lãnh đạo Sở" is the leader's; free text such as "Một cửa" is the
// staff's), or by someone else on a recorded delegation of a user holding
// that role or of a leader of the agency. The API and the page form obey
// the same store rule, and the page offers the form only to those who may.
func TestTrust8StepNeedsItsRole(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	a.effectiveProcedureOf("B")
	staff, leader := a.token("a-staff"), a.token("a-leader")
	// Another staff member handles the dossier: a-staff, who did not, is
	// the one the leader may delegate the signature to.
	d := a.dossierAtSigning(a.clerk())
	steps := "/api/v1/dossiers/" + d.Code + "/steps"

	ss, ls := a.login("a-staff"), a.login("a-leader")
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ss, nil)); strings.Contains(body, `id="complete-sign"`) {
		t.Error("the staff is offered the leader's signature form")
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ls, nil)); !strings.Contains(body, `id="complete-sign"`) {
		t.Error("the leader is not offered the signature form")
	}
	if resp := a.do("POST", "/dossiers/"+d.Code+"/steps", &ss, url.Values{"step_id": {"sign"}}); resp.StatusCode != 403 {
		t.Errorf("the staff's page form signs: %d", resp.StatusCode)
	}

	// Only a delegation the delegator recorded beforehand counts; naming
	// a delegator in the completion is not one.
	delegations := "/api/v1/dossiers/" + d.Code + "/delegations"
	for _, c := range []struct {
		name, token, path, body string
		want                    int
		field                   string
	}{
		{"staff alone", staff, steps, `{"step_id":"sign"}`, 403, "step_id"},
		{"staff on their own word", staff, steps, `{"step_id":"sign","delegated_by":"a-staff","delegation_reason":"Lãnh đạo đi công tác"}`, 403, "delegated_by"},
		{"on the word of A's quality officer", staff, steps, `{"step_id":"sign","delegated_by":"a-quality-officer","delegation_reason":"Lãnh đạo đi công tác"}`, 403, "delegated_by"},
		{"on the word of B's leader", staff, steps, `{"step_id":"sign","delegated_by":"b-leader","delegation_reason":"Lãnh đạo đi công tác"}`, 403, "delegated_by"},
		{"on the word of nobody", staff, steps, `{"step_id":"sign","delegated_by":"khong-co","delegation_reason":"Lãnh đạo đi công tác"}`, 403, "delegated_by"},
		{"on the word of A's leader, who never delegated", staff, steps, `{"step_id":"sign","delegated_by":"a-leader","delegation_reason":"Lãnh đạo đi công tác"}`, 403, "delegated_by"},
		{"A's leader delegates, without a reason", leader, delegations, `{"step_id":"sign","to":"a-staff"}`, 400, "reason"},
		{"A's leader delegates", leader, delegations, `{"step_id":"sign","to":"a-staff","reason":"Lãnh đạo đi công tác, ủy quyền ký"}`, 201, ""},
		{"naming another delegator", staff, steps, `{"step_id":"sign","delegated_by":"a-quality-officer"}`, 403, "delegated_by"},
		{"on the recorded delegation", staff, steps, `{"step_id":"sign","delegated_by":"A-Leader","password":"` + signPassword + `"}`, 200, ""},
	} {
		checkAPI(t, c.name, a.api("POST", c.path, c.token, c.body), c.want, c.field, nil)
	}
	checkAPI(t, "the leader returns the result", a.api("POST", "/api/v1/dossiers/"+d.Code+"/complete", leader, ""), 403, "step_id", nil)
	// Whoever signed does not return it (qms.CheckIndependentSigner).
	checkAPI(t, "the signer returns the result", a.api("POST", "/api/v1/dossiers/"+d.Code+"/complete", staff, ""), 403, "step_id", nil)
	checkAPI(t, "the clerk returns the result", a.api("POST", "/api/v1/dossiers/"+d.Code+"/complete", a.clerk(), ""), 200, "", &d)

	signed := d.Steps[0]
	for _, st := range d.Steps {
		if st.StepID == "sign" {
			signed = st
		}
	}
	if signed.Actor != "a-staff" || signed.DelegatedBy != "a-leader" || signed.DelegationReason != "Lãnh đạo đi công tác, ủy quyền ký" {
		t.Fatalf("the signature's record: %+v", signed)
	}
	es, _, err := a.db.FindAuditEntries(context.Background(), auditFilterAction("dossier.step"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.Actor == "a-staff" && strings.Contains(string(e.After), `"delegated_by":"a-leader"`) && strings.Contains(e.Reason, "a-leader") {
			found = true
		}
	}
	if !found {
		t.Fatal("no audit entry records the delegation")
	}
}

// TestReceiptWithAMemberTwiceRefused: a receipt whose JSON names a member
// twice (the decoder would keep the last, a proxy or a log may read the
// first) is refused naming it, and nothing is received; the same body
// with each member once is received.
func TestReceiptWithAMemberTwiceRefused(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	staff := a.token("a-staff")
	for _, c := range []struct{ name, body, field string }{
		{"the applicant's name twice", `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"Trần Thị Bình","name":"Lê Văn C"}}`, "applicant.name"},
		{"the TTHC twice", `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"Trần Thị Bình"},"tthc_code":"9.999"}`, "tthc_code"},
	} {
		checkAPI(t, c.name, a.api("POST", "/api/v1/dossiers", staff, c.body), 400, c.field, nil)
	}
	agency := "A"
	if ds, _, err := a.db.FindDossiers(context.Background(), qms.DossierFilter{AgencyCode: &agency}); err != nil || len(ds) != 0 {
		t.Fatalf("refused receipts left %d dossiers (%v)", len(ds), err)
	}
	checkAPI(t, "each member once", a.api("POST", "/api/v1/dossiers", staff, `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"Trần Thị Bình"}}`), 201, "", nil)
}

// TestJSONBodyBounded: a JSON body past 4 MiB is refused before it is
// read (one of 30 MiB of zeros held 850 MB decoded), with a message that
// says so; files go as multipart.
func TestJSONBodyBounded(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	staff := a.token("a-staff")
	zeros := `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"Trần Thị Bình"},"junk":[` + strings.Repeat("0,", 5<<19) + `0]}`
	resp := a.api("POST", "/api/v1/dossiers", staff, zeros)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "quá lớn") {
		t.Fatalf("a 5 MiB JSON body: %d %.200s", resp.StatusCode, body)
	}
	checkAPI(t, "a body within the bound", a.api("POST", "/api/v1/dossiers", staff, `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"Trần Thị Bình"}}`), 201, "", nil)
}

// TestFormFieldsBounded: an urlencoded form of more than 10,000 fields is
// refused before it is parsed (30 MiB of "a=&" held 1.8 GB as arguments),
// at the login as on any form; a form within the bound goes on to its
// handler.
func TestFormFieldsBounded(t *testing.T) {
	a := newApp(t)
	many := url.Values{"username": {"a-staff"}, "password": {"x"}}
	for i := range 10000 {
		many.Set(fmt.Sprintf("f%d", i), "")
	}
	resp := a.do("POST", "/login", nil, many)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "quá nhiều trường") {
		t.Fatalf("a login of 10.002 fields: %d %.300s", resp.StatusCode, body)
	}
	resp = a.do("POST", "/login", nil, url.Values{"username": {"a-staff"}, "password": {"sai-mat-khau"}})
	if body := bodyOf(t, resp); resp.StatusCode == 400 && strings.Contains(body, "quá nhiều trường") {
		t.Fatalf("a login of two fields refused: %.300s", body)
	}

	// A multipart body past Go's 1,000 parts says so, not that it was cut.
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := range 1001 {
		w.WriteField(fmt.Sprintf("f%d", i), "")
	}
	w.Close()
	req := httptest.NewRequest("POST", "/login", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp = a.send(req)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "quá nhiều phần") {
		t.Fatalf("a multipart body of 1.001 parts: %d %.300s", resp.StatusCode, body)
	}
}

// TestReceiptAnswersAsAReadDoes: the receipt's answer writes each time as
// a later read of the dossier does (received_at and due_at alike), so a
// one-stop system comparing them sees one dossier.
func TestReceiptAnswersAsAReadDoes(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	staff := a.token("a-staff")
	var got, read map[string]any
	checkAPI(t, "receive", a.receiveAPI(staff, ""), 201, "", &got)
	checkAPI(t, "read", a.api("GET", "/api/v1/dossiers/"+got["code"].(string), staff, ""), 200, "", &read)
	for _, k := range []string{"received_at", "due_at"} {
		if got[k] != read[k] {
			t.Errorf("%s: answered %v, read %v", k, got[k], read[k])
		}
	}
}
