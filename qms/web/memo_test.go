package web

import (
	"errors"
	"testing"
)

// TestMemo: a value is computed once per key, a failure is not kept, and
// past its bound the memo starts again.
func TestMemo(t *testing.T) {
	m := newMemo[string, int](2)
	calls := 0
	ok := func() (int, error) { calls++; return calls, nil }
	fail := func() (int, error) { calls++; return 0, errors.New("no") }
	for _, tc := range []struct {
		key       string
		compute   func() (int, error)
		want      int
		wantErr   bool
		wantCalls int
	}{
		{"a", ok, 1, false, 1},
		{"a", ok, 1, false, 1},
		{"b", fail, 0, true, 2},
		{"b", ok, 3, false, 3},
		{"c", ok, 4, false, 4}, // third key: starts again empty
		{"a", ok, 5, false, 5},
	} {
		got, err := m.get(tc.key, tc.compute)
		if got != tc.want || (err != nil) != tc.wantErr || calls != tc.wantCalls {
			t.Fatalf("get(%q) = %d, %v after %d computations; want %d, error %v, %d", tc.key, got, err, calls, tc.want, tc.wantErr, tc.wantCalls)
		}
	}
}
