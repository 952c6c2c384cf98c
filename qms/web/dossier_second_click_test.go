package web_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
)

// TestDossierNoteAndSecondClick: the note typed at reception (the
// documents handed in) is on the dossier page; completing a step a
// second time (a second click) is refused naming the step as the page
// names it, not by its id (outsider findings).
func TestDossierNoteAndSecondClick(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Trần Thị Bình"}, "channel": {"counter"},
		"note": {"2 bộ, kèm bản sao CCCD"}})
	if resp.StatusCode != 303 {
		t.Fatalf("receive: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	page, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	if body := parsePage(t, bodyOf(t, a.do("GET", page, &staff, nil))); body.text("dossier-note") != "2 bộ, kèm bản sao CCCD" {
		t.Errorf("the reception note on the dossier page: %q", body.text("dossier-note"))
	}
	steps := page + "/steps"
	if resp := a.do("POST", steps, &staff, url.Values{"step_id": {"check"}}); resp.StatusCode != 303 {
		t.Fatalf("complete the check: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	resp = a.do("POST", steps, &staff, url.Values{"step_id": {"check"}})
	if body := html.UnescapeString(bodyOf(t, resp)); resp.StatusCode != 400 || !strings.Contains(body, "Bước “Thẩm định” của hồ sơ") || strings.Contains(body, `"check"`) {
		t.Errorf("a second click: %d\n%.2000s", resp.StatusCode, body)
	}
}

// TestStepRoleBeforeItsForm: someone who may not do a step is told so
// before being asked to fill its form in (outsider: a leader was first
// asked for the form, then refused).
func TestStepRoleBeforeItsForm(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheck()
	var d struct{ Code string }
	checkAPI(t, "receive", a.receiveAPI(a.token("a-staff"), ""), 201, "", &d)
	resp := a.api("POST", "/api/v1/dossiers/"+d.Code+"/steps", a.token("a-leader"), `{"step_id":"check"}`)
	if body := bodyOf(t, resp); resp.StatusCode != 403 || strings.Contains(body, "cần lập biểu mẫu") {
		t.Fatalf("the leader on the staff's step with a form: %d %s", resp.StatusCode, body)
	}
	resp = a.api("POST", "/api/v1/dossiers/"+d.Code+"/steps", a.token("a-staff"), `{"step_id":"check"}`)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "cần lập biểu mẫu") {
		t.Fatalf("the staff without the form: %d %s", resp.StatusCode, body)
	}
}
