package demo

import (
	"fmt"
	"time"

	"isodt/qms"
)

// handler carries out the actions on one dossier: through the services,
// a transaction each (serviceHandler), or on an in-memory history written
// later in bulk (historyHandler). The scenario in work is the same.
type handler interface {
	dossier() *qms.Dossier
	complete(role qms.Role, in qms.CompleteStep, at time.Time) error
	apologize(newAppointment, at time.Time) error
	steps() int // step records so far, the receipt included
}

// action is one step of the scenario: who completes which step, with
// which exit, after waiting up to share of the dossier's working time.
type action struct {
	role  qms.Role
	step  string
	exit  string
	share float64
}

var (
	firstPass = []action{{qms.RoleStaff, "tham-dinh", "", 0.4}, {qms.RoleStaff, "dat", "Đạt", 0.1}, {qms.RoleLeader, "ky", "", 0.35}}
	rework    = []action{{qms.RoleStaff, "tham-dinh", "", 0.3}, {qms.RoleStaff, "dat", "Cần bổ sung", 0.05}}
)

// dossiers receives the agency's dossiers over the months before the
// start, in order, spread evenly over its working time (each in its own
// slot), and moves each on.
func (g *generator) dossiers(a *agency, w *batchWriter) error {
	origin := g.start.AddDate(0, -g.sc.Months, 0)
	gap := a.cal.WorkingDuration(origin, g.start) / time.Duration(g.sc.Dossiers)
	slot, err := a.cal.ClockStart(origin)
	if err != nil {
		return err
	}
	counts := &Counts{}
	g.sum.ByAgency[a.code] = counts
	var batch []*qms.DossierHistory
	for range g.sc.Dossiers {
		received, err := a.cal.AddWorkingHours(slot, time.Duration(g.rng.Float64()*float64(gap)))
		if err != nil {
			return err
		}
		if slot, err = a.cal.AddWorkingHours(slot, gap); err != nil {
			return err
		}
		p := a.procs[g.rng.Intn(len(a.procs))]
		d := qms.Dossier{AgencyCode: a.code, TTHCCode: p.tthc.Code, Channel: []qms.Channel{qms.ChannelCounter, qms.ChannelOnline, qms.ChannelPost}[g.rng.Intn(3)],
			Applicant:  qms.Applicant{Name: applicant(g.rng), IDNumber: fmt.Sprintf("0010%08d", g.rng.Intn(1e8)), Phone: fmt.Sprintf("09%08d", g.rng.Intn(1e8))},
			ReceivedAt: received}
		var h handler
		if w == nil {
			h, err = g.receive(a, d)
		} else {
			h, err = g.receiveHistory(a, p, d)
		}
		if err != nil {
			return fmt.Errorf("receive a dossier of %s: %w", a.code, err)
		}
		if err := g.work(a, h); err != nil {
			return fmt.Errorf("dossier %s: %w", h.dossier().Code, err)
		}
		c := g.count(h)
		counts.add(c)
		g.sum.Total.add(c)
		if w == nil {
			if g.sum.Total.Dossiers%100 == 0 {
				g.progress(g.sum.Total.Dossiers, g.sc.Agencies*g.sc.Dossiers)
			}
			continue
		}
		batch = append(batch, h.(*historyHandler).h)
		if len(batch) == g.sc.Batch {
			if err := w.write(a.code, batch); err != nil {
				return err
			}
			batch = nil
		}
	}
	if len(batch) > 0 {
		return w.write(a.code, batch)
	}
	if w == nil {
		g.progress(g.sum.Total.Dossiers, g.sc.Agencies*g.sc.Dossiers)
	}
	return nil
}

// work moves a received dossier on as an agency does: each step takes a
// random share of the working time to the due date, so most finish early
// or on time and some run late, with the apology the law requires before
// a late return; one in twelve is sent back from the check once. Steps
// that would be done after the start time are still open, and a share of
// the recent dossiers is stalled at one of its steps.
func (g *generator) work(a *agency, h handler) error {
	d := h.dossier()
	due := d.DueAt
	span := float64(a.cal.WorkingDuration(d.ReceivedAt, d.DueAt))
	at := d.ReceivedAt
	wait := func(share float64) (bool, error) {
		var err error
		at, err = a.cal.AddWorkingHours(at, time.Duration(g.rng.Float64()*share*span))
		return err == nil && !at.After(g.start), err
	}
	script := firstPass
	if g.rng.Intn(12) == 0 {
		script = append(append([]action{}, rework...), firstPass...)
	}
	stall := -1
	if g.sc.Stalled > 0 && g.start.Sub(d.ReceivedAt) < 120*24*time.Hour && g.rng.Float64() < g.sc.Stalled {
		stall = g.rng.Intn(len(script) + 1) // the return step included
	}
	for i, s := range script {
		if ok, err := wait(s.share); err != nil || !ok || i == stall {
			return err
		}
		in := qms.CompleteStep{StepID: s.step, Exit: s.exit, Note: "Đã xử lý"}
		if s.step == "tham-dinh" {
			var err error
			if in.Entry, err = a.form.entry(d.Code); err != nil {
				return err
			}
			in.FormVersion = a.form.version
		}
		if err := h.complete(s.role, in, at); err != nil {
			return err
		}
	}
	if ok, err := wait(0.3); err != nil || !ok || stall == len(script) {
		return err
	}
	if qms.Classify(at, due) == qms.Late {
		later, err := a.cal.AddWorkingHours(at, 2*a.cal.Hours().DayLength())
		if err != nil {
			return err
		}
		if err := h.apologize(later, at); err != nil {
			return err
		}
	}
	return h.complete(qms.RoleStaff, qms.CompleteStep{StepID: "tra", Note: "Đã trả kết quả"}, at)
}

// count tallies a dossier as it stands at the start time.
func (g *generator) count(h handler) Counts {
	d := h.dossier()
	c := Counts{Dossiers: 1, Steps: h.steps()}
	if d.NewAppointment != nil {
		c.Apologies++
	}
	switch {
	case !d.Status.Finished():
		c.Open, c.OpenSteps = 1, len(d.Flow.Open)
		if d.DueAt.Before(g.start) {
			c.Overdue++
		}
	case d.Result == qms.Early:
		c.Early++
	case d.Result == qms.OnTime:
		c.OnTime++
	case d.Result == qms.Late:
		c.Late++
	}
	return c
}

// receive files a dossier through ReceiveDossier at its time of receipt.
func (g *generator) receive(a *agency, d qms.Dossier) (handler, error) {
	g.clk.Set(d.ReceivedAt)
	if err := g.s.ReceiveDossier(a.as(g.sys, qms.RoleStaff), &d); err != nil {
		return nil, err
	}
	return &serviceHandler{g: g, a: a, d: &d, n: 1}, nil
}

// serviceHandler acts through the store, a transaction per action, with
// the clock set to the time of the action.
type serviceHandler struct {
	g *generator
	a *agency
	d *qms.Dossier
	n int
}

func (h *serviceHandler) dossier() *qms.Dossier { return h.d }
func (h *serviceHandler) steps() int            { return h.n }

func (h *serviceHandler) complete(role qms.Role, in qms.CompleteStep, at time.Time) error {
	h.g.clk.Set(at)
	d, err := h.g.s.CompleteStep(h.a.signs(h.g.sys, role), h.a.code, h.d.Code, in)
	if err == nil {
		h.d = d
		h.n++
	}
	return err
}

func (h *serviceHandler) apologize(newAppointment, at time.Time) error {
	h.g.clk.Set(at)
	d, err := h.g.s.Apologize(h.a.as(h.g.sys, qms.RoleStaff), h.a.code, h.d.Code, newAppointment, "Hồ sơ cần lấy ý kiến cơ quan liên quan")
	if err == nil {
		h.d = d
	}
	return err
}
