package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"isodt/qms"
)

// receiveHistory starts the history of a dossier: the code is the next
// running number of the agency in the year of receipt (the agency is new,
// so the numbers are the generator's to give; the store moves its
// sequence past them), the rest is qms.ReceiveHistory.
func (g *generator) receiveHistory(a *agency, p procedure, d qms.Dossier) (handler, error) {
	year := d.ReceivedAt.In(qms.Zone).Year()
	a.seq[year]++
	d.Code = qms.DossierCode(a.code, year, a.seq[year])
	d.ProcedureID, d.VersionNumber = p.id, p.version
	h, err := qms.ReceiveHistory(d, p.chart, a.cal, p.tthc.TimeLimitDays, a.someone(qms.RoleStaff, g.rng))
	if err != nil {
		return nil, err
	}
	return &historyHandler{g: g, a: a, p: p, h: h}, nil
}

// historyHandler acts on an in-memory history; the actor of each step is
// any user of the role.
type historyHandler struct {
	g *generator
	a *agency
	p procedure
	h *qms.DossierHistory
}

func (x *historyHandler) dossier() *qms.Dossier { return &x.h.Dossier }
func (x *historyHandler) steps() int            { return len(x.h.Steps) }

func (x *historyHandler) complete(role qms.Role, in qms.CompleteStep, at time.Time) error {
	return x.h.Complete(x.p.chart, x.a.cal, in, at, x.a.someone(role, x.g.rng))
}

func (x *historyHandler) apologize(newAppointment, at time.Time) error {
	return x.h.Apologize(x.p.chart, x.a.cal, newAppointment, at)
}

// batchWriter writes batches of histories on its own goroutine while the
// generator builds the next: on two cores, building and SQLite overlap.
// Batches are written in the order given.
type batchWriter struct {
	batches chan batch
	done    chan struct{}
	mu      sync.Mutex
	err     error
}

type batch struct {
	agency string
	hs     []*qms.DossierHistory
}

// startWriter reports progress after each batch, out of total dossiers.
func startWriter(ctx context.Context, s Store, total int, progress func(done, total int)) *batchWriter {
	w := &batchWriter{batches: make(chan batch, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		written := 0
		for b := range w.batches {
			if w.failed() != nil {
				continue // keep draining: the generator stops at its next write
			}
			if err := s.LoadDossierHistories(ctx, b.agency, b.hs); err != nil {
				w.mu.Lock()
				w.err = fmt.Errorf("write dossiers %s…%s: %w", b.hs[0].Dossier.Code, b.hs[len(b.hs)-1].Dossier.Code, err)
				w.mu.Unlock()
				continue
			}
			written += len(b.hs)
			progress(written, total)
		}
	}()
	return w
}

// write queues a batch, or returns the error a previous one failed with.
func (w *batchWriter) write(agency string, hs []*qms.DossierHistory) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.batches <- batch{agency, hs}
	return nil
}

func (w *batchWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// close waits for the queued batches and returns the first error.
func (w *batchWriter) close() error {
	close(w.batches)
	<-w.done
	return w.failed()
}
