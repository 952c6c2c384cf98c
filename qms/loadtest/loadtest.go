// Package loadtest drives a running server over HTTP with a fixed number
// of concurrent clients, each request timed, and samples the server's
// resident memory meanwhile. A scenario is bounded twice, by a request
// count and by a duration, so a load test always stops by itself.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario is one kind of request repeated by Clients workers until
// Requests have been sent or Duration has passed, whichever comes first.
type Scenario struct {
	Name     string
	Clients  int
	Requests int
	Duration time.Duration
	// Do sends request number i (0-based, unique across workers) as worker
	// w. An error counts the request as failed; its latency still counts.
	Do func(ctx context.Context, w, i int) error
	// Goal describes the target for the table ("p99 < 50 ms"), and Check
	// says whether the result meets it; both optional.
	Goal  string
	Check func(r Result) bool
	// Kinds name the kinds of request of a mixed scenario, and Kind says
	// which one request i of worker w is (an index into Kinds; Do must
	// send that kind). Each kind is then measured apart as well.
	Kinds []string
	Kind  func(w, i int) int
}

// ErrDone from Do means the worker has no more work: it stops, and the
// call is not counted.
var ErrDone = errors.New("loadtest: worker done")

// Result is what a scenario measured. JSON names are read by scripts.
type Result struct {
	Scenario   string  `json:"scenario"`
	Clients    int     `json:"clients"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	ReqPerSec  float64 `json:"req_per_s"`
	P50Ms      float64 `json:"p50_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	Goal       string  `json:"goal,omitempty"`
	Met        *bool   `json:"met,omitempty"`
	FirstError string  `json:"first_error,omitempty"`
	// Kinds are the figures of each kind of request of a mixed scenario,
	// over the same elapsed time.
	Kinds []KindResult `json:"kinds,omitempty"`
}

// KindResult is the share of one kind of request in a mixed scenario.
type KindResult struct {
	Kind      string  `json:"kind"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	ReqPerSec float64 `json:"req_per_s"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
}

// Kind returns the figures of the named kind of request, if measured.
func (r Result) Kind(name string) (KindResult, bool) {
	for _, k := range r.Kinds {
		if k.Kind == name {
			return k, true
		}
	}
	return KindResult{}, false
}

// Run executes s and measures it; rss, when set, is sampled every 10 ms
// for the peak resident set of the server under test.
func Run(ctx context.Context, s Scenario, rss func() (int64, error)) Result {
	ctx, cancel := context.WithTimeout(ctx, s.Duration)
	defer cancel()
	var next atomic.Int64
	kinds := max(1, len(s.Kinds))
	// lat[w][k]: worker w's latencies of requests of kind k.
	lat := make([][][]time.Duration, s.Clients)
	for w := range lat {
		lat[w] = make([][]time.Duration, kinds)
	}
	kindErrs := make([]atomic.Int64, kinds)
	var errs atomic.Int64
	var firstErr atomic.Value

	var peak atomic.Int64
	stopSampling := sample(rss, &peak)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < s.Clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= s.Requests {
					return
				}
				k := 0
				if s.Kind != nil {
					k = s.Kind(w, i)
				}
				t0 := time.Now()
				err := s.Do(ctx, w, i)
				if errors.Is(err, ErrDone) {
					return
				}
				if err != nil && ctx.Err() != nil {
					return // cut off by the time bound, not a failure
				}
				lat[w][k] = append(lat[w][k], time.Since(t0))
				if err != nil {
					errs.Add(1)
					kindErrs[k].Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopSampling()

	var all []time.Duration
	perKind := make([][]time.Duration, kinds)
	for _, l := range lat {
		for k, d := range l {
			all = append(all, d...)
			perKind[k] = append(perKind[k], d...)
		}
	}
	slices.Sort(all)
	r := Result{Scenario: s.Name, Clients: s.Clients, Requests: len(all), Errors: int(errs.Load()), Seconds: round(elapsed.Seconds(), 3),
		P50Ms: ms(quantile(all, 0.50)), P99Ms: ms(quantile(all, 0.99)), MaxMs: ms(quantile(all, 1)), PeakRSSMB: round(float64(peak.Load())/(1<<20), 1), Goal: s.Goal}
	if elapsed > 0 {
		r.ReqPerSec = round(float64(len(all))/elapsed.Seconds(), 1)
	}
	for k, name := range s.Kinds {
		d := perKind[k]
		slices.Sort(d)
		kr := KindResult{Kind: name, Requests: len(d), Errors: int(kindErrs[k].Load()), P50Ms: ms(quantile(d, 0.50)), P99Ms: ms(quantile(d, 0.99))}
		if elapsed > 0 {
			kr.ReqPerSec = round(float64(len(d))/elapsed.Seconds(), 1)
		}
		r.Kinds = append(r.Kinds, kr)
	}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	if s.Check != nil {
		// A goal is never met by a scenario none of whose requests
		// finished in its time: its latencies are empty, not fast.
		met := len(all) > 0 && s.Check(r)
		r.Met = &met
	}
	return r
}

// sample polls rss until the returned stop is called, keeping the peak.
func sample(rss func() (int64, error), peak *atomic.Int64) (stop func()) {
	if rss == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	read := func() {
		if v, err := rss(); err == nil && v > peak.Load() {
			peak.Store(v)
		}
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-done:
				read()
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// quantile is the nearest-rank quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 2) }

func round(f float64, places int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', places, 64), 64)
	return v
}

// ProcessRSS reads the resident set size of a process from /proc (Linux).
func ProcessRSS(pid int) func() (int64, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	return func() (int64, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				return kb << 10, err
			}
		}
		return 0, fmt.Errorf("no VmRSS in %s", path)
	}
}

// WriteTable prints results as an aligned text table.
func WriteTable(w io.Writer, rs []Result) {
	fmt.Fprintf(w, "%-28s %7s %8s %10s %9s %9s %7s %9s  %s\n", "scenario", "clients", "requests", "req/s", "p50 ms", "p99 ms", "errors", "RSS MB", "goal")
	for _, r := range rs {
		goal := r.Goal
		if r.Met != nil {
			goal = map[bool]string{true: "ĐẠT ", false: "CHƯA ĐẠT "}[*r.Met] + goal
		}
		fmt.Fprintf(w, "%-28s %7d %8d %10.1f %9.2f %9.2f %7d %9.1f  %s\n", r.Scenario, r.Clients, r.Requests, r.ReqPerSec, r.P50Ms, r.P99Ms, r.Errors, r.PeakRSSMB, goal)
		for _, k := range r.Kinds {
			fmt.Fprintf(w, "%-28s %7s %8d %10.1f %9.2f %9.2f %7d\n", "  · "+k.Kind, "", k.Requests, k.ReqPerSec, k.P50Ms, k.P99Ms, k.Errors)
		}
	}
}
