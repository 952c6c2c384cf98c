package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestAssignedActionsDoneByTheirOwner: the person a corrective action or
// a risk's treatment action was assigned to (told of it by a
// notification) records it done, on the page and the API; an auditor or
// other staff who do not own it do not, and their pages offer no button.
func TestAssignedActionsDoneByTheirOwner(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.addUser("a-staff-2", "A", qms.RoleStaff)
	auditor, officer, staff, staff2 := a.login("a-auditor"), a.login("a-quality-officer"), a.login("a-staff"), a.login("a-staff-2")
	due := a.clock.Now().AddDate(0, 0, 14).In(qms.Zone).Format("02/01/2006")

	// A corrective action of an NC the auditor raised, owned by a-staff.
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Thiếu phiếu kiểm soát"}
	u := a.users["a-auditor"]
	if err := a.db.CreateNC(qms.WithActor(t.Context(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"}), nc); err != nil {
		t.Fatal(err)
	}
	ncPath := "/nonconformities/" + itoa(nc.ID)
	// The form lists only those it may be given to.
	if page := bodyOf(t, a.do("GET", ncPath, &auditor, nil)); !strings.Contains(page, `<option value="a-staff"`) || strings.Contains(page, `<option value="a-admin"`) {
		t.Error("the owners offered for a corrective action: an admin only is offered, or staff is not")
	}
	// Not to someone who could not record it done (an admin only).
	if resp := a.do("POST", ncPath+"/actions", &auditor, url.Values{"description": {"Bổ sung phiếu"}, "owner": {"a-admin"}, "due_on": {due}}); resp.StatusCode != 400 {
		t.Fatalf("a corrective action given to an admin: %d", resp.StatusCode)
	}
	if resp := a.do("POST", ncPath+"/actions", &auditor, url.Values{"description": {"Bổ sung phiếu"}, "owner": {"a-staff"}, "due_on": {due}}); resp.StatusCode != 303 {
		t.Fatalf("add the corrective action: %d", resp.StatusCode)
	}
	var n qms.Nonconformity
	decode(t, a.api("GET", "/api/v1"+ncPath, a.token("a-auditor"), ""), &n)
	ncDone := ncPath + "/actions/" + itoa(n.Actions[0].ID) + "/done"

	// A treatment action of a risk, owned by a-staff.
	agencyA := "A"
	ps, err := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{AgencyCode: &agencyA})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	risk := url.Values{"kind": {"risk"}, "description": {"Hồ sơ giấy thất lạc"}, "procedure_id": {itoa(ps[0].ID)}, "likelihood": {"4"}, "impact": {"5"},
		"owner": {"a-leader"}, "review_on": {due}}
	if resp := a.do("POST", "/risks", &officer, risk); resp.StatusCode != 303 {
		t.Fatalf("create the risk: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	var list struct{ Risks []qms.Risk }
	decode(t, a.api("GET", "/api/v1/risks", a.token("a-quality-officer"), ""), &list)
	riskPath := "/risks/" + itoa(list.Risks[0].ID)
	if resp := a.do("POST", riskPath+"/actions", &officer, url.Values{"description": {"Lập sổ giao nhận"}, "owner": {"a-staff"}, "due_on": {due}}); resp.StatusCode != 303 {
		t.Fatalf("add the treatment action: %d", resp.StatusCode)
	}
	var r qms.Risk
	decode(t, a.api("GET", "/api/v1"+riskPath, a.token("a-quality-officer"), ""), &r)
	riskDone := riskPath + "/actions/" + itoa(r.Actions[0].ID) + "/done"

	for _, page := range []struct {
		path, button string
	}{{ncPath, `action="` + ncDone + `"`}, {riskPath, `action="` + riskDone + `"`}} {
		for _, v := range []struct {
			who   string
			s     *session
			offer bool
		}{{"the owner", &staff, true}, {"an auditor", &auditor, false}, {"other staff", &staff2, false}} {
			if got := strings.Contains(bodyOf(t, a.do("GET", page.path, v.s, nil)), page.button); got != v.offer {
				t.Errorf("%s on %s: the done button offered %v, want %v", v.who, page.path, got, v.offer)
			}
		}
	}
	tests := []struct {
		name string
		send func() int
		want int
	}{
		{"NC: an auditor who does not own it", func() int { return a.do("POST", ncDone, &auditor, url.Values{"result": {"Đã bổ sung"}}).StatusCode }, 403},
		{"NC: other staff", func() int {
			return a.api("POST", "/api/v1"+ncDone, a.token("a-staff-2"), `{"reason":"Đã bổ sung"}`).StatusCode
		}, 403},
		{"NC: the owner, API", func() int {
			return a.api("POST", "/api/v1"+ncDone, a.token("a-staff"), `{"result":"Đã bổ sung"}`).StatusCode
		}, 200},
		{"risk: an auditor", func() int { return a.do("POST", riskDone, &auditor, url.Values{}).StatusCode }, 403},
		{"risk: other staff", func() int { return a.do("POST", riskDone, &staff2, url.Values{}).StatusCode }, 403},
		{"risk: the owner, page", func() int { return a.do("POST", riskDone, &staff, url.Values{}).StatusCode }, 303},
		{"another agency", func() int { s := a.login("b-staff"); return a.do("POST", riskDone, &s, url.Values{}).StatusCode }, 404},
	}
	for _, tc := range tests {
		if got := tc.send(); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	decode(t, a.api("GET", "/api/v1"+ncPath, a.token("a-auditor"), ""), &n)
	if n.Actions[0].Result != "Đã bổ sung" {
		t.Errorf("the action's result: %q", n.Actions[0].Result)
	}
	for _, action := range []string{"nc.action_done", "risk.action_done"} {
		if n := a.auditCount(action); n != 1 {
			t.Errorf("%s audited %d times, want 1", action, n)
		}
	}
}
