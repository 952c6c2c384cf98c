package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/changefeed"
)

// The change feed. A commit that changed a topic's tables notifies
// channel qms_changes with the topic's name (the triggers of migration
// 0001); PostgreSQL delivers it at commit to every connection listening,
// on every server, this one included. The feed listens on a connection
// of its own. If that connection is lost, notifications sent meanwhile
// are lost with it: once listening again, the feed reports every topic
// changed, so whoever follows it reloads rather than miss a change.

var _ qms.ChangeFeed = (*DB)(nil)

// notifyChannel is the channel the triggers notify.
const notifyChannel = "qms_changes"

// allTopics is reported after the listener reconnects.
var allTopics = []qms.Topic{qms.TopicSecurity, qms.TopicCalendar}

type changeFeed struct {
	cfg  *pgx.ConnConfig
	conn *pgx.Conn
	log  *slog.Logger
	hub  *changefeed.Hub
	// follow is the store's own follower, run before the subscribers hear.
	follow func(qms.Change)
	cancel context.CancelFunc
	done   chan struct{}
}

// startChanges connects the listener and starts following.
func (db *DB) startChanges(ctx context.Context) error {
	f := &changeFeed{cfg: db.pool.Config().ConnConfig.Copy(), log: db.log, hub: changefeed.NewHub(), done: make(chan struct{}),
		follow: func(c qms.Change) {
			if c.Has(qms.TopicCalendar) {
				db.DropCalendars()
			}
		},
	}
	conn, err := f.listen(ctx)
	if err != nil {
		return fmt.Errorf("listen for changes: %w", err)
	}
	f.conn = conn
	runCtx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	db.changes = f
	go f.run(runCtx)
	return nil
}

func (f *changeFeed) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, f.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

func (f *changeFeed) run(ctx context.Context) {
	defer close(f.done)
	for {
		n, err := f.conn.WaitForNotification(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			f.publish(qms.Change{Topics: []qms.Topic{qms.Topic(n.Payload)}})
			continue
		}
		f.log.Error("change feed: listener lost; reconnecting", "err", err)
		f.conn.Close(context.Background())
		if !f.reconnect(ctx) {
			return
		}
		f.publish(qms.Change{Topics: allTopics})
	}
}

func (f *changeFeed) publish(c qms.Change) {
	f.follow(c)
	f.hub.Publish(c)
}

// reconnect listens again, retrying with a growing pause until ctx ends.
func (f *changeFeed) reconnect(ctx context.Context) bool {
	pause := 100 * time.Millisecond
	for {
		conn, err := f.listen(ctx)
		if err == nil {
			f.conn = conn
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// stop ends the listener and closes every Changes channel.
func (f *changeFeed) stop() {
	f.cancel()
	<-f.done
	f.hub.Close()
	f.conn.Close(context.Background())
}

// Changes implements qms.ChangeFeed. A change committed before the call
// is not reported: subscribe first, then load what follows the feed.
func (db *DB) Changes(ctx context.Context) <-chan qms.Change {
	return db.changes.hub.Subscribe(ctx)
}
