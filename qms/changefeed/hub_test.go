package changefeed_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/changefeed"
)

// TestHubReportsAndCloses: every published topic reaches the subscriber,
// and Close closes every channel.
func TestHubReportsAndCloses(t *testing.T) {
	h := changefeed.NewHub()
	ch := h.Subscribe(context.Background())
	h.Publish(qms.Change{Topics: []qms.Topic{qms.TopicSecurity}})
	h.Publish(qms.Change{Topics: []qms.Topic{qms.TopicCalendar, qms.TopicSecurity}})
	var got []qms.Topic
	deadline := time.After(time.Second)
	for len(got) < 2 {
		select {
		case c := <-ch:
			for _, tp := range c.Topics {
				if !slices.Contains(got, tp) {
					got = append(got, tp)
				}
			}
		case <-deadline:
			t.Fatalf("got %v, want both topics", got)
		}
	}
	h.Close()
	select {
	case _, open := <-ch:
		if open {
			t.Fatal("a change after Close")
		}
	case <-time.After(time.Second):
		t.Fatal("channel not closed by Close")
	}
	if _, open := <-h.Subscribe(context.Background()); open {
		t.Fatal("subscription after Close is open")
	}
}
