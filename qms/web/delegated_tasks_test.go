package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestDelegatedStepsOnTaskList: a step delegated to a user who lacks its
// role is on that user's task list (page and API), naming the delegator
// by full name, until it is completed; while the dossier is paused it is
// not, as no open step of a paused dossier is; nobody else's list gains
// it, and the delegator's own list does not mark it. A step delegated to
// a holder of its role is marked too; the history names the delegation.
func TestDelegatedStepsOnTaskList(t *testing.T) {
	a := newAppNamed(t, "Sở ", "Ông ")
	a.effectiveProcedureOf("A")
	staff, leader, clerk := a.token("a-staff"), a.token("a-leader"), a.clerk()
	var d dossierOut
	checkAPI(t, "receive", a.receiveAPI(clerk, ""), 201, "", &d)
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	delegations := "/api/v1/dossiers/" + d.Code + "/delegations"
	ss, ls, bs, cs := a.login("a-staff"), a.login("a-leader"), a.login("b-staff"), a.login("a-clerk")

	// Handed to someone who holds the step's role: still marked as theirs
	// by delegation.
	checkAPI(t, "delegate the check", a.api("POST", delegations, leader, `{"step_id":"check","to":"a-clerk","reason":"Giao việc"}`), 201, "", nil)
	if body := bodyOf(t, a.do("GET", "/tasks", &cs, nil)); !strings.Contains(body, `id="delegated-`+d.Code+`-check"`) {
		t.Fatalf("a step delegated to a holder of its role is not marked: %s", body)
	}
	checkAPI(t, "the clerk checks", a.api("POST", steps, clerk, `{"step_id":"check"}`), 200, "", nil)
	checkAPI(t, "the clerk decides", a.api("POST", steps, clerk, `{"step_id":"ok","exit":"Đạt"}`), 200, "", nil)
	// Whoever handled it is not handed its signature.
	checkAPI(t, "delegate the signature to the clerk", a.api("POST", delegations, leader, `{"step_id":"sign","to":"a-clerk","reason":"Lãnh đạo đi công tác"}`), 400, "to", nil)

	rowID := `id="delegated-` + d.Code + `-sign"`
	onTasks := func(s *session) (row, tag bool) {
		body := bodyOf(t, a.do("GET", "/tasks", s, nil))
		return strings.Contains(body, `href="/dossiers/`+d.Code+`"`), strings.Contains(body, rowID)
	}
	apiDelegated := func() string {
		var out struct {
			Tasks []struct {
				DossierCode string `json:"dossier_code"`
				StepID      string `json:"step_id"`
				DelegatedBy string `json:"delegated_by"`
			}
		}
		checkAPI(t, "tasks", a.api("GET", "/api/v1/tasks", staff, ""), 200, "", &out)
		for _, task := range out.Tasks {
			if task.DossierCode == d.Code && task.StepID == "sign" {
				return "sign by " + task.DelegatedBy
			}
		}
		return ""
	}
	if row, _ := onTasks(&ss); row || apiDelegated() != "" {
		t.Fatal("the leader's step is on the staff's list before any delegation")
	}
	checkAPI(t, "delegate", a.api("POST", delegations, leader, `{"step_id":"sign","to":"a-staff","reason":"Lãnh đạo đi công tác"}`), 201, "", nil)

	body := bodyOf(t, a.do("GET", "/tasks", &ss, nil))
	if !strings.Contains(body, rowID) || !strings.Contains(body, "ủy quyền bởi Ông A") {
		t.Fatalf("the delegated step is not on the delegate's list, naming the delegator: %s", body)
	}
	if got := apiDelegated(); got != "sign by Ông A Minh" {
		t.Fatalf("API task list: %q", got)
	}
	if row, tag := onTasks(&ls); !row || tag {
		t.Fatalf("the leader's own list: row %v, marked delegated %v", row, tag)
	}
	if row, _ := onTasks(&bs); row {
		t.Fatal("another agency's staff sees the delegated step")
	}

	checkAPI(t, "pause", a.api("POST", "/api/v1/dossiers/"+d.Code+"/pause", leader, `{"reason":"Bổ sung giấy tờ"}`), 200, "", nil)
	if _, tag := onTasks(&ss); tag {
		t.Fatal("the delegated step of a paused dossier is on the list")
	}
	// Whoever may resume is told what to do, with or without a step of
	// their own waiting.
	for _, s := range []*session{&ss, &ls} {
		if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, s, nil)); !strings.Contains(body, `id="paused-steps"`) || !strings.Contains(body, `id="resume"`) {
			t.Errorf("paused page without the notice or the resume action: %s", body)
		}
	}
	checkAPI(t, "resume", a.api("POST", "/api/v1/dossiers/"+d.Code+"/resume", leader, ""), 200, "", nil)
	if _, tag := onTasks(&ss); !tag {
		t.Fatal("the delegated step did not come back after the dossier resumed")
	}

	checkAPI(t, "the delegate signs", a.api("POST", steps, staff, `{"step_id":"sign","password":"`+signPassword+`"}`), 200, "", nil)
	if _, tag := onTasks(&ss); tag || apiDelegated() != "" {
		t.Fatal("the completed delegated step is still on the list")
	}
	// The dossier's history says on whose delegation the step was done.
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ls, nil)); !strings.Contains(body, `id="step-delegation-`) ||
		!strings.Contains(body, "theo ủy quyền của Ông A Minh: Lãnh đạo đi công tác") {
		t.Errorf("the history does not show the delegation: %s", body)
	}
}

// TestRevokeDelegation: the one who gave a delegation (or a leader) may
// withdraw it while unused; the delegate loses the step and is told, the
// revocation is audited; nobody else may, another agency gets 404, and a
// revoked delegation cannot be revoked or used again.
func TestRevokeDelegation(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	staff, leader, otherStaff := a.token("a-staff"), a.token("a-leader"), a.token("b-staff")
	d := a.dossierAtSigning(a.clerk())
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	var del struct{ ID int64 }
	checkAPI(t, "delegate", a.api("POST", "/api/v1/dossiers/"+d.Code+"/delegations", leader, `{"step_id":"sign","to":"a-staff","reason":"Đi công tác"}`), 201, "", &del)
	revoke := "/api/v1/dossiers/" + d.Code + "/delegations/" + itoa(del.ID) + "/revoke"
	checkAPI(t, "the delegate revokes", a.api("POST", revoke, staff, ""), 403, "", nil)
	checkAPI(t, "another agency revokes", a.api("POST", revoke, otherStaff, ""), 404, "", nil)

	ls, ss := a.login("a-leader"), a.login("a-staff")
	page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/delegate", &ls, nil))
	button := `id="revoke-delegation-` + itoa(del.ID) + `"`
	if !strings.Contains(page, button) {
		t.Fatalf("the delegator's page does not offer the revocation: %s", page)
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/delegate", &ss, nil)); strings.Contains(body, button) {
		t.Fatal("the delegate is offered the revocation")
	}
	resp := a.do("POST", "/dossiers/"+d.Code+"/delegations/"+itoa(del.ID)+"/revoke", &ls, url.Values{})
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "msg=delegation_revoked") {
		t.Fatalf("revoke from the page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if body := bodyOf(t, a.do("GET", "/tasks", &ss, nil)); strings.Contains(body, `id="delegated-`+d.Code+`-sign"`) {
		t.Fatal("the revoked step is still on the delegate's list")
	}
	if body := bodyOf(t, a.do("GET", "/notifications", &ss, nil)); !strings.Contains(body, "đã được thu hồi") {
		t.Error("the delegate was not told")
	}
	if n := a.auditCount("dossier.delegation_revoke"); n != 1 {
		t.Errorf("%d revocation entries, want 1", n)
	}
	checkAPI(t, "revoke again", a.api("POST", revoke, leader, ""), 404, "", nil)
	checkAPI(t, "the delegate signs anyway", a.api("POST", steps, staff, `{"step_id":"sign","password":"`+signPassword+`"}`), 403, "step_id", nil)
	// From a page opened before the revocation (it names the delegator):
	// told the delegation ended, not to ask for one.
	resp = a.api("POST", steps, staff, `{"step_id":"sign","delegated_by":"a-leader","password":"`+signPassword+`"}`)
	if body := bodyOf(t, resp); resp.StatusCode != 403 || !strings.Contains(body, "không còn hiệu lực") {
		t.Errorf("a step done on a revoked delegation: %d %s", resp.StatusCode, body)
	}
}

// dossierAtSigning receives a dossier of A through the API with the staff
// token and takes it through the staff's steps (check, then "Đạt"), so
// that it waits for the leader's signature.
func (a *app) dossierAtSigning(staff string) dossierOut {
	t := a.t
	t.Helper()
	var d dossierOut
	checkAPI(t, "receive", a.receiveAPI(staff, ""), 201, "", &d)
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	checkAPI(t, "staff checks", a.api("POST", steps, staff, `{"step_id":"check"}`), 200, "", nil)
	checkAPI(t, "staff decides", a.api("POST", steps, staff, `{"step_id":"ok","exit":"Đạt"}`), 200, "", nil)
	return d
}
