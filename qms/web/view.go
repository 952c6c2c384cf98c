package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// ictZone is Asia/Ho_Chi_Minh: times are stored in UTC and shown here.
var ictZone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}()

var templateFuncs = template.FuncMap{
	// date shows dd/mm/yyyy, the way Vietnamese documents write dates.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(ictZone).Format("02/01/2006")
	},
	"datetime": formatDateTime,
	"roleName": func(l map[string]string, r any) string {
		if v, ok := l["role."+toString(r)]; ok {
			return v
		}
		return toString(r)
	},
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
	"num": formatCount,
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
}

func toString(v any) string { return fmt.Sprint(v) }

// formatDateTime shows dd/mm/yyyy hh:mm in Vietnam's time.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	var b [16]byte
	return string(appendDateTime(b[:0], t))
}

// appendDateTime appends t as formatDateTime shows it. Written out rather
// than through Time.Format, which parses its layout on every call: the
// lists show two or three times a row, 150 a page.
func appendDateTime(b []byte, t time.Time) []byte {
	t = t.In(ictZone)
	year, month, day := t.Date()
	if year < 1000 || year > 9999 {
		return t.AppendFormat(b, "02/01/2006 15:04")
	}
	hour, minute, _ := t.Clock()
	b = append(appendTwo(b, day), '/')
	b = appendTwo(b, int(month))
	b = strconv.AppendInt(append(b, '/'), int64(year), 10)
	b = appendTwo(append(b, ' '), hour)
	return appendTwo(append(b, ':'), minute)
}

// appendTwo appends n (0–99) in two digits.
func appendTwo(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// fragment builds HTML in Go for the repeated parts of the busiest pages
// (the rows of the task and dossier lists, the list's filter options).
// html/template escapes every action through a reflective function call,
// about a microsecond each: fifty rows of eight cells took half a
// millisecond, more than everything else the request did. Text goes
// through text or cell, which escape it as html/template would; raw is
// for this package's fixed markup only.
type fragment struct{ b strings.Builder }

var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "'", "&#39;", "&", "&amp;", "<", "&lt;", ">", "&gt;")

func (r *fragment) raw(markup string) { r.b.WriteString(markup) }

// escaped marks the bytes htmlEscaper replaces.
var escaped = [256]bool{0: true, '"': true, '\'': true, '&': true, '<': true, '>': true}

func (r *fragment) text(s string) {
	// Most text (names, codes, times) has nothing to escape. A loop over
	// a table: strings.IndexAny builds its set of bytes on every call.
	for i := 0; i < len(s); i++ {
		if escaped[s[i]] {
			htmlEscaper.WriteString(&r.b, s)
			return
		}
	}
	r.b.WriteString(s)
}

// dateTime writes a time as formatDateTime shows it (nothing for zero).
func (r *fragment) dateTime(t time.Time) {
	if !t.IsZero() {
		var b [16]byte
		r.b.Write(appendDateTime(b[:0], t))
	}
}

// cell writes a table cell holding text.
func (r *fragment) cell(s string) {
	r.b.WriteString("<td>")
	r.text(s)
	r.b.WriteString("</td>")
}

// postForm opens a form that posts to action, with the CSRF token; attrs
// is this package's fixed markup.
func (r *fragment) postForm(action, attrs, csrf string) {
	r.b.WriteString(`<form method="post" action="`)
	r.text(action)
	r.b.WriteString(`" ` + attrs + `><input type="hidden" name="_csrf" value="`)
	r.text(csrf)
	r.b.WriteString(`">`)
}

// link writes a link to a dossier's page.
func (r *fragment) link(code string) {
	r.b.WriteString(`<a href="/dossiers/`)
	r.text(url.PathEscape(code))
	r.b.WriteString(`">`)
	r.text(code)
	r.b.WriteString("</a>")
}

func (r *fragment) html() template.HTML { return template.HTML(r.b.String()) }

// formatCount writes a count the Vietnamese way, with a dot between
// thousands: 1.000, 48.123 (as the CLI writes "1.000.000 hồ sơ").
func formatCount(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// menu is what the main menu links to: the key of the link in .Can and
// the object the caller must be allowed to read.
var menu = []struct{ key, object string }{
	{"agency", "agency"}, {"user", "user"}, {"audit", "audit"}, {"dashboard", "dashboard"}, {"tthc", "tthc"},
	{"procedure", "procedure"}, {"dossier", "dossier"}, {"form", "form"}, {"compliance", "compliance"}, {"job", "job"},
	{"nc", "nc"}, {"objective", "objective"}, {"feedback", "feedback"}, {"audits", "internal_audit"}, {"reviews", "review"},
	{"report", "report"}, {"calendar", "calendar"},
}

// navKey is what the main menu depends on: the language, the links the
// caller may follow (bit i for menu[i]) and whether the page is home.
type navKey struct {
	lang string
	can  uint32
	home bool
}

// navs keeps the main menu rendered once per navKey. Executed on every
// page, its seventeen links with their dictionary lookups took some 25 µs,
// half of the layout; it depends on nothing else (the templates and
// dictionaries are compiled in), and there are only as many variants as
// combinations of roles.
var navs = newMemo[navKey, template.HTML](1000)

func (s *Server) nav(k navKey, can map[string]bool) template.HTML {
	h, err := navs.get(k, func() (template.HTML, error) {
		path := ""
		if k.home {
			path = "/"
		}
		return s.executeHTML("mainnav", fiber.Map{"L": dictionaries[k.lang], "Can": can, "Path": path})
	})
	if err != nil {
		s.log.Error("render the main menu", "err", err)
	}
	return h
}

// view fills what every page needs (caller, language, CSRF token, the
// links the caller may follow) so that handlers pass only their own data.
func (s *Server) view(c *fiber.Ctx, data fiber.Map) fiber.Map {
	if data == nil {
		data = fiber.Map{}
	}
	lang := langOf(c)
	head := pageHead{Lang: lang}
	data["L"] = dictionaries[lang]
	data["Path"] = c.Path()
	if cl := callerOf(c); cl != nil {
		data["Me"] = cl.user
		data["Agency"] = cl.agency
		head.SignedIn, head.Agency, head.Name = true, cl.agency, cl.user.FullName
		if head.Name == "" {
			head.Name = cl.user.Username
		}
		head.Agencies = strings.Join(cl.user.Agencies(), "\n")
		head.CSRF = csrfOf(c)
		data["CSRF"] = head.CSRF
		if s.Notifications != nil {
			if unread, err := s.Notifications.UnreadNotifications(c.UserContext(), cl.user.ID); err == nil {
				data["Unread"] = unread
				head.Unread = unread
			}
		}
		can, mask := make(map[string]bool, len(menu)), uint32(0)
		for i, m := range menu {
			if can[m.key] = s.can(c, m.object, "read"); can[m.key] {
				mask |= 1 << i
			}
		}
		data["Can"] = can
		head.Nav = s.nav(navKey{lang: lang, can: mask, home: c.Path() == "/"}, can)
	} else {
		data["CSRF"] = s.anonCSRF(c)
	}
	if msg := c.Query("msg"); msg != "" {
		if text, ok := dictionaries[lang]["flash."+msg]; ok {
			head.Flash = text
		}
	}
	data["Head"] = s.head(head)
	return data
}

// pageHead is all the layout's head shows: the template "layout.head" is
// executed on a pageHead, so it can read nothing else, and its output is
// a function of the value. A user sees the same head on every page until
// one of these changes (a new notification, another agency), so heads are
// kept rendered by value: executed each time, its twenty actions were a
// tenth of a list page's time.
type pageHead struct {
	Lang, Agency, CSRF, Name, Flash string
	Agencies                        string // the agencies one may act for, one per line
	Unread                          int
	Nav                             template.HTML
	SignedIn                        bool
}

// L is the dictionary of the head's language.
func (h pageHead) L() map[string]string { return dictionaries[h.Lang] }

// AgencyList is Agencies as a list.
func (h pageHead) AgencyList() []string {
	if h.Agencies == "" {
		return nil
	}
	return strings.Split(h.Agencies, "\n")
}

// heads keeps rendered heads; past 10,000 (some 20 MB) it starts again.
var heads = newMemo[pageHead, template.HTML](10000)

// head renders the layout's head for h, once per value.
func (s *Server) head(h pageHead) template.HTML {
	out, err := heads.get(h, func() (template.HTML, error) { return s.executeHTML("layout.head", h) })
	if err != nil {
		s.log.Error("render the page head", "err", err)
	}
	return out
}

// render shows a page; with a form error it shows the message next to the
// field with the error's status (an internal error goes to handleError).
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map, formErr error) error {
	if formErr != nil {
		if qms.ErrorCode(formErr) == qms.EINTERNAL {
			return formErr
		}
		c.Status(statusOf[qms.ErrorCode(formErr)])
		data["Error"], data["ErrorField"] = qms.ErrorMessage(formErr), qms.ErrorField(formErr)
	}
	return c.Render(page, s.view(c, data), "layout")
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
