package web

import (
	"bytes"
	"io"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Request bodies are read here, once the caller is known, and no further
// than the caller may send: fasthttp reads at most a few KiB of a body
// with its headers (StreamRequestBody; bodyReadAhead bounds it); the rest
// waits in the connection. Read whole before any handler, a body of 30
// MiB sent by anyone held 30 MiB each, 4.3 GB for 64 of them on /login,
// kept by the server's pools afterwards (outsider pass 21).
//
//   - Nobody signed in may send more than anonymousBodyLimit (the login
//     form, the public feedback and survey forms, a token request).
//   - A signed-in caller may send up to Config.BodyLimit (files, the
//     diagram editor's BPMN of 10 MiB in a form field); a JSON body's own
//     cap, maxJSONBody, is said in its own words by checkForm.
//   - A request that reads no body (GET, HEAD) brings none.
//
// A signed-in caller's body over bigBody, or of a length not told
// (chunked), is read and held within one of bodySlots: one waits for a slot up to bodySlotWait,
// then is refused (429, try again).

// bodyReadAhead is the most fasthttp reads of a body with its headers.
const bodyReadAhead = 64 << 10

const (
	anonymousBodyLimit = 256 << 10 // a long text of 10.000 Vietnamese characters, percent-encoded, is 90 KiB
	bigBody            = 1 << 20
	bodySlots          = 2
	bodySlotWait       = 10 * time.Second
)

// readBody bounds the request's body by who sends it and reads it into
// memory, a large one within a slot.
func (s *Server) readBody(c *fiber.Ctx) error {
	req := c.Request()
	if !req.IsBodyStream() {
		return c.Next()
	}
	limit := s.bodyLimitFor(c)
	n := req.Header.ContentLength()
	if n > limit {
		return refuseBody(c)
	}
	// Only a signed-in caller's body can be large; an anonymous one is
	// small whatever it takes to arrive, and holds no slot (two slow
	// anonymous senders held both: outsider pass 22).
	if cl := callerOf(c); cl != nil && (n < 0 || n > bigBody) {
		release, err := s.takeBodySlot(cl.user.ID)
		if err != nil {
			c.Context().SetConnectionClose()
			return err
		}
		defer release()
	}
	var body bytes.Buffer
	body.Grow(max(n, 0))
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

// bodyGate holds the slots for large bodies and who holds one: an
// account holds at most one at a time, so that one account (or one
// stolen token) sending slowly cannot hold them all, every other
// account's files waiting behind it (outsider pass 23).
type bodyGate struct {
	slots   chan struct{}
	mu      sync.Mutex
	holders map[int64]bool
}

func newBodyGate() *bodyGate {
	return &bodyGate{slots: make(chan struct{}, bodySlots), holders: map[int64]bool{}}
}

// takeBodySlot waits for a slot for user's large body, up to
// bodySlotWait; release gives it back.
func (s *Server) takeBodySlot(user int64) (release func(), err error) {
	g := s.bodyGate
	g.mu.Lock()
	if g.holders[user] {
		g.mu.Unlock()
		return nil, qms.TooMany(bodySlotWait, "Tài khoản đang gửi một dữ liệu lớn khác: chờ lần gửi đó xong rồi gửi tiếp.")
	}
	g.holders[user] = true
	g.mu.Unlock()
	unhold := func() {
		g.mu.Lock()
		delete(g.holders, user)
		g.mu.Unlock()
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots; unhold() }, nil
	case <-time.After(bodySlotWait):
		unhold()
		return nil, qms.TooMany(bodySlotWait, "Máy chủ đang nhận nhiều dữ liệu lớn cùng lúc: vui lòng gửi lại sau ít giây.")
	}
}
