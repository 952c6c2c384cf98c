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
// the staff member who appraised it, nor by the appraiser to anyone. Another leader signs. Whoever signed
// a dossier does not then return its result.
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
	// Nor does the appraiser hand the signature to someone of their
	// choosing (outsider pass 10): the page offers no such delegation.
	a.clerk()
	checkAPI(t, "the appraiser hands the signature on", a.api("POST", "/api/v1/dossiers/"+d.Code+"/delegations", a.token("a-both"),
		`{"step_id":"sign","to":"a-clerk","reason":"Đi công tác"}`), 403, "", nil)
	if page.byID("delegate-link-sign") != nil {
		t.Error("the appraiser's page offers to delegate the signature")
	}
	checkAPI(t, "the leader hands the signature to the appraiser", a.api("POST", "/api/v1/dossiers/"+d.Code+"/delegations", a.token("a-leader"),
		`{"step_id":"sign","to":"a-both","reason":"Đi công tác"}`), 400, "to", nil)

	ls := a.login("a-leader")
	if page := parsePage(t, bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &ls, nil))); !(page.byID("complete-sign") != nil) || (page.byID("not-signer-sign") != nil) {
		t.Fatal("the other leader is not offered the signature")
	}
	checkAPI(t, "another leader signs", a.api("POST", steps, a.token("a-leader"), `{"step_id":"sign","password":"`+signPassword+`"}`), 200, "", nil)

	// The other way round (outsider pass 9, through a flow with parallel
	// branches): whoever signed does not then handle the dossier.
	e := a.dossierAtSigning(a.clerk())
	checkAPI(t, "the two-role user signs a dossier they did not handle", a.api("POST", "/api/v1/dossiers/"+e.Code+"/steps", a.token("a-both"),
		`{"step_id":"sign","password":"`+signPassword+`"}`), 200, "", nil)
	checkAPI(t, "and returns its result", a.api("POST", "/api/v1/dossiers/"+e.Code+"/complete", a.token("a-both"), ""), 403, "step_id", nil)
	checkAPI(t, "a staff member returns it", a.api("POST", "/api/v1/dossiers/"+e.Code+"/complete", a.token("a-staff"), ""), 200, "", nil)
}

// TestVerifierDidNotAct: the quality officer who owns a corrective action,
// or recorded someone else's done (outsider pass 9), does not judge the
// nonconformity's effectiveness, on the API or the page, whose form gives
// way to a note; the leader does.
func TestVerifierDidNotAct(t *testing.T) {
	a := newApp(t)
	officerCtx := qms.WithActor(t.Context(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	for _, owner := range []string{"a-quality-officer", "a-staff"} {
		t.Run(owner, func(t *testing.T) {
			n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Sổ theo dõi không cập nhật (" + owner + ")", RootCause: "Chưa phân công"}
			if err := a.db.CreateNC(officerCtx, n); err != nil {
				t.Fatal(err)
			}
			got, err := a.db.AddAction(officerCtx, "A", n.ID, qms.CorrectiveAction{Description: "Lập sổ", Owner: owner, DueOn: qms.CivilDate(a.clock.Now()).AddDate(0, 0, 7)})
			if err == nil {
				_, err = a.db.ChangeNC(officerCtx, "A", n.ID, "start", "")
			}
			if err == nil { // the quality officer records it done, whoever owns it
				got, err = a.db.CompleteAction(officerCtx, "A", n.ID, got.Actions[0].ID, "Đã lập")
			}
			if err != nil || got.Actions[0].DoneBy != "a-quality-officer" {
				t.Fatalf("action done by %q: %v", got.Actions[0].DoneBy, err)
			}
			status := "/api/v1/nonconformities/" + itoa(n.ID) + "/status"
			checkAPI(t, "the quality officer verifies", a.api("POST", status, a.token("a-quality-officer"), `{"action":"verify","verdict":"effective"}`), 403, "verdict", nil)
			os := a.login("a-quality-officer")
			page := parsePage(t, bodyOf(t, a.do("GET", "/nonconformities/"+itoa(n.ID), &os, nil)))
			if page.byID("verify-nc") != nil || !strings.Contains(page.text("own-action"), "Lập sổ") {
				t.Fatalf("the quality officer's page: verify form %v, note %q", page.byID("verify-nc") != nil, page.text("own-action"))
			}
			ls := a.login("a-leader")
			if page := parsePage(t, bodyOf(t, a.do("GET", "/nonconformities/"+itoa(n.ID), &ls, nil))); page.byID("verify-nc") == nil {
				t.Fatal("the leader is not offered the verification")
			}
			checkAPI(t, "the leader verifies", a.api("POST", status, a.token("a-leader"), `{"action":"verify","verdict":"effective"}`), 200, "", nil)
		})
	}
}

// TestNCSentTwice: the same nonconformity posted again by the same user
// (a second click without JavaScript, the back button) is refused naming
// the first, not numbered again (outsider pass 8).
func TestNCSentTwice(t *testing.T) {
	a := newApp(t)
	os := a.login("a-quality-officer")
	form := url.Values{"source": {"other"}, "description": {"Sổ theo dõi hạn không cập nhật"}}
	if resp := a.do("POST", "/nonconformities", &os, form); resp.StatusCode != 303 {
		t.Fatalf("first: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	resp := a.do("POST", "/nonconformities", &os, form)
	if body := bodyOf(t, resp); resp.StatusCode != 409 || !strings.Contains(body, "NC-A-") {
		t.Fatalf("sent again: %d %s", resp.StatusCode, body)
	}
	if ns, err := a.db.FindNCs(t.Context(), "A"); err != nil || len(ns) != 1 {
		t.Fatalf("%d nonconformities, %v", len(ns), err)
	}
}
