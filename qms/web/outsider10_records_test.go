package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestWhoCarriesARecord: a risk's owner is an account that can carry it
// (active, holding a role that does such work), as a corrective action's
// owner is: it took a disabled account and an admin's (outsider pass 10).
// A competence record is not its own subject's: a quality officer
// recorded a competence for themselves.
func TestWhoCarriesARecord(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	agency := "A"
	ps, err := a.db.FindProcedures(t.Context(), qms.ProcedureFilter{AgencyCode: &agency})
	if err != nil || len(ps) == 0 {
		t.Fatal("procedures:", err)
	}
	sys := qms.WithActor(t.Context(), qms.SystemActor("test"))
	gone := a.addUser("a-nghi-huu", "A", qms.RoleStaff)
	off := true
	if _, err := a.db.UpdateUser(sys, gone.ID, qms.UserUpdate{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	officer := a.token("a-quality-officer")
	review := a.clock.Now().AddDate(0, 2, 0).Format("02/01/2006")
	risk := func(owner string) string {
		return `{"kind":"risk","description":"Thất lạc hồ sơ giấy (` + owner + `)","procedure_id":` + itoa(ps[0].ID) + `,"likelihood":3,"impact":4,"owner":"` + owner + `","review_on":"` + review + `"}`
	}
	for _, tt := range []struct {
		owner  string
		status int
		field  string
	}{{"a-nghi-huu", 400, "owner"}, {"a-admin", 400, "owner"}, {"a-staff", 201, ""}} {
		checkAPI(t, "risk owned by "+tt.owner, a.api("POST", "/api/v1/risks", officer, risk(tt.owner)), tt.status, tt.field, nil)
	}
	// The same risk sent again with a second space or another capital is
	// the same send (outsider pass 11).
	again := strings.Replace(strings.Replace(risk("a-staff"), "hồ sơ giấy", "hồ  sơ Giấy", 1), "Thất", "thất", 1)
	checkAPI(t, "the same risk, spaced otherwise", a.api("POST", "/api/v1/risks", officer, again), 409, "", nil)

	qo := a.login("a-quality-officer")
	if resp := a.do("POST", "/competence/catalogue", &qo, url.Values{"code": {"MOTCUA"}, "name": {"Nghiệp vụ một cửa"}}); resp.StatusCode != 303 {
		t.Fatalf("competence: %d", resp.StatusCode)
	}
	comps, err := a.db.FindCompetences(t.Context(), "A")
	if err != nil || len(comps) != 1 {
		t.Fatal("competences:", err)
	}
	record := func(username string) url.Values {
		return url.Values{"username": {username}, "competence_id": {itoa(comps[0].ID)}, "course": {"Bồi dưỡng một cửa"}, "obtained_on": {"01/01/2026"}}
	}
	if resp := a.do("POST", "/competence/records", &qo, record("a-quality-officer")); resp.StatusCode != 403 {
		t.Errorf("a quality officer records their own competence: %d", resp.StatusCode)
	}
	if body := bodyOf(t, a.do("GET", "/competence/me", &qo, nil)); strings.Contains(body, `action="/competence/records"`) {
		t.Error("one's own competence page offers the form that records it")
	}
	old := record("a-staff")
	old.Set("obtained_on", "01/01/1900")
	if resp := a.do("POST", "/competence/records", &qo, old); resp.StatusCode != 400 {
		t.Errorf("a competence obtained in 1900: %d", resp.StatusCode)
	}
	if resp := a.do("POST", "/competence/records", &qo, record("a-staff")); resp.StatusCode != 303 {
		t.Errorf("a quality officer records a staff member's competence: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
}

// TestApplicantIDNumber: an applicant's identity paper is a number one
// of the papers has ("-1" was taken, outsider pass 10), and a citizen
// identity number begins with a province's code and a century of birth
// ("999999999999" was taken, outsider pass 11).
func TestApplicantIDNumber(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	tok := a.token("a-staff")
	for _, tt := range []struct {
		id     string
		status int
	}{{"-1", 400}, {"12", 400}, {"0010 9901 2345", 400}, {"000000000000", 400}, {"ABCDEFGHIJ", 400}, {"１２３４５６７８９", 400},
		{"999999999999", 400}, {"003099012345", 400}, {"001499012345", 400},
		{"001099012345", 201}, {"096301012345", 201}, {"012345678", 201}, {"0101234567-001", 201}, {"b1234567", 201}} {
		field := ""
		if tt.status == 400 {
			field = "applicant.id_number"
		}
		checkAPI(t, tt.id, a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"Trần Văn B","id_number":"`+tt.id+`"},"channel":"online"}`), tt.status, field, nil)
	}
}
