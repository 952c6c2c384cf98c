package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"isodt/qms"
	"isodt/qms/changefeed"
)

// The change feed. The store keeps no mutable data in memory but the
// working-day calendars, and the server no more than the Casbin policy;
// both follow this feed. SQLite's PRAGMA data_version, asked on a
// connection of the feed's own, moves whenever any other connection (of
// this process or another) commits. When it has moved, the feed reads the
// change_topics table, whose versions the triggers of migration 0014 move
// in the committing transaction itself, and reports the topics whose
// version moved. Reading the versions rather than counting commits means
// no interleaving of this process's commits with another's can hide one.

var _ qms.ChangeFeed = (*DB)(nil)

// pollInterval is how often the feed asks whether another process
// committed; this process's own commits wake it at once.
const pollInterval = 150 * time.Millisecond

// changeFeed watches the file for committed changes of the topics.
type changeFeed struct {
	pool *sql.DB
	conn *sql.Conn // data_version is per connection: always this one
	log  *slog.Logger
	// follow is the store's own follower, run before the subscribers hear.
	follow func(qms.Change)

	dataVersion int64
	versions    map[qms.Topic]int64
	failing     bool // the last poll failed (logged once)

	wake chan struct{} // a commit of this process; holds one
	quit chan struct{}
	done chan struct{}
	once sync.Once

	hub *changefeed.Hub
}

// startChanges opens the feed's connection, reads where the topics stand
// and starts watching.
func (db *DB) startChanges(ctx context.Context) error {
	pool, err := sql.Open("sqlite3", dsn(db.path, "mode=ro&_query_only=1"))
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(1)
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return err
	}
	f := &changeFeed{pool: pool, conn: conn, log: db.log, versions: map[qms.Topic]int64{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), hub: changefeed.NewHub(),
		follow: func(c qms.Change) {
			if c.Has(qms.TopicCalendar) {
				db.DropCalendars()
			}
		},
	}
	if _, err := f.poll(ctx); err != nil {
		conn.Close()
		pool.Close()
		return fmt.Errorf("read change topics: %w", err)
	}
	db.changes = f
	go f.run()
	return nil
}

// nudge tells the feed that this process committed.
func (f *changeFeed) nudge() {
	select {
	case f.wake <- struct{}{}:
	default: // already woken: that poll will see this commit too
	}
}

func (f *changeFeed) run() {
	defer close(f.done)
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-f.quit:
			return
		case <-t.C:
		case <-f.wake:
		}
		moved, err := f.poll(context.Background())
		if err != nil {
			if !f.failing {
				f.log.Error("change feed: poll failed; retrying", "err", err)
			}
			f.failing = true
			continue
		}
		f.failing = false
		if len(moved) == 0 {
			continue
		}
		c := qms.Change{Topics: moved}
		f.follow(c)
		f.hub.Publish(c)
	}
}

// poll returns the topics whose version moved since the last poll.
func (f *changeFeed) poll(ctx context.Context) ([]qms.Topic, error) {
	var dv int64
	if err := f.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&dv); err != nil {
		return nil, err
	}
	if dv == f.dataVersion && len(f.versions) > 0 {
		return nil, nil
	}
	rows, err := f.conn.QueryContext(ctx, `SELECT topic, version FROM change_topics`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := map[qms.Topic]int64{}
	for rows.Next() {
		var t qms.Topic
		var v int64
		if err := rows.Scan(&t, &v); err != nil {
			return nil, err
		}
		now[t] = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var moved []qms.Topic
	for t, v := range now {
		if old, ok := f.versions[t]; ok && old != v {
			moved = append(moved, t)
		}
	}
	f.dataVersion, f.versions = dv, now
	return moved, nil
}

// stop ends the watch, closes every Changes channel and the connection.
func (f *changeFeed) stop() {
	f.once.Do(func() {
		close(f.quit)
		<-f.done
		f.hub.Close()
		f.conn.Close()
		f.pool.Close()
	})
}

// Changes implements qms.ChangeFeed. A change committed before the call
// is not reported: subscribe first, then load what follows the feed.
func (db *DB) Changes(ctx context.Context) <-chan qms.Change {
	return db.changes.hub.Subscribe(ctx)
}
