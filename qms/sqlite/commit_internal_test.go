package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"isodt/qms"
)

// TestOneSourceSpeedPipelinedCommit: a write is answered only after the
// WAL sync that follows its commit, while the committer goes on
// committing the next group meanwhile; a failed sync fails the writes it
// covered.
func TestOneSourceSpeedPipelinedCommit(t *testing.T) {
	ctx, db := openCommitTest(t, filepath.Join(t.TempDir(), "qms.db"))
	entered, release := make(chan struct{}, 8), make(chan struct{})
	var fail error
	hook := func() error {
		entered <- struct{}{}
		<-release
		return fail
	}
	db.commit.wal.hook.Store(&hook)
	write := func(code string) chan error {
		done := make(chan error, 1)
		go func() { done <- db.CreateAgency(ctx, &qms.Agency{Code: code, Name: "Đơn vị " + code}) }()
		return done
	}
	visible := func(code string) bool {
		var n int
		db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM agencies WHERE code = ?`, code).Scan(&n)
		return n == 1
	}
	a := write("DVA")
	<-entered // A is committed; its sync waits
	b := write("DVB")
	deadline := time.Now().Add(5 * time.Second)
	for !visible("DVB") {
		if time.Now().After(deadline) {
			t.Fatal("the committer did not commit the next group while a sync was pending")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-a:
		t.Fatalf("answered before its sync: %v", err)
	case err := <-b:
		t.Fatalf("answered before its sync: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	for name, ch := range map[string]chan error{"A": a, "B": b} {
		if err := <-ch; err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	// A sync that fails fails the writes it covers.
	release = make(chan struct{})
	fail = errors.New("disk gone")
	c := write("DVC")
	<-entered
	close(release)
	if err := <-c; err == nil {
		t.Fatal("a write whose sync failed was acknowledged")
	}
	// The real sync: the WAL file itself.
	db.commit.wal.hook.Store(nil)
	if err := <-write("DVD"); err != nil || db.commit.wal.f == nil {
		t.Fatalf("write with the WAL synced: %v (file %v)", err, db.commit.wal.f)
	}
}

// TestOneSourceSpeedGroupAuditHead: a group reads the audit head once and
// writes it once; a write whose savepoint is rolled back takes its entry
// and its move of the head with it, so the next write in the group
// chains from the entry before, and the committed head is the last entry.
func TestOneSourceSpeedGroupAuditHead(t *testing.T) {
	ctx, db := openCommitTest(t, filepath.Join(t.TempDir(), "qms.db"))
	refused := errors.New("refused after its audit entry")
	write := func(n int, fail bool) *writeJob {
		return &writeJob{ctx: ctx, done: make(chan error, 1), fn: func(tx *Tx) error {
			if err := tx.audit(ctx, "", "test.write", "test", "x", nil, map[string]int{"n": n}, ""); err != nil {
				return err
			}
			if fail {
				return refused
			}
			return nil
		}}
	}
	for _, fails := range [][]bool{{false, true, false, true}, {true, false}, {true}} {
		batch := make([]*writeJob, len(fails))
		for i, f := range fails {
			batch[i] = write(i, f)
		}
		db.runGroup(batch)
		for i, j := range batch {
			if err := <-j.done; (err != nil) != fails[i] {
				t.Fatalf("write %d of %v: %v", i, fails, err)
			}
		}
		if _, err := db.VerifyAuditChain(ctx); err != nil {
			t.Fatalf("after the group %v: %v", fails, err)
		}
	}
	var headID, lastID int64
	if err := db.read.QueryRowContext(ctx, `SELECT (SELECT last_id FROM audit_head), (SELECT MAX(id) FROM audit_log)`).Scan(&headID, &lastID); err != nil {
		t.Fatal(err)
	}
	if headID != lastID {
		t.Fatalf("audit head at %d, last entry %d", headID, lastID)
	}
}

// openCommitTest opens a database at path for a test of the committer,
// with a system actor in the context; closed when the test ends.
func openCommitTest(t *testing.T, path string) (context.Context, *DB) {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return ctx, db
}
