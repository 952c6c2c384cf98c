package web_test

import (
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/web"
)

func TestAgencyForm(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	tests := []struct {
		name string
		form url.Values
		want int
		msg  string
	}{
		{"empty code", url.Values{"code": {""}, "name": {"Phòng"}, "parent": {"A"}}, 400, "Mã đơn vị không được để trống"},
		{"bad code", url.Values{"code": {"p 1"}, "name": {"Phòng"}, "parent": {"A"}}, 400, "chỉ gồm chữ in hoa"},
		{"no parent for non-system admin", url.Values{"code": {"P1"}, "name": {"Phòng"}}, 400, "Chọn đơn vị cấp trên"},
		{"duplicate", url.Values{"code": {"b"}, "name": {"Phòng"}, "parent": {"A"}}, 409, "đã tồn tại"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := a.auditCount("agency.create")
			resp := a.do("POST", "/admin/agencies", &s, tt.form)
			body := bodyOf(t, resp)
			if resp.StatusCode != tt.want || !strings.Contains(body, tt.msg) {
				t.Fatalf("status %d, want %d with %q", resp.StatusCode, tt.want, tt.msg)
			}
			if !strings.Contains(body, `value="`+tt.form.Get("name")+`"`) {
				t.Fatal("form lost what the user typed")
			}
			if a.auditCount("agency.create") != before {
				t.Fatal("a refused form wrote an agency")
			}
		})
	}
	resp := a.do("POST", "/admin/agencies", &s, url.Values{"code": {"pvhtt"}, "name": {"Phòng <b>Văn hóa</b>"}, "parent": {"A"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/agencies/PVHTT?msg=created" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	body := bodyOf(t, a.do("GET", "/admin/agencies/PVHTT?msg=created", &s, nil))
	if strings.Contains(body, "<b>Văn hóa</b>") || !strings.Contains(body, "&lt;b&gt;Văn hóa") {
		t.Fatal("agency name not escaped")
	}
	if !strings.Contains(body, "Đã tạo thành công") {
		t.Fatal("no confirmation shown")
	}
	es, _, _ := a.db.FindAuditEntries(t.Context(), auditFilterAction("agency.create"))
	if len(es) == 0 || es[0].Actor != "a-admin" || es[0].ObjectID != "PVHTT" || es[0].AgencyCode != "PVHTT" {
		t.Fatalf("audit entry = %+v", es[0])
	}
}

func TestUserAdministration(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	resp := a.do("POST", "/admin/users", &s, url.Values{"username": {"Tran.Thi.B"}, "full_name": {"Trần Thị B"},
		"password": {"ngua-o-456"}, "agency": {"A"}, "role": {"staff"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create user: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	loc := resp.Header.Get("Location")
	userPath := strings.TrimSuffix(loc, "?msg=created")
	// The new user can use the API as staff, but not read users.
	var tok struct{ Token string }
	decode(t, a.api("POST", "/api/v1/auth/token", "", `{"username":"tran.thi.b","password":"ngua-o-456"}`), &tok)
	// The admin's password is temporary: the user sets their own first.
	checkAPI(t, "own password", a.api("POST", "/api/v1/me/password", tok.Token, `{"current_password":"ngua-o-456","new_password":"cua-rieng-b-789"}`), 200, "", nil)
	decode(t, a.api("POST", "/api/v1/auth/token", "", `{"username":"tran.thi.b","password":"cua-rieng-b-789"}`), &tok)
	if code := a.api("GET", "/api/v1/users", tok.Token, "").StatusCode; code != 403 {
		t.Fatalf("staff reads users: %d", code)
	}
	// Granting admin takes effect at once (the policy is reloaded).
	resp = a.do("POST", userPath+"/memberships", &s, url.Values{"agency": {"A"}, "role": {"admin"}})
	if resp.StatusCode != 303 {
		t.Fatalf("grant: %d", resp.StatusCode)
	}
	if code := a.api("GET", "/api/v1/users", tok.Token, "").StatusCode; code != 200 {
		t.Fatalf("after grant: %d", code)
	}
	// Unknown role: clear message, nothing written.
	before := a.auditCount("user.grant")
	resp = a.do("POST", userPath+"/memberships", &s, url.Values{"agency": {"A"}, "role": {"boss"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "Vai trò") || a.auditCount("user.grant") != before {
		t.Fatalf("unknown role: %d", resp.StatusCode)
	}
	// Short password refused with the field named.
	resp = a.do("POST", userPath+"/password", &s, url.Values{"password": {"ngan"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "ít nhất 8") {
		t.Fatalf("short password: %d", resp.StatusCode)
	}
	// Disabling ends access.
	if code := a.do("POST", userPath, &s, url.Values{"disabled": {"1"}}).StatusCode; code != 303 {
		t.Fatalf("disable: %d", code)
	}
	if code := a.api("GET", "/api/v1/me", tok.Token, "").StatusCode; code != 401 {
		t.Fatalf("disabled user's token still works: %d", code)
	}
	// An admin cannot lock themselves out.
	me := a.users["a-admin"]
	resp = a.do("POST", "/admin/users/"+itoa(me.ID), &s, url.Values{"disabled": {"1"}})
	if resp.StatusCode != 400 {
		t.Fatalf("self-disable: %d", resp.StatusCode)
	}
	for _, action := range []string{"user.create", "user.grant", "user.update"} {
		if a.auditCount(action) == 0 {
			t.Errorf("%s not audited", action)
		}
	}
}

func TestAuditLogPage(t *testing.T) {
	a := newApp(t)
	s := a.login("a-auditor")
	body := bodyOf(t, a.do("GET", "/audit-log?action=user.", &s, nil))
	// Actions are shown by their labels ("user.create" is "Tạo tài khoản").
	if !strings.Contains(body, "<td>Tạo tài khoản</td>") || strings.Contains(body, "<td>Tạo đơn vị</td>") {
		t.Fatal("action filter not applied")
	}
	if strings.Contains(body, "b-staff") {
		t.Fatal("auditor of A sees entries of B")
	}
	resp := a.do("GET", "/audit-log?from=31-12-2026", &s, nil)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "dd/mm/yyyy") {
		t.Fatalf("bad date: %d", resp.StatusCode)
	}
	resp = a.do("GET", "/audit-log?from=01/01/2000&to=01/01/2001", &s, nil)
	if body := bodyOf(t, resp); !strings.Contains(body, `id="audit-total">0<`) {
		t.Fatal("date range not applied")
	}
	// yyyy-mm-dd too, as the reports read it; a day that does not exist
	// is refused naming both forms.
	resp = a.do("GET", "/audit-log?from=2000-01-01&to=2001-01-01", &s, nil)
	if body := bodyOf(t, resp); !strings.Contains(body, `id="audit-total">0<`) {
		t.Fatal("yyyy-mm-dd range not applied")
	}
	resp = a.do("GET", "/audit-log?from=2026-13-01", &s, nil)
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "yyyy-mm-dd") {
		t.Fatalf("impossible day: %d", resp.StatusCode)
	}
	var out struct{ Total int }
	decode(t, a.api("GET", "/api/v1/audit-log?actor=system:test", a.token("a-auditor"), ""), &out)
	if out.Total == 0 {
		t.Fatal("api audit filter found nothing")
	}
	// The menu names the trail /audit-log, apart from the internal audits.
	if home := bodyOf(t, a.do("GET", "/", &s, nil)); !strings.Contains(home, `href="/audit-log"`) || strings.Contains(home, `href="/audit"`) {
		t.Fatal("menu does not link the audit trail at /audit-log")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	a := newApp(t)
	a.reconfigure(web.Config{MetricsToken: "m-token"})
	if code := a.do("GET", "/readyz", nil, nil).StatusCode; code != 200 {
		t.Fatalf("readyz: %d", code)
	}
	body := bodyOf(t, a.send(newReq("GET", "/metrics", "m-token")))
	if !strings.Contains(body, `qms_http_requests_total{method="GET",route="/readyz",status="200"} 1`) {
		t.Fatalf("metrics missing the request counter:\n%.500s", body)
	}
	a.db.Close()
	if code := a.do("GET", "/readyz", nil, nil).StatusCode; code != 503 {
		t.Fatalf("readyz with the database closed: %d", code)
	}
	if code := a.do("GET", "/healthz", nil, nil).StatusCode; code != 200 {
		t.Fatalf("healthz: %d", code)
	}
}

func TestLanguageSwitch(t *testing.T) {
	a := newApp(t)
	resp := a.do("GET", "/lang/en", nil, nil)
	var lang string
	for _, c := range resp.Cookies() {
		if c.Name == "qms_lang" {
			lang = c.Value
		}
	}
	if lang != "en" {
		t.Fatalf("lang cookie = %q", lang)
	}
}

// TestUserPagesOfferOnlyGrantableAgencies: an administrator who is not the
// system's grants and revokes roles only in the agency they act for
// (qms.CheckMembershipChange), so the forms offer only that one and show
// no revoke button on a role elsewhere (outsider: the units under the
// agency were offered, then refused).
func TestUserPagesOfferOnlyGrantableAgencies(t *testing.T) {
	a := newApp(t)
	sys := qms.WithActor(t.Context(), qms.SystemActor("test"))
	if err := a.db.CreateAgency(sys, &qms.Agency{Code: "A1", Name: "Phòng A1", ParentCode: "A"}); err != nil {
		t.Fatal(err)
	}
	shared := a.addUser("shared.staff", "A", qms.RoleStaff)
	if _, err := a.db.SetMembership(sys, shared.ID, qms.Membership{AgencyCode: "A1", Role: qms.RoleAuditor}, false); err != nil {
		t.Fatal(err)
	}
	s := a.login("a-admin")
	for _, path := range []string{"/admin/users/new", "/admin/users/" + itoa(shared.ID)} {
		body := bodyOf(t, a.do("GET", path, &s, nil))
		if !strings.Contains(body, `<option value="A"`) || strings.Contains(body, `<option value="A1"`) {
			t.Errorf("%s offers A1 or not A", path)
		}
	}
	page := bodyOf(t, a.do("GET", "/admin/users/"+itoa(shared.ID), &s, nil))
	if !strings.Contains(page, `name="agency" value="A"><input type="hidden" name="role" value="staff"><input type="hidden" name="remove" value="1">`) ||
		strings.Contains(page, `name="agency" value="A1"><input type="hidden" name="role" value="auditor"><input type="hidden" name="remove" value="1">`) {
		t.Error("revoke buttons: want one on the role in A and none on the role in A1")
	}
	// The system administrator is offered every agency but a merged one.
	if _, err := a.db.MergeAgencies(sys, qms.MergePlan{Into: "B", From: []string{"A1"}}, false); err != nil {
		t.Fatal(err)
	}
	root := a.login("admin")
	if body := bodyOf(t, a.do("GET", "/admin/users/new", &root, nil)); !strings.Contains(body, `<option value="B"`) || strings.Contains(body, `<option value="A1"`) {
		t.Error("the system administrator is offered merged A1, or not B")
	}
	// What the page no longer offers is still refused.
	resp := a.do("POST", "/admin/users/"+itoa(shared.ID)+"/memberships", &s, url.Values{"agency": {"A1"}, "role": {"staff"}})
	if body := bodyOf(t, resp); resp.StatusCode != 403 && resp.StatusCode != 400 || !strings.Contains(body, "chỉ được cấp hoặc thu hồi vai trò tại đơn vị A") {
		t.Errorf("grant in A1: %d", resp.StatusCode)
	}
}

// TestOwnRolesChangedByAnother (outsider pass 8): nobody grants or
// revokes a role of their own account, an agency admin or the system
// admin: 403 saying who does it, nothing written, and their own page
// offers no role form but says so; another admin of the agency changes
// them.
func TestOwnRolesChangedByAnother(t *testing.T) {
	a := newApp(t)
	a.addUser("a-admin-2", "A", qms.RoleAdmin)
	admin, sysAdmin, other := a.login("a-admin"), a.login("admin"), a.login("a-admin-2")
	self, sys := itoa(a.users["a-admin"].ID), itoa(a.users["admin"].ID)
	for _, tc := range []struct {
		name string
		who  *session
		user string
		form url.Values
	}{
		{"an agency admin makes themselves leader", &admin, self, url.Values{"agency": {"A"}, "role": {"leader"}}},
		{"an agency admin drops their admin role", &admin, self, url.Values{"agency": {"A"}, "role": {"admin"}, "remove": {"1"}}},
		{"the system admin gives themselves a role in A", &sysAdmin, sys, url.Values{"agency": {"A"}, "role": {"auditor"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grants, revokes := a.auditCount("user.grant"), a.auditCount("user.revoke")
			resp := a.do("POST", "/admin/users/"+tc.user+"/memberships", tc.who, tc.form)
			if body := bodyOf(t, resp); resp.StatusCode != 403 || !strings.Contains(body, "một quản trị viên khác của đơn vị hoặc quản trị viên hệ thống") {
				t.Fatalf("status %d, want 403 saying who changes the roles; error: %q", resp.StatusCode, pageError.FindStringSubmatch(body))
			}
			if a.auditCount("user.grant") != grants || a.auditCount("user.revoke") != revokes {
				t.Fatal("a refused change of one's own roles was written")
			}
		})
	}
	if u, err := a.db.FindUserByID(t.Context(), a.users["a-admin"].ID); err != nil || len(u.Memberships) != 1 || !u.HasRole("A", qms.RoleAdmin) {
		t.Fatalf("a-admin's roles changed: %+v, %v", u, err)
	}
	body := bodyOf(t, a.do("GET", "/admin/users/"+self, &admin, nil))
	if parsePage(t, body).byID("own-roles") == nil || strings.Contains(body, `action="/admin/users/`+self+`/memberships"`) {
		t.Error("one's own page offers the role forms, or does not say who changes the roles")
	}
	// Another admin of A does it.
	if resp := a.do("POST", "/admin/users/"+self+"/memberships", &other, url.Values{"agency": {"A"}, "role": {"staff"}}); resp.StatusCode != 303 {
		t.Fatalf("another admin grants a-admin staff: %d", resp.StatusCode)
	}
	if page := parsePage(t, bodyOf(t, a.do("GET", "/admin/users/"+self, &other, nil))); page.byID("own-roles") != nil || page.byID("grant-agency") == nil {
		t.Error("another admin is not offered the role form")
	}
}
