package qmstest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"isodt/qms/flowchart"
	"isodt/qms/qmstest"
)

// TestOneSource6fSharedHelpers: the shared clock moves only when told, and
// the shared buffer keeps every line written from many goroutines; the
// reference chart is valid.
func TestOneSource6fSharedHelpers(t *testing.T) {
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	clk := qmstest.NewClock(start)
	if !clk.Now().Equal(start) {
		t.Fatalf("Now = %s, want %s", clk.Now(), start)
	}
	clk.Add(48 * time.Hour)
	if want := start.Add(48 * time.Hour); !clk.Now().Equal(want) {
		t.Errorf("after Add: %s, want %s", clk.Now(), want)
	}
	clk.Set(start)
	if !clk.Now().Equal(start) {
		t.Errorf("after Set: %s, want %s", clk.Now(), start)
	}

	var buf qmstest.Buffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); fmt.Fprintf(&buf, "line %d\n", i) }()
	}
	wg.Wait()
	if n := strings.Count(buf.String(), "\n"); n != 50 {
		t.Errorf("buffer holds %d lines, want 50", n)
	}

	if err := flowchart.Validate(qmstest.DecisionChart(), flowchart.ValidateOptions{}).Err(); err != nil {
		t.Errorf("DecisionChart: %v", err)
	}
}
