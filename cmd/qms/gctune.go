package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// GOGC bounds of the tuner: never below 50 (a live heap past the target
// is collected at one and a half times its size, not continuously), and
// never above 500 (a heap nearly empty does not wait for the target).
const (
	minGCPercent = 50
	maxGCPercent = 500
)

// gcTuner sets GOGC after each collection so that the next one starts
// when the heap reaches target bytes: GOGC = (target − live) / live.
// It reads the live heap the collection marked (runtime/metrics), which
// does not move with what is allocated after it. gctuner
// (github.com/bytedance/gopkg) reads HeapInuse when its finalizer runs,
// some allocations later, so under load it takes garbage for live heap
// and keeps GOGC low (the commit that brought this file has the figures).
type gcTuner struct {
	target  uint64
	stopped atomic.Bool
}

// startGCTuner tunes GOGC for target from the next collection on.
func startGCTuner(target uint64) *gcTuner {
	t := &gcTuner{target: target}
	t.arm()
	return t
}

// stop leaves GOGC where the last collection set it.
func (t *gcTuner) stop() { t.stopped.Store(true) }

// sentinel holds a pointer so that it is never batched with other small
// objects (a cleanup on such an object may never run).
type sentinel struct{ _ *int }

// arm runs tune after the next collection: the sentinel is unreachable
// from the start, so the collection that sweeps it queues the cleanup.
func (t *gcTuner) arm() {
	runtime.AddCleanup(&sentinel{}, func(t *gcTuner) { t.tune() }, t)
}

func (t *gcTuner) tune() {
	if t.stopped.Load() {
		return
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	debug.SetGCPercent(gcPercent(live[0].Value.Uint64(), t.target))
	t.arm()
}

// gcPercent is the GOGC that starts the next collection at target bytes
// of heap when live bytes survived the last one.
func gcPercent(live, target uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	if live >= target {
		return minGCPercent
	}
	return int(min(max((target-live)*100/live, minGCPercent), maxGCPercent))
}
