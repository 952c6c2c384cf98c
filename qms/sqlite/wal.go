package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints. SQLite copies the WAL back into the database file
// (a checkpoint, with an fsync of each file) in the connection whose
// commit took the WAL past 1,000 pages: the one writer, holding every
// write queued behind it for the length of the copy. The writer's
// automatic checkpoints are turned off and a connection of its own does
// them, after commits, at most every checkpointEvery; PASSIVE, it never
// waits for the writer or the readers, and the WAL is reused from its
// start once a checkpoint caught up.
//
// Under steady writes it never catches up: frames keep arriving while it
// copies, and the WAL is only reused from its start when a write begins
// with every frame copied back. The WAL then grows for as long as the
// load lasts (tens of megabytes a second), every frame extending the file
// (block allocation and zeroing in the kernel) and every reader's page
// lookup searching a longer WAL index. So once the WAL holds restartFrames
// the checkpointer asks the committer to finish the copy between two
// groups, where no frame can arrive meanwhile: what is left is only what
// came in since the checkpointer's own pass.

// checkpointEvery bounds how often the WAL is copied back under writes.
const checkpointEvery = 100 * time.Millisecond

// restartFrames is the WAL length (pages) past which the committer
// finishes a checkpoint itself, so that the WAL is reused from its start.
var restartFrames = 4096 // a variable for tests

type checkpointer struct {
	conn *sql.DB
	kick chan struct{} // buffered 1: a commit happened since the last checkpoint
	quit chan struct{}
	done chan struct{}
	once sync.Once
	err  error
	runs atomic.Int64 // checkpoints done
	// restart: the WAL is past restartFrames; the committer should finish
	// the copy between two groups.
	restart atomic.Bool
}

// startCheckpointer turns off the writer's own checkpoints and starts the
// checkpointing goroutine on a connection of its own.
func (db *DB) startCheckpointer(ctx context.Context) error {
	conn, err := sql.Open("sqlite3", dsn(db.path, "_synchronous=FULL&mode=rw"))
	if err != nil {
		return err
	}
	conn.SetMaxOpenConns(1)
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Close()
		return err
	}
	c := &checkpointer{conn: conn, kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	db.ckpt = c
	go c.loop()
	return nil
}

// committed tells the checkpointer that the WAL grew.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	// The tick covers the writes that do not go through the committer.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-c.kick:
		case <-tick.C:
		case <-c.quit:
			return
		}
		var busy, frames, copied int
		if err := c.conn.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
			slog.Warn("WAL checkpoint", "err", err)
		} else {
			c.runs.Add(1)
			if frames >= restartFrames {
				c.restart.Store(true)
			}
		}
		select {
		case <-time.After(checkpointEvery):
		case <-c.quit:
			return
		}
	}
}

// finishCheckpoint copies the rest of the WAL back when the checkpointer
// asked for it; called by the committer between groups, on the writer, so
// that the next group reuses the WAL from its start. A reader still on an
// older snapshot can hold part of the copy back: the next request retries.
func (db *DB) finishCheckpoint() {
	if !db.ckpt.restart.CompareAndSwap(true, false) {
		return
	}
	if _, err := db.write.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		db.log.Warn("WAL checkpoint by the committer", "err", err)
	}
}

// stop ends the goroutine (Close may be called twice); the last
// connection to close checkpoints the rest.
func (c *checkpointer) stop() error {
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		c.err = c.conn.Close()
	})
	return c.err
}
