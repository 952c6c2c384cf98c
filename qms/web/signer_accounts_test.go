package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestSignersMadeBySystemAdmin: an agency's admin knows every password
// they set and can replace it before its owner does, so they neither set
// the password of an account that signs (leader, quality officer,
// auditor) nor give an account a role that signs: the system
// administrator does (outsider pass 10: an admin reset a leader's
// password, or created a "leader", changed the password and signed). The
// admin still manages the other roles, withdraws any role, and sets the
// password of an account that does not sign; the pages offer only that.
func TestSignersMadeBySystemAdmin(t *testing.T) {
	a := newApp(t)
	admin, sys := a.login("a-admin"), a.login("admin")
	adminTok := a.token("a-admin")
	staffPath, leaderPath := "/admin/users/"+itoa(a.users["a-staff"].ID), "/admin/users/"+itoa(a.users["a-leader"].ID)
	officerPath, auditorPath := "/admin/users/"+itoa(a.users["a-quality-officer"].ID), "/admin/users/"+itoa(a.users["a-auditor"].ID)
	newUser := func(name, role string) url.Values {
		return url.Values{"username": {name}, "full_name": {"Người " + name}, "password": {"ngua-o-banh-da-may-7"}, "agency": {"A"}, "role": {role}}
	}
	tests := []struct {
		name   string
		s      *session
		path   string
		form   url.Values
		status int
	}{
		{"agency admin resets a leader", &admin, leaderPath + "/password", url.Values{"password": {"admin-biet-mat-khau-9"}}, 403},
		{"agency admin resets a quality officer", &admin, officerPath + "/password", url.Values{"password": {"admin-biet-mat-khau-9"}}, 403},
		{"agency admin resets a staff member", &admin, staffPath + "/password", url.Values{"password": {"admin-biet-mat-khau-9"}}, 303},
		{"agency admin grants leader", &admin, staffPath + "/memberships", url.Values{"agency": {"A"}, "role": {"leader"}}, 403},
		{"agency admin grants auditor", &admin, staffPath + "/memberships", url.Values{"agency": {"A"}, "role": {"auditor"}}, 403},
		{"agency admin creates a leader", &admin, "/admin/users", newUser("a-giam-doc", "leader"), 403},
		{"agency admin creates a staff member", &admin, "/admin/users", newUser("a-chuyen-vien", "staff"), 303},
		{"agency admin grants the auditor staff", &admin, auditorPath + "/memberships", url.Values{"agency": {"A"}, "role": {"staff"}}, 303},
		{"agency admin withdraws the auditor role", &admin, auditorPath + "/memberships", url.Values{"agency": {"A"}, "role": {"auditor"}, "remove": {"1"}}, 303},
		{"agency admin edits a leader's title", &admin, leaderPath, url.Values{"full_name": {a.users["a-leader"].FullName}, "title": {"Chủ tịch UBND tỉnh"}, "email": {""}}, 403},
		{"agency admin edits a staff member's title", &admin, staffPath, url.Values{"full_name": {a.users["a-staff"].FullName}, "title": {"Chuyên viên chính"}, "email": {""}}, 303},
		// The password the agency admin set stays theirs to know, even
		// once "changed" by its owner (outsider pass 11): no role that
		// signs on it until the system admin resets it.
		{"system admin grants leader on the agency admin's password", &sys, staffPath + "/memberships", url.Values{"agency": {"A"}, "role": {"leader"}}, 403},
		{"system admin resets it", &sys, staffPath + "/password", url.Values{"password": {"he-thong-trao-tay-5"}}, 303},
		{"system admin grants leader", &sys, staffPath + "/memberships", url.Values{"agency": {"A"}, "role": {"leader"}}, 303},
		{"agency admin resets the demoted auditor", &admin, auditorPath + "/password", url.Values{"password": {"admin-biet-mat-khau-8"}}, 303},
		{"system admin gives the role back", &sys, auditorPath + "/memberships", url.Values{"agency": {"A"}, "role": {"auditor"}}, 403},
		{"system admin resets a leader", &sys, leaderPath + "/password", url.Values{"password": {"he-thong-dat-lai-4"}}, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.do("POST", tt.path, tt.s, tt.form)
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.status || tt.status == 403 && !strings.Contains(body, "quản trị viên hệ thống") {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
		if tt.name == "agency admin resets a staff member" {
			// Its "owner" replaces the password: the agency admin, who
			// knows the one they set.
			var tok struct{ Token string }
			checkAPI(t, "token", a.api("POST", "/api/v1/auth/token", "", `{"username":"a-staff","password":"admin-biet-mat-khau-9"}`), 201, "", &tok)
			checkAPI(t, "the owner's change", a.api("POST", "/api/v1/me/password", tok.Token, `{"current_password":"admin-biet-mat-khau-9","new_password":"admin-van-biet-mat-khau-3"}`), 200, "", nil)
		}
	}
	checkAPI(t, "the API creates a leader for the agency admin", a.api("POST", "/api/v1/users", adminTok,
		`{"username":"a-lanh-dao-9","full_name":"Nguyễn Văn Giám","title":"Giám đốc Sở","password":"ngua-o-banh-da-may-7","agency":"A","role":"leader"}`), 403, "role", nil)
	if u, err := a.db.FindUserByID(t.Context(), a.users["a-staff"].ID); err != nil || !u.HasRole("A", qms.RoleLeader) {
		t.Fatalf("a-staff after the system admin's grant: %+v %v", u, err)
	}

	// The pages offer what the store accepts.
	made, err := a.db.FindUserByUsername(t.Context(), "a-chuyen-vien")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name                 string
		s                    *session
		path                 string
		passwordForm, leader bool
	}{
		{"agency admin on a leader", &admin, leaderPath, false, false},
		{"agency admin on a staff member", &admin, "/admin/users/" + itoa(made.ID), true, false},
		{"system admin on a leader", &sys, leaderPath, true, true},
	} {
		page := parsePage(t, bodyOf(t, a.do("GET", tt.path, tt.s, nil)))
		body := page.text("grant-role")
		if got := !strings.Contains(page.text("signer-password"), "quản trị viên hệ thống"); got != tt.passwordForm {
			t.Errorf("%s: password form offered %v, want %v", tt.name, got, tt.passwordForm)
		}
		if got := strings.Contains(body, "Lãnh đạo"); got != tt.leader {
			t.Errorf("%s: leader offered %v (%q), want %v", tt.name, got, body, tt.leader)
		}
	}
}

// TestNamesTellPeopleApart: records, slips and signatures name people by
// their full name, so a name written in look-alike letters (a Cyrillic
// "а"), or one another active user of the agency bears, is refused: a
// staff member named as the leader read as the leader on the dossier's
// history (outsider pass 10). A name an account of the agency bore before
// a rename, or a disabled account's, stays theirs: records drawn now
// would give their past work to the newcomer (pass 11). The same name in
// another agency is not in the way.
func TestNamesTellPeopleApart(t *testing.T) {
	a := newApp(t)
	adminA, adminB := a.token("a-admin"), a.token("b-admin")
	leaderName := a.users["a-leader"].FullName
	create := func(username, agency, fullName, title string) string {
		return `{"username":"` + username + `","full_name":"` + fullName + `","title":"` + title + `","password":"ngua-o-banh-da-may-7","agency":"` + agency + `","role":"staff"}`
	}
	tests := []struct {
		name, token, body string
		status            int
		field             string
	}{
		{"the leader's name in A", adminA, create("a-dup1", "A", leaderName, ""), 409, "full_name"},
		{"the same, spaced and cased otherwise", adminA, create("a-dup2", "A", " "+strings.ToUpper(leaderName)+" ", ""), 409, "full_name"},
		{"a Cyrillic letter", adminA, create("a-dup3", "A", "L\u0430nh đạo 1", ""), 400, "full_name"},
		{"a full-width title", adminA, create("a-dup4", "A", "Trần Văn Tư", "Ｇiám đốc"), 400, "title"},
		// Names that read alike are one (outsider pass 11): another tone,
		// "l" for "i", an IPA or full-width letter, another script's digit.
		{"another tone", adminA, create("a-dup6", "A", strings.Replace(leaderName, "Minh", "Mính", 1), ""), 409, "full_name"},
		{"a name with a digit", adminA, create("a-dup70", "A", "Phó phòng 1", ""), 201, ""},
		{"l for 1", adminA, create("a-dup7", "A", "Phó phòng l", ""), 409, "full_name"},
		{"an IPA letter", adminA, create("a-dup8", "A", "Lãnh đạo Hɑi", ""), 400, "full_name"},
		{"a full-width digit", adminA, create("a-dup9", "A", "Lãnh đạo １", ""), 400, "full_name"},
		{"the leader's name in B", adminB, create("b-dup1", "B", leaderName, ""), 201, ""},
		{"a name of its own in A", adminA, create("a-dup5", "A", "Trần Văn Năm", "Chuyên viên"), 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAPI(t, tt.name, a.api("POST", "/api/v1/users", tt.token, tt.body), tt.status, tt.field, nil)
		})
	}
	// An agency whose name reads as another's is refused as well.
	for _, name := range []string{"Sở Ạ", "Sở  á"} {
		checkAPI(t, "agency "+name, a.api("POST", "/api/v1/agencies", adminB, `{"code":"BX1","name":"`+name+`","parent":"B"}`), 409, "name", nil)
	}
	// Renaming into a namesake is refused the same way, on the page.
	admin, sys := a.login("a-admin"), a.login("admin")
	staffPath := "/admin/users/" + itoa(a.users["a-staff"].ID)
	resp := a.do("POST", staffPath, &admin, url.Values{"full_name": {leaderName}, "title": {""}, "email": {""}})
	if body := bodyOf(t, resp); resp.StatusCode != 409 || !strings.Contains(body, "a-leader") {
		t.Fatalf("renamed to the leader's name: %d", resp.StatusCode)
	}
	// The leader renamed (by the system admin: a signer's profile), their
	// former name is not the staff member's to take.
	if resp := a.do("POST", "/admin/users/"+itoa(a.users["a-leader"].ID), &sys, url.Values{"full_name": {"Lãnh đạo Mới Đổi Tên"}, "title": {""}, "email": {""}}); resp.StatusCode != 303 {
		t.Fatalf("the system admin renames the leader: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	resp = a.do("POST", staffPath, &admin, url.Values{"full_name": {leaderName}, "title": {""}, "email": {""}})
	if body := bodyOf(t, resp); resp.StatusCode != 409 || !strings.Contains(body, "họ tên cũ") {
		t.Fatalf("renamed to the leader's former name: %d", resp.StatusCode)
	}
	// Nor a disabled account's name.
	gone := a.addUser("a-da-nghi", "A", qms.RoleStaff)
	off := true
	if _, err := a.db.UpdateUser(qms.WithActor(t.Context(), qms.SystemActor("test")), gone.ID, qms.UserUpdate{Disabled: &off}); err != nil {
		t.Fatal(err)
	}
	checkAPI(t, "a disabled account's name", a.api("POST", "/api/v1/users", adminA, create("a-dup10", "A", gone.FullName, "")), 409, "full_name", nil)
}
