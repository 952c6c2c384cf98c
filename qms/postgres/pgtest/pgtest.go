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
// are all filtered out by -run pays nothing. QMS_PGTEST_KEEP=1 keeps the
// cluster's folder, with the server's log, after the tests. As root (CI), initdb and the
// server run as the postgres user through runuser, since PostgreSQL
// refuses to run as root.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the one server of this test binary.
type cluster struct {
	bin     string // the folder of initdb, pg_ctl
	dir     string // temp dir: data/, socket, log
	port    int
	asUser  string // "postgres" when run as root, else ""
	started time.Duration
}

var (
	startOnce sync.Once
	running   *cluster
	startErr  error
	missing   bool // PostgreSQL is not installed
	dbSeq     atomic.Int64
)

// Main runs the tests of the binary and stops the cluster if one was
// started. Use it from TestMain.
func Main(m *testing.M) int {
	if _, err := findBin(); err != nil {
		fmt.Println("SKIP: PostgreSQL tests (" + err.Error() + "; 'apt-get install postgresql' to run them)")
	}
	code := m.Run()
	if running != nil {
		if err := running.stop(); err != nil {
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
		if tpl.err = c.exec("CREATE DATABASE " + tpl.db); tpl.err == nil {
			tpl.err = setup(c.url(tpl.db))
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
func create(t testing.TB, c *cluster, template string) string {
	t.Helper()
	name := fmt.Sprintf("t_%d", dbSeq.Add(1))
	q := `CREATE DATABASE ` + name + ` STRATEGY = FILE_COPY`
	if template != "" {
		q += ` TEMPLATE = ` + template
	}
	if err := c.exec(q); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return c.url(name)
}

// exec runs one statement on the maintenance database.
func (c *cluster) exec(q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, q)
	return err
}

// StartTime is how long the cluster took to start (initdb and pg_ctl
// start), zero before it started.
func StartTime() time.Duration {
	if running == nil {
		return 0
	}
	return running.started
}

func start(t testing.TB) *cluster {
	t.Helper()
	startOnce.Do(func() {
		bin, err := findBin()
		if err != nil {
			missing = true
			return
		}
		running, startErr = startCluster(bin)
	})
	switch {
	case missing:
		t.Skip("SKIP: PostgreSQL is not installed ('apt-get install postgresql')")
	case startErr != nil:
		t.Fatalf("pgtest: start PostgreSQL: %v", startErr)
	}
	return running
}

// findBin returns the newest /usr/lib/postgresql/N/bin holding initdb,
// else the folder of an initdb on PATH.
func findBin() (string, error) { return findBinIn("/usr/lib/postgresql/*/bin") }

func findBinIn(pattern string) (string, error) {
	dirs, _ := filepath.Glob(pattern)
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("initdb not found in /usr/lib/postgresql/*/bin or on PATH")
}

func pgVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func startCluster(bin string) (*cluster, error) {
	t0 := time.Now()
	c := &cluster{bin: bin}
	var err error
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: it runs as postgres, in a
		// folder of its own under a temp dir it can reach ($TMPDIR may be
		// under /root).
		c.asUser = "postgres"
		for _, base := range []string{os.TempDir(), "/tmp"} {
			if c.dir, err = c.ownedDir(base); err == nil {
				break
			}
		}
	} else {
		c.dir, err = os.MkdirTemp("", "qms-pgtest-")
	}
	if err != nil {
		return nil, err
	}
	dir := c.dir
	data := filepath.Join(dir, "data")
	// Text collates as Vietnamese (ICU), as on a cluster set up in
	// Vietnam: a query whose order or comparison depends on the
	// database's collation, rather than on the bytes as in SQLite, shows.
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
		"--locale-provider=icu", "--icu-locale=vi-VN", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// A free port can be taken between the probe and the start: try a few.
	for attempt := 0; ; attempt++ {
		if c.port, err = freePort(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		// Durability is not what these tests check: fsync off makes the
		// many small commits of a test run cheap.
		opts := fmt.Sprintf("-p %d -h 127.0.0.1 -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.port, dir)
		out, err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start")
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
	c.started = time.Since(t0)
	return c, nil
}

// ownedDir makes a temp dir under base owned by c.asUser, and checks that
// the user can write there.
func (c *cluster) ownedDir(base string) (string, error) {
	u, err := user.Lookup(c.asUser)
	if err != nil {
		return "", fmt.Errorf("running as root and no %s user: %w", c.asUser, err)
	}
	dir, err := os.MkdirTemp(base, "qms-pgtest-")
	if err != nil {
		return "", err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if out, err := exec.Command("runuser", "-u", c.asUser, "--", "test", "-w", dir).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%s cannot write %s: %v %s", c.asUser, dir, err, out)
	}
	return dir, nil
}

// run runs one of the cluster's programs, as postgres when we are root.
func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

func (c *cluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// stop shuts the server down at once and removes its folder.
func (c *cluster) stop() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	if err != nil {
		err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	if os.Getenv("QMS_PGTEST_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "pgtest: kept the cluster's folder (QMS_PGTEST_KEEP):", c.dir)
		return err
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
