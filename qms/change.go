package qms

import (
	"context"
	"slices"
)

// Topic names data that a server keeps in memory and must load again
// when it changes, whichever process (another server, the qms CLI)
// committed the change.
type Topic string

const (
	// TopicSecurity: users, memberships, policy rules and API tokens,
	// from which the Casbin policy is built.
	TopicSecurity Topic = "security"
	// TopicCalendar: the calendar overrides and the agencies' working hours.
	TopicCalendar Topic = "calendar"
)

// Change reports that the data of its topics changed.
type Change struct {
	Topics []Topic
}

// Has reports whether t is among the changed topics.
func (c Change) Has(t Topic) bool { return slices.Contains(c.Topics, t) }

// ChangeFeed is the store's one change signal. The only data kept in
// memory follows it; everything else is read from the store on each
// request. SQLite feeds it from PRAGMA data_version and a table of topic
// versions kept by triggers; a PostgreSQL store would feed it from
// LISTEN/NOTIFY.
type ChangeFeed interface {
	// Changes returns a channel that receives a Change after any commit,
	// by any process, that changed one of the topics: at once for this
	// process's own commits, within a fraction of a second for the
	// others'. Changes committed while the receiver is busy are merged
	// into the next one, never lost. The channel is closed when ctx ends
	// or the store closes.
	Changes(ctx context.Context) <-chan Change
}
