package storetest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/flowchart"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
	"isodt/qms/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Store is what the suite exercises: the services ported to every store.
type Store interface {
	qms.AgencyService
	qms.UserService
	qms.AuthService
	qms.AuditService
	qms.ChangeFeed
	qms.NotificationService
	qms.ObjectiveService
	qms.NCService
	qms.RiskService
	qms.InternalAuditService
	qms.ContextService
	qms.ProviderService
	PlansConcerning(ctx context.Context, agency string) ([]*qms.AuditPlan, error)
	ContextSummary(ctx context.Context, agency string) (*qms.ContextSummary, error)
	qms.FeedbackService
	qms.SatisfactionService
	qms.LookupService
	qms.DistributionService
	qms.DeclarationService
	qms.FormService
	qms.CompetenceService
	qms.SignatureService
	FeedbackCounts(ctx context.Context, agency string, year int) (map[string]int, error)
	SatisfactionSummary(ctx context.Context, agency string, year int) (*qms.SatisfactionSummary, error)
	qms.ReviewService
	qms.DashboardService
	qms.AgencyMerger
	qms.AgencySplitter
	ActionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.ActionDue, error)
	DecisionsDue(ctx context.Context, agency string, until time.Time, limit int) ([]qms.DecisionDue, error)
	NextAudit(ctx context.Context, agency string, today time.Time) (*qms.AuditPlan, error)
	LastReview(ctx context.Context, agency string) (time.Time, error)
	OpenNCs(ctx context.Context, agency string) (int, error)
	ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (int, int, error)
	FindTTHC(ctx context.Context, agency, code string) (*qms.TTHC, error)
	FindTTHCs(ctx context.Context, agency string) ([]*qms.TTHC, error)
	Search(ctx context.Context, agency, query string, limit int) ([]qms.SearchHit, error)
	CreateProcedure(ctx context.Context, p *qms.Procedure) error
	UpdateProcedure(ctx context.Context, p *qms.Procedure) error
	FindProcedure(ctx context.Context, agency string, id int64) (*qms.Procedure, error)
	FindProcedures(ctx context.Context, f qms.ProcedureFilter) ([]*qms.Procedure, error)
	CreateVersion(ctx context.Context, procedureID int64) (*qms.ProcedureVersion, error)
	UpdateVersion(ctx context.Context, v *qms.ProcedureVersion) error
	FindVersion(ctx context.Context, procedureID int64, number int) (*qms.ProcedureVersion, error)
	FindVersions(ctx context.Context, procedureID int64) ([]*qms.ProcedureVersion, error)
	FindVersionsByStatus(ctx context.Context, agency string, status qms.DocStatus) ([]*qms.ProcedureVersion, error)
	TransitionVersion(ctx context.Context, procedureID int64, number int, action, reason string) (*qms.ProcedureVersion, error)
	PinnedFlowchart(ctx context.Context, procedureID int64, number int) (flowchart.Flowchart, error)
	PutFile(ctx context.Context, name, contentType string, data []byte) (qms.FileRef, error)
	GetFile(ctx context.Context, sha256 string) ([]byte, qms.FileRef, error)
	StartJobRun(ctx context.Context, job, trigger string) (int64, error)
	FinishJobRun(ctx context.Context, id int64, outcome string, counts map[string]int, errText string) error
	JobRuns(ctx context.Context, job string, limit int) ([]qms.JobRun, error)
	Bootstrap(ctx context.Context, defaultPolicy [][]string) (string, error)
	Calendar(ctx context.Context, agency string) (*calendar.Calendar, error)
	CalendarOverrides(ctx context.Context) ([]qms.CalendarOverride, error)
	SetCalendarOverride(ctx context.Context, o qms.CalendarOverride, remove bool) error
	AgencySettings(ctx context.Context, agency string) (clockMode, hours string, err error)
	SetAgencySettings(ctx context.Context, agency, clockMode, hours string) error
	AddPolicyRule(ctx context.Context, r []string) error
	FindDossier(ctx context.Context, agency, code string) (*qms.Dossier, error)
	FindDossiers(ctx context.Context, f qms.DossierFilter) ([]*qms.Dossier, int, error)
	FindDossierByCode(ctx context.Context, agency, code string) (*qms.Dossier, error)
	Tasks(ctx context.Context, agency string, roles []qms.Role) ([]qms.Task, error)
	TasksPage(ctx context.Context, agency string, roles []qms.Role, offset, limit int) ([]qms.Task, error)
	OnTime(ctx context.Context, agency string, from, to time.Time, groupBy string) (map[string]*qms.OnTimeReport, error)
	OnTimeReturned(ctx context.Context, agency string, from, to time.Time, by string) (map[string]*qms.OnTimeReport, error)
	RemovePolicyRule(ctx context.Context, r []string) error
	SeedPolicy(ctx context.Context, rules [][]string) (int, error)
	PolicyRules(ctx context.Context) ([][]string, error)
	qms.DossierService
	ImportDossiers(ctx context.Context, agency string, rows []sqlstore.DossierImport) (int, error)
	ControlStatuses(ctx context.Context, agency string) ([]qms.Control, error)
	qms.ComplianceService
	PendingEmails(ctx context.Context, limit int) ([]sqlstore.PendingEmail, error)
	MarkEmailed(ctx context.Context, id int64) error
	Close() error
}

var (
	_ Store = (*sqlite.DB)(nil)
	_ Store = (*postgres.DB)(nil)
)

// fixture is one store opened on a fresh, bootstrapped database (agency
// SYS, user admin, the default policy).
type fixture struct {
	Store
	clk *qmstest.Clock
	ctx context.Context // the system actor
	// exec runs SQL on the database behind the store's back, as whoever
	// holds the file or the database password can.
	exec func(q string) error
	// query runs SQL behind the store's back and returns each row, its
	// values joined by a space.
	query func(q string) ([]string, error)
	// tamper runs SQL as exec does, past every guard trigger: the store
	// puts a dropped guard back at its next write (own_triggers.go), so
	// whoever tampers between two writes goes past the guards each time.
	tamper func(q string) error
	// dropAuditGuards drops the triggers that keep the trail append-only.
	dropAuditGuards func(t *testing.T)
	// second opens another handle on the same database: another server.
	second func(t *testing.T) Store
}

// storeKind names a store and opens a fixture of it.
type storeKind struct {
	name string
	open func(t *testing.T, clk *qmstest.Clock) *fixture
}

func stores() []storeKind {
	return []storeKind{{"sqlite", openSQLite}, {"postgres", openPostgres}}
}

// eachStore runs fn as a subtest per store, on a fresh fixture.
func eachStore(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, k := range stores() {
		t.Run(k.name, func(t *testing.T) {
			clk := qmstest.NewClock(time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
			f := k.open(t, clk)
			fn(t, f)
			// QMS_DISCOVER=1 logs what verification names after each
			// test: a table newly vouched for (SecurityTables) shows
			// every path that writes it without an audited entry, the
			// tests' own shortcuts and tampering among them.
			if os.Getenv("QMS_DISCOVER") != "" {
				_, err := f.VerifyAuditChain(f.ctx)
				var rt *qms.RowsTampered
				if errors.As(err, &rt) {
					for _, c := range rt.Rows {
						t.Logf("DISCOVER %s %s %s %s", c.Table, c.Change, c.Key, c.Label)
					}
				}
			}
		})
	}
}

var quiet = slog.New(slog.DiscardHandler)

func bootstrap(t *testing.T, s Store, clk *qmstest.Clock) *fixture {
	t.Helper()
	t.Cleanup(func() { s.Close() })
	rules, err := policies.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Bootstrap(context.Background(), rules); err != nil {
		t.Fatal(err)
	}
	return &fixture{Store: s, clk: clk, ctx: qms.WithActor(context.Background(), qms.SystemActor("test"))}
}

func openSQLite(t *testing.T, clk *qmstest.Clock) *fixture {
	path := filepath.Join(t.TempDir(), "qms.db")
	open := func(t *testing.T) *sqlite.DB {
		db, err := sqlite.Open(context.Background(), path, sqlite.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	f := bootstrap(t, open(t), clk)
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	f.exec = func(q string) error { _, err := raw.Exec(q); return err }
	f.tamper = func(q string) error {
		guards, err := f.query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%'`)
		if err != nil {
			return err
		}
		for _, g := range guards {
			if err := f.exec(`DROP TRIGGER ` + g); err != nil {
				return err
			}
		}
		return f.exec(q)
	}
	f.query = func(q string) ([]string, error) {
		rows, err := raw.Query(q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			out = append(out, rowText(vals))
		}
		return out, rows.Err()
	}
	f.dropAuditGuards = func(t *testing.T) {
		for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_head_forward", "audit_head_no_delete"} {
			if err := f.exec(`DROP TRIGGER ` + trg); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.second = func(t *testing.T) Store {
		db := open(t)
		t.Cleanup(func() { db.Close() })
		return db
	}
	return f
}

// servers numbers the PostgreSQL handles, as the servers they stand for.
var handleSeq atomic.Int32

func openPostgres(t *testing.T, clk *qmstest.Clock) *fixture {
	url := pgtest.NewDatabaseFrom(t, "migrated", func(url string) error {
		db, err := postgres.Open(context.Background(), url, postgres.Options{Logger: quiet})
		if err != nil {
			return err
		}
		return db.Close()
	})
	open := func(t *testing.T) *postgres.DB {
		db, err := postgres.Open(context.Background(), url, postgres.Options{Now: clk.Now, PasswordCost: bcrypt.MinCost, Logger: quiet, Server: fmt.Sprintf("server%d", handleSeq.Add(1))})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	f := bootstrap(t, open(t), clk)
	raw, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close(context.Background()) })
	f.exec = func(q string) error { _, err := raw.Exec(context.Background(), q); return err }
	f.tamper = func(q string) error {
		// The database's superuser fires no trigger in replica mode.
		return f.exec(`SET session_replication_role = replica; ` + q + `; RESET session_replication_role`)
	}
	f.query = func(q string) ([]string, error) {
		rows, err := raw.Query(context.Background(), q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return nil, err
			}
			out = append(out, rowText(vals))
		}
		return out, rows.Err()
	}
	f.dropAuditGuards = func(t *testing.T) {
		for _, q := range []string{`DROP TRIGGER audit_log_no_change ON audit_log`, `DROP TRIGGER audit_head_forward ON audit_head`} {
			if err := f.exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.second = func(t *testing.T) Store {
		db := open(t)
		t.Cleanup(func() { db.Close() })
		return db
	}
	return f
}

func ptr[T any](v T) *T { return &v }

// rowText is a row as fixture.query returns it (text read as bytes
// printed as text).
func rowText(vals []any) string {
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			vals[i] = string(b)
		}
	}
	return strings.TrimSuffix(fmt.Sprintln(vals...), "\n")
}
