package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Options tune the store; the zero value is the production default.
type Options struct {
	// Now is the clock; tests inject a fixed one.
	Now func() time.Time
	// PasswordCost is the bcrypt cost (default bcrypt.DefaultCost); tests lower it.
	PasswordCost int
	// Logger receives what the store reports on its own (a panic in a
	// write, a lost change listener); default slog.Default().
	Logger *slog.Logger
	// Server names this server in the job runs it records and the job
	// slots it claims; default host name and process id.
	Server string
	// Existing refuses a database qms never set up (no migrations
	// table), for the commands that only read: they create nothing.
	Existing bool
}

// DB is the store: a pool of connections to one database.
type DB struct {
	// Store holds the services written once for both stores.
	*sqlstore.Store
	pool *pgxpool.Pool
	now  func() time.Time
	log  *slog.Logger
	cost int
	// server names this process among the servers (Options.Server).
	server string
	// changes follows the commits of every server (changes.go).
	changes *changeFeed
	// ownedPrint is the schemaPrint and tablePrint at which the schema
	// was last made the code's (own_triggers.go).
	ownedPrint atomic.Pointer[string]
}

// Open connects to the database at url (postgres://…), applies the
// pending migrations and starts listening for changes.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, qms.FieldError("db", "Địa chỉ cơ sở dữ liệu PostgreSQL không hợp lệ: %v", err)
	}
	// The schema is public unless the URL names one (search_path=…): under
	// PostgreSQL's default, "$user", public, a schema named after the user,
	// made later by anyone who can, would take the store's tables' names
	// and stop its writes and verification (outsider pass 18).
	if _, ok := cfg.ConnConfig.RuntimeParams["search_path"]; !ok {
		cfg.ConnConfig.RuntimeParams["search_path"] = "public"
	}
	if !strings.Contains(url, "pool_max_conns") {
		// Writers wait for the audit head holding a connection each: the
		// pool must be wide enough that readers still find one.
		cfg.MaxConns = int32(max(16, 4*runtime.NumCPU()))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, qms.Errorf(qms.EINTERNAL, "Không kết nối được cơ sở dữ liệu PostgreSQL %s (người dùng %s): %v", where, cfg.ConnConfig.User, err)
	}
	if opts.Existing {
		var set bool
		if err := pool.QueryRow(ctx, `SELECT to_regclass('migrations') IS NOT NULL`).Scan(&set); err != nil || !set {
			pool.Close()
			return nil, qms.FieldErrorf(qms.ENOTFOUND, "db", "Cơ sở dữ liệu PostgreSQL %s chưa được khởi tạo cho qms: chạy \"qms migrate\" hoặc \"qms serve\" với --db này trước.", where)
		}
	}
	db := &DB{pool: pool, now: opts.Now, cost: opts.PasswordCost, log: opts.Logger, server: opts.Server}
	if db.server == "" {
		host, _ := os.Hostname()
		db.server = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate %s: %w", cfg.ConnConfig.Database, err)
	}
	db.Store = db.sharedStore()
	if err := db.startChanges(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close stops the change feed and closes the pool.
func (db *DB) Close() error {
	db.changes.stop()
	db.pool.Close()
	return nil
}

// Now is the store's clock (Options.Now).
func (db *DB) Now() time.Time { return db.now() }

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Unreachable reports an error that says the server could not be reached
// or went away, not that a statement failed: no connection could be made
// (refused, timed out, DNS), the connection broke mid-statement, or the
// server is shutting down or starting up (SQLSTATE class 08, 57P01–57P03).
func (db *DB) Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// migrationLock is the advisory lock key under which a server migrates:
// servers starting together apply each migration once.
const migrationLock = 0x716d735f6d6967 // "qms_mig"

// migrate applies every embedded migration not yet recorded, each in its
// own transaction, in file-name order, holding the migration lock.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name text PRIMARY KEY, applied_at text NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	rows, _ := conn.Query(ctx, `SELECT name FROM migrations`)
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	names, err := sqlstore.MigrationNames(migrationFS)
	if err != nil {
		return err
	}
	for _, name := range names {
		if contains(applied, name) {
			continue
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			if after := afterMigration[name]; after != nil {
				mtx := &Tx{querier: querier{tx}, db: db, now: db.now().UTC(), actor: qms.SystemActor("migrate"), migrating: true}
				if err := tx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1 FOR UPDATE`).Scan(&mtx.headID, &mtx.headHash); err != nil {
					return fmt.Errorf("lock audit head: %w", err)
				}
				if err := after(ctx, mtx); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, formatTime(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return db.ownAtOpen(ctx, conn.Conn())
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Migrations lists the applied migrations (for `qms migrate`).
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, _ := db.pool.Query(ctx, `SELECT name FROM migrations ORDER BY name`)
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// pgxQuerier is what a pool, a connection and a transaction offer.
type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// querier runs SQL written with ? placeholders, as in qms/sqlite, so the
// queries of both stores read alike; rebind numbers them for PostgreSQL.
type querier struct{ c pgxQuerier }

func (q querier) query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return q.c.Query(ctx, rebind(sql), args...)
}

func (q querier) queryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return q.c.QueryRow(ctx, rebind(sql), args...)
}

func (q querier) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return q.c.Exec(ctx, rebind(sql), args...)
}

// direct runs statements on the pool, each on its own: reads, and the
// few writes that are not mutations of the QMS (a session's idle clock,
// a token's last use, a job run) and so take no audit head lock.
func (db *DB) direct() querier { return querier{db.pool} }

// rebound keeps each statement's rewriting: a pure function of the SQL
// text, immutable by its key, so no other process can make it stale.
var rebound sync.Map // SQL with ? → SQL with $n

// rebind turns each ? outside a string literal into $1, $2, … (our SQL
// does not use the jsonb ? operators).
func rebind(sql string) string {
	if v, ok := rebound.Load(sql); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	quoted := false
	for _, r := range sql {
		if r == '\'' {
			quoted = !quoted
		}
		if r == '?' && !quoted {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	rebound.Store(sql, out)
	return out
}

// Tx is a write transaction. It holds the lock of the audit chain's head
// from its first statement to its commit; every mutation made through it
// records its audit entry with tx.audit.
type Tx struct {
	querier
	db    *DB
	now   time.Time
	actor qms.Actor
	// the chain's head as this transaction moved it
	headID   int64
	headHash string
	// print is the schemaPrint each move of the head must still find
	// ("" outside a write: a migration, the open); owned is what the
	// write found when it made the schema the code's ("" if it did not).
	print, owned string
	// migrating: an upgrade's step, before migration 0040 writes the
	// trigger function (rowTriggerSQL), or recording rows as they are
	// (rebaseline), not as a write made them: its entries have no state
	// before.
	migrating bool
}

// update runs fn in a write transaction and returns once it committed.
// A mutation needs an actor in ctx: the audit trail must say who.
//
// The transaction begins by locking the head row of the audit chain, so
// that write transactions, of this server and of the others, run one at
// a time as on SQLite: each reads what the one before committed
// (READ COMMITTED takes a fresh snapshot per statement) and appends its
// entries after that one's.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	actor, ok := qms.ActorFrom(ctx)
	if !ok {
		return fmt.Errorf("write without an actor in context")
	}
	ptx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// The outcome is decided by the commit, not by the caller's patience.
	bg := context.WithoutCancel(ctx)
	defer ptx.Rollback(bg)
	tx := &Tx{querier: querier{ptx}, db: db, actor: actor}
	var print, tables string
	if err := ptx.QueryRow(ctx, `SELECT last_id, last_hash, `+schemaPrint+`, `+tablePrint+` FROM audit_head WHERE singleton = 1 FOR UPDATE`).Scan(&tx.headID, &tx.headHash, &print, &tables); err != nil {
		return fmt.Errorf("lock audit head: %w", err)
	}
	tx.now = db.now().UTC()
	if err := discardRowChanges(ctx, tx); err != nil {
		return err
	}
	if err := tx.ownInWrite(ctx, print, tables); err != nil {
		return err
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = qms.Errorf(qms.EINTERNAL, "Lỗi hệ thống khi ghi dữ liệu.")
				db.log.Error("panic in a write", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		err = fn(tx)
	}()
	if err != nil {
		return err
	}
	if err := ptx.Commit(bg); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.owned != "" {
		db.ownedPrint.Store(&tx.owned)
	}
	return nil
}

// isUnique reports a unique or primary key violation, by SQLSTATE.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// The store's helpers are the shared ones.
var (
	formatTime   = sqlstore.FormatTime
	parseTime    = sqlstore.ParseTime
	optTime      = sqlstore.OptTime
	placeholders = sqlstore.Placeholders
)
