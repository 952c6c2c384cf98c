package sqlite

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// TestOneSource6eStoreLogger: what the store reports on its own (here a
// panic in a write) goes to the logger of Options, not to slog.Default.
func TestOneSource6eStoreLogger(t *testing.T) {
	var buf qmstest.Buffer
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
