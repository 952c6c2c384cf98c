package web_test

import (
	"testing"
)

// TestSurveyKeyOnlyToTheReceiver: a dossier's survey key is read only by
// the officer who received it, who prints the slip, and only until the
// dossier is finished: an auditor or an admin who read it could answer
// the anonymous survey in the citizen's name, or learn whether the
// citizen had answered (outsider pass 6), as could another staff member
// or a leader, whom the survey rates (outsider pass 10); once the result
// is handed over nobody in the agency needs it.
func TestSurveyKeyOnlyToTheReceiver(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.token("a-staff")
	var d struct {
		Code      string `json:"code"`
		SurveyKey string `json:"survey_key"`
	}
	checkAPI(t, "receive", a.api("POST", "/api/v1/dossiers", staff, `{"tthc_code":"1.000001","applicant":{"name":"Lê Văn Khảo"},"channel":"counter"}`), 201, "", &d)
	if d.SurveyKey == "" {
		t.Fatal("the receipt's answer lacks the survey key")
	}
	key := func(who, token string) string {
		t.Helper()
		var got struct {
			SurveyKey string `json:"survey_key"`
		}
		checkAPI(t, who, a.api("GET", "/api/v1/dossiers/"+d.Code, token, ""), 200, "", &got)
		return got.SurveyKey
	}
	slipKey := func(username string) string {
		t.Helper()
		s := a.login(username)
		return parsePage(t, bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/receipt", &s, nil))).text("slip-survey-key")
	}
	if got := key("the receiver", staff); got != d.SurveyKey {
		t.Fatalf("the receiver reads %q", got)
	}
	if got := slipKey("a-staff"); got != d.SurveyKey {
		t.Fatalf("the receiver's slip shows %q", got)
	}
	a.clerk() // a second staff member, "a-clerk"
	for _, who := range []string{"a-auditor", "a-admin", "a-quality-officer", "a-leader", "a-clerk"} {
		if got := key(who, a.token(who)); got != "" {
			t.Errorf("%s reads the survey key %q", who, got)
		}
		if got := slipKey(who); got != "" {
			t.Errorf("%s's slip shows the survey key %q", who, got)
		}
	}
	for _, step := range []struct{ path, body string }{{"/steps", `{"step_id":"check"}`}, {"/steps", `{"step_id":"ok","exit":"Không đạt"}`},
		{"/steps", `{"step_id":"notice"}`}, {"/complete", ``}} {
		checkAPI(t, step.path, a.api("POST", "/api/v1/dossiers/"+d.Code+step.path, staff, step.body), 200, "", nil)
	}
	if got := key("the receiver, once returned", staff); got != "" {
		t.Fatalf("the key is still read once the dossier is returned: %q", got)
	}
	if got := slipKey("a-staff"); got != "" {
		t.Fatalf("the slip still shows the key once the dossier is returned: %q", got)
	}
}
