package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestSignerDidNotHandle: the leader's step of a dossier is not signed by
// whoever handled it (qms.CheckIndependentSigner): not by one person
// holding the staff and leader roles, on the API or the page form, whose
// page says why instead of offering the form; not handed by delegation to
// the staff member who appraised it. Another leader signs.
func TestSignerDidNotHandle(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	both := &qms.User{Username: "a-both", FullName: "Người kiêm nhiệm", Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleStaff}, {AgencyCode: "A", Role: qms.RoleLeader}}}
	if err := a.db.CreateUser(qms.WithActor(t.Context(), qms.SystemActor("test")), both, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	a.users[both.Username] = both
	if err := a.srv.Authz.Reload(); err != nil {
		t.Fatal(err)
	}
	d := a.dossierAtSigning(a.token("a-both"))
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	checkAPI(t, "the one who appraised signs", a.api("POST", steps, a.token("a-both"), `{"step_id":"sign","password":"`+signPassword+`"}`), 403, "step_id", nil)

	bs := a.login("a-both")
	page := parsePage(t, bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &bs, nil)))
	if (page.byID("complete-sign") != nil) || !strings.Contains(page.text("not-signer-sign"), "Ký giấy phép") {
		t.Fatalf("the appraiser's page: offered the signature %v, note %q", (page.byID("complete-sign") != nil), page.text("not-signer-sign"))
	}
	if resp := a.do("POST", "/dossiers/"+d.Code+"/steps", &bs, url.Values{"step_id": {"sign"}, "password": {signPassword}}); resp.StatusCode != 403 ||
		!strings.Contains(bodyOf(t, resp), "không đồng thời ký duyệt") {
		t.Fatalf("the page form signs for the appraiser: %d", resp.StatusCode)
	}
	checkAPI(t, "the leader hands the signature to the appraiser", a.api("POST", "/api/v1/dossiers/"+d.Code+"/delegations", a.token("a-leader"),
		`{"step_id":"sign","to":"a-both","reason":"Đi công tác"}`), 400, "to", nil)

	ls := a.login("a-leader")
	if page := parsePage(t, bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ls, nil))); !(page.byID("complete-sign") != nil) || (page.byID("not-signer-sign") != nil) {
		t.Fatal("the other leader is not offered the signature")
	}
	checkAPI(t, "another leader signs", a.api("POST", steps, a.token("a-leader"), `{"step_id":"sign","password":"`+signPassword+`"}`), 200, "", nil)
}

// TestVerifierDidNotAct: the quality officer who owns a corrective action
// does not judge the nonconformity's effectiveness, on the API or the
// page, whose form gives way to a note; the leader does.
func TestVerifierDidNotAct(t *testing.T) {
	a := newApp(t)
	officerCtx := qms.WithActor(t.Context(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật", RootCause: "Chưa phân công"}
	if err := a.db.CreateNC(officerCtx, n); err != nil {
		t.Fatal(err)
	}
	got, err := a.db.AddAction(officerCtx, "A", n.ID, qms.CorrectiveAction{Description: "Lập sổ", Owner: "a-quality-officer", DueOn: qms.CivilDate(a.clock.Now()).AddDate(0, 0, 7)})
	if err == nil {
		_, err = a.db.ChangeNC(officerCtx, "A", n.ID, "start", "")
	}
	if err == nil {
		_, err = a.db.CompleteAction(officerCtx, "A", n.ID, got.Actions[0].ID, "Đã lập")
	}
	if err != nil {
		t.Fatal(err)
	}
	status := "/api/v1/nonconformities/" + itoa(n.ID) + "/status"
	checkAPI(t, "the owner verifies", a.api("POST", status, a.token("a-quality-officer"), `{"action":"verify","verdict":"effective"}`), 403, "verdict", nil)
	os := a.login("a-quality-officer")
	page := parsePage(t, bodyOf(t, a.do("GET", "/nonconformities/"+itoa(n.ID), &os, nil)))
	if page.byID("verify-nc") != nil || !strings.Contains(page.text("own-action"), "Lập sổ") {
		t.Fatalf("the owner's page: verify form %v, note %q", page.byID("verify-nc") != nil, page.text("own-action"))
	}
	ls := a.login("a-leader")
	if page := parsePage(t, bodyOf(t, a.do("GET", "/nonconformities/"+itoa(n.ID), &ls, nil))); page.byID("verify-nc") == nil {
		t.Fatal("the leader is not offered the verification")
	}
	checkAPI(t, "the leader verifies", a.api("POST", status, a.token("a-leader"), `{"action":"verify","verdict":"effective"}`), 200, "", nil)
}
