package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestBackupDrillUnderLoad is the restore drill an operator runs: while
// four writers receive dossiers and complete their steps, `qms backup`
// copies the live database five times. Each copy must open with the CLI,
// pass `qms audit verify`, hold every dossier committed before the backup
// began and none that was not yet started when it ended, and hold no half
// written dossier (each has its receipt's audit entry and start step, and
// its open steps agree with its flow).
func TestBackupDrillUnderLoad(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "qms.db")
	seedDB(t, dbPath)
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := staffCtx(t, db)
	// 16 MiB of evidence files make each copy take long enough (tens of
	// ms) for commits to land while it runs, as on a real database.
	for i := range 4 {
		data := bytes.Repeat([]byte{byte(i)}, 4<<20)
		if _, err := db.PutFile(ctx, fmt.Sprintf("bien-ban-%d.pdf", i), "application/pdf", data); err != nil {
			t.Fatal(err)
		}
	}
	w := &drillWriters{ctx: ctx, leader: userCtx(t, db, seedLeader), db: db, stop: make(chan struct{})}
	w.start(4)
	defer w.halt()
	for deadline := time.Now().Add(10 * time.Second); w.committed() < 20; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("writers committed only %d dossiers in 10 s: %v", w.committed(), w.failure())
		}
	}

	last, overlapped := 0, 0
	for i := 1; i <= 5; i++ {
		dest := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		before := w.snapshot() // committed before the backup began
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"backup", dest, "--db", dbPath}, strings.NewReader(""), &out, &errb)
		started := w.started.Load() // anything in the copy was started by now
		if code != 0 || !strings.Contains(out.String(), "ok backup written") {
			t.Fatalf("backup %d under load: exit %d\n%s%s", i, code, out.String(), errb.String())
		}
		if w.committed() > len(before) {
			overlapped++ // a receipt committed while the backup ran
		}
		// The copy is checked before the CLI opens it: opening migrates
		// and bootstraps, which must not be what makes it whole.
		n := checkDossiers(t, dest)
		if n < len(before) || int64(n) > started {
			t.Errorf("backup %d holds %d dossiers: %d were committed before it began, %d started before it ended", i, n, len(before), started)
		}
		inCopy := map[string]bool{}
		for _, c := range dossierCodes(t, dest) {
			inCopy[c] = true
		}
		for _, c := range before {
			if !inCopy[c] {
				t.Errorf("backup %d lacks dossier %s, committed before the backup began", i, c)
			}
		}
		cp := &cli{t: t, db: dest}
		if code, out, errText := cp.run("", "audit", "verify"); code != 0 || !regexp.MustCompile(`^ok \d+ entries\n$`).MatchString(out) {
			t.Errorf("qms audit verify --db backup %d: exit %d %q %s", i, code, out, errText)
		}
		// The copy serves: the store finds in it the last dossier of the
		// snapshot, with its receipt.
		copyDB, err := sqlite.Open(context.Background(), dest, sqlite.Options{})
		if err != nil {
			t.Fatalf("open backup %d: %v", i, err)
		}
		if d, err := copyDB.FindDossier(context.Background(), seedAgency, before[len(before)-1]); err != nil {
			t.Errorf("backup %d: %v", i, err)
		} else if recs, err := copyDB.StepRecords(context.Background(), d.ID); err != nil || len(recs) == 0 {
			t.Errorf("backup %d: dossier %s has no step records: %v", i, d.Code, err)
		}
		copyDB.Close()
		t.Logf("backup %d: %d dossiers (≥ %d committed before it, ≤ %d started before its end)", i, n, len(before), started)
		last = n
		time.Sleep(20 * time.Millisecond)
	}
	w.halt()
	if err := w.failure(); err != nil {
		t.Fatalf("a writer failed during the backups: %v", err)
	}
	if overlapped == 0 || w.committed() <= last {
		t.Fatalf("no write ran during any backup (%d live, %d in the last copy): the drill was not under load", w.committed(), last)
	}
	// The live database stays whole too.
	checkDossiers(t, dbPath)
}

// drillWriters receive dossiers and complete their whole flow through the
// store until halted, noting each dossier once its receipt committed.
type drillWriters struct {
	ctx     context.Context // the staff's
	leader  context.Context // signs
	db      *sqlite.DB
	stop    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
	started atomic.Int64

	mu    sync.Mutex
	codes []string
	err   error
}

func (w *drillWriters) start(n int) {
	for i := 0; i < n; i++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for {
				select {
				case <-w.stop:
					return
				default:
				}
				if err := w.one(); err != nil {
					w.mu.Lock()
					w.err = errors.Join(w.err, err)
					w.mu.Unlock()
					return
				}
			}
		}()
	}
}

// pause spaces a writer's transactions, as clerks and one-stop systems
// do. Writers that keep the lock busy all the time starve every other
// connection, the backup's included, for seconds (see the report).
func (w *drillWriters) pause() { time.Sleep(5 * time.Millisecond) }

func (w *drillWriters) one() error {
	w.pause()
	d := &qms.Dossier{AgencyCode: seedAgency, TTHCCode: seedTTHC, Applicant: qms.Applicant{Name: "Trần Thị B"}, Channel: qms.ChannelOnline}
	w.started.Add(1)
	if err := w.db.ReceiveDossier(w.ctx, d); err != nil {
		return fmt.Errorf("receive: %w", err)
	}
	w.mu.Lock()
	w.codes = append(w.codes, d.Code)
	w.mu.Unlock()
	for _, f := range seedFlow {
		w.pause()
		ctx := w.ctx
		if seedActor(f.step) == seedLeader {
			ctx = w.leader
		}
		if _, err := w.db.CompleteStep(ctx, seedAgency, d.Code, qms.CompleteStep{StepID: f.step, Exit: f.exit}); err != nil {
			return fmt.Errorf("dossier %s step %s: %w", d.Code, f.step, err)
		}
	}
	return nil
}

func (w *drillWriters) halt() {
	w.once.Do(func() { close(w.stop) })
	w.wg.Wait()
}

func (w *drillWriters) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.codes...)
}

func (w *drillWriters) committed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.codes)
}

func (w *drillWriters) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
