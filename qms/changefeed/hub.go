// Package changefeed fans a store's change signal out to its subscribers
// (qms.ChangeFeed). Each store detects commits its own way (SQLite by
// polling PRAGMA data_version, PostgreSQL by LISTEN/NOTIFY) and publishes
// the changed topics here; every Changes channel receives them, with the
// topics published while its reader was busy merged into one Change.
//
//	hub := changefeed.NewHub()
//	ch := hub.Subscribe(ctx)
//	hub.Publish(qms.Change{Topics: []qms.Topic{qms.TopicSecurity}})
//	hub.Close() // closes ch
package changefeed

import (
	"context"
	"slices"
	"sync"

	"isodt/qms"
)

// Hub holds the subscribers of one store.
type Hub struct {
	quit chan struct{}
	once sync.Once

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
}

// subscriber is one Changes channel: topics reported while its reader is
// busy gather in pending.
type subscriber struct {
	mu      sync.Mutex
	pending []qms.Topic
	wake    chan struct{} // holds one
}

// NewHub returns a hub with no subscribers.
func NewHub() *Hub {
	return &Hub{quit: make(chan struct{}), subs: map[*subscriber]struct{}{}}
}

// Publish tells every subscriber of c; it never blocks.
func (h *Hub) Publish(c qms.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.mu.Lock()
		for _, t := range c.Topics {
			if !slices.Contains(s.pending, t) {
				s.pending = append(s.pending, t)
			}
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Close closes every channel; later subscriptions get a closed channel.
func (h *Hub) Close() {
	h.once.Do(func() {
		close(h.quit)
		h.mu.Lock()
		h.closed = true
		h.mu.Unlock()
	})
}

// Subscribe implements qms.ChangeFeed's Changes: a change published
// before the call is not reported. The channel closes when ctx ends or
// the hub closes.
func (h *Hub) Subscribe(ctx context.Context) <-chan qms.Change {
	out := make(chan qms.Change)
	s := &subscriber{wake: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(out)
		return out
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	go func() {
		defer close(out)
		defer func() {
			h.mu.Lock()
			delete(h.subs, s)
			h.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-h.quit:
				return
			case <-s.wake:
			}
			s.mu.Lock()
			c := qms.Change{Topics: s.pending}
			s.pending = nil
			s.mu.Unlock()
			if len(c.Topics) == 0 {
				continue // taken with the previous wake
			}
			select {
			case out <- c:
			case <-ctx.Done():
				return
			case <-h.quit:
				return
			}
		}
	}()
	return out
}
