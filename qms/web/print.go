package web

import (
	"context"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// printPage is what the print layout (print_layout) shows around a
// printed document: the page's language, the document's title, the line
// repeated at the top of every printed page, the link back to the
// document's page and the document itself, the printed template's output.
// Each print embeds it in its own data.
type printPage struct {
	page
	Title         string
	RunningHeader string
	Back          string
	Embed         template.HTML // set by views.Render: the print's own output, already escaped
}

// embed receives the output of the print executed inside the layout.
func (p *printPage) embed(h template.HTML) { p.Embed = h }

// printPage fills page and what the print layout shows but the document.
func (s *Server) printPage(c *fiber.Ctx, title, back string) printPage {
	return printPage{page: s.page(c), Title: title, Back: back}
}

// signer is a person as a printed document names them: full name and
// title. Users carry no job title of their own, so the title is the
// label of the role they hold in the document's agency.
type signer struct{ Name, Title string }

// named is the signer under the name a record stored of them when it was
// made (qms.StepRecord.ActorName), when it stored one: a slip prints who
// did a step as they were then.
func (s signer) named(asRecorded string) signer {
	if asRecorded != "" {
		s.Name = asRecorded
	}
	return s
}

// titleOrder is the role a title is taken from when a user holds
// several in the agency: the most senior one that signs documents.
var titleOrder = []qms.Role{qms.RoleLeader, qms.RoleQualityOfficer, qms.RoleAuditor, qms.RoleStaff, qms.RoleAdmin}

// signers reads the users of agency once and returns a lookup from a
// username to the signer. prefer names the role the person acted in (a
// step's responsible role, the approver's leader role), used when they
// hold it. A name that is no user's (a reviewer typed as free text, an
// account since removed from the agency) is printed as written.
func (s *Server) signers(ctx context.Context, agency, lang string) (func(username string, prefer ...qms.Role) signer, error) {
	us, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: &agency})
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*qms.User, len(us))
	for _, u := range us {
		byName[strings.ToLower(u.Username)] = u
	}
	l := dictionaries[lang]
	return func(username string, prefer ...qms.Role) signer {
		username = strings.TrimSpace(username)
		u, ok := byName[strings.ToLower(username)]
		if !ok {
			return signer{Name: username}
		}
		out := signer{Name: u.FullName}
		if out.Name == "" {
			out.Name = u.Username
		}
		for _, r := range append(prefer, titleOrder...) {
			if u.HasRole(agency, r) {
				out.Title = label(l, "role."+string(r))
				break
			}
		}
		return out
	}, nil
}

// runningHeader is the line a printed document repeats at the top of
// every page (print.css prints it in the page margin with "page x/y").
func runningHeader(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " · ")
}

// printChart is the flowchart drawn inline in the printed page rather
// than as an image: an image's text would be set in whatever sans-serif
// font the system has, mixing glyphs with the print font, while inline
// its text takes the page's font (print.css). flowchart.SVG escapes every
// text it writes and draws with attributes only, no inline style, so the
// markup is safe in the page and under its CSP.
func printChart(fc flowchart.Flowchart, lang string) template.HTML {
	return template.HTML(flowchart.SVGIn(fc, lang)) // #nosec G203 -- generated, every text XML-escaped
}
