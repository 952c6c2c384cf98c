package web

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/bpmn"
	"isodt/qms/formschema"
)

var templateFuncs = template.FuncMap{
	// date shows dd/mm/yyyy, the way Vietnamese documents write dates.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(qms.Zone).Format("02/01/2006")
	},
	"datetime": formatDateTime,
	// dmy turns a stored civil date (2006-01-02) into dd/mm/yyyy.
	"dmy": func(s string) string {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t.Format("02/01/2006")
		}
		return s
	},
	// dict builds a map for ranges over fixed options in templates.
	"dict": func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	},
	"num": qms.Count, // numberFuncs replaces it with the page language's
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },

	// maxUpload is the data-max-bytes of every file input (upload.js).
	"maxUpload": func() int64 { return maxUpload },
	// The bounds of free text (qms.CheckText), as inputs' maxlength.
	"maxShort": func() int { return qms.MaxShortText },
	"maxLong":  func() int { return qms.MaxLongText },
	"maxBPMN":  func() int64 { return bpmn.MaxImportBytes },

	// datePattern and dateHint are a form date input's pattern and
	// placeholder, the dd/mm/yyyy the server reads back.
	"datePattern": func() string { return formschema.DatePattern },
	"dateHint":    func() string { return formschema.DateHint },
}

// formatDateTime shows dd/mm/yyyy hh:mm in Vietnam's time.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(qms.Zone).Format("02/01/2006 15:04")
}

// menu is what the main menu links to: the key of the link in .Can and
// the object the caller must be allowed to read.
var menu = []struct{ key, object string }{
	{"agency", "agency"}, {"user", "user"}, {"audit", "audit"}, {"dashboard", "dashboard"}, {"tthc", "tthc"},
	{"procedure", "procedure"}, {"dossier", "dossier"}, {"form", "form"}, {"compliance", "compliance"}, {"job", "job"},
	{"nc", "nc"}, {"objective", "objective"}, {"feedback", "feedback"}, {"audits", "internal_audit"}, {"reviews", "review"},
	{"report", "report"}, {"calendar", "calendar"},
}

// page is what every page's data carries besides its own: filled by
// Server.page and embedded in the typed data of every page (a print's
// through printPage).
type page struct {
	Lang   string
	Head   pageHead
	Path   string
	CSRF   string
	Me     *qms.User
	Agency string
	Can    map[string]bool // menu key → the caller may read it
	People *people         // names people by full name
	// Error and ErrorField show a failed form's message next to its field;
	// In keeps what was typed into that form.
	Error, ErrorField string
	In                formInput
}

func (p *page) language() string { return p.Lang }
func (p *page) head() pageHead   { return p.Head }

// page fills what every page needs (caller, language, CSRF token, the
// links the caller may follow) so that handlers pass only their own data.
func (s *Server) page(c *fiber.Ctx) page {
	lang := langOf(c)
	p := page{Lang: lang, Path: c.Path(), Head: pageHead{Lang: lang}, People: s.people(c.UserContext(), lang)}
	if cl := callerOf(c); cl != nil {
		p.Me, p.Agency, p.CSRF = cl.user, cl.agency, csrfOf(c)
		h := &p.Head
		h.SignedIn, h.Agency, h.Name, h.CSRF = true, cl.agency, cl.user.FullName, p.CSRF
		if h.Name == "" {
			h.Name = cl.user.Username
		}
		h.AgencyList = cl.user.Agencies()
		if s.Notifications != nil {
			if unread, err := s.Notifications.UnreadNotifications(c.UserContext(), cl.user.ID); err == nil {
				h.Unread = unread
			}
		}
		// One Casbin question per (object, action), shared by .Can and
		// the sidebar: every page asks them.
		allowed := make(map[Rule]bool, len(menu))
		p.Can = make(map[string]bool, len(menu))
		for _, m := range menu {
			p.Can[m.key] = s.canOnce(c, allowed, Rule{m.object, "read"})
		}
		h.Menu = mainMenu{Can: p.Can, Home: p.Path == "/"}
		h.Menu.Show, h.Menu.Active = s.menuFor(c, p.Path, allowed)
	} else {
		p.CSRF = s.anonCSRF(c)
	}
	if msg := c.Query("msg"); msg != "" {
		if text, ok := dictionaries[lang]["flash."+msg]; ok {
			p.Head.Flash = text
		}
	}
	return p
}

// pageHead is all the layout's head (and foot) shows: the templates
// "layout.head" and "layout.foot" are executed on a pageHead.
type pageHead struct {
	Lang, Agency, CSRF, Name, Flash string
	Title                           string   // the page's heading, set by views.Render
	AgencyList                      []string // the agencies one may act for
	Unread                          int
	Menu                            mainMenu
	SignedIn                        bool
}

// mainMenu is what the main menu ("mainnav") shows.
type mainMenu struct {
	Can    map[string]bool
	Home   bool
	Show   map[string]bool // navID → the caller may follow the link (a section: one of its links)
	Active map[string]bool // navID → the link the current page is under
}

// renderPage shows a page whose data is typed (it embeds page); with a
// form error it shows the message next to the field with the error's
// status (an internal error goes to handleError).
func (s *Server) renderPage(c *fiber.Ctx, name string, p *page, data any, formErr error) error {
	if formErr != nil {
		if qms.ErrorCode(formErr) == qms.EINTERNAL {
			return formErr
		}
		setErrorStatus(c, formErr)
		p.Error, p.ErrorField, p.In = refusalMessage(c, formErr), qms.ErrorField(formErr), formInputOf(c, formErr)
	}
	return c.Render(name, data, "layout")
}

func langOf(c *fiber.Ctx) string {
	if c.Cookies(langCookie) == "en" {
		return "en"
	}
	return "vi"
}

// setLang switches the UI language and goes back where the user was.
func (s *Server) setLang(c *fiber.Ctx) error {
	lang := c.Params("code")
	if _, ok := dictionaries[lang]; !ok {
		lang = "vi"
	}
	s.setCookie(c, langCookie, lang, 365*24*time.Hour)
	back := c.Get(fiber.HeaderReferer)
	if i := strings.Index(back, "://"); i >= 0 {
		if j := strings.Index(back[i+3:], "/"); j >= 0 {
			back = back[i+3+j:]
		} else {
			back = "/"
		}
	}
	return c.Redirect(safeNext(back), fiber.StatusSeeOther)
}

// safeNext keeps redirects on this site. Browsers drop tabs and newlines
// from a Location and read a backslash as a slash, so "/\t/evil" or
// "/\\evil" would lead to another host: only a path that parses as a
// same-origin relative URL, with no control character or backslash in it
// nor in its percent-decoded forms, is followed; anything else goes home.
func safeNext(next string) string {
	for s, i := next, 0; ; i++ {
		if i == 3 || !safePath(s) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return next
}

// safePath reports whether s starts with a single slash and holds no
// backslash and no control character.
func safePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
}
