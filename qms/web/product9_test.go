package web_test

import (
	"slices"
	"testing"

	"golang.org/x/net/html"

	"isodt/qms"
)

// sidebarPaths is every page the sidebar can link to, in its sections.
var sidebarPaths = []string{"/tasks", "/dossiers", "/reports/ontime", "/tthc", "/procedures", "/forms",
	"/compliance", "/audits", "/nonconformities", "/objectives", "/reviews", "/feedback",
	"/admin/agencies", "/admin/users", "/admin/calendar", "/admin/jobs", "/audit-log"}

// TestProduct9MenuPerRole: the main menu is a sidebar of titled sections,
// and for each role it links to exactly the pages the role may open: every
// link shown answers 200 for that role, every page not shown refuses it.
// The agency switcher and the language are in the user menu.
func TestProduct9MenuPerRole(t *testing.T) {
	a := newApp(t)
	for _, who := range []string{"a-staff", "a-leader", "a-quality-officer", "a-auditor", "a-admin", "admin"} {
		t.Run(who, func(t *testing.T) {
			s := a.login(who)
			d := parsePage(t, bodyOf(t, a.do("GET", "/", &s, nil)))
			nav := d.byID("mainnav")
			if nav == nil {
				t.Fatal("no sidebar #mainnav")
			}
			sections := find(nav, func(n *html.Node) bool { return n.Data == "section" })
			if len(sections) == 0 {
				t.Fatal("the menu has no sections")
			}
			for _, sec := range sections {
				if len(find(sec, func(n *html.Node) bool { return n.Data == "h2" })) != 1 || len(hrefs(sec)) == 0 {
					t.Errorf("a section without a heading or links: %q", textOf(sec))
				}
			}
			shown := hrefs(nav)
			for _, path := range sidebarPaths {
				code := a.do("GET", path, &s, nil).StatusCode
				switch in := slices.Contains(shown, path); {
				case in && code != 200:
					t.Errorf("the menu links to %s, which answers %d", path, code)
				case !in && code == 200:
					t.Errorf("%s answers 200 but is not in the menu", path)
				case !in && code != 403:
					t.Errorf("%s, not in the menu, answers %d, want 403", path, code)
				}
			}
			menu := d.byID("user-menu")
			if menu == nil || menu.Data != "details" {
				t.Fatal("no user menu")
			}
			if got := hrefs(menu); !slices.Contains(got, "/lang/en") || !slices.Contains(got, "/lang/vi") {
				t.Errorf("the user menu has no language links: %v", got)
			}
		})
	}
}

// TestProduct9AgencySwitcherInUserMenu: someone with roles in two agencies
// switches between them from the user menu.
func TestProduct9AgencySwitcherInUserMenu(t *testing.T) {
	a := newApp(t)
	a.userWithRoles("ab-leader", qms.Membership{AgencyCode: "A", Role: qms.RoleLeader}, qms.Membership{AgencyCode: "B", Role: qms.RoleStaff})
	s := a.login("ab-leader")
	d := parsePage(t, bodyOf(t, a.do("GET", "/", &s, nil)))
	menu := d.byID("user-menu")
	if menu == nil {
		t.Fatal("no user menu")
	}
	forms := find(menu, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == "/session/agency" })
	if len(forms) != 1 || len(find(forms[0], func(n *html.Node) bool { return n.Data == "option" })) != 2 {
		t.Fatalf("the user menu has no switcher between the two agencies")
	}
}

// userWithRoles adds a user holding the given memberships and tells the
// policy about them.
func (a *app) userWithRoles(username string, ms ...qms.Membership) {
	a.t.Helper()
	u := &qms.User{Username: username, FullName: "Người " + username, Memberships: ms}
	if err := a.db.CreateUser(qms.WithActor(a.t.Context(), qms.SystemActor("test")), u, "ngua-o-123"); err != nil {
		a.t.Fatal(err)
	}
	if err := a.srv.Authz.Reload(); err != nil {
		a.t.Fatal(err)
	}
	a.users[u.Username] = u
}
