package web

import (
	"fmt"
	"html/template"
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
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(ictZone).Format("02/01/2006 15:04")
	},
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
	"overdue": func(due time.Time) bool { return time.Now().After(due) },
	// dict builds a map for ranges over fixed options in templates.
	"dict": func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	},
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
}

func toString(v any) string { return fmt.Sprint(v) }

// view fills what every page needs (caller, language, CSRF token, the
// links the caller may follow) so that handlers pass only their own data.
func (s *Server) view(c *fiber.Ctx, data fiber.Map) fiber.Map {
	if data == nil {
		data = fiber.Map{}
	}
	lang := langOf(c)
	data["Lang"] = lang
	data["L"] = dictionaries[lang]
	data["Path"] = c.Path()
	if cl := callerOf(c); cl != nil {
		data["Me"] = cl.user
		data["Agency"] = cl.agency
		if cl.session != nil {
			data["CSRF"] = cl.session.CSRFToken
		}
		if s.Notifications != nil {
			if _, unread, err := s.Notifications.Notifications(c.UserContext(), cl.user.ID, 1); err == nil {
				data["Unread"] = unread
			}
		}
		data["Can"] = map[string]bool{
			"agency":     s.can(c, "agency", "read"),
			"user":       s.can(c, "user", "read"),
			"audit":      s.can(c, "audit", "read"),
			"dashboard":  s.can(c, "dashboard", "read"),
			"tthc":       s.can(c, "tthc", "read"),
			"procedure":  s.can(c, "procedure", "read"),
			"dossier":    s.can(c, "dossier", "read"),
			"form":       s.can(c, "form", "read"),
			"compliance": s.can(c, "compliance", "read"),
			"job":        s.can(c, "job", "read"),
			"nc":         s.can(c, "nc", "read"),
			"objective":  s.can(c, "objective", "read"),
			"feedback":   s.can(c, "feedback", "read"),
			"audits":     s.can(c, "internal_audit", "read"),
			"reviews":    s.can(c, "review", "read"),
			"report":     s.can(c, "report", "read"),
			"calendar":   s.can(c, "calendar", "read"),
		}
	} else {
		data["CSRF"] = s.anonCSRF(c)
	}
	if msg := c.Query("msg"); msg != "" {
		if text, ok := dictionaries[lang]["flash."+msg]; ok {
			data["Flash"] = text
		}
	}
	return data
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

// safeNext keeps redirects on this site: only a local path is followed.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
