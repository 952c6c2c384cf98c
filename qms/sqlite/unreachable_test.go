package sqlite_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mattn/go-sqlite3"

	"isodt/qms/sqlite"
)

// TestUnreachable: a file locked past the busy timeout or that cannot be
// opened is answered 503; a failed statement is not.
func TestUnreachable(t *testing.T) {
	var db sqlite.DB
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"busy", fmt.Errorf("write: %w", sqlite3.Error{Code: sqlite3.ErrBusy}), true},
		{"locked", sqlite3.Error{Code: sqlite3.ErrLocked}, true},
		{"cannot open", sqlite3.Error{Code: sqlite3.ErrCantOpen}, true},
		{"constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"any other error", errors.New("boom"), false},
		{"nil", nil, false},
	} {
		if got := db.Unreachable(tc.err); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
