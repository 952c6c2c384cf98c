package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"isodt/qms/postgres"
)

// TestUnreachable: what says the server is out of reach (answered 503)
// against what says a statement failed (500, or its own domain error).
func TestUnreachable(t *testing.T) {
	// A connection refused: nothing listens on port 1.
	_, refused := pgconn.Connect(context.Background(), "postgres://x@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	var db postgres.DB
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"wrapped by the store", fmt.Errorf("find session: %w", refused), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"cannot connect now (starting up)", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure class", &pgconn.PgError{Code: "08006"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"any other error", errors.New("boom"), false},
		{"nil", nil, false},
	} {
		if tc.err == nil && tc.name != "nil" {
			t.Fatalf("%s: no error to test", tc.name)
		}
		if got := db.Unreachable(tc.err); got != tc.want {
			t.Errorf("%s (%v): %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
