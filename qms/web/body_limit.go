package web

import (
	"bytes"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Request bodies are read here, once the caller is known, and no further
// than the caller may send: fasthttp reads ahead only bodyReadAhead bytes
// of a body with its headers (StreamRequestBody); the rest waits in the
// connection. Read whole before any handler, a body of 30 MiB sent by
// anyone held 30 MiB each, 4.3 GB for 64 of them on /login, kept by the
// server's pools afterwards (outsider pass 21).
//
//   - Nobody signed in may send more than anonymousBodyLimit (the login
//     form, the public feedback and survey forms, a token request).
//   - A signed-in caller may send up to Config.BodyLimit (files, the
//     diagram editor's BPMN of 10 MiB in a form field); a JSON body's own
//     cap, maxJSONBody, is said in its own words by checkForm.
//   - A request that reads no body (GET, HEAD) brings none past the
//     read-ahead.
//
// Bodies past the read-ahead are read bodySlots at a time: one waits for a
// slot up to bodySlotWait, then is refused (503, try again).

// bodyReadAhead is what fasthttp reads of a body with its headers.
const bodyReadAhead = 64 << 10

const (
	anonymousBodyLimit = 256 << 10 // a long text of 10.000 Vietnamese characters, percent-encoded, is 90 KiB
	bodySlots          = 2
	bodySlotWait       = 10 * time.Second
)

// readBody bounds the request's body by who sends it and what it is, and
// reads what is past the read-ahead into memory, within a slot.
func (s *Server) readBody(c *fiber.Ctx) error {
	req := c.Request()
	if !req.IsBodyStream() {
		return c.Next() // it came whole with the headers
	}
	limit := s.bodyLimitFor(c)
	if n := req.Header.ContentLength(); n > limit || limit == 0 {
		return refuseBody(c)
	}
	select {
	case s.bodySlots <- struct{}{}:
		defer func() { <-s.bodySlots }()
	case <-time.After(bodySlotWait):
		c.Context().SetConnectionClose()
		return qms.TooMany(bodySlotWait, "Máy chủ đang nhận nhiều dữ liệu lớn cùng lúc: vui lòng gửi lại sau ít giây.")
	}
	var body bytes.Buffer
	if n := req.Header.ContentLength(); n > 0 {
		body.Grow(n)
	}
	if _, err := io.Copy(&body, io.LimitReader(c.Context().RequestBodyStream(), int64(limit)+1)); err != nil {
		c.Context().SetConnectionClose()
		return qms.Errorf(qms.EINVALID, "Không đọc được dữ liệu gửi lên: kết nối bị ngắt giữa chừng.")
	}
	if body.Len() > limit {
		return refuseBody(c)
	}
	req.SetBodyRaw(body.Bytes())
	return c.Next()
}

// bodyLimitFor is how many bytes this request's body may have.
func (s *Server) bodyLimitFor(c *fiber.Ctx) int {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return 0
	}
	if callerOf(c) == nil {
		return min(s.cfg.BodyLimit, anonymousBodyLimit)
	}
	return s.cfg.BodyLimit
}

// refuseBody answers 413 without reading the body: the connection closes
// after the answer, since what is left of the body is still in it.
func refuseBody(c *fiber.Ctx) error {
	c.Context().SetConnectionClose()
	return fiber.ErrRequestEntityTooLarge
}
