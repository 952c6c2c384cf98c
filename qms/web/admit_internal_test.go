package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

func quietServer(readers int) *Server {
	return New(Config{Readers: readers, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{})
}

// waitUntil polls the admission, under its lock, until ok holds; it
// fails after two seconds with what ok last said.
func waitUntil(t *testing.T, a *admission, ok func() (bool, string)) {
	t.Helper()
	for end := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		a.mu.Lock()
		done, why := ok()
		a.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(end) {
			t.Fatal(why)
		}
	}
}

// settled waits for the requests let go in the background (those a test
// gave up on) to end, and fails if the admission does not come back to
// running reading requests and no waiting one.
func settled(t *testing.T, a *admission, running int) {
	t.Helper()
	waitUntil(t, a, func() (bool, string) {
		return a.running == running && len(a.waiting) == 0,
			fmt.Sprintf("%d reading requests running and %d waiting, want %d and 0", a.running, len(a.waiting), running)
	})
}

// TestOneSourceSpeedReadersAdmitted: with every reading slot taken, a GET
// waits its turn and is served once one frees, while writes and the
// health check go straight through.
func TestOneSourceSpeedReadersAdmitted(t *testing.T) {
	s := quietServer(1)
	s.admission.enterRead() // the one slot is busy
	for _, tc := range []struct {
		method, path string
		held         bool
	}{
		{"GET", "/khong-co", true},
		{"GET", "/healthz", false},
		{"POST", "/khong-co", false},
	} {
		_, err := s.App().Test(httptest.NewRequest(tc.method, tc.path, nil), 300)
		if held := err != nil; held != tc.held {
			t.Errorf("%s %s held = %v, want %v (%v)", tc.method, tc.path, held, tc.held, err)
		}
	}
	s.admission.leaveRead()
	resp, err := s.App().Test(httptest.NewRequest("GET", "/khong-co", nil), 2000)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("GET after the slot freed: %v, %v", resp, err)
	}
	settled(t, s.admission, 0)
}

// TestOneSourceSpeedReadersNarrowWhileWriting: while a write is in flight
// half as many reading requests run; with no write the pages keep every
// slot; a write counts from its start to its end.
func TestOneSourceSpeedReadersNarrowWhileWriting(t *testing.T) {
	s := quietServer(4)
	a := s.admission
	app := fiber.New()
	app.Use(s.admit)
	var writesSeen int
	app.Get("/page", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Post("/write", func(c *fiber.Ctx) error {
		a.mu.Lock()
		writesSeen = a.writes
		a.mu.Unlock()
		return nil
	})
	get := func() error {
		_, err := app.Test(httptest.NewRequest("GET", "/page", nil), 300)
		return err
	}
	a.enterRead()
	a.enterRead() // two of four slots busy
	if err := get(); err != nil {
		t.Fatalf("GET with two of four slots busy and no write: %v", err)
	}
	a.enterWrite()
	if err := get(); err == nil {
		t.Fatal("GET while writing went through with two slots busy (the limit is then 2)")
	}
	a.leaveRead() // the slot goes to the GET that waited
	settled(t, a, 1)
	if err := get(); err != nil {
		t.Fatalf("GET while writing with one slot busy: %v", err)
	}
	a.leaveWrite()
	if _, err := app.Test(httptest.NewRequest("POST", "/write", nil), 2000); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	after := a.writes
	a.mu.Unlock()
	if writesSeen != 1 || after != 0 {
		t.Fatalf("writes in flight: %d during the POST, %d after; want 1 and 0", writesSeen, after)
	}
	a.leaveRead()
	settled(t, a, 0)
}

// TestOneSourceSpeedReadersInTurn: a freed slot goes to the request that
// waited longest, and the end of the last write lets in as many as the
// wider limit allows.
func TestOneSourceSpeedReadersInTurn(t *testing.T) {
	a := newAdmission(2)
	a.enterWrite()
	a.enterRead() // the narrow limit (1) is reached
	order := make(chan int, 3)
	for i := 1; i <= 2; i++ {
		go func() { a.enterRead(); order <- i }()
		waitUntil(t, a, func() (bool, string) { return len(a.waiting) == i, fmt.Sprintf("request %d not waiting", i) })
	}
	a.leaveRead() // one slot frees: the first to wait gets it
	a.mu.Lock()
	running := a.running
	a.mu.Unlock()
	if running != 1 {
		t.Fatalf("%d running after the hand-off, want 1", running)
	}
	if got := <-order; got != 1 {
		t.Fatalf("request %d admitted first, want 1", got)
	}
	a.leaveWrite() // the wider limit (2) admits the second at once
	select {
	case got := <-order:
		if got != 2 {
			t.Fatalf("request %d admitted, want 2", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the last write ended and the waiting request was not admitted")
	}
	a.leaveRead()
	a.leaveRead()
	settled(t, a, 0)
}
