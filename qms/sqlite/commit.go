package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"isodt/qms"
)

// Group commit. A durable commit costs one fsync, and this kind of disk
// does a few thousand a second: one transaction per request would cap the
// whole server there. So every write goes to one committer goroutine.
// While it works, new writes queue up; it then runs all of them in one
// IMMEDIATE transaction, each inside its own SAVEPOINT (a failing write
// undoes only its own changes), and commits once.
//
// The commit itself does not wait for the disk (synchronous=NORMAL for
// the committer's transactions): a syncer goroutine fsyncs the WAL after
// it and only then answers each caller, while the committer already runs
// the next group. Nobody is acknowledged before the commit that holds
// their write is durable, and a failed commit or sync fails every write
// in it. The WAL is written in order, so a sync makes every earlier
// commit durable too; what the next group reads before that sync may
// still be lost to a power cut, but only together with everything
// written after it.

// maxBatch bounds a group: enough to amortise the fsync, small enough that
// the first write in it is not kept waiting behind hundreds of others.
const maxBatch = 256

// errClosed answers writes that arrive after Close.
var errClosed = errors.New("database closed")

type writeJob struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// committer owns the writer connection for transactions.
type committer struct {
	jobs    chan *writeJob // unbuffered: a job is either taken or refused at Close
	quit    chan struct{}
	stopped chan struct{}
	// committed groups wait here for the sync that makes them durable.
	committed chan *committedGroup
	synced    chan struct{} // closed when the syncer has answered the last group
	wal       walSyncer
	once      sync.Once
	groups    atomic.Int64 // transactions committed
	writes    atomic.Int64 // writes acknowledged in them
}

// WriteStats counts group commits: Writes/Groups is the average group size.
type WriteStats struct {
	Groups, Writes int64
}

// WriteStats reports the committer's counters since Open.
func (db *DB) WriteStats() WriteStats {
	return WriteStats{Groups: db.commit.groups.Load(), Writes: db.commit.writes.Load()}
}

// committedGroup is a committed group of writes and each one's outcome.
type committedGroup struct {
	batch   []*writeJob
	results []error
}

// maxUnsynced bounds the committed groups waiting for a sync: past it the
// committer waits for the disk as well.
const maxUnsynced = 64

func (db *DB) startCommitter() {
	db.commit = &committer{jobs: make(chan *writeJob), quit: make(chan struct{}), stopped: make(chan struct{}),
		committed: make(chan *committedGroup, maxUnsynced), synced: make(chan struct{}), wal: walSyncer{path: db.path + "-wal"}}
	go db.commitLoop()
	go db.syncLoop()
}

// stopCommitter lets the group in progress finish, then refuses new writes.
func (db *DB) stopCommitter() {
	c := db.commit
	c.once.Do(func() { close(c.quit) })
	<-c.stopped
}

func (db *DB) commitLoop() {
	c := db.commit
	defer func() {
		close(c.committed)
		<-c.synced
		c.wal.close()
		close(c.stopped)
	}()
	for {
		var first *writeJob
		select {
		case first = <-c.jobs:
		case <-c.quit:
			return
		}
		batch := []*writeJob{first}
		// Everyone who queued while the last group was syncing joins this
		// one; nobody waits for a group to fill.
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-c.jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		db.runGroup(batch)
		db.finishCheckpoint()
	}
}

// syncLoop makes committed groups durable and answers their writes: one
// fsync of the WAL for every group committed before it started.
func (db *DB) syncLoop() {
	c := db.commit
	defer close(c.synced)
	for g := range c.committed {
		groups := []*committedGroup{g}
	more:
		for {
			select {
			case g, ok := <-c.committed:
				if !ok {
					break more
				}
				groups = append(groups, g)
			default:
				break more
			}
		}
		err := c.wal.sync()
		if err != nil {
			db.log.Error("WAL sync failed: the writes of the groups it covered are answered with an error", "err", err)
			err = fmt.Errorf("sync: %w", err)
		}
		for _, g := range groups {
			for i, j := range g.batch {
				if g.results[i] == nil {
					g.results[i] = err
				}
				j.done <- g.results[i]
			}
			if err == nil {
				c.groups.Add(1)
				c.writes.Add(int64(len(g.batch)))
			}
		}
	}
}

// walSyncer fsyncs the WAL file: fsync writes back every dirty page of a
// file, whichever descriptor wrote it. The file is opened again when
// SQLite has replaced it (a WAL is deleted when its last connection
// closes).
type walSyncer struct {
	path string
	f    *os.File
	// hook replaces the fsync in tests.
	hook atomic.Pointer[func() error]
}

func (w *walSyncer) sync() error {
	if h := w.hook.Load(); h != nil {
		return (*h)()
	}
	if w.f != nil {
		fi, err := w.f.Stat()
		cur, cerr := os.Stat(w.path)
		if err != nil || cerr != nil || !os.SameFile(fi, cur) {
			w.close()
		}
	}
	if w.f == nil {
		f, err := os.Open(w.path)
		if err != nil {
			return err
		}
		w.f = f
	}
	return w.f.Sync()
}

func (w *walSyncer) close() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

// runGroup runs a group of writes in one transaction, commits it without
// waiting for the disk and hands it to the syncer, which answers each.
func (db *DB) runGroup(batch []*writeJob) {
	results := make([]error, len(batch))
	fail := func(err error) {
		for i, j := range batch {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
	}
	// The syncer makes the commit durable; writes made on the writer
	// outside the committer (sessions seen, job runs) keep FULL.
	bg := context.Background()
	if _, err := db.write.ExecContext(bg, `PRAGMA synchronous = NORMAL`); err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer db.write.ExecContext(bg, `PRAGMA synchronous = FULL`)
	// The transaction belongs to no single request: a cancelled request
	// must not roll back its neighbours' writes.
	sqlTx, err := db.write.BeginTx(bg, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	if err := discardRowChanges(sqlTx); err != nil {
		sqlTx.Rollback()
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	head := &groupHead{}
	owned, err := db.ownSchemaInGroup(bg, sqlTx, head)
	if err != nil {
		sqlTx.Rollback()
		fail(err)
		return
	}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		results[i] = db.runInSavepoint(sqlTx, head, j)
		if errors.Is(results[i], errGroupBroken) {
			sqlTx.Rollback()
			fail(fmt.Errorf("write group aborted: %w", results[i]))
			return
		}
	}
	if head.moved {
		if err := moveAuditHead(bg, sqlTx, head.id, head.hash); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("commit: %w", err))
			return
		}
	}
	if err := sqlTx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	if owned != nil {
		db.owned = *owned
	}
	// This process's own changes reach the followers now rather than at
	// the next poll.
	db.changes.nudge()
	db.ckpt.committed()
	db.commit.committed <- &committedGroup{batch: batch, results: results}
}

// errGroupBroken marks a savepoint that could not be rolled back or
// released: the transaction is no longer trustworthy as a whole.
var errGroupBroken = errors.New("savepoint failed")

func (db *DB) runInSavepoint(sqlTx *sql.Tx, head *groupHead, j *writeJob) (err error) {
	bg := context.Background()
	if _, err := sqlTx.ExecContext(bg, `SAVEPOINT w`); err != nil {
		return fmt.Errorf("%w: %v", errGroupBroken, err)
	}
	actor, _ := qms.ActorFrom(j.ctx)
	tx := &Tx{Tx: sqlTx, db: db, now: db.now().UTC(), actor: actor, head: head}
	before := *head
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = qms.Errorf(qms.EINTERNAL, "Lỗi hệ thống khi ghi dữ liệu.")
				db.log.Error("panic in a write", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		err = j.fn(tx)
	}()
	if err != nil {
		if _, rbErr := sqlTx.ExecContext(bg, `ROLLBACK TO w`); rbErr != nil {
			return fmt.Errorf("%w: rollback to: %v (after %v)", errGroupBroken, rbErr, err)
		}
		*head = before // its entries are gone with it
	}
	if _, relErr := sqlTx.ExecContext(bg, `RELEASE w`); relErr != nil {
		return fmt.Errorf("%w: release: %v", errGroupBroken, relErr)
	}
	return err
}

// update runs fn in a write transaction and returns once the transaction
// holding its writes is durable. A mutation needs an actor in ctx: the
// audit trail must say who. fn may run in the same transaction as other
// callers' writes, after theirs; it must not call update itself.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	if _, ok := qms.ActorFrom(ctx); !ok {
		return fmt.Errorf("write without an actor in context")
	}
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.commit.jobs <- j:
	case <-db.commit.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once taken, the write is answered even if the caller gave up: its
	// outcome is decided by the commit, not by the caller's patience.
	return <-j.done
}

// Statements inside a group never see a cancellable context: SQLite
// answers an interrupt inside a write by rolling back the whole
// transaction, other requests' writes with it.

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

// QueryRowContext runs a one-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}
