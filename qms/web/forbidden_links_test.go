package web_test

import (
	"strings"
	"testing"
)

// TestNoLinkToAForbiddenPage: a page links to another only for whom it
// opens: staff see no link to the compliance findings, a leader no link
// to a member's account; those who may open them see the links.
func TestNoLinkToAForbiddenPage(t *testing.T) {
	a := newApp(t)
	for _, c := range []struct {
		who, page, link, target string
		shown                   bool
	}{
		{"a-staff", "/nonconformities", `href="/compliance"`, "/compliance", false},
		{"a-quality-officer", "/nonconformities", `href="/compliance"`, "/compliance", true},
		{"a-leader", "/admin/agencies/A", `href="/admin/users/`, "/admin/users/" + itoa(a.users["a-staff"].ID), false},
		{"a-admin", "/admin/agencies/A", `href="/admin/users/`, "/admin/users/" + itoa(a.users["a-staff"].ID), true},
	} {
		s := a.login(c.who)
		resp := a.do("GET", c.page, &s, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != 200 || strings.Contains(body, c.link) != c.shown {
			t.Errorf("%s on %s: %d, link %s shown %v, want %v", c.who, c.page, resp.StatusCode, c.link, !c.shown, c.shown)
		}
		target := a.do("GET", c.target, &s, nil)
		target.Body.Close()
		if (target.StatusCode == 200) != c.shown {
			t.Errorf("%s opens %s: %d", c.who, c.target, target.StatusCode)
		}
	}
}
