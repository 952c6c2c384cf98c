package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/jobs"
	"isodt/qms/postgres"
	"isodt/qms/sqlite"
	"isodt/qms/web"
)

// store is what the commands use of a database, whichever engine holds
// it: every service the web layer takes, and what the CLI adds (imports,
// backups, the audit trail's verification, the e-mail queue).
type store interface {
	web.Store
	qms.ChangeFeed
	jobs.Recorder
	authz.Source

	Bootstrap(ctx context.Context, defaultPolicy [][]string) (string, error)
	Migrations(ctx context.Context) ([]string, error)
	ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (int, int, error)
	ImportDossiers(ctx context.Context, agency string, rows []sqlite.DossierImport) (int, error)
	VerifyAuditTrail(ctx context.Context, signed []qms.Checkpoint) (qms.AuditVerification, error)
	PendingEmails(ctx context.Context, limit int) ([]sqlite.PendingEmail, error)
	MarkEmailed(ctx context.Context, id int64) error
	// Backup writes a consistent copy of the database to path.
	Backup(ctx context.Context, path string) error
	// Path is the SQLite file, or "" for a database on a server.
	Path() string
	Now() time.Time
	Ping(ctx context.Context) error
	// Unreachable reports an error meaning the database cannot be
	// reached for now (web answers it 503).
	Unreachable(err error) bool
	Close() error
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgres.DB)(nil)
)

// openStore opens the database (migrating it) and makes sure agency SYS,
// user admin and the default policy exist. When it creates the admin, the
// random password is printed here, once.
func openStore(ctx context.Context, e *env, path string) (store, error) {
	db, err := openDB(ctx, e, path, false)
	if err != nil {
		return nil, err
	}
	rules, err := policies.Default()
	if err != nil {
		db.Close()
		return nil, err
	}
	pw, err := db.Bootstrap(ctx, rules)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("first start: %w", err)
	}
	if pw != "" {
		// stderr: the terminal shows it, while stdout stays clean for the
		// JSON and values that scripts read.
		fmt.Fprintf(e.stderr, "\n  Lần chạy đầu: đã tạo đơn vị %s và tài khoản quản trị.\n  Tên đăng nhập: admin\n  Mật khẩu:      %s\n  (Mật khẩu chỉ hiển thị một lần. Hãy đổi mật khẩu sau khi đăng nhập.)\n\n", qms.SystemAgencyCode, pw)
	}
	return db, nil
}

// openExisting opens the database for a command that reads or changes
// what is already there (a report, unlocking a user, revoking a token):
// it creates no file, agency or admin account. A missing file is exit 2
// with a message naming --db, since the usual cause is a wrong path or an
// unset QMS_DB.
func openExisting(ctx context.Context, e *env, path string) (store, error) {
	return openDB(ctx, e, path, true)
}

// openDB opens what a --db value names (dbFlag has checked it): a SQLite
// file, or a PostgreSQL database by its URL.
func openDB(ctx context.Context, e *env, path string, existing bool) (store, error) {
	cfg, err := parseDB(path)
	if err != nil {
		return nil, err
	}
	if cfg.Kind == dbPostgres {
		return openPostgres(ctx, e, cfg.URL, existing)
	}
	// QMS_MERGE_REISSUE_DAYS: see sqlite.Options.MergeReissueDays (0 or
	// unset: the default).
	reissue, _ := strconv.Atoi(os.Getenv("QMS_MERGE_REISSUE_DAYS"))
	// QMS_ACK_DAYS: see sqlite.Options.AckDays (0 or unset: the default).
	ackDays, _ := strconv.Atoi(os.Getenv("QMS_ACK_DAYS"))
	db, err := sqlite.Open(ctx, cfg.Path, sqlite.Options{Logger: e.log, MergeReissueDays: reissue, AckDays: ackDays, Existing: existing})
	if existing && qms.ErrorCode(err) == qms.ENOTFOUND && qms.ErrorField(err) == "db" {
		return nil, qms.FieldErrorf(qms.ENOTFOUND, "db", "Không tìm thấy cơ sở dữ liệu %s: chỉ định --db hoặc QMS_DB.", cfg.Path)
	} else if err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.Path, err)
	}
	return db, nil
}

// openPostgres connects to a PostgreSQL database. Errors name the host
// and database, never the URL: it may hold a password.
func openPostgres(ctx context.Context, e *env, url string, existing bool) (store, error) {
	db, err := postgres.Open(ctx, url, postgres.Options{Logger: e.log, Existing: existing})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database %s: %w", redactURL(url), err)
	}
	return db, nil
}

// cliContext is the context of a CLI command: the actor is the system,
// named after the command, in every audit entry it writes.
func cliContext(ctx context.Context, name string) context.Context {
	return qms.WithActor(ctx, qms.SystemActor(name))
}

// userNamed finds the user an operator named with --username: one not
// found is said so by name; another failure (the database) as it is.
func userNamed(ctx context.Context, db store, username string) (*qms.User, error) {
	u, err := db.FindUserByUsername(ctx, username)
	if qms.ErrorCode(err) == qms.ENOTFOUND {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người dùng %q.", username)
	}
	return u, err
}
