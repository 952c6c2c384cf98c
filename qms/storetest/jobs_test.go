package storetest_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"isodt/qms"
	"isodt/qms/jobs"
	"isodt/qms/postgres"
	"isodt/qms/qmstest"
)

// everyTick fires every 10 ms once due: a job falls due again and again
// within one minute, on each server.
type everyTick struct{ due atomic.Bool }

func (e *everyTick) Next(t time.Time) time.Time {
	if e.due.Load() {
		return t.Add(10 * time.Millisecond)
	}
	return t.AddDate(1, 0, 0)
}

// TestBeyond3JobRunsOncePerSlot: two servers on one PostgreSQL database
// schedule the same job; within a slot (a minute) it runs once in all,
// on the server that claimed the slot, which its run record names.
// (SQLite is one server per file: its store claims nothing.)
func TestBeyond3JobRunsOncePerSlot(t *testing.T) {
	// Far enough from the end of a minute that the test stays in one slot.
	if s := time.Now().Second(); s > 50 {
		time.Sleep(time.Duration(61-s) * time.Second)
	}
	f := openPostgres(t, qmstest.NewClock(time.Now()))
	servers := []*postgres.DB{f.Store.(*postgres.DB), f.second(t).(*postgres.DB)}
	var runs atomic.Int32
	tick := &everyTick{}
	for i, db := range servers {
		s := jobs.New(jobs.Config{Recorder: db, Logger: quiet, Parse: func(string) (cron.Schedule, error) { return tick, nil }})
		if err := s.Add(jobs.Job{Name: "compliance", Spec: "0 6 * * *", Run: func(context.Context) (map[string]int, error) {
			runs.Add(1)
			return map[string]int{"server": i}, nil
		}}); err != nil {
			t.Fatal(err)
		}
		s.Start()
		t.Cleanup(s.Stop)
	}
	tick.due.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// Both servers go on firing for a while: none of it may run again.
	time.Sleep(500 * time.Millisecond)
	tick.due.Store(false)
	if n := runs.Load(); n != 1 {
		t.Fatalf("the job ran %d times in one slot", n)
	}
	recorded, err := f.JobRuns(f.ctx, "compliance", 10)
	if err != nil || len(recorded) != 1 || recorded[0].Trigger != "schedule" || recorded[0].Outcome == qms.RunFailed {
		t.Fatalf("recorded runs = %+v, %v", recorded, err)
	}
}
