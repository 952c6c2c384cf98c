package sqlite

import "testing"

// TestReadCacheMissesAfterChange: a value read while a change commits is
// not served as fresh afterwards.
func TestReadCacheMissesAfterChange(t *testing.T) {
	var gens generations
	c := newReadCache[string, int](&gens, kindForms, 2)
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }
	race := func() (int, error) { // a change commits during the read
		loads++
		gens.advance(&touched{kindForms: true})
		return loads, nil
	}
	for _, tt := range []struct {
		name  string
		key   string
		load  func() (int, error)
		want  int
		loads int
	}{
		{"miss", "a", load, 1, 1},
		{"hit", "a", load, 1, 1},
		{"other kind changed", "a", load, 1, 1},
		{"change during read", "b", race, 2, 2},
		{"read again", "b", load, 3, 3},
		{"hit again", "b", load, 3, 3},
		{"bounded: starts again empty", "c", load, 4, 4},
		{"a was dropped", "a", load, 5, 5},
	} {
		if tt.name == "other kind changed" {
			gens.advance(&touched{kindUsers: true})
		}
		got, _ := c.get(tt.key, tt.load)
		if got != tt.want || loads != tt.loads {
			t.Fatalf("%s: got %d after %d loads, want %d after %d", tt.name, got, loads, tt.want, tt.loads)
		}
	}
}
