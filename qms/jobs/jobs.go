// Package jobs runs the QMS's scheduled work on robfig/cron: each job has
// a cron spec from configuration, runs in Asia/Ho_Chi_Minh, is skipped
// while its previous run is still going, recovers from panics, and every
// run (scheduled or started by hand) is recorded with its outcome and
// counts. The work itself lives in the store and the domain, so the same
// check runs from cron, the CLI and the UI.
//
//	s := jobs.New(jobs.Config{Recorder: db, Logger: log})
//	s.Add(jobs.Job{Name: "compliance", Spec: "0 6 * * *", Run: func(ctx context.Context) (map[string]int, error) { ... }})
//	s.Start()
//	defer s.Stop()
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"isodt/qms"
)

// Recorder keeps the record of job runs (qms/sqlite implements it).
type Recorder interface {
	StartJobRun(ctx context.Context, job, trigger string) (int64, error)
	FinishJobRun(ctx context.Context, id int64, outcome string, counts map[string]int, errText string) error
}

// SlotClaimer is a Recorder that several servers share (qms/postgres):
// a scheduled run happens only on the server that first claims its slot,
// the job and the minute it fell due (by that server's clock, so the
// servers' clocks must agree to well within a minute). A manual run
// claims nothing.
type SlotClaimer interface {
	ClaimJobSlot(ctx context.Context, job string, slot time.Time) (bool, error)
}

// Job is one kind of scheduled work.
type Job struct {
	Name  string // stable id: compliance, deadlines, reminders, backup, audit-verify
	Title string // Vietnamese, for the UI
	Spec  string // cron spec: 5 fields or a descriptor such as @hourly
	Run   func(ctx context.Context) (map[string]int, error)
}

// Config wires a scheduler.
type Config struct {
	Recorder Recorder
	Logger   *slog.Logger
	Location *time.Location // default Asia/Ho_Chi_Minh
	// Parse turns a job's spec into its schedule, after the spec passed
	// Parser (default Parser.Parse). Tests pass a schedule that fires when
	// they say, so they wait on events rather than on the wall clock.
	Parse func(spec string) (cron.Schedule, error)
}

// Scheduler owns the cron and the jobs.
type Scheduler struct {
	cron  *cron.Cron
	rec   Recorder
	log   *slog.Logger
	parse func(spec string) (cron.Schedule, error)
	mu    sync.Mutex
	jobs  map[string]*entry
}

type entry struct {
	job  Job
	id   cron.EntryID
	busy sync.Mutex // held while a run is going: one run at a time
}

// Parser reads specs: five fields (minute hour day month weekday) or a
// descriptor (@hourly, @daily, @every 1h).
var Parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// New builds a stopped scheduler.
func New(cfg Config) *Scheduler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Location == nil {
		cfg.Location = qms.Zone
	}
	logger := cron.PrintfLogger(slogPrintf{cfg.Logger})
	c := cron.New(cron.WithLocation(cfg.Location), cron.WithParser(Parser),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	if cfg.Parse == nil {
		cfg.Parse = Parser.Parse
	}
	return &Scheduler{cron: c, rec: cfg.Recorder, log: cfg.Logger, parse: cfg.Parse, jobs: map[string]*entry{}}
}

// Add schedules a job; a bad spec is an EINVALID error naming the job.
func (s *Scheduler) Add(j Job) error {
	if _, err := Parser.Parse(j.Spec); err != nil {
		return qms.FieldError("spec", "Lịch chạy %q của tác vụ %s không hợp lệ: %v.", j.Spec, j.Name, err)
	}
	sch, err := s.parse(j.Spec)
	if err != nil {
		return err
	}
	e := &entry{job: j}
	e.id = s.cron.Schedule(sch, cron.FuncJob(func() { s.scheduled(e) }))
	s.mu.Lock()
	s.jobs[j.Name] = e
	s.mu.Unlock()
	return nil
}

// Start begins running jobs on schedule.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and waits for running jobs.
func (s *Scheduler) Stop() { <-s.cron.Stop().Done() }

// List returns every job with its next run, by name.
func (s *Scheduler) List() []qms.JobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []qms.JobInfo
	for _, e := range s.jobs {
		ce := s.cron.Entry(e.id)
		info := qms.JobInfo{Name: e.job.Name, Title: e.job.Title, Spec: e.job.Spec, Next: ce.Next, Prev: ce.Prev, When: Describe(e.job.Spec)}
		if info.Next.IsZero() {
			// Not started: compute the next run from now.
			sch, _ := s.parse(e.job.Spec)
			info.Next = sch.Next(time.Now().In(s.cron.Location()))
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RunNow runs a job at once (from the UI or the CLI) and waits for it. A
// job already running is not started twice: the run is recorded skipped.
func (s *Scheduler) RunNow(ctx context.Context, name string) (qms.JobRun, error) {
	s.mu.Lock()
	e, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return qms.JobRun{}, qms.Errorf(qms.ENOTFOUND, "Không có tác vụ %q.", name)
	}
	return s.run(ctx, e, "manual"), nil
}

// scheduled runs e on schedule, unless another server claimed the slot.
func (s *Scheduler) scheduled(e *entry) {
	ctx := context.Background()
	if c, ok := s.rec.(SlotClaimer); ok {
		slot := time.Now().In(s.cron.Location()).Truncate(time.Minute)
		claimed, err := c.ClaimJobSlot(ctx, e.job.Name, slot)
		if err != nil {
			s.log.Error("job slot not claimed; run skipped", "job", e.job.Name, "slot", slot, "err", err)
			return
		} else if !claimed {
			return // another server runs this slot
		}
	}
	s.run(ctx, e, "schedule")
}

// run executes one run with the record around it. The busy lock makes a
// manual run and a scheduled one exclusive too (cron's SkipIfStillRunning
// only sees its own runs); a panic is recovered into a failed run.
func (s *Scheduler) run(ctx context.Context, e *entry, trigger string) (r qms.JobRun) {
	r = qms.JobRun{Job: e.job.Name, Trigger: trigger, StartedAt: time.Now(), Outcome: qms.RunRunning}
	id, err := s.rec.StartJobRun(ctx, e.job.Name, trigger)
	if err != nil {
		s.log.Error("job run not recorded", "job", e.job.Name, "err", err)
	}
	r.ID = id
	if !e.busy.TryLock() {
		r.Outcome = qms.RunSkipped
		s.finish(ctx, &r, nil, "lần chạy trước chưa xong")
		return r
	}
	defer e.busy.Unlock()
	var counts map[string]int
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		counts, err = e.job.Run(ctx)
	}()
	r.Outcome = qms.RunOK
	errText := ""
	if err != nil {
		r.Outcome, errText = qms.RunFailed, err.Error()
		s.log.Error("job failed", "job", e.job.Name, "trigger", trigger, "err", err)
	} else {
		s.log.Info("job done", "job", e.job.Name, "trigger", trigger, "counts", counts)
	}
	s.finish(ctx, &r, counts, errText)
	return r
}

func (s *Scheduler) finish(ctx context.Context, r *qms.JobRun, counts map[string]int, errText string) {
	now := time.Now()
	r.EndedAt, r.Counts, r.Error = &now, counts, errText
	if r.ID == 0 {
		return
	}
	if err := s.rec.FinishJobRun(context.WithoutCancel(ctx), r.ID, r.Outcome, counts, errText); err != nil {
		s.log.Error("job run not recorded", "job", r.Job, "err", err)
	}
}

// slogPrintf lets cron's wrappers log through slog.
type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(format string, args ...any) { p.l.Info(fmt.Sprintf(format, args...)) }
