package web

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's "pgx" driver, for OpenRawUnderTest
	"golang.org/x/crypto/bcrypt"

	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/jobs"
	"isodt/qms/postgres"
	"isodt/qms/postgres/pgtest"
	"isodt/qms/sqlite"
	"isodt/qms/sqlstore"
)

// The web tests run on the store QMS_TEST_STORE names: "" or "sqlite" (a
// file in the test's temp dir), or "postgres" (a database of its own on
// the test binary's throw-away cluster, qms/postgres/pgtest).
//
// The declarations below are exported for the web_test package's helpers
// (helpers_test.go): they live here so that this package's own tests open
// their store the same way.

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// StoreUnderTest is what the web tests call of a database, whichever
// engine holds it: every service the server takes (Store) and the few
// methods the tests add.
type StoreUnderTest interface {
	Store
	qms.ChangeFeed
	jobs.Recorder
	authz.Source

	Bootstrap(ctx context.Context, defaultPolicy [][]string) (string, error)
	ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (int, int, error)
	ImportDossiers(ctx context.Context, agency string, rows []sqlstore.DossierImport) (int, error)
	VerifyAuditChain(ctx context.Context) (int64, error)
	AddPolicyRule(ctx context.Context, r []string) error
	// Path is the SQLite file, or "" for a database on a server.
	Path() string
	Ping(ctx context.Context) error
	Close() error
}

var (
	_ StoreUnderTest = (*sqlite.DB)(nil)
	_ StoreUnderTest = (*postgres.DB)(nil)
)

// PostgresUnderTest tells whether QMS_TEST_STORE chooses PostgreSQL.
func PostgresUnderTest() bool { return os.Getenv("QMS_TEST_STORE") == "postgres" }

var (
	// pgDatabases maps a test's SQLite path to the PostgreSQL database
	// standing for it, so that opening the same path again (a second
	// handle, a restart) opens the same database.
	pgDatabases sync.Map
	pgServer    atomic.Int64
)

// OpenStoreUnderTest opens the database the tests name by path (creating
// it if need be) on the clock now, closing it when t ends. On PostgreSQL,
// path only names the database: the first opening of a path creates an
// empty database, the next ones open that database again, as another
// server would.
func OpenStoreUnderTest(t testing.TB, path string, now func() time.Time) StoreUnderTest {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	var (
		db  StoreUnderTest
		err error
	)
	switch kind := os.Getenv("QMS_TEST_STORE"); kind {
	case "", "sqlite":
		db, err = sqlite.Open(ctx, path, sqlite.Options{Now: now, PasswordCost: bcrypt.MinCost, Logger: quiet})
	case "postgres":
		url, ok := pgDatabases.Load(path)
		if !ok {
			url, _ = pgDatabases.LoadOrStore(path, pgtest.NewDatabaseFrom(t, "migrated", func(url string) error {
				db, err := postgres.Open(ctx, url, postgres.Options{Logger: quiet})
				if err != nil {
					return err
				}
				return db.Close()
			}))
		}
		db, err = postgres.Open(ctx, url.(string), postgres.Options{Now: now, PasswordCost: bcrypt.MinCost, Logger: quiet,
			Server: fmt.Sprintf("server%d", pgServer.Add(1))})
	default:
		t.Fatalf("QMS_TEST_STORE=%q: want sqlite or postgres", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenRawUnderTest opens the database OpenStoreUnderTest opened for path
// without the store, through database/sql, for a test to read or set up
// what the store would not (plain SQL both databases speak).
func OpenRawUnderTest(t testing.TB, path string) *sql.DB {
	t.Helper()
	driver, source := "sqlite3", path+"?_busy_timeout=5000"
	if url, ok := pgDatabases.Load(path); ok {
		driver, source = "pgx", url.(string)
	}
	raw, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}
