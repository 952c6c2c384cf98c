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
	Active      bool
}

// navSections is the sidebar as designed: one-stop work, the ISO
// documents, checking and improvement, administration. A link shows only
// to whom its route's rule lets through (menuFor).
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
// A section with no link left is dropped. allowed holds the answers
// already given in this request.
func (s *Server) menuFor(c *fiber.Ctx, path string, allowed map[Rule]bool) []navSection {
	var out []navSection
	for _, sec := range navSections {
		var links []navLink
		for _, l := range sec.Links {
			r, ok := s.rules[fiber.MethodGet+" "+l.Path]
			if !ok {
				continue
			}
			if s.canOnce(c, allowed, r) {
				l.Active = path == l.Path || strings.HasPrefix(path, l.Path+"/")
				links = append(links, l)
			}
		}
		if len(links) > 0 {
			out = append(out, navSection{Title: sec.Title, Links: links})
		}
	}
	return out
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
