package loadtest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	for _, tc := range []struct {
		in   []time.Duration
		q    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 100), 0.99, 100 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 100), 0.5, 5 * time.Millisecond},
	} {
		if got := quantile(tc.in, tc.q); got != tc.want {
			t.Errorf("quantile(%v, %v) = %v, want %v", tc.in, tc.q, got, tc.want)
		}
	}
}

// A scenario against a real HTTP server: the request cap holds, failures
// are counted, and a worker that runs out of work stops uncounted.
func TestRunCountsRequestsAndErrors(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.URL.Path == "/fail" {
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	get := func(path string) error {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return errors.New(resp.Status)
		}
		return nil
	}
	r := Run(context.Background(), Scenario{Name: "mixed", Clients: 4, Requests: 200, Duration: time.Minute,
		Do: func(ctx context.Context, w, i int) error {
			if w == 3 {
				return ErrDone
			}
			if i%10 == 0 {
				return get("/fail")
			}
			return get("/")
		},
		Check: func(r Result) bool { return r.Errors == 0 }}, ProcessRSS(os.Getpid()))
	if r.Requests != int(served.Load()) || r.Requests < 150 || r.Requests > 200 {
		t.Fatalf("requests = %d, served %d", r.Requests, served.Load())
	}
	if r.Errors == 0 || r.Errors > r.Requests/5 || !strings.Contains(r.FirstError, "500") {
		t.Fatalf("errors = %d (%q)", r.Errors, r.FirstError)
	}
	if r.Met == nil || *r.Met || r.PeakRSSMB <= 0 || r.P99Ms < r.P50Ms || r.ReqPerSec <= 0 {
		t.Fatalf("result %+v", r)
	}
	var b bytes.Buffer
	WriteTable(&b, []Result{r})
	if !strings.Contains(b.String(), "mixed") || !strings.Contains(b.String(), "CHƯA ĐẠT") {
		t.Fatalf("table:\n%s", b.String())
	}
}

// The duration bound stops a scenario whose request cap is out of reach.
func TestRunStopsAtDuration(t *testing.T) {
	start := time.Now()
	r := Run(context.Background(), Scenario{Name: "slow", Clients: 2, Requests: 1 << 30, Duration: 200 * time.Millisecond,
		Do: func(ctx context.Context, w, i int) error {
			select {
			case <-time.After(10 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}, nil)
	if d := time.Since(start); d > 2*time.Second || r.Requests == 0 || r.Errors != 0 {
		t.Fatalf("took %v, %d requests, %d errors", d, r.Requests, r.Errors)
	}
}

// A mixed scenario measures each kind of request apart: the kinds add up
// to the whole, and an error is charged to the kind that failed.
func TestOneSource5MixedScenarioKinds(t *testing.T) {
	r := Run(context.Background(), Scenario{Name: "mixed", Clients: 4, Requests: 100, Duration: time.Minute,
		Kinds: []string{"read", "write"},
		Kind: func(w, i int) int {
			if i%5 == 0 {
				return 1
			}
			return 0
		},
		Do: func(ctx context.Context, w, i int) error {
			if i == 5 {
				return errors.New("refused")
			}
			if i%5 == 0 {
				time.Sleep(2 * time.Millisecond)
			}
			return nil
		}}, nil)
	read, okR := r.Kind("read")
	write, okW := r.Kind("write")
	if !okR || !okW || read.Requests != 80 || write.Requests != 20 || read.Requests+write.Requests != r.Requests {
		t.Fatalf("kinds %+v of %d requests", r.Kinds, r.Requests)
	}
	if write.Errors != 1 || read.Errors != 0 || r.Errors != 1 || write.P50Ms < 2 || read.P50Ms >= write.P50Ms || write.ReqPerSec <= 0 {
		t.Fatalf("kinds %+v, errors %d", r.Kinds, r.Errors)
	}
	var b bytes.Buffer
	WriteTable(&b, []Result{r})
	if !strings.Contains(b.String(), "· write") {
		t.Fatalf("table:\n%s", b.String())
	}
}
