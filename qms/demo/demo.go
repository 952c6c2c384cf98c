// Package demo generates a consistent data set through the domain layer:
// agencies, users of every role, a TTHC catalogue, effective procedures
// whose flowcharts record on a controlled form, and dossiers received and
// moved through their steps over past months, on a clock the generator
// advances.
//
// Small (one agency, 2,000 dossiers) receives and moves every dossier
// through the store's services, a transaction per action, so each
// dossier has its own audit trail. Province (20 agencies, a million
// dossiers) cannot afford five million transactions: it replays each
// dossier under the same rules in memory (qms.ReceiveHistory, Complete
// and Apologize on the agency's working-day calendar) and writes the
// histories in batches, one transaction and one audit entry each.
// Agencies, users, catalogues, forms and procedures go through the
// services at both scales.
//
//	clk := demo.NewClock(start)
//	db, _ := sqlite.Open(ctx, path, sqlite.Options{Now: clk.Now})
//	sum, err := demo.Generate(ctx, db, clk, demo.Small, progress)
package demo

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

// Store is what the generator writes through: the same services the web
// app and the CLI use, so the data obeys every domain rule, and the bulk
// doors a data set of a province's size needs.
type Store interface {
	qms.AgencyService
	qms.UserService
	qms.ProcedureService
	qms.FormService
	qms.DossierService
	// HashPassword and CreateUserHashed give the demo users one password
	// hashed once: bcrypt by design costs tens of milliseconds a user.
	HashPassword(password string) (string, error)
	CreateUserHashed(ctx context.Context, u *qms.User, hash string) error
	// Calendar is the agency's working-day calendar, on which histories
	// count their due times.
	Calendar(ctx context.Context, agency string) (*calendar.Calendar, error)
	// LoadDossierHistories writes a batch of histories in one transaction.
	LoadDossierHistories(ctx context.Context, agency string, hs []*qms.DossierHistory) error
}

// Scale sizes a data set.
type Scale struct {
	Name     string
	Agencies int              // at most len(departments)
	TTHC     int              // per agency; four in five get an effective procedure
	Dossiers int              // per agency
	Users    map[qms.Role]int // per agency and role, at least one of each role
	Months   int              // dossiers are received over the months before the start
	// Stalled is the share of the dossiers received in the last 120 days
	// that wait at a step today: the backlog of a real agency.
	Stalled float64
	// Batch, when set, builds the dossiers as histories and writes Batch
	// of them per transaction instead of calling a service per action.
	Batch int
	// Showcase gives the first agency a subordinate unit, internal
	// audits, nonconformities, objectives, feedback and a management
	// review (see Showcase); the store must then implement Showcase.
	Showcase bool
}

// Small is what `make run --demo` loads for a first look.
var Small = Scale{Name: "small", Agencies: 1, TTHC: 50, Dossiers: 2000, Users: map[qms.Role]int{qms.RoleStaff: 4}, Months: 6, Showcase: true}

// Province is a province's departments over a year and a half: 20
// agencies, 3,000 TTHC, 2,000 users, 1,000,000 dossiers.
var Province = Scale{Name: "province", Agencies: 20, TTHC: 150, Dossiers: 50000,
	Users:  map[qms.Role]int{qms.RoleAdmin: 1, qms.RoleQualityOfficer: 2, qms.RoleLeader: 5, qms.RoleStaff: 90, qms.RoleAuditor: 2},
	Months: 18, Stalled: 0.15, Batch: 5000}

// Clock is a settable clock: the store stamps every write with it, so
// dossiers can be received and completed in the past.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the store's clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Password is the password of every demo user.
const Password = "demo-ngua-o-2026"

// Counts are the dossier figures of a data set, as of its start time.
type Counts struct {
	Dossiers  int // received
	Open      int // not finished at the start time
	Overdue   int // open and past the due time at the start time
	Early     int // finished before the due date
	OnTime    int // finished on the due date
	Late      int // finished after it (each after an apology)
	Apologies int
	Steps     int // step records, receipts included
	OpenSteps int // steps waiting
}

func (c *Counts) add(o Counts) {
	c.Dossiers += o.Dossiers
	c.Open += o.Open
	c.Overdue += o.Overdue
	c.Early += o.Early
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.Apologies += o.Apologies
	c.Steps += o.Steps
	c.OpenSteps += o.OpenSteps
}

// Summary is what Generate wrote.
type Summary struct {
	Agencies   []string // codes, in creation order
	Users      int
	TTHC       int
	Procedures int
	Total      Counts
	ByAgency   map[string]*Counts
}

// generator carries one run.
type generator struct {
	s        Store
	clk      *Clock
	sc       Scale
	rng      *rand.Rand
	sys      context.Context
	start    time.Time
	hash     string // of Password
	sum      *Summary
	progress func(done, total int)
}

// Generate writes the data set. progress, when set, is called with the
// dossiers written so far and the total.
func Generate(ctx context.Context, s Store, clk *Clock, sc Scale, progress func(done, total int)) (*Summary, error) {
	if sc.Agencies < 1 || sc.Agencies > len(departments) || sc.TTHC < 5 || sc.Dossiers < 1 {
		return nil, qms.Errorf(qms.EINVALID, "Cỡ dữ liệu mẫu không hợp lệ: 1–%d đơn vị, ít nhất 5 thủ tục và 1 hồ sơ mỗi đơn vị.", len(departments))
	}
	hash, err := s.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	g := &generator{s: s, clk: clk, sc: sc, rng: rand.New(rand.NewSource(2026)), sys: qms.WithActor(ctx, qms.SystemActor("demo")),
		start: clk.Now(), hash: hash, sum: &Summary{ByAgency: map[string]*Counts{}}, progress: progress}
	defer clk.Set(g.start)
	var w *batchWriter
	if sc.Batch > 0 {
		w = startWriter(g.sys, s, sc.Agencies*sc.Dossiers, progress)
	}
	// The agencies set up their forms and procedures a week before the
	// first dossier: a record is made on the version in force at its
	// time, and the compliance scan checks exactly that.
	setupAt := g.start.AddDate(0, -sc.Months, -7)
	for a := range sc.Agencies {
		clk.Set(setupAt)
		ag, err := g.setup(departments[a], a)
		if err == nil {
			err = g.dossiers(ag, w)
		}
		if err == nil && a == 0 && sc.Showcase {
			err = g.showcaseOf(ag)
		}
		if err != nil {
			if w != nil {
				w.close()
			}
			return nil, err
		}
	}
	if w != nil {
		if err := w.close(); err != nil {
			return nil, err
		}
	}
	return g.sum, nil
}

// showcaseOf runs the showcase of agency a at the start time.
func (g *generator) showcaseOf(a *agency) error {
	sh, ok := g.s.(Showcase)
	if !ok {
		return fmt.Errorf("demo: the store %T cannot hold a showcase", g.s)
	}
	g.clk.Set(g.start)
	if err := g.showcase(a, sh); err != nil {
		return fmt.Errorf("showcase of %s: %w", a.code, err)
	}
	return nil
}
