package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"isodt/qms/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestDatabasePerTest: each test gets its own empty database on the
// binary's one cluster.
func TestDatabasePerTest(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	if a == b {
		t.Fatalf("one database for two tests: %s", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE x (n bigint)`); err != nil {
		t.Fatal(err)
	}
	other, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var n int
	if err := other.QueryRow(ctx, `SELECT COUNT(*) FROM pg_tables WHERE tablename = 'x'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("table of one database seen in the other: %d, %v", n, err)
	}
	t.Logf("cluster started in %v", pgtest.StartTime())
}

// TestDatabaseFromTemplate: a database made from a template holds what
// the template's setup wrote, and setup runs once.
func TestDatabaseFromTemplate(t *testing.T) {
	ctx := context.Background()
	runs := 0
	setup := func(url string) error {
		runs++
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `CREATE TABLE seeded (n bigint); INSERT INTO seeded VALUES (7)`)
		return err
	}
	for i := 0; i < 2; i++ {
		conn, err := pgx.Connect(ctx, pgtest.NewDatabaseFrom(t, "seeded", setup))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		err = conn.QueryRow(ctx, `SELECT n FROM seeded`).Scan(&n)
		conn.Close(ctx)
		if err != nil || n != 7 {
			t.Fatalf("copy %d: n = %d, %v", i, n, err)
		}
	}
	if runs != 1 {
		t.Fatalf("setup ran %d times", runs)
	}
}
