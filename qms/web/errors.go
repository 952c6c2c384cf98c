package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// statusOf maps domain error codes to HTTP statuses: the only such map.
var statusOf = map[string]int{
	qms.EINVALID:      fiber.StatusBadRequest,
	qms.ENOTFOUND:     fiber.StatusNotFound,
	qms.ECONFLICT:     fiber.StatusConflict,
	qms.EUNAUTHORIZED: fiber.StatusUnauthorized,
	qms.EFORBIDDEN:    fiber.StatusForbidden,
	qms.ETOOMANY:      fiber.StatusTooManyRequests,
	qms.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
	qms.EINTERNAL:     fiber.StatusInternalServerError,
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// handleError turns any error into a page or JSON with the right status.
// Internal errors are logged with the request id and shown as a generic
// message: their text may hold SQL or paths.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if qms.ErrorCode(err) == qms.EINTERNAL && s.Unreachable != nil && s.Unreachable(err) {
		// The database is down or out of reach (a PostgreSQL failover, a
		// restart): 503 with Retry-After tells a load balancer and a
		// one-stop system to try again, where 500 says the request is bad.
		down := qms.Errorf(qms.EUNAVAILABLE, "Cơ sở dữ liệu tạm thời không truy cập được: vui lòng thử lại sau ít phút.")
		down.RetryAfter = unavailableRetry
		err = fmt.Errorf("%w: %w", down, err)
	}
	code, msg, field := qms.ErrorCode(err), qms.ErrorMessage(err), qms.ErrorField(err)
	status := errStatus(err)
	if status == fiber.StatusRequestEntityTooLarge {
		code = fiberCode(status) // as Fiber's own body-limit error says it
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status, code, msg = fe.Code, fiberCode(fe.Code), fiberMessage(fe)
	}
	if fe != nil && fe.Code == fiber.StatusRequestEntityTooLarge && !isAPI(c) {
		// The body was refused before any handler (over Config.BodyLimit),
		// so no page could show the message: send the browser back to
		// the form it came from, which says why.
		if back, ok := sameSiteReferer(c); ok {
			return c.Redirect(withQuery(back, "msg", "too_large"), fiber.StatusSeeOther)
		}
	}
	if status >= 500 {
		s.log.Error("internal error", "request_id", c.Locals("requestid"), "path", c.Path(), "err", err)
	}
	c.Status(status)
	setRetryAfter(c, err)
	setSecurityHeaders(c)
	if status == fiber.StatusUnauthorized && isAPI(c) {
		// RFC 9110: a 401 names the scheme that would be accepted.
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="qms"`)
	}
	if isAPI(c) || unread(fe) || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON {
		var body apiError
		body.Error.Code, body.Error.Message, body.Error.Field = code, msg, field
		return c.JSON(body)
	}
	// A page speaks its language: the web layer's messages from the
	// dictionaries, a domain error's from the catalogue of refusals
	// (refusalMessage). The API's JSON keeps the Vietnamese message: it
	// has no language of its own (langOf is the pages' cookie).
	if fe != nil {
		msg = label(dictionaries[langOf(c)], fiberMessageKey(fe))
	} else if code == qms.EINTERNAL {
		msg = label(dictionaries[langOf(c)], "error.internal")
	} else {
		msg = refusalMessage(c, err)
	}
	p := &errorPage{page: s.page(c), Status: status, Message: msg}
	var refused *refusedText
	if errors.As(err, &refused) {
		// Named by its label, and marked on the form when the user
		// goes back to it (static/app.js).
		p.Message, p.RefusedField = refused.message(langOf(c), c.Path()), refused.field
	}
	if c.Method() == fiber.MethodPost {
		// A refused submit (checkForm answers before any handler, so no
		// form is shown again): the page leads back to the form, and the
		// browser's back keeps what was typed there (static/app.js).
		if back, ok := sameSiteReferer(c); ok {
			p.Back = back
		}
	}
	return s.renderPage(c, "error", &p.page, p, nil)
}

// errorPage says why a request failed.
type errorPage struct {
	page
	Status       int
	Message      string
	RefusedField string // the form field the refusal names
	Back         string // the form a refused submit came from
}

// unread reports an error of a request whose head could not be read
// (over-long headers, too slow): its path and Accept are unknown, so the
// answer is the API's JSON, which a program can parse and a person can
// still read, rather than a page in the layout of a guessed language.
func unread(fe *fiber.Error) bool {
	return fe != nil && (fe.Code == fiber.StatusRequestHeaderFieldsTooLarge || fe.Code == fiber.StatusRequestTimeout)
}

func fiberCode(status int) string {
	switch {
	case status == fiber.StatusNotFound:
		return qms.ENOTFOUND
	case status == fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case status == fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case status == fiber.StatusRequestHeaderFieldsTooLarge:
		return "header_too_large"
	case status == fiber.StatusRequestTimeout:
		return "timeout"
	case status >= 500:
		return qms.EINTERNAL
	}
	return qms.EINVALID
}

// fiberMessage is the message of an error of Fiber's own (no route, body
// too large…); the API answers in Vietnamese, a page in its language.
func fiberMessage(fe *fiber.Error) string {
	if fe.Code >= 500 {
		return qms.ErrorMessage(errors.New(""))
	}
	return dictionaries["vi"][fiberMessageKey(fe)]
}

// fiberMessageKey is the catalogue key of fiberMessage.
func fiberMessageKey(fe *fiber.Error) string {
	switch {
	case fe.Code == fiber.StatusNotFound:
		return "error.not_found"
	case fe.Code == fiber.StatusRequestEntityTooLarge:
		return "error.too_large"
	case fe.Code == fiber.StatusMethodNotAllowed:
		return "error.method"
	case fe.Code == fiber.StatusRequestHeaderFieldsTooLarge:
		return "error.header_too_large"
	case fe.Code == fiber.StatusRequestTimeout:
		return "error.timeout"
	case fe.Code >= 500:
		return "error.internal"
	}
	return "error.invalid"
}

// sameSiteReferer is the path and query of the page that sent the request
// when it is on this site.
func sameSiteReferer(c *fiber.Ctx) (string, bool) {
	u, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || u.Host == "" || u.Host != string(c.Request().Host()) {
		return "", false
	}
	back := safeNext(u.RequestURI())
	return back, back != "/" || u.Path == "/"
}

// withQuery sets one query parameter of a path.
func withQuery(path, key, value string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// unavailableRetry is the Retry-After of a 503: about what a PostgreSQL
// failover or restart takes.
const unavailableRetry = 5 * time.Second

// setErrorStatus sets the status of a page that shows err next to its
// form, with the Retry-After a 429 or 503 carries.
func setErrorStatus(c *fiber.Ctx, err error) {
	c.Status(errStatus(err))
	setRetryAfter(c, err)
}

// setRetryAfter tells the client of a 429 answer when to try again, in
// whole seconds rounded up; a minute when the refusal does not say.
func setRetryAfter(c *fiber.Ctx, err error) {
	if st := c.Response().StatusCode(); st != fiber.StatusTooManyRequests && st != fiber.StatusServiceUnavailable {
		return
	}
	wait := qms.ErrorRetryAfter(err)
	if wait <= 0 {
		wait = time.Minute
	}
	c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10))
}
