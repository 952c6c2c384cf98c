package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/loadtest"
	"isodt/qms/sqlite"
)

// cmdLoadtest measures a real server under load: it copies a data set
// (normally `qms demo --scale province`), adds its own users to the copy,
// starts `qms serve` on it as a child process on 127.0.0.1, drives each
// scenario with concurrent clients, and writes the results as JSON and a
// table. The data set itself is never modified.
func cmdLoadtest(ctx context.Context, e *env, args []string) error {
	fs, _ := newFlags(e, "loadtest")
	data := fs.String("data", "bench/province.db", "bộ dữ liệu đo (tạo bằng qms demo --scale province)")
	out := fs.String("out", "bench/results.json", "tệp kết quả JSON")
	clients := fs.Int("clients", 64, "số máy khách đồng thời")
	short := fs.Bool("short", false, "chạy ngắn (kiểm tra bộ đo, không dùng để báo cáo số liệu)")
	only := fs.String("only", "", "chỉ chạy các kịch bản có tên chứa chuỗi này (kịch bản trần luôn chạy)")
	cluster := fs.Bool("cluster", false, "đo hai máy chủ trên một PostgreSQL (khởi động cụm PostgreSQL tạm), so với một máy chủ SQLite trên cùng bộ dữ liệu; cần gói postgresql")
	pprof := fs.String("pprof", "", "máy chủ con mở net/http/pprof tại địa chỉ này (127.0.0.1:PORT) để lấy hồ sơ hiệu năng khi đo")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *clients < 1 || *clients > 1024 {
		return qms.FieldError("clients", "Số máy khách (--clients) phải từ 1 đến 1.024, không phải %d.", *clients)
	}
	if *cluster {
		return runClusterLoadtest(ctx, e, *out, *clients, *short)
	}
	if _, err := os.Stat(*data); err != nil {
		return qms.Errorf(qms.EINVALID, "Không có bộ dữ liệu %s: tạo bằng \"qms demo --scale province --db %s\".", *data, *data)
	}
	dir, err := os.MkdirTemp("", "qms-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "qms.db")
	fmt.Fprintf(e.stderr, "Sao chép %s…\n", *data)
	if err := copyFile(*data, db); err != nil {
		return err
	}
	users, err := addBenchUsers(ctx, db)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	var extra []string
	if *pprof != "" {
		extra = []string{"--pprof", *pprof}
	}
	srv, err := spawnServer(ctx, self, db, logf, extra...)
	if err != nil {
		return err
	}
	defer srv.stop(20 * time.Second)
	fmt.Fprintf(e.stderr, "Máy chủ %s (pid %d); đăng nhập %d người dùng…\n", srv.base, srv.cmd.Process.Pid, len(users.staff)+len(users.leaders)+1)
	h, err := newHarness(ctx, []string{srv.base}, users, *clients)
	if err != nil {
		return err
	}
	scale := 1
	if *short {
		scale = 20
	}
	var results []loadtest.Result
	for _, s := range h.scenarios(scale) {
		if *only != "" && s.Name != scenarioCeiling && !strings.Contains(s.Name, *only) {
			continue
		}
		fmt.Fprintf(e.stderr, "  %s…\n", s.Name)
		r := loadtest.Run(ctx, s, loadtest.ProcessRSS(srv.cmd.Process.Pid))
		results = append(results, r)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	judge(results)
	srv.stop(20 * time.Second)
	// The writes acknowledged under load must have left an intact trail.
	store, err := sqlite.Open(ctx, db, sqlite.Options{})
	if err != nil {
		return err
	}
	entries, verr := store.VerifyAuditChain(ctx)
	store.Close()
	report := struct {
		Machine  string            `json:"machine"`
		Data     string            `json:"data"`
		At       time.Time         `json:"at"`
		Results  []loadtest.Result `json:"results"`
		AuditOK  bool              `json:"audit_verified"`
		AuditLen int64             `json:"audit_entries"`
	}{Machine: machine(), Data: *data, At: time.Now().Truncate(time.Second), Results: results, AuditOK: verr == nil, AuditLen: entries}
	b, _ := json.MarshalIndent(report, "", "  ")
	if err := os.MkdirAll(filepath.Dir(*out), 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o640); err != nil {
		return err
	}
	loadtest.WriteTable(e.stdout, results)
	fmt.Fprintf(e.stdout, "audit verify after load: %s (%d entries); results in %s\n", map[bool]string{true: "ok", false: "FAILED"}[verr == nil], entries, *out)
	if verr != nil {
		return verr
	}
	return nil
}

// judge fills the goals that compare scenarios of the same run and
// setup: page reads against the trivial handler's ceiling.
func judge(rs []loadtest.Result) {
	ceiling := map[string]float64{} // setup label → ceiling
	for _, r := range rs {
		if label, name := splitLabel(r.Scenario); name == scenarioCeiling {
			ceiling[label] = r.ReqPerSec
		}
	}
	for i, r := range rs {
		if strings.HasPrefix(r.Goal, goalPageRead) {
			label, _ := splitLabel(r.Scenario)
			least := ceiling[label] * pageReadShare
			met := r.Errors == 0 && r.P99Ms < 50 && r.ReqPerSec >= least
			rs[i].Goal = fmt.Sprintf("%s (≥ %.0f req/s)", r.Goal, least)
			rs[i].Met = &met
		}
	}
}

func machine() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %d CPU", host, runtime.NumCPU())
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// benchUsers are accounts the load test adds to its copy of the data, so
// it depends on no password of the data set.
type benchUsers struct {
	password string
	agencies []string
	staff    map[string][]string // agency → staff usernames
	leaders  map[string]string   // agency → leader
	officers map[string]string   // agency → quality officer
	auditor  string              // in SYS: the province-wide compliance scan
}

const benchStaffPerAgency = 4

func addBenchUsers(ctx context.Context, path string) (*benchUsers, error) {
	// Low bcrypt cost: logging 100 users in is setup, not what is measured.
	db, err := sqlite.Open(ctx, path, sqlite.Options{PasswordCost: bcrypt.MinCost})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	as, err := db.FindAgencies(ctx, qms.AgencyFilter{})
	if err != nil {
		return nil, err
	}
	u := &benchUsers{password: "ngua-o-do-tai-7", staff: map[string][]string{}, leaders: map[string]string{}, officers: map[string]string{}, auditor: "bench.auditor"}
	sys := qms.WithActor(ctx, qms.SystemActor("loadtest"))
	add := func(name string, agency string, role qms.Role) error {
		return db.CreateUser(sys, &qms.User{Username: name, FullName: "Tài khoản đo tải " + name, Memberships: []qms.Membership{{AgencyCode: agency, Role: role}}}, u.password)
	}
	for _, a := range as {
		if a.Code == qms.SystemAgencyCode {
			continue
		}
		// A unit without dossiers (the demo's subordinate office) has
		// nothing for the scenarios to read or move.
		code := a.Code
		if _, n, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &code, Limit: 1, CountLimit: 1}); err != nil {
			return nil, err
		} else if n == 0 {
			continue
		}
		u.agencies = append(u.agencies, a.Code)
		lc := strings.ToLower(a.Code)
		for k := 1; k <= benchStaffPerAgency; k++ {
			name := fmt.Sprintf("bench.%s.staff%d", lc, k)
			if err := add(name, a.Code, qms.RoleStaff); err != nil {
				return nil, err
			}
			u.staff[a.Code] = append(u.staff[a.Code], name)
		}
		u.leaders[a.Code], u.officers[a.Code] = "bench."+lc+".leader", "bench."+lc+".officer"
		if err := add(u.leaders[a.Code], a.Code, qms.RoleLeader); err != nil {
			return nil, err
		}
		if err := add(u.officers[a.Code], a.Code, qms.RoleQualityOfficer); err != nil {
			return nil, err
		}
	}
	if len(u.agencies) == 0 {
		return nil, qms.Errorf(qms.EINVALID, "Bộ dữ liệu %s chưa có đơn vị nào.", path)
	}
	return u, add(u.auditor, qms.SystemAgencyCode, qms.RoleAuditor)
}

// child is a `qms serve` child process.
type child struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
	err  error // how it exited, once done is closed
}

var servingAt = regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)

// spawnServer starts `bin serve` on a port the kernel picks (read back
// from its stdout, so no free-port race) and waits for /readyz. The
// child's output goes to log.
func spawnServer(ctx context.Context, bin, dbPath string, log io.Writer, flags ...string) (*child, error) {
	c := &child{cmd: exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath}, flags...)...), done: make(chan struct{})}
	c.cmd.Stderr = log
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if m := servingAt.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- "http://" + m[1]:
				default:
				}
			}
		}
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	deadline := time.After(60 * time.Second)
	for c.base == "" {
		select {
		case c.base = <-addr:
		case <-c.done:
			return nil, fmt.Errorf("qms serve exited during start: %v", c.err)
		case <-deadline:
			c.kill()
			return nil, fmt.Errorf("qms serve printed no address in 60 s")
		case <-ctx.Done():
			c.kill()
			return nil, ctx.Err()
		}
	}
	for {
		resp, err := http.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return c, nil
			}
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("qms serve exited during start: %v", c.err)
		case <-deadline:
			c.kill()
			return nil, fmt.Errorf("qms serve not ready after 60 s: %v", err)
		case <-ctx.Done():
			c.kill()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL: no drain, no close of the database.
func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// stop asks the server to shut down (SIGTERM) and returns how it exited;
// one that lingers past grace is killed.
func (c *child) stop(grace time.Duration) error {
	select {
	case <-c.done:
		return c.err
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		c.kill()
	}
	return c.err
}
