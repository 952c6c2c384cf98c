package formschema

import (
	"math"
	"testing"
)

// FuzzNumberRoundTrip checks the promise Render relies on: every finite
// float64 written by formatNumber reads back exactly.
func FuzzNumberRoundTrip(f *testing.F) {
	for _, n := range []float64{0, 1500, 1.5, -1234.5, 0.125, 1e21, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n float64) {
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return
		}
		s := formatNumber(n)
		back, ok := parseNumber(s)
		if !ok || back != n {
			t.Fatalf("%v → %q → %v, %v", n, s, back, ok)
		}
	})
}

// FuzzNumberParse checks that whatever parseNumber accepts is finite.
func FuzzNumberParse(f *testing.F) {
	for _, s := range []string{"1.234,5", "1234.5", "1,234.5", "-0", "1.500", ",5", "1..2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := parseNumber(s); ok && (math.IsNaN(n) || math.IsInf(n, 0)) {
			t.Fatalf("%q → %v", s, n)
		}
	})
}
