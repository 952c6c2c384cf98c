// Package pgtest starts a throw-away PostgreSQL cluster for the tests of
// one test binary: initdb and pg_ctl from Debian's postgresql package on a
// temp dir and a free loopback port, a database per test, and the
// cluster stopped and removed when the binary's tests end. Without
// PostgreSQL installed, Main prints a "SKIP:" line and every test that
// asks for a database is skipped.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestX(t *testing.T) {
//		url := pgtest.NewDatabase(t) // postgres://postgres@127.0.0.1:PORT/t_1
//		db, err := postgres.Open(ctx, url, postgres.Options{})
//	}
//
// The cluster starts on the first NewDatabase, so a binary whose tests
// are all filtered out by -run pays nothing. The cluster itself is
// qms/postgres/pgcluster's (QMS_PGTEST_KEEP=1 keeps its folder).
package pgtest

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"isodt/qms/postgres/pgcluster"
)

var (
	startOnce sync.Once
	running   *pgcluster.Cluster
	startErr  error
	missing   bool // PostgreSQL is not installed
	dbSeq     atomic.Int64
)

// Main runs the tests of the binary and stops the cluster if one was
// started. Use it from TestMain.
func Main(m *testing.M) int {
	if _, err := pgcluster.FindBin(); err != nil {
		fmt.Println("SKIP: PostgreSQL tests (" + err.Error() + "; 'apt-get install postgresql' to run them)")
	}
	code := m.Run()
	if running != nil {
		if err := running.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop cluster:", err)
		}
	}
	return code
}

// NewDatabase returns the URL of a new, empty database for t on the
// binary's cluster, starting the cluster on first use. It skips t when
// PostgreSQL is not installed and fails it when the cluster cannot start.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return create(t, start(t), "")
}

// NewDatabaseFrom is NewDatabase with the database copied from a template
// that setup fills once per test binary and name (the schema's
// migrations, say): copying is much cheaper than migrating each time.
// setup must close its connections to the URL it is given.
func NewDatabaseFrom(t testing.TB, name string, setup func(url string) error) string {
	t.Helper()
	c := start(t)
	v, _ := templates.LoadOrStore(name, &template{})
	tpl := v.(*template)
	tpl.once.Do(func() {
		tpl.db = "tpl_" + name
		if tpl.err = c.Exec("CREATE DATABASE " + tpl.db); tpl.err == nil {
			tpl.err = setup(c.URL(tpl.db))
		}
	})
	if tpl.err != nil {
		t.Fatalf("pgtest: template %s: %v", name, tpl.err)
	}
	return create(t, c, tpl.db)
}

type template struct {
	once sync.Once
	db   string
	err  error
}

var templates sync.Map // name → *template

// create makes database t_N, a copy of template (template1 when "").
// FILE_COPY copies the files at once instead of writing them through
// the WAL, a fraction of the time for a small database.
func create(t testing.TB, c *pgcluster.Cluster, template string) string {
	t.Helper()
	name := fmt.Sprintf("t_%d", dbSeq.Add(1))
	q := `CREATE DATABASE ` + name + ` STRATEGY = FILE_COPY`
	if template != "" {
		q += ` TEMPLATE = ` + template
	}
	if err := c.Exec(q); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return c.URL(name)
}

// StartTime is how long the cluster took to start (initdb and pg_ctl
// start), zero before it started.
func StartTime() time.Duration {
	if running == nil {
		return 0
	}
	return running.StartTime()
}

func start(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	startOnce.Do(func() {
		if _, err := pgcluster.FindBin(); err != nil {
			missing = true
			return
		}
		running, startErr = pgcluster.Start(pgcluster.Options{})
	})
	switch {
	case missing:
		t.Skip("SKIP: PostgreSQL is not installed ('apt-get install postgresql')")
	case startErr != nil:
		t.Fatalf("pgtest: start PostgreSQL: %v", startErr)
	}
	return running
}
