// Package pgcluster starts a throw-away PostgreSQL cluster: initdb and
// pg_ctl from Debian's postgresql package on a temp dir and a free
// loopback port. The tests start one per test binary (qms/postgres/pgtest);
// the two-server load test starts a durable one. As root (CI), initdb and
// the server run as the postgres user through runuser, since PostgreSQL
// refuses to run as root. QMS_PGTEST_KEEP=1 keeps the cluster's folder,
// with the server's log, after Stop.
package pgcluster

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
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is one running server.
type Cluster struct {
	bin     string // the folder of initdb, pg_ctl
	dir     string // temp dir: data/, socket, log
	port    int
	asUser  string // "postgres" when run as root, else ""
	opts    string // the server's options, for Resume
	started time.Duration
}

// Options say how the server runs.
type Options struct {
	// Durable keeps PostgreSQL's default fsync and synchronous commit, as
	// a load test that counts durable writes needs; tests turn them off,
	// which makes their many small commits cheap.
	Durable bool
}

// FindBin returns the newest /usr/lib/postgresql/N/bin holding initdb,
// else the folder of an initdb on PATH.
func FindBin() (string, error) { return findBinIn("/usr/lib/postgresql/*/bin") }

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

// Start runs initdb and starts the server with the newest PostgreSQL
// installed.
func Start(opts Options) (*Cluster, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	return startCluster(bin, opts)
}

func startCluster(bin string, o Options) (*Cluster, error) {
	t0 := time.Now()
	c := &Cluster{bin: bin}
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
		c.opts = fmt.Sprintf("-p %d -h 127.0.0.1 -k %s -c max_connections=200", c.port, dir)
		if !o.Durable {
			c.opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		}
		out, err := c.start()
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
func (c *Cluster) ownedDir(base string) (string, error) {
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
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
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

// URL is the address of database db on the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *Cluster) start() ([]byte, error) {
	return c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-o", c.opts, "-w", "-t", "60", "start")
}

// Halt shuts the server down (fast: sessions are ended) and keeps its
// data, as a database restart or failover does; Resume starts it again
// on the same port.
func (c *Cluster) Halt() error {
	if out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Resume starts a halted server again.
func (c *Cluster) Resume() error {
	if out, err := c.start(); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Stop shuts the server down at once and removes its folder.
func (c *Cluster) Stop() error {
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

// Exec runs one statement on the maintenance database.
func (c *Cluster) Exec(q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, q)
	return err
}

// StartTime is how long the cluster took to start (initdb and pg_ctl
// start).
func (c *Cluster) StartTime() time.Duration { return c.started }
