package sqlstore

import (
	"fmt"
	"testing"
)

// TestFaultRanges: a record falls in one of the seek ranges exactly when
// its version is not the one in force at its time, for every version
// number and time around the timeline's edges.
func TestFaultRanges(t *testing.T) {
	ts := func(d int) string { return fmt.Sprintf("2026-01-%02dT00:00:00Z", d) }
	lines := map[string][]inForce{
		"no version ever":       {{n: 0}},
		"one version":           {{n: 0, to: ts(10)}, {n: 1, from: ts(10)}},
		"superseded":            {{n: 0, to: ts(5)}, {n: 1, from: ts(5), to: ts(10)}, {n: 3, from: ts(10)}},
		"standard, then own v1": {{n: 0, to: ts(3)}, {n: 1, from: ts(3), to: ts(8)}, {n: 2, from: ts(8), to: ts(12)}, {n: 1, from: ts(12), to: ts(20)}, {n: 2, from: ts(20)}},
	}
	for name, line := range lines {
		t.Run(name, func(t *testing.T) {
			byTime, badNumbers := faultRanges(line)
			for v := -1; v <= 5; v++ {
				for d := 1; d <= 25; d++ {
					at := ts(d)
					inRange := false
					for _, r := range byTime {
						if r.n == v && (r.from == "" || at >= r.from) && (r.to == "" || at < r.to) {
							inRange = true
						}
					}
					for _, r := range badNumbers {
						if v > r[0] && v < r[1] {
							inRange = true
						}
					}
					if want := versionAt(line, at) != v; inRange != want {
						t.Errorf("version %d at day %d: in a fault range %v, at fault %v (ranges %v, numbers %v)", v, d, inRange, want, byTime, badNumbers)
					}
				}
			}
		})
	}
}
