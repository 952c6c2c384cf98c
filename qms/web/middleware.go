package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

const (
	sessionCookie = "qms_session"
	csrfCookie    = "qms_csrf" // anonymous forms (login) only
	langCookie    = "qms_lang"
)

// caller is who is making the request, set by authenticate.
type caller struct {
	user    *qms.User
	session *qms.Session // nil for API tokens
	agency  string       // the agency the user acts for now
	token   string       // session cookie value
	actor   qms.Actor    // what the store records in the audit trail
}

// userActor is the actor of a signed-in user acting for agency.
func userActor(u *qms.User, agency string) qms.Actor {
	return qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency}
}

// setCaller records the authenticated caller once per request: in the
// locals for the handlers and, as the actor, in the request context that
// every handler passes to the store, so none builds the actor itself.
func setCaller(c *fiber.Ctx, cl *caller) {
	cl.actor = userActor(cl.user, cl.agency)
	c.Locals("caller", cl)
	c.SetUserContext(qms.WithActor(c.UserContext(), cl.actor))
}

func callerOf(c *fiber.Ctx) *caller {
	if v, ok := c.Locals("caller").(*caller); ok {
		return v
	}
	return nil
}

// csrfOf is the CSRF token of the caller's session ("" without one).
func csrfOf(c *fiber.Ctx) string {
	if cl := callerOf(c); cl != nil && cl.session != nil {
		return cl.session.CSRFToken
	}
	return ""
}

// scope is what the caller may see: nil (everything) for the system
// agency, otherwise its own agency and the agencies under it.
func scope(cl *caller) *string {
	if cl.agency == qms.SystemAgencyCode {
		return nil
	}
	a := cl.agency
	return &a
}

// visible reports whether agency lies in the caller's scope.
func (s *Server) visible(c *fiber.Ctx, agency string) (bool, error) {
	sc := scope(callerOf(c))
	if sc == nil {
		return true, nil
	}
	return s.Agencies.IsWithin(c.UserContext(), agency, *sc)
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// observe feeds the metrics with every request and logs it with its id
// when the access log setting asks for it (always for a failed or slow
// request).
// admit lets at most Config.Readers reading requests run at once. A page
// is CPU work from start to end; with every client's request runnable at
// once, the one writer and the writes' own requests wait behind all of
// them for each slice of CPU, and a step took a hundred milliseconds in a
// busy server. The waiting requests sleep instead, and the writes (not
// held here) go straight to the CPU. While a write is in flight only half
// as many run: a write's request, the write group and the fsync then each
// find a CPU sooner, and pages alone keep every slot. The health checks
// are not held.
func (s *Server) admit(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		s.admission.enterWrite()
		defer s.admission.leaveWrite()
		return c.Next()
	}
	switch p := c.Path(); {
	case p == "/healthz", p == "/readyz", strings.HasPrefix(p, "/static/"):
		return c.Next()
	}
	s.admission.enterRead()
	defer s.admission.leaveRead()
	return c.Next()
}

func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if c.Request().IsBodyStream() {
		// Answered before readBody read the body (refused as who sent
		// it, or by a route that reads none): what is left of it is in
		// the connection, which closes after the answer.
		c.Context().SetConnectionClose()
	}
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	took := time.Since(start)
	s.metrics.observe(c.Method(), route, status, took)
	if s.cfg.AccessLog != AccessLogAll && status < 400 && took < s.cfg.SlowRequest {
		return nil
	}
	attrs := []any{"request_id", c.Locals("requestid"), "method", c.Method(), "path", c.Path(), "status", status, "duration_ms", took.Milliseconds()}
	if status == fiber.StatusTooManyRequests && s.cfg.AccessLog != AccessLogAll {
		// A flood is refused at tens of thousands of requests a second;
		// a line each would fill the disk with the same news.
		logged, skipped := s.refusals.take(time.Now())
		if !logged {
			return nil
		}
		attrs = append(attrs, "refused_not_logged", skipped)
	}
	if cl := callerOf(c); cl != nil {
		attrs = append(attrs, "user", cl.user.Username, "agency", cl.agency)
	}
	if status >= 500 {
		s.log.Error("request", append(attrs, "err", err)...)
	} else {
		s.log.Info("request", attrs...)
	}
	return nil
}

// securityHeaders: no inline script or style anywhere, no framing.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders is also called by the error handler: errors raised
// before the middleware chain (a body over the limit) must carry them too.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Frame-Options", "DENY")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
}

// authenticate finds the caller from the session cookie or, on the API,
// from a Bearer token. No caller is not an error here: authorize decides.
func (s *Server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if isAPI(c) {
		h := c.Get(fiber.HeaderAuthorization)
		if h == "" {
			return c.Next()
		}
		secret, ok := bearerToken(h)
		if !ok {
			return qms.Errorf(qms.EUNAUTHORIZED, "Tiêu đề Authorization phải có dạng \"Bearer <mã truy cập>\".")
		}
		u, err := s.Auth.FindUserByAPIToken(ctx, strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		agency, err := apiAgency(u, c.Get("X-Agency"))
		if err != nil {
			return err
		}
		setCaller(c, &caller{user: u, agency: agency})
		return c.Next()
	}
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	sess, u, err := s.Auth.FindSessionUser(ctx, token)
	if err != nil {
		if qms.ErrorCode(err) == qms.EINTERNAL {
			return err
		}
		s.clearCookie(c, sessionCookie)
		c.Locals("session_error", qms.ErrorMessage(err))
		return c.Next()
	}
	agency, ok := sessionAgency(sess, u)
	if !ok {
		s.clearCookie(c, sessionCookie)
		c.Locals("session_error", "Tài khoản không còn vai trò ở đơn vị nào.")
		return c.Next()
	}
	if err := s.Auth.TouchSession(ctx, sess); err != nil {
		s.log.Warn("touch session", "err", err)
	}
	setCaller(c, &caller{user: u, session: sess, agency: agency, token: token})
	return c.Next()
}

// sessionAgency is the agency a session acts for: the one it chose,
// while the user still holds a role there. Once the last role there is
// removed (by an administrator, maybe through another server), it acts
// for the first agency the user still belongs to, so that the user can
// go on, switch or sign out rather than meet a refusal on every page; with
// no role left anywhere the session is over (false).
func sessionAgency(sess *qms.Session, u *qms.User) (string, bool) {
	agencies := u.Agencies()
	if slices.Contains(agencies, sess.AgencyCode) {
		return sess.AgencyCode, true
	}
	if len(agencies) == 0 {
		return "", false
	}
	return agencies[0], true
}

// apiAgency picks the agency an API caller acts for: the X-Agency header
// when given (one of the user's agencies), else the first membership.
func apiAgency(u *qms.User, want string) (string, error) {
	agencies := u.Agencies()
	if want = strings.ToUpper(strings.TrimSpace(want)); want == "" {
		if len(agencies) == 0 {
			return "", qms.Errorf(qms.EFORBIDDEN, "Tài khoản chưa được gán vai trò ở đơn vị nào.")
		}
		return agencies[0], nil
	}
	for _, a := range agencies {
		if a == want {
			return a, nil
		}
	}
	return "", qms.Errorf(qms.EFORBIDDEN, "Bạn không thuộc đơn vị %q.", want)
}

// checkCSRF refuses a state-changing browser request whose token does not
// match the session's (or, before login, the csrf cookie's). The API is
// exempt: it authenticates with a Bearer header a browser never sends on
// its own.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if isAPI(c) {
		return c.Next()
	}
	if c.Path() == "/logout" && callerOf(c) == nil {
		// Signing out of a session that has already ended (expired,
		// password reset, last role removed) from a page still open:
		// there is nothing to protect, and the user wants the login page.
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	want := c.Cookies(csrfCookie)
	if cl := callerOf(c); cl != nil && cl.session != nil {
		want = cl.session.CSRFToken
	}
	got := c.FormValue("_csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		s.log.Warn("csrf token refused", "path", c.Path(), "request_id", c.Locals("requestid"))
		return qms.Errorf(qms.EFORBIDDEN, "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Vui lòng tải lại trang và thử lại.")
	}
	return c.Next()
}

// authorize is the one permission check: Casbin decides whether the caller
// may do action on object in the agency it acts for.
func (s *Server) authorize(object, action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cl := callerOf(c)
		if cl == nil {
			if isAPI(c) {
				return qms.Errorf(qms.EUNAUTHORIZED, "Cần đăng nhập: gửi tiêu đề Authorization: Bearer <mã truy cập>.")
			}
			if c.Method() != fiber.MethodGet {
				return qms.Errorf(qms.EUNAUTHORIZED, "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
			}
			q := url.Values{"next": {c.OriginalURL()}}
			if _, expired := c.Locals("session_error").(string); expired {
				q.Set("expired", "1")
			}
			return c.Redirect("/login?"+q.Encode(), fiber.StatusSeeOther)
		}
		if cl.user.MustChangePassword && !passwordChangePaths[c.Path()] {
			return passwordFirst(c, cl)
		}
		ok, err := s.Authz.Allowed(cl.user.Username, cl.agency, object, action)
		if err != nil {
			return err
		}
		if !ok {
			return qms.Errorf(qms.EFORBIDDEN, "Bạn không có quyền thực hiện thao tác này tại đơn vị %s.", cl.agency)
		}
		return c.Next()
	}
}

// can is the same question for the UI (which links and buttons to show).
func (s *Server) can(c *fiber.Ctx, object, action string) bool {
	cl := callerOf(c)
	if cl == nil {
		return false
	}
	ok, _ := s.Authz.Allowed(cl.user.Username, cl.agency, object, action)
	return ok
}

func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.cfg.SecureCookies, MaxAge: int(maxAge.Seconds())})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.cfg.SecureCookies, MaxAge: -1, Expires: time.Unix(1, 0)})
}

// anonCSRF returns the csrf cookie of an anonymous visitor, setting one.
func (s *Server) anonCSRF(c *fiber.Ctx) string {
	if v := c.Cookies(csrfCookie); v != "" {
		return v
	}
	b := make([]byte, 24)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(c, csrfCookie, v, 24*time.Hour)
	return v
}

// bearerToken is the credentials of an Authorization header of the
// Bearer scheme, whose name is case-insensitive (RFC 9110 11.1).
func bearerToken(h string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(secret), true
}

// refusalLog lets one refused request (429) a second into the access log
// and counts the others, which the next line reports.
type refusalLog struct {
	mu      sync.Mutex
	last    time.Time
	skipped int
}

// take reports whether a refusal at now gets a line and, if so, how many
// went unlogged since the last line.
func (r *refusalLog) take(now time.Time) (logged bool, skipped int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.last) < time.Second {
		r.skipped++
		return false, 0
	}
	r.last, skipped, r.skipped = now, r.skipped, 0
	return true, skipped
}
