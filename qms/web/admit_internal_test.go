package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

// TestOneSourceSpeedReadersAdmitted: with every reading slot taken, a GET
// waits its turn and is served once one frees, while writes and the
// health check go straight through.
func TestOneSourceSpeedReadersAdmitted(t *testing.T) {
	s := New(Config{Readers: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{})
	s.readers <- struct{}{} // the one slot is busy
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
	<-s.readers
	resp, err := s.App().Test(httptest.NewRequest("GET", "/khong-co", nil), 2000)
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("GET after the slot freed: %v, %v", resp, err)
	}
	if len(s.readers) != 0 {
		t.Fatalf("%d slots still taken after the requests ended", len(s.readers))
	}
}
