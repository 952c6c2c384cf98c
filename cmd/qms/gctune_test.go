package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		live, target uint64
		want         int
	}{
		{22 * mib, 112 * mib, 409}, // a server at rest: about the fixed GOGC=400 of before
		{30 * mib, 112 * mib, 273}, // a compliance scan holding more
		{20 * mib, 200 * mib, 500}, // capped
		{100 * mib, 112 * mib, 50}, // near the target: collected at 1.5 times, not continuously
		{200 * mib, 112 * mib, 50}, // past it
		{0, 112 * mib, 500},
	}
	for _, tt := range tests {
		if got := gcPercent(tt.live, tt.target); got != tt.want {
			t.Errorf("gcPercent(%d MiB, %d MiB) = %d, want %d", tt.live/mib, tt.target/mib, got, tt.want)
		}
	}
}

// TestGCTunerSetsGOGC: after a collection the tuner has set GOGC from the
// live heap the collection marked; once stopped it leaves GOGC alone.
func TestGCTunerSetsGOGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	gogc := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	tuner := startGCTuner(1 << 40) // far above any test's heap: the cap
	defer tuner.stop()
	deadline := time.Now().Add(5 * time.Second)
	for gogc() != maxGCPercent {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d after collections, want %d", gogc(), maxGCPercent)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	tuner.stop()
	debug.SetGCPercent(100)
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := gogc(); got != 100 {
		t.Fatalf("GOGC %d after the tuner stopped, want 100 (left alone)", got)
	}
}
