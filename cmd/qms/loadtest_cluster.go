package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/demo"
	"isodt/qms/loadtest"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgcluster"
)

// The two-server load test (`qms loadtest --cluster`, run by make bench
// when PostgreSQL is installed): one data set, measured first with one
// server on SQLite, then with two servers sharing a durable PostgreSQL
// started for the run, the clients spread over both. Then one of the two
// is killed (SIGKILL) while steps are being completed: every completion
// it acknowledged must be in the database, and the other server goes on
// serving. After the run the audit chain must verify and every scheduled
// job must have run once per slot, both servers having scheduled it
// every minute.

// clusterScale is the data set: four agencies' year, 40,000 dossiers, of
// which enough wait at a step to keep 64 clients completing steps. A
// province (1,000,000 dossiers) would spend the run copying.
var clusterScale = demo.Scale{Name: "cluster", Agencies: 4, TTHC: 60, Dossiers: 10000,
	Users:  map[qms.Role]int{qms.RoleAdmin: 1, qms.RoleQualityOfficer: 1, qms.RoleLeader: 2, qms.RoleStaff: 10, qms.RoleAuditor: 1},
	Months: 12, Stalled: 0.25, Batch: 5000}

// clusterScenarios are the measured scenarios run on both setups.
var clusterScenarios = []string{scenarioCeiling, "staff task list (/tasks)", "dossier list, filtered", "dossier detail", "complete a step (write)", scenarioReceipt}

// clusterJobs: every job scheduled each minute on both servers.
var clusterJobs = []string{"deadlines=* * * * *", "reminders=* * * * *"}

// clusterReport is bench/cluster.json.
type clusterReport struct {
	Machine string            `json:"machine"`
	Data    string            `json:"data"`
	At      time.Time         `json:"at"`
	Results []loadtest.Result `json:"results"`
	// The kill: acknowledged step completions of the killed server and
	// how many of them the database holds; requests the survivor served
	// after the kill, and its errors.
	KilledAcked    int   `json:"killed_server_acknowledged"`
	KilledFound    int   `json:"killed_server_acknowledged_found"`
	SurvivorServed int   `json:"survivor_served_after_kill"`
	SurvivorErrors int   `json:"survivor_errors_after_kill"`
	AuditOK        bool  `json:"audit_verified"`
	AuditLen       int64 `json:"audit_entries"`
	JobSlots       int   `json:"job_slots"`
	JobSlotsTwice  int   `json:"job_slots_run_twice"`
}

func runClusterLoadtest(ctx context.Context, e *env, out string, clients int, short bool) error {
	dir, err := os.MkdirTemp("", "qms-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(e.stderr, "Khởi động PostgreSQL (bền vững: fsync, synchronous_commit)…")
	pg, err := pgcluster.Start(pgcluster.Options{Durable: true})
	if err != nil {
		return err
	}
	defer pg.Stop()
	if err := pg.Exec("CREATE DATABASE qms"); err != nil {
		return err
	}
	url := pg.URL("qms")
	path := filepath.Join(dir, "qms.db")
	if err := loadDemo(ctx, e, path, clusterScale); err != nil {
		return err
	}
	users, err := addBenchUsers(ctx, path)
	if err != nil {
		return err
	}
	if _, err := copyToPostgres(ctx, e, path, url); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(dir, "servers.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	scale := 1
	if short {
		scale = 20
	}
	var results []loadtest.Result
	run := func(label string, servers []*child) error {
		bases := make([]string, len(servers))
		for i, s := range servers {
			bases[i] = s.base
		}
		h, err := newHarness(ctx, bases, users, clients)
		if err != nil {
			return err
		}
		for _, s := range h.scenarios(scale) {
			if !slices.Contains(clusterScenarios, s.Name) {
				continue
			}
			s.Name = label + labelSep + s.Name
			fmt.Fprintf(e.stderr, "  %s…\n", s.Name)
			results = append(results, loadtest.Run(ctx, s, clusterRSS(servers)))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return nil
	}

	// One server on SQLite.
	one, err := spawnServer(ctx, self, path, logf)
	if err != nil {
		return err
	}
	err = run("SQLite, 1 server", []*child{one})
	one.stop(20 * time.Second)
	if err != nil {
		return err
	}

	// Two servers on PostgreSQL, every job due each minute on both.
	var jobFlags []string
	for _, j := range clusterJobs {
		jobFlags = append(jobFlags, "--job", j)
	}
	a, err := spawnServer(ctx, self, url, logf, jobFlags...)
	if err != nil {
		return err
	}
	defer a.stop(20 * time.Second)
	b, err := spawnServer(ctx, self, url, logf, jobFlags...)
	if err != nil {
		return err
	}
	defer b.kill()
	if err := run("PostgreSQL, 2 servers", []*child{a, b}); err != nil {
		return err
	}
	rep := clusterReport{Machine: machine(), Data: fmt.Sprintf("demo %q: %d agencies, %d dossiers", clusterScale.Name, clusterScale.Agencies, clusterScale.Agencies*clusterScale.Dossiers), At: time.Now().Truncate(time.Second)}
	if err := killOneServer(ctx, e, url, users, clients, a, b, &rep); err != nil {
		return err
	}
	// The jobs ran at least once a minute for the whole PostgreSQL part.
	a.stop(20 * time.Second)
	store, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return err
	}
	entries, verr := store.VerifyAuditChain(ctx)
	store.Close()
	judge(results)
	rep.Results, rep.AuditOK, rep.AuditLen = append(results, rep.Results...), verr == nil, entries
	if rep.JobSlots, rep.JobSlotsTwice, err = jobSlotRuns(ctx, url); err != nil {
		return err
	}
	b2, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(out, append(b2, '\n'), 0o640); err != nil {
		return err
	}
	loadtest.WriteTable(e.stdout, rep.Results)
	fmt.Fprintf(e.stdout, "kill -9 of one server mid-run: %d/%d of its acknowledged step completions in the database; the other served %d requests after it, %d errors\n",
		rep.KilledFound, rep.KilledAcked, rep.SurvivorServed, rep.SurvivorErrors)
	fmt.Fprintf(e.stdout, "audit verify after load: %s (%d entries); scheduled jobs: %d slots, %d run twice; results in %s\n",
		map[bool]string{true: "ok", false: "FAILED"}[verr == nil], entries, rep.JobSlots, rep.JobSlotsTwice, out)
	var problems []error
	if verr != nil {
		problems = append(problems, verr)
	}
	if rep.KilledFound != rep.KilledAcked || rep.SurvivorErrors > 0 || rep.SurvivorServed == 0 {
		problems = append(problems, errors.New("the kill of one server lost an acknowledged write or stopped the other"))
	}
	if rep.JobSlotsTwice > 0 || rep.JobSlots == 0 {
		problems = append(problems, fmt.Errorf("scheduled jobs: %d slots, %d run twice", rep.JobSlots, rep.JobSlotsTwice))
	}
	return errors.Join(problems...)
}

// clusterRSS is the servers' resident memory, summed.
func clusterRSS(servers []*child) func() (int64, error) {
	return func() (int64, error) {
		var sum int64
		for _, s := range servers {
			n, err := loadtest.ProcessRSS(s.cmd.Process.Pid)()
			if err != nil {
				continue // a killed server has none
			}
			sum += n
		}
		return sum, nil
	}
}

// killOneServer completes steps through both servers and kills b half way
// through. Its workers then go to a, as behind a load balancer. Every
// completion b acknowledged must be in the database afterwards.
func killOneServer(ctx context.Context, e *env, url string, users *benchUsers, clients int, a, b *child, rep *clusterReport) error {
	h, err := newHarness(ctx, []string{a.base, b.base}, users, clients)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var acked []stepItem // acknowledged by b
	// skip: dossiers whose step went to b when it died; their next steps
	// would be refused (the step may not be done), which says nothing of a.
	skip := map[string]bool{}
	next := make([]int, clients)
	var killAt = time.Now().Add(5 * time.Second)
	var killOnce sync.Once
	s := loadtest.Scenario{Name: "PostgreSQL, 2 servers" + labelSep + "complete a step, one server killed (kill -9) after 5 s", Clients: clients, Duration: 15 * time.Second,
		Requests: 1 << 30, Goal: "no acknowledged write lost, survivor 0 errors",
		Do: func(ctx context.Context, w, i int) error {
			if time.Now().After(killAt) {
				killOnce.Do(func() {
					b.kill()
					h.down[1].Store(true)
				})
			}
			mu.Lock()
			for next[w] < len(h.mixSteps[w]) && skip[h.mixSteps[w][next[w]].code] {
				next[w]++
			}
			mu.Unlock()
			if next[w] >= len(h.mixSteps[w]) {
				return loadtest.ErrDone
			}
			it := h.mixSteps[w][next[w]]
			next[w]++
			base := h.at(w)
			err := h.apiCtx(ctx, w, http.MethodPost, "/api/v1/dossiers/"+it.code+"/steps", it.token, it.body)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && base == b.base:
				acked = append(acked, it)
			case base == b.base:
				skip[it.code] = true
			case base == a.base && h.down[1].Load():
				rep.SurvivorServed++
				if err != nil {
					rep.SurvivorErrors++
				}
			}
			return err
		}}
	fmt.Fprintf(e.stderr, "  %s…\n", s.Name)
	r := loadtest.Run(ctx, s, loadtest.ProcessRSS(a.cmd.Process.Pid))
	killOnce.Do(func() { b.kill(); h.down[1].Store(true) })
	met := rep.SurvivorErrors == 0
	r.Met = &met
	rep.Results = append(rep.Results, r)
	rep.KilledAcked = len(acked)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, it := range acked {
		var req struct {
			StepID string `json:"step_id"`
		}
		json.Unmarshal(it.body, &req)
		var found bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id WHERE d.code = $1 AND s.step_id = $2)`, it.code, req.StepID).Scan(&found); err != nil {
			return err
		}
		if found {
			rep.KilledFound++
		}
	}
	return nil
}

// jobSlotRuns counts the slots the servers claimed and the slots a job
// ran in more than once (by the minute each scheduled run started).
func jobSlotRuns(ctx context.Context, url string) (slots, twice int, err error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM job_slots`).Scan(&slots); err != nil {
		return 0, 0, err
	}
	err = conn.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT job, left(started_at, 16) FROM job_runs WHERE trigger = 'schedule' GROUP BY 1, 2 HAVING COUNT(*) > 1) AS x`).Scan(&twice)
	return slots, twice, err
}

// labelSep parts a setup's label from the scenario's name.
const labelSep = " — "

// splitLabel parts a scenario's name into its setup's label ("" when
// none) and the name.
func splitLabel(name string) (label, scenario string) {
	if l, n, ok := strings.Cut(name, labelSep); ok {
		return l, n
	}
	return "", name
}
