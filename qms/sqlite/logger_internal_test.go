package sqlite

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"isodt/qms"
)

// syncBuffer is a bytes.Buffer safe for the committer's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestOneSource6eStoreLogger: what the store reports on its own (here a
// panic in a write) goes to the logger of Options, not to slog.Default.
func TestOneSource6eStoreLogger(t *testing.T) {
	var buf syncBuffer
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	err = db.update(ctx, func(tx *Tx) error { panic("bug in a write") })
	if qms.ErrorCode(err) != qms.EINTERNAL {
		t.Fatalf("panic in a write gave %v, want EINTERNAL", err)
	}
	if got := buf.String(); !strings.Contains(got, "panic in a write") || !strings.Contains(got, "bug in a write") {
		t.Errorf("injected logger got %q, want the panic", got)
	}
}
