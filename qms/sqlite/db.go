package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Options tune the store; the zero value is the production default.
type Options struct {
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// Readers is the size of the read pool (default: 2 × CPUs, at least 4).
	Readers int
	// PasswordCost is the bcrypt cost (default bcrypt.DefaultCost); tests lower it.
	PasswordCost int
	// Existing opens a database that must already exist: no file or
	// folder is created (a command that only reads must not leave an
	// empty database behind a mistyped path). A missing file is ENOTFOUND
	// on field "db".
	Existing bool
	// Logger receives what the store reports on its own (a panic in a
	// write, a failing change poll); default slog.Default(). Tests pass a
	// discarding one so their output stays quiet.
	Logger *slog.Logger
	// MergeReissueDays is the number of days after a merge within which
	// the successor must reissue (approve a new version of) each
	// procedure it received; default qms.DefaultMergeReissueDays.
	MergeReissueDays int
	// AckDays is how many working days a person has to acknowledge a
	// version distributed to them (rule ACK_OVERDUE); default
	// qms.DefaultAckDays.
	AckDays int
}

// DB is the store. All writes go through one connection, so SQLite never
// sees two writers; reads use a pool of read-only connections.
type DB struct {
	// Store holds the services written once for both stores.
	*sqlstore.Store
	// reissueDays: see Options.MergeReissueDays.
	reissueDays int
	path        string
	write       *sql.DB
	read        *sql.DB
	now         func() time.Time
	log         *slog.Logger
	cost        int
	// commit runs every write transaction (see commit.go).
	commit *committer
	// changes tells of committed changes of the data kept in memory
	// (see changes.go).
	changes *changeFeed
	// ckpt copies the WAL back into the database (see wal.go).
	ckpt *checkpointer
	// ackDays: see Options.AckDays.
	ackDays int
	// owned is when the file's schema was last compared with the code's
	// (own_triggers.go): set by the open, then by the committer alone.
	owned ownedSchema
}

// Now is the store's clock (Options.Now), for the layers that must agree
// with the store on the time: the web pages mark overdue work with it.
func (db *DB) Now() time.Time { return db.now() }

// Open opens (creating if missing, unless opts.Existing) the database at
// path and applies the pending migrations.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, qms.Errorf(qms.EINVALID, "Chưa chỉ định đường dẫn cơ sở dữ liệu.")
	}
	// The writer's page cache holds the index pages every write touches
	// (64 MiB at most): at SQLite's default of 2 MiB, each receipt read
	// most of the pages of seven indexes of a million rows back from the
	// OS. A reader's cache is dropped whenever another connection has
	// committed, so a larger one would buy the readers nothing under writes.
	writeMode := "_txlock=immediate&_synchronous=FULL&_cache_size=-65536"
	if opts.Existing {
		if err := existingFile(path); err != nil {
			return nil, err
		}
		// mode=rw: SQLite opens the file read-write and never creates it.
		writeMode += "&mode=rw"
	} else if err := prepareFile(path); err != nil {
		return nil, err
	}
	tuneMalloc()
	db := &DB{path: path, now: opts.Now, cost: opts.PasswordCost, reissueDays: opts.MergeReissueDays}
	if db.reissueDays <= 0 {
		db.reissueDays = qms.DefaultMergeReissueDays
	}
	if db.ackDays = opts.AckDays; db.ackDays <= 0 {
		db.ackDays = qms.DefaultAckDays
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log = opts.Logger; db.log == nil {
		db.log = slog.Default()
	}
	var err error
	// _txlock=immediate makes BeginTx take the write lock at once: a
	// deferred transaction upgrading its lock later could deadlock with
	// another writer and fail with SQLITE_BUSY regardless of the timeout.
	// synchronous=FULL: an acknowledged commit survives a power cut.
	if db.write, err = sql.Open(writerDriver, dsn(path, writeMode)); err != nil {
		return nil, err
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetConnMaxLifetime(0)
	if err := db.migrate(ctx); err != nil {
		db.write.Close()
		return nil, openError(path, err)
	}
	if db.read, err = sql.Open("sqlite3", dsn(path, "mode=ro&_query_only=1")); err != nil {
		db.write.Close()
		return nil, err
	}
	n := opts.Readers
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	db.read.SetMaxOpenConns(n)
	db.read.SetMaxIdleConns(n)
	db.Store = db.sharedStore()
	if err := db.startChanges(ctx); err != nil {
		db.read.Close()
		db.write.Close()
		return nil, err
	}
	if err := db.startCheckpointer(ctx); err != nil {
		db.changes.stop()
		db.read.Close()
		db.write.Close()
		return nil, err
	}
	db.startCommitter()
	return db, nil
}

// writerDriver is go-sqlite3 with what the writer's connection needs
// that a DSN cannot say: temp_store=MEMORY. A write group runs each write
// in a SAVEPOINT, and a page a write changes that an earlier write of its
// group had already changed is copied to the savepoint's sub-journal
// first. That journal was a temporary file once past 64 KiB: under steady
// step completions half of the server's page writes (two pwrite calls a
// page) went to it, more than to the WAL. In memory it holds at most the
// group's own changed pages, which the page cache holds anyway; its
// allocations need SQLite's statistics off (memstatus.go).
const writerDriver = "sqlite3-writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		writerConnects.Add(1)
		_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
		return err
	}})
}

// dsn opens path in WAL mode. _stmt_cache_size keeps each connection's
// prepared statements for reuse: the same few statements run on every
// request, and preparing the SQL again each time is a needless share of
// a write's work.
func dsn(path, extra string) string {
	u := url.URL{Scheme: "file", Opaque: url.PathEscape(path)}
	return u.String() + "?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_stmt_cache_size=128&" + extra
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopCommitter()
	db.changes.stop()
	return errors.Join(db.ckpt.stop(), db.read.Close(), db.write.Close())
}

// PlannerStable reports whether SQLite was built with the query planner
// stability guarantee (SQLITE_ENABLE_QPSG, set by the Makefile): without
// it every cached statement with a "column = ?" term is planned again on
// each use, which costs the busiest pages a good part of their speed.
func (db *DB) PlannerStable(ctx context.Context) (bool, error) {
	opts, err := queryStrings(ctx, db.read, `PRAGMA compile_options`)
	return slices.Contains(opts, "ENABLE_QPSG"), err
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Unreachable reports an error that says the database could not be used
// for now rather than that a statement failed: the file stayed locked by
// another process past the busy timeout (a long VACUUM or backup of
// another tool), or could not be opened.
func (db *DB) Unreachable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked || se.Code == sqlite3.ErrCantOpen
	}
	return false
}

// migrate applies every embedded migration not yet recorded, each in its
// own transaction, in file-name order. What is applied is read first, so
// opening an up-to-date database takes no write lock: a CLI command next
// to a busy server does not queue behind its writers.
func (db *DB) migrate(ctx context.Context) error {
	var exists int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`).Scan(&exists); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if exists == 0 {
		if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("create migrations table: %w", err)
		}
	}
	applied := map[string]bool{}
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		applied[n] = true
	}
	rows.Close()
	names, err := sqlstore.MigrationNames(migrationFS)
	if err != nil {
		return err
	}
	for _, name := range names {
		if applied[name] {
			continue
		}
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return db.ownSchemaAtOpen(ctx)
}

// foreignKeysOff opens a migration that rebuilds a table other tables
// reference (SQLite's twelve-step ALTER TABLE): it runs with foreign keys
// off, since with them on dropping the old table deletes through the
// references and renaming the new one rewrites them. PRAGMA foreign_keys
// is a no-op inside a transaction, so it is set on the connection before
// the migration's transaction, and PRAGMA foreign_key_check must find no
// broken reference before the commit.
const foreignKeysOff = "-- qms: foreign_keys off\n"

func (db *DB) migrateFile(ctx context.Context, name string) error {
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A migration's UPDATE of every row of a large table keeps each page
	// it changes in its statement journal, which the writer keeps in
	// memory (writerDriver): 1.5 GB for the step records of a province.
	// Migrations journal to a file; the writer's own writes go back to
	// memory after.
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = MEMORY`)
	fkOff := strings.HasPrefix(string(body), foreignKeysOff)
	if fkOff {
		// The connection must not serve the writer afterwards without
		// its foreign keys: it is discarded (ErrBadConn), and the next
		// write opens a new one with the DSN's _foreign_keys=on.
		defer conn.Raw(func(any) error { return driver.ErrBadConn })
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
		return err // another process applied it meanwhile
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if fkOff {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		switch err := tx.QueryRowContext(ctx, `PRAGMA foreign_key_check`).Scan(&table, &rowid, &parent, &fkid); {
		case err == nil:
			return fmt.Errorf("row %d of %s references a missing row of %s", rowid.Int64, table, parent)
		case err != sql.ErrNoRows:
			return err
		}
	}
	if after := afterMigration[name]; after != nil {
		if err := after(ctx, &Tx{Tx: tx, db: db, now: db.now().UTC(), actor: qms.SystemActor("migrate")}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, formatTime(db.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// Migrations lists the applied migrations (for `qms migrate`).
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, db.read, `SELECT name FROM migrations ORDER BY name`)
}

func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	return sqlstore.QueryStrings(ctx, on(q), query, args...)
}

// Tx is a write transaction. Every mutation made through it records its
// audit entry with tx.audit before the commit.
type Tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	actor qms.Actor
	// head is the group's audit head (nil outside the committer: read and
	// written with each entry).
	head *groupHead
	// baseline: an upgrade records rows as they are (rebaseline,
	// recordBaseline), not as a write made them: its entry has no state
	// before.
	baseline bool
}

// view runs fn on the read pool.
func (db *DB) view(ctx context.Context, fn func(q *sql.Conn) error) error {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// querier is what both a transaction and a read connection offer, so that
// find helpers serve reads and the reads inside a write.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// The store's helpers are the shared ones.
var formatTime = sqlstore.FormatTime

// isUnique reports a UNIQUE or PRIMARY KEY violation, by SQLite's
// extended error code, never by the message text.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}
