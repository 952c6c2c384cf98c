package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestOutsider2DelegationMustBeRecorded: staff once completed a leader's
// step by naming the leader as delegator; the leader was never involved.
// A delegation is now recorded beforehand by the delegating user (who
// holds the step's role or leads the agency), audited, and used once by
// the delegate's completion.
func TestOutsider2DelegationMustBeRecorded(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	staff, leader := a.token("a-staff"), a.token("a-leader")
	d := a.dossierAtSigning(a.clerk())
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	delegations := "/api/v1/dossiers/" + d.Code + "/delegations"

	for _, c := range []struct {
		name, token, path, body string
		want                    int
		field                   string
	}{
		{"the outsider's request: staff names the leader", staff, steps, `{"step_id":"sign","delegated_by":"a-leader","delegation_reason":"vắng"}`, 403, "delegated_by"},
		{"staff delegates the leader's step to themself", staff, delegations, `{"step_id":"sign","to":"a-staff","reason":"vắng"}`, 400, "to"},
		{"staff delegates the leader's step", staff, delegations, `{"step_id":"sign","to":"a-leader","reason":"vắng"}`, 403, "step_id"},
		{"the leader delegates to an auditor, who cannot complete steps", leader, delegations, `{"step_id":"sign","to":"a-auditor","reason":"vắng"}`, 400, "to"},
		{"the leader delegates to the quality officer, who cannot either", leader, delegations, `{"step_id":"sign","to":"a-quality-officer","reason":"vắng"}`, 400, "to"},
		{"the leader delegates a step already done", leader, delegations, `{"step_id":"check","to":"a-staff","reason":"vắng"}`, 400, "step_id"},
		{"the leader delegates to another agency's user", leader, delegations, `{"step_id":"sign","to":"b-staff","reason":"vắng"}`, 400, "to"},
		{"the leader delegates a step the dossier has not", leader, delegations, `{"step_id":"khong-co","to":"a-staff","reason":"vắng"}`, 400, "step_id"},
		{"still refused: nothing recorded", staff, steps, `{"step_id":"sign","delegated_by":"a-leader"}`, 403, "delegated_by"},
	} {
		checkAPI(t, c.name, a.api("POST", c.path, c.token, c.body), c.want, c.field, nil)
	}

	// The leader is offered, from the dossier page, the delegation page of
	// the leader's step; the staff is offered neither.
	ss, ls := a.login("a-staff"), a.login("a-leader")
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ls, nil)); !strings.Contains(body, `id="delegate-link-sign"`) {
		t.Error("the leader is not offered the delegation of the sign step")
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/delegate?step_id=sign", &ls, nil)); !strings.Contains(body, `id="delegate-form"`) ||
		!strings.Contains(body, `<option value="sign" selected>`) || !strings.Contains(body, `<option value="a-staff">`) || strings.Contains(body, `<option value="a-leader">`) ||
		strings.Contains(body, `<option value="a-auditor">`) || strings.Contains(body, `<option value="a-quality-officer">`) {
		t.Errorf("the leader's delegation page (offers the sign step, to a-staff only): %s", body)
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ss, nil)); strings.Contains(body, `id="delegate-link-sign"`) {
		t.Error("the staff is offered the delegation of the leader's step")
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/delegate?step_id=sign", &ss, nil)); strings.Contains(body, `value="sign"`) {
		t.Error("the staff's delegation page offers the leader's step")
	}
	// Another agency's user gets no delegation page of this dossier.
	bs := a.login("b-staff")
	if resp := a.do("GET", "/dossiers/"+d.Code+"/delegate?step_id=sign", &bs, nil); resp.StatusCode != 404 {
		t.Errorf("another agency's delegation page of %s: %d", d.Code, resp.StatusCode)
	}
	if resp := a.do("POST", "/dossiers/"+d.Code+"/delegations", &ls, url.Values{"step_id": {"sign"}, "to": {"a-staff"}, "reason": {"Lãnh đạo đi công tác"}}); resp.StatusCode != 303 {
		t.Fatalf("the leader's delegation form: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	// The same hand-over again (a second submit) is refused, not doubled.
	if resp := a.do("POST", "/dossiers/"+d.Code+"/delegations", &ls, url.Values{"step_id": {"sign"}, "to": {"a-staff"}, "reason": {"Lãnh đạo đi công tác"}}); resp.StatusCode != 409 {
		t.Fatalf("the same delegation twice: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	es, _, err := a.db.FindAuditEntries(context.Background(), auditFilterAction("dossier.delegate"))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Actor != "a-leader" || !strings.Contains(string(es[0].After), `"to":"a-staff"`) {
		t.Fatalf("the delegation's audit entries: %+v", es)
	}
	// The delegate is now offered the step's form, naming the delegator,
	// and completes the step through it on the recorded delegation.
	if body := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ss, nil)); !strings.Contains(body, `id="complete-sign"`) || !strings.Contains(body, `id="delegated-by-sign"`) {
		t.Error("the delegate is not offered the delegated step's form")
	}
	if resp := a.do("POST", "/dossiers/"+d.Code+"/steps", &ss, signing(url.Values{"step_id": {"sign"}})); resp.StatusCode != 303 {
		t.Fatalf("the delegate's completion: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	checkAPI(t, "read", a.api("GET", "/api/v1/dossiers/"+d.Code, staff, ""), 200, "", &d)
	found := false
	for _, st := range d.Steps {
		if st.StepID == "sign" {
			found = st.Actor == "a-staff" && st.DelegatedBy == "a-leader" && st.DelegationReason == "Lãnh đạo đi công tác"
		}
	}
	if !found {
		t.Fatalf("the signature's record does not carry the delegation: %+v", d.Steps)
	}
}

// TestOutsider3LeaderDelegatesStaffStep: a leader may hand over any open
// step of the agency (qms.CheckDelegator), so the dossier page links the
// staff's open step to the delegation page for the leader too, and that
// page offers it; the staff, holding the step's role, is offered it as
// well; the auditor, who may not record, gets no link and no page.
func TestOutsider3LeaderDelegatesStaffStep(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	var d dossierOut
	checkAPI(t, "receive", a.receiveAPI(a.token("a-staff"), ""), 201, "", &d)
	for _, c := range []struct {
		user    string
		offered bool
	}{{"a-leader", true}, {"a-staff", true}} {
		s := a.login(c.user)
		page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &s, nil))
		form := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/delegate", &s, nil))
		if got := strings.Contains(page, `id="delegate-link-check"`) && strings.Contains(form, `<option value="check"`); got != c.offered {
			t.Errorf("%s offered the delegation of the open step: %v, want %v", c.user, got, c.offered)
		}
	}
	au := a.login("a-auditor")
	if page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &au, nil)); strings.Contains(page, `delegate-link`) {
		t.Error("the auditor is offered a delegation")
	}
	if resp := a.do("GET", "/dossiers/"+d.Code+"/delegate", &au, nil); resp.StatusCode != 403 {
		t.Errorf("the auditor's delegation page: %d", resp.StatusCode)
	}
}
