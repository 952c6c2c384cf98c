package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestStepsShowNamesAsRecorded (outsider pass 11, the residual of its
// second high finding): a dossier's history, its API and its control slip
// named each step's actor by the name their account bears now, so a
// renamed officer's past work read under the new name. A step now keeps
// its actor's name as it read when it was recorded; a step recorded after
// the rename carries the new one.
func TestStepsShowNamesAsRecorded(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, leader, sys := a.login("a-staff"), a.login("a-leader"), a.login("admin")
	staffName, leaderName := a.users["a-staff"].FullName, a.users["a-leader"].FullName
	d := a.receive("Nguyễn Văn An")
	path := "/dossiers/" + d.Code
	for _, s := range []struct {
		who  *session
		form url.Values
	}{
		{&staff, url.Values{"step_id": {"check"}}},
		{&staff, url.Values{"step_id": {"ok"}, "exit": {"Đạt"}}},
		{&leader, signing(url.Values{"step_id": {"sign"}})},
		{&staff, url.Values{"step_id": {"e"}}},
	} {
		if resp := a.do("POST", path+"/steps", s.who, s.form); resp.StatusCode != 303 {
			t.Fatalf("step %s: %d %s", s.form.Get("step_id"), resp.StatusCode, bodyOf(t, resp))
		}
	}
	renamed := map[string]string{"a-staff": "Chuyên viên Đã Đổi Tên", "a-leader": "Lãnh đạo Đã Đổi Tên"}
	for user, name := range renamed {
		if resp := a.do("POST", "/admin/users/"+itoa(a.users[user].ID), &sys, url.Values{"full_name": {name}, "title": {""}, "email": {""}}); resp.StatusCode != 303 {
			t.Fatalf("rename %s: %d %s", user, resp.StatusCode, bodyOf(t, resp))
		}
	}
	// The page, the slip and the API, read by a third person.
	officer := a.login("a-quality-officer")
	reads := map[string]string{
		"the dossier's history": bodyOf(t, a.do("GET", path, &officer, nil)),
		"the control slip":      bodyOf(t, a.do("GET", path+"/control-slip", &officer, nil)),
	}
	for what, body := range reads {
		for _, want := range []string{staffName, leaderName} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q, the name the step was done under", what, want)
			}
		}
		for _, now := range renamed {
			if strings.Contains(body, now) {
				t.Errorf("%s shows %q, a name borne since", what, now)
			}
		}
	}
	var out struct {
		Steps []qms.StepRecord `json:"steps"`
	}
	checkAPI(t, "the dossier", a.api("GET", "/api/v1/dossiers/"+d.Code, a.token("a-quality-officer"), ""), 200, "", &out)
	want := map[string]string{"s": staffName, "check": staffName, "ok": staffName, "sign": leaderName, "e": staffName}
	if len(out.Steps) != len(want) {
		t.Fatalf("steps: %+v", out.Steps)
	}
	for _, st := range out.Steps {
		if st.ActorName != want[st.StepID] {
			t.Errorf("step %s: actor_name %q, want %q", st.StepID, st.ActorName, want[st.StepID])
		}
	}
	// A step recorded after the rename is under the new name.
	later := a.receive("Trần Thị Bình")
	checkAPI(t, "the later dossier", a.api("GET", "/api/v1/dossiers/"+later.Code, a.token("a-quality-officer"), ""), 200, "", &out)
	if len(out.Steps) != 1 || out.Steps[0].ActorName != renamed["a-staff"] {
		t.Fatalf("the receipt after the rename: %+v", out.Steps)
	}
}

// TestSlipsKeepTheTTHCAsReceived (outsider pass 12, medium): a TTHC
// renamed or repriced in the catalogue rewrote the receipt slips and
// control slips of dossiers received before. A dossier keeps the
// catalogue's name, time limit and fee as they read at its receipt; one
// received after the change has the new ones.
func TestSlipsKeepTheTTHCAsReceived(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	officer := a.users["a-quality-officer"]
	asOfficer := qms.WithActor(t.Context(), qms.Actor{UserID: officer.ID, Username: officer.Username, AgencyCode: "A"})
	before := a.receive("Nguyễn Văn An")
	if _, _, err := a.db.ImportTTHC(asOfficer, "A", []qms.TTHC{{Code: "1.000001", Name: "Thủ tục đã đổi tên hoàn toàn khác", Field: "Văn hóa", TimeLimitDays: 5, Fee: "9.999.000"}}); err != nil {
		t.Fatal(err)
	}
	after := a.receive("Trần Thị Bình")
	staff := a.login("a-staff")
	for _, tt := range []struct {
		path, id, want string
	}{
		{"/dossiers/" + before.Code + "/receipt", "slip-procedure", "Cấp giấy phép karaoke"},
		{"/dossiers/" + before.Code + "/control-slip", "slip-procedure", "Cấp giấy phép karaoke"},
		{"/dossiers/" + before.Code, "dossier-tthc", "1.000001 Cấp giấy phép karaoke (QT-01 Cấp phép, quy trình phiên bản 1)"},
		{"/dossiers/" + after.Code + "/receipt", "slip-procedure", "Thủ tục đã đổi tên hoàn toàn khác"},
	} {
		n := parsePage(t, bodyOf(t, a.do("GET", tt.path, &staff, nil))).byID(tt.id)
		if n == nil || strings.TrimSpace(textOf(n)) != tt.want {
			t.Errorf("%s: #%s reads %q, want %q", tt.path, tt.id, textOf(n), tt.want)
		}
	}
	if body := bodyOf(t, a.do("GET", "/dossiers/"+before.Code+"/receipt", &staff, nil)); strings.Contains(body, "9.999.000") {
		t.Error("the receipt slip printed received before the repricing shows the new fee")
	}
	// The agency renamed (outsider pass 13): the receipt and control
	// slips begun before, and the issue approved before, keep the name
	// they were issued under.
	unit, err := a.db.FindAgencyByCode(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	newName := "Sở Đã Đổi Tên Hoàn Toàn"
	if _, err := a.db.UpdateAgency(qms.WithActor(t.Context(), qms.SystemActor("test")), "A", qms.AgencyUpdate{Name: &newName}); err != nil {
		t.Fatal(err)
	}
	for _, slip := range []string{"/receipt", "/control-slip"} {
		if got := bodyOf(t, a.do("GET", "/dossiers/"+before.Code+slip, &staff, nil)); !strings.Contains(got, "<strong>"+unit.Name+"</strong>") || strings.Contains(got, newName) {
			t.Errorf("%s changed with the agency's name (%q → %q)", slip, unit.Name, newName)
		}
	}
	if got := bodyOf(t, a.do("GET", "/dossiers/"+a.receive("Lê Văn Cường").Code+"/receipt", &staff, nil)); !strings.Contains(got, newName) {
		t.Error("a receipt after the rename is not issued under the new name")
	}
	// The procedure's approved issue prints under the name it was
	// submitted under (its signed subject keeps it).
	ps, err := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	issue := bodyOf(t, a.do("GET", "/procedures/"+itoa(ps[0].ID)+"/versions/1/print", &staff, nil))
	if !strings.Contains(issue, unit.Name) || strings.Contains(issue, newName) {
		t.Errorf("the approved issue reprints under the new name (%q → %q)", unit.Name, newName)
	}
}

// TestUsernamesTellAccountsApart (outsider pass 12, low): usernames name
// delegates, owners and assignees in the API and actors in the audit
// trail, and "a-1eader" beside "a-leader" was accepted. A username that
// reads as a taken one (1 as l, 0 as o) is refused without
// naming the account it reads as; the taken one itself is "already used".
func TestUsernamesTellAccountsApart(t *testing.T) {
	a := newApp(t)
	admin := a.token("a-admin")
	create := func(username string) string {
		return `{"username":"` + username + `","full_name":"Người ` + username + `","password":"ngua-o-banh-da-may-7","agency":"A","role":"staff"}`
	}
	for _, tt := range []struct {
		username string
		status   int
		msg      string
	}{
		{"a-1eader", 409, "dễ nhầm"},
		{"a-lead3r", 201, ""},
		{"a-1ead3r", 409, "dễ nhầm"},
		{"b-adm1n", 201, ""}, // i is not l
		{"b-admln", 409, "dễ nhầm"},
		{"a-leader", 409, "đã được dùng"},
		{"a-leader2", 201, ""},
	} {
		resp := a.api("POST", "/api/v1/users", admin, create(tt.username))
		var e struct {
			Error struct{ Message, Field string }
		}
		decode(t, resp, &e)
		if resp.StatusCode != tt.status || !strings.Contains(e.Error.Message, tt.msg) || tt.status == 409 && e.Error.Field != "username" {
			t.Errorf("%s: %d %+v, want %d %q", tt.username, resp.StatusCode, e.Error, tt.status, tt.msg)
		}
		if strings.Contains(e.Error.Message, "b-admin") {
			t.Errorf("%s: the refusal names another agency's account: %s", tt.username, e.Error.Message)
		}
	}
}
