package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"isodt/qms"
)

// TestOneSourceSpeedWALReused: under writes that never pause, with a
// reader always on, the WAL is still reused from its start instead of
// growing for as long as the load lasts.
func TestOneSourceSpeedWALReused(t *testing.T) {
	old := restartFrames
	restartFrames = 256
	defer func() { restartFrames = old }()
	ctx := qms.WithActor(context.Background(), qms.SystemActor("test"))
	path := filepath.Join(t.TempDir(), "qms.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE wal_probe (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	const pagesPerWrite, writes = 4, 8000 // 32,000 pages: 125 restarts' worth
	var stop atomic.Bool
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for !stop.Load() {
			var n int
			db.read.QueryRowContext(ctx, `SELECT length(b) FROM wal_probe ORDER BY rowid DESC LIMIT 1`).Scan(&n)
		}
	}()
	var next atomic.Int64
	var writers sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for next.Add(1) <= writes {
				if err := db.update(ctx, func(tx *Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO wal_probe VALUES (randomblob(?))`, pagesPerWrite*4000)
					return err
				}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	writers.Wait()
	stop.Store(true)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	written := int64(pagesPerWrite * writes * 4096)
	t.Logf("WAL %d bytes after %d bytes of pages written", fi.Size(), written)
	if fi.Size() > written/3 {
		t.Fatalf("the WAL grew to %d bytes for %d written: it was not reused from its start", fi.Size(), written)
	}
}
