package postgres_test

import (
	"context"
	"os"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestOpenMigratesOnce: a second open of a migrated database applies
// nothing again, and bootstrapping twice creates the admin once.
func TestOpenMigratesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		db, err := postgres.Open(ctx, url, postgres.Options{PasswordCost: bcrypt.MinCost})
		if err != nil {
			t.Fatal(err)
		}
		names, err := db.Migrations(ctx)
		if err != nil || len(names) == 0 {
			t.Fatalf("migrations = %v, %v", names, err)
		}
		pw, err := db.Bootstrap(ctx, rules)
		if err != nil || (i == 0) != (pw != "") {
			t.Fatalf("bootstrap %d = %q, %v", i, pw, err)
		}
		db.Close()
	}
}
