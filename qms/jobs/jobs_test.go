package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"isodt/qms"
	"isodt/qms/jobs"
	"isodt/qms/sqlite"
)

func newScheduler(t *testing.T) (*jobs.Scheduler, *sqlite.DB) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := jobs.New(jobs.Config{Recorder: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(s.Stop)
	return s, db
}

func TestSpecsNextRun(t *testing.T) {
	at := func(s string) time.Time {
		tm, _ := time.ParseInLocation("2006-01-02 15:04", s, qms.Zone)
		return tm
	}
	tests := []struct {
		spec, from, want string
	}{
		{"0 6 * * *", "2026-03-01 05:00", "2026-03-01 06:00"},
		{"0 6 * * *", "2026-03-01 06:30", "2026-03-02 06:00"},
		{"@hourly", "2026-03-01 06:30", "2026-03-01 07:00"},
		{"30 1 * * *", "2026-12-31 23:00", "2027-01-01 01:30"},
		{"0 7 * * 1-5", "2026-03-06 08:00", "2026-03-09 07:00"}, // Friday → Monday
	}
	for _, tt := range tests {
		sch, err := jobs.Parser.Parse(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := sch.Next(at(tt.from)); !got.Equal(at(tt.want)) {
			t.Errorf("%s after %s = %s, want %s", tt.spec, tt.from, got.In(qms.Zone).Format("2006-01-02 15:04"), tt.want)
		}
	}
	s, _ := newScheduler(t)
	if err := s.Add(jobs.Job{Name: "x", Spec: "61 * * * *"}); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("bad spec accepted: %v", err)
	}
	s.Add(jobs.Job{Name: "compliance", Spec: "0 6 * * *", Run: func(context.Context) (map[string]int, error) { return nil, nil }})
	list := s.List()
	if len(list) != 1 || list[0].Next.In(qms.Zone).Hour() != 6 || list[0].Next.Before(time.Now()) {
		t.Fatalf("list: %+v", list)
	}
}

func TestRunNowSkipsWhileRunningAndRecords(t *testing.T) {
	s, db := newScheduler(t)
	release := make(chan struct{})
	started := make(chan struct{})
	s.Add(jobs.Job{Name: "slow", Spec: "@daily", Run: func(context.Context) (map[string]int, error) {
		close(started)
		<-release
		return map[string]int{"checked": 3}, nil
	}})
	s.Add(jobs.Job{Name: "boom", Spec: "@daily", Run: func(context.Context) (map[string]int, error) { panic("hỏng") }})
	s.Add(jobs.Job{Name: "fail", Spec: "@daily", Run: func(context.Context) (map[string]int, error) { return nil, errors.New("không kết nối được") }})
	done := make(chan qms.JobRun)
	go func() { r, _ := s.RunNow(context.Background(), "slow"); done <- r }()
	<-started
	if r, _ := s.RunNow(context.Background(), "slow"); r.Outcome != qms.RunSkipped {
		t.Fatalf("second run while the first is going: %s", r.Outcome)
	}
	close(release)
	if r := <-done; r.Outcome != qms.RunOK || r.Counts["checked"] != 3 {
		t.Fatalf("first run: %+v", r)
	}
	if r, _ := s.RunNow(context.Background(), "boom"); r.Outcome != qms.RunFailed || r.Error == "" {
		t.Fatalf("panicking job: %+v", r)
	}
	if r, _ := s.RunNow(context.Background(), "fail"); r.Outcome != qms.RunFailed {
		t.Fatalf("failing job: %+v", r)
	}
	if _, err := s.RunNow(context.Background(), "nope"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("unknown job: %v", err)
	}
	runs, _ := db.JobRuns(context.Background(), "", 10)
	got := map[string]int{}
	for _, r := range runs {
		got[r.Job+"/"+r.Outcome]++
		if r.EndedAt == nil || r.Trigger != "manual" {
			t.Errorf("run %+v not finished or wrong trigger", r)
		}
	}
	if got["slow/ok"] != 1 || got["slow/skipped"] != 1 || got["boom/failed"] != 1 || got["fail/failed"] != 1 {
		t.Fatalf("recorded: %v", got)
	}
}

// fakeSchedule fires when the test says: due, every millisecond; not due,
// in a year. Cron asks it for the next run each time it fires one (and
// once at start), and each ask is told on asked.
type fakeSchedule struct {
	due   atomic.Bool
	asked chan struct{}
}

func (f *fakeSchedule) Next(t time.Time) time.Time {
	select {
	case f.asked <- struct{}{}:
	default:
	}
	if f.due.Load() {
		return t.Add(time.Millisecond)
	}
	return t.AddDate(1, 0, 0)
}

// TestScheduledRunsDoNotOverlap: a scheduled run that is still going when
// its job is due again is not started twice (cron says "skip"), and the
// scheduled run is recorded with trigger "schedule". The schedule is a
// fake the test fires, so the test waits on events, never on the clock.
func TestScheduledRunsDoNotOverlap(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "qms.db"), sqlite.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sch := &fakeSchedule{asked: make(chan struct{}, 1)}
	s := jobs.New(jobs.Config{Recorder: db, Logger: slog.New(slog.DiscardHandler), Parse: func(string) (cron.Schedule, error) { return sch, nil }})
	var running, maxRunning, runs atomic.Int32
	started, release := make(chan struct{}, 8), make(chan struct{})
	s.Add(jobs.Job{Name: "tick", Spec: "@every 1s", Run: func(context.Context) (map[string]int, error) {
		n := running.Add(1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		runs.Add(1)
		started <- struct{}{}
		<-release
		running.Add(-1)
		return nil, nil
	}})
	sch.due.Store(true)
	s.Start()
	<-started // the first scheduled run is going
	for range 3 {
		<-sch.asked // cron fired the job again during the run
	}
	sch.due.Store(false)
	close(release)
	s.Stop()
	if runs.Load() < 1 || maxRunning.Load() != 1 {
		t.Fatalf("runs %d, max concurrent %d", runs.Load(), maxRunning.Load())
	}
	recorded, _ := db.JobRuns(context.Background(), "tick", 10)
	if len(recorded) < 1 || recorded[0].Trigger != "schedule" {
		t.Fatalf("scheduled runs recorded: %+v", recorded)
	}
}
