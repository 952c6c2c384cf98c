package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// navSection is a group of the sidebar: its heading's label key and its
// links (path, label key).
type navSection struct {
	Title string
	Links []navLink
}

type navLink struct {
	Path, Label string
}

// navID is how the mainnav template names a link or a section: its label
// key without "nav.".
func navID(labelKey string) string { return strings.TrimPrefix(labelKey, "nav.") }

// navSections is the sidebar as designed: one-stop work, the ISO
// documents, checking and improvement, administration. A link shows only
// to whom its route's rule lets through (menuFor). The template
// "mainnav" writes the same links in the same order, each under its
// navID (TestMainMenuTemplateFollowsNavSections holds the two together):
// written out there, a link costs the page two map lookups instead of
// five reflective calls of the template's escapers and t.
var navSections = []navSection{
	{"nav.sec_onestop", []navLink{{Path: "/tasks", Label: "nav.tasks"}, {Path: "/dossiers", Label: "nav.dossiers"}, {Path: "/reports/ontime", Label: "nav.reports"}}},
	{"nav.sec_iso", []navLink{{Path: "/tthc", Label: "nav.tthc"}, {Path: "/procedures", Label: "nav.procedures"}, {Path: "/forms", Label: "nav.forms"}, {Path: "/reads", Label: "nav.reads"},
		{Path: "/declarations", Label: "nav.declarations"}}},
	{"nav.sec_check", []navLink{{Path: "/compliance", Label: "nav.compliance"}, {Path: "/audits", Label: "nav.audits"},
		{Path: "/nonconformities", Label: "nav.nc"}, {Path: "/objectives", Label: "nav.objectives"}, {Path: "/risks", Label: "nav.risks"},
		{Path: "/competence", Label: "nav.competence"}, {Path: "/competence/me", Label: "nav.my_competence"},
		{Path: "/reviews", Label: "nav.reviews"},
		{Path: "/feedback", Label: "nav.feedback"}, {Path: "/satisfaction", Label: "nav.satisfaction"}, {Path: "/providers", Label: "nav.providers"}, {Path: "/context", Label: "nav.context"}}},
	{"nav.sec_admin", []navLink{{Path: "/admin/agencies", Label: "nav.agencies"}, {Path: "/admin/users", Label: "nav.users"},
		{Path: "/admin/calendar", Label: "nav.calendar"}, {Path: "/admin/jobs", Label: "nav.jobs"}, {Path: "/audit-log", Label: "nav.audit"}}},
}

// menuFor is the sidebar the caller sees: each link whose GET route's
// rule Casbin grants in the agency the caller acts for (the question
// authorize asks when the link is followed), the current page's marked.
// A section with no link shown is not shown. allowed holds the answers
// already given in this request.
func (s *Server) menuFor(c *fiber.Ctx, path string, allowed map[Rule]bool) (show, active map[string]bool) {
	show, active = map[string]bool{}, map[string]bool{}
	for _, sec := range navSections {
		for _, l := range sec.Links {
			r, ok := s.rules[fiber.MethodGet+" "+l.Path]
			if !ok || !s.canOnce(c, allowed, r) {
				continue
			}
			show[navID(l.Label)], show[navID(sec.Title)] = true, true
			if path == l.Path || strings.HasPrefix(path, l.Path+"/") {
				active[navID(l.Label)] = true
			}
		}
	}
	return show, active
}

// canOnce is can for a rule, asked once per request: allowed keeps the
// answers.
func (s *Server) canOnce(c *fiber.Ctx, allowed map[Rule]bool, r Rule) bool {
	may, asked := allowed[r]
	if !asked {
		may = s.can(c, r.Object, r.Action)
		allowed[r] = may
	}
	return may
}
