package sqlite

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"isodt/qms"
)

func openBare(t *testing.T) (*DB, context.Context) {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, qms.WithActor(context.Background(), qms.SystemActor("test"))
}

// Writes from many goroutines share transactions, yet each one that
// fails (by error or panic) leaves nothing behind and the others commit.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	db, ctx := openBare(t)
	const writers, each = 64, 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	wantOK, gotOK := 0, 0
	errBoom := errors.New("boom")
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n := w*each + i
				err := db.update(ctx, func(tx *Tx) error {
					if err := tx.audit(ctx, "SYS", "test.write", "test", strconv.Itoa(n), nil, nil, ""); err != nil {
						return err
					}
					switch {
					case n%7 == 3:
						return errBoom // written, then refused: must be undone
					case n%13 == 5:
						panic("bug in a write")
					}
					return nil
				})
				mu.Lock()
				switch {
				case n%7 == 3:
					if !errors.Is(err, errBoom) {
						t.Errorf("write %d: err = %v, want boom", n, err)
					}
				case n%13 == 5:
					if qms.ErrorCode(err) != qms.EINTERNAL {
						t.Errorf("write %d: panic gave %v", n, err)
					}
				default:
					wantOK++
					if err != nil {
						t.Errorf("write %d: %v", n, err)
					} else {
						gotOK++
					}
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	var rows int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'test.write'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != wantOK || gotOK != wantOK {
		t.Fatalf("audit rows = %d, acknowledged = %d, want %d", rows, gotOK, wantOK)
	}
	if _, err := db.VerifyAuditChain(ctx); err != nil {
		t.Fatalf("chain: %v", err)
	}
	st := db.WriteStats()
	if st.Writes != writers*each || st.Groups >= st.Writes {
		t.Fatalf("stats %+v: 64 concurrent writers never shared a commit", st)
	}
	t.Logf("%d writes in %d commits", st.Writes, st.Groups)
}

// A caller that gives up mid-write must not interrupt the shared
// transaction: the statement runs and the write commits.
func TestGroupCommitIgnoresCancelInsideWrite(t *testing.T) {
	db, ctx := openBare(t)
	cctx, cancel := context.WithCancel(ctx)
	err := db.update(cctx, func(tx *Tx) error {
		cancel()
		return tx.audit(cctx, "SYS", "test.cancel", "test", "1", nil, nil, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'test.cancel'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows = %d, %v", n, err)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	db, ctx := openBare(t)
	db.Close()
	if err := db.update(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Fatalf("err = %v", err)
	}
}
