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
