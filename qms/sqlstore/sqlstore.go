// Package sqlstore is the part of the store both databases share: the
// SQL of the services written once, in the dialect SQLite and PostgreSQL
// both speak (? placeholders, which the PostgreSQL store numbers;
// RETURNING; ON CONFLICT; TRUE and FALSE for flags), with the scanning of
// rows into domain types. qms/sqlite and qms/postgres each embed a Store
// and keep only what differs: how a connection is opened, how a write
// transaction takes its turn and chains its audit entry, and the SQL a
// dialect cannot share (full-text search, date arithmetic).
//
// A service moves here when it is ported to PostgreSQL, so that it is
// written once rather than translated line by line.
package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"isodt/qms"
)

// Row is one result row (*sql.Row; the PostgreSQL store wraps pgx.Row).
// Scan returns sql.ErrNoRows when the query found no row, on both stores.
type Row interface {
	Scan(dest ...any) error
}

// Rows iterates over a result (*sql.Rows; the PostgreSQL store wraps
// pgx.Rows).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// Querier runs statements written with ? placeholders.
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Exec returns the number of rows the statement changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// Tx is a write transaction: each store runs writes one at a time and
// chains each mutation's audit entry onto the one before.
type Tx interface {
	Querier
	// Now is the transaction's time, the same for all it writes.
	Now() time.Time
	// Actor is who writes, taken from the context.
	Actor() qms.Actor
	// Audit records the mutation's entry; it refuses a write to an agency
	// that is read-only (merged into another).
	Audit(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error
}

// Config is what a store gives its Store.
type Config struct {
	// Read runs reads outside any write transaction.
	Read Querier
	// Update runs fn in a write transaction and returns once it is
	// durable. A mutation needs an actor in ctx.
	Update func(ctx context.Context, fn func(tx Tx) error) error
	// Now is the store's clock.
	Now func() time.Time
	// IsUnique reports a unique-constraint violation.
	IsUnique func(err error) bool
	// PasswordCost is the bcrypt cost (0: bcrypt.DefaultCost).
	PasswordCost int
	// InsertOrder is the column that orders a table's rows as they were
	// inserted where the table has no id: rowid on SQLite, seq on
	// PostgreSQL.
	InsertOrder string
	// IndexSearch replaces an object's entry in the full-text index, each
	// dialect's own (FTS5, tsvector): procedures are found by Search.
	IndexSearch func(ctx context.Context, tx Tx, kind, ref, agency, text, title string) error
	// Flowcharts caches the flowcharts of final procedure versions; nil
	// caches nothing.
	Flowcharts *Flowcharts
	// AckDays is how many working days a person has to acknowledge a
	// version distributed to them (0: qms.DefaultAckDays).
	AckDays int
	// Dossiers is the dialect of the dossier SQL the databases cannot
	// share (dossier.go).
	Dossiers DossierDialect
	// View runs fn on one read connection, in one read-only transaction
	// (one snapshot) when snapshot: a receipt's plan, a dossier's
	// progress. Nil: fn reads on Read.
	View func(ctx context.Context, snapshot bool, fn func(q Querier) error) error

	// Write runs delivery bookkeeping outside any audited transaction
	// (an e-mail sent: MarkEmailed), as job runs are.
	Write Querier
	// VerifyAudit verifies the audit chain, each store's own
	// (AUDIT_CHAIN_BROKEN): a *qms.ChainBreak or *qms.RowsTampered.
	// Bulk tables (SecurityTable.Bulk) are read row by row only when
	// bulk.
	VerifyAudit func(ctx context.Context, bulk bool) (int64, error)
	// ReissueDays is how long a procedure a merge brought may run on its
	// predecessor's version before MERGED_NOT_REISSUED flags it (0:
	// qms.DefaultMergeReissueDays).
	ReissueDays int
	// TableColumns lists a table's columns in order, the table's name
	// bound to ?: a split copies a form row with whatever columns it has
	// (TableColumnsSQLite, TableColumnsPostgreSQL).
	TableColumns string

	// login (authenticate.go)
	// ClearLoginCount ends a successful login with the shared
	// ClearLoginCount, in the order the store gives its writes, so that a
	// lock written by guesses racing the login wins: on SQLite on the one
	// writer connection, on PostgreSQL in a transaction holding the rows'
	// lock (not the audit head's: a login writes no audit entry there).
	ClearLoginCount func(ctx context.Context, username, addr string, now time.Time) error
	// RowLock is the clause that locks the rows a write transaction reads
	// for the rest of it: "" on SQLite, whose writes take turns, and
	// " FOR UPDATE" on PostgreSQL.
	RowLock string
	// ShareLock is the clause that share-locks a row read in a write
	// transaction: "" on SQLite, " FOR SHARE" on PostgreSQL.
	ShareLock string
}

// Store implements the shared services on a Config.
type Store struct {
	cfg Config
	// cals keeps the working-day calendars (calendar.go).
	cals calendars
	// dummy is the hash an unknown username's password is compared
	// against (authenticate.go), made once on first use.
	dummyOnce sync.Once
	dummy     []byte
}

// New returns a Store on cfg.
func New(cfg Config) *Store { return &Store{cfg: cfg} }

func (s *Store) read() Querier { return s.cfg.Read }

func (s *Store) update(ctx context.Context, fn func(tx Tx) error) error {
	return s.cfg.Update(ctx, fn)
}

// FormatTime is how both stores keep a time: RFC 3339 text in UTC, which
// sorts as it reads and hashes the same in the audit chain.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseTime reads a time kept by FormatTime.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// OptTime reads a nullable time column scanned into a *string.
func OptTime(s *string) *time.Time {
	if s == nil {
		return nil
	}
	t := ParseTime(*s)
	return &t
}

// NullTime is the column value of an optional time.
func NullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return FormatTime(*t)
}

// Itoa formats an id as audit entries name objects.
func Itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Placeholders returns "?, ?, ?" for n arguments.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// agencyExists returns ENOTFOUND unless the agency is on record.
func agencyExists(ctx context.Context, q Querier, code string) error {
	code = strings.ToUpper(strings.TrimSpace(code))
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM agencies WHERE code = ?`, code).Scan(&n); err != nil {
		return fmt.Errorf("find agency %s: %w", code, err)
	} else if n == 0 {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
	}
	return nil
}

// Internalf gives an internal error the context of the exported call
// that met it; a domain error (*qms.Error) passes unchanged.
func Internalf(err error, format string, args ...any) error {
	var e *qms.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

var internalf = Internalf

// FormatDate is how both stores keep a date without time of day:
// YYYY-MM-DD, the zero date as NULL.
func FormatDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
}

// ParseDate reads a date kept by FormatDate.
func ParseDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// checkAssignee asks whether username may be given work of agency that
// the roles able carry out (qms.CheckAssignee).
func checkAssignee(ctx context.Context, tx Tx, agency, field, username string, able []qms.Role) error {
	held, err := RolesIn(ctx, tx, agency, username)
	if err != nil {
		return err
	}
	return qms.CheckAssignee(field, username, agency, held, able)
}

// actorRoles is the actor of tx and the roles they hold in agency now,
// for the domain's checks of who may act on what (qms.CheckActionDoer…).
func actorRoles(ctx context.Context, tx Tx, agency string) (string, []qms.Role, error) {
	user := tx.Actor().Username
	roles, err := RolesIn(ctx, tx, agency, user)
	return user, roles, err
}

// checkActionDoer asks whether the actor may record done an action owned
// by owner in agency (qms.CheckActionDoer).
func checkActionDoer(ctx context.Context, tx Tx, agency, owner string) error {
	user, roles, err := actorRoles(ctx, tx, agency)
	if err != nil {
		return err
	}
	return qms.CheckActionDoer(owner, user, roles)
}

// notifyUser sends an in-app notification to the user named username, in
// the transaction of the change that concerns them.
func notifyUser(ctx context.Context, tx Tx, agency, username string, n qms.Notice, link string) error {
	_, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, agency_code, title, kind, args_json, link, created_at)
		SELECT id, ?, ?, ?, ?, ?, ? FROM users WHERE username = ? AND disabled = FALSE`,
		agency, n.Title(), n.Kind, noticeArgs(n), link, FormatTime(tx.Now()), username)
	return err
}

// notifyRole sends an in-app notification to every user holding role in
// agency.
func notifyRole(ctx context.Context, tx Tx, agency string, role qms.Role, n qms.Notice, link string) error {
	_, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, agency_code, title, kind, args_json, link, created_at)
		SELECT m.user_id, m.agency_code, ?, ?, ?, ?, ? FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.agency_code = ? AND m.role = ? AND u.disabled = FALSE`,
		n.Title(), n.Kind, noticeArgs(n), link, FormatTime(tx.Now()), agency, role)
	return err
}

// notifyUserID is notifyUser for a user known by id.
func notifyUserID(ctx context.Context, tx Tx, agency string, userID int64, n qms.Notice, link string) error {
	_, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, agency_code, title, kind, args_json, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		userID, agency, n.Title(), n.Kind, noticeArgs(n), link, FormatTime(tx.Now()))
	return err
}

// noticeArgs is the JSON of a notice's values, as args_json keeps them.
func noticeArgs(n qms.Notice) string {
	if n.Args == nil {
		return "[]"
	}
	b, _ := json.Marshal(n.Args)
	return string(b)
}

// QueryStrings runs a query of one text column and returns its values.
func QueryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Restructuring agencies (agency_merge.go, agency_split.go).
const (
	// TableColumnsSQLite lists a table's columns in order, the table's
	// name bound to ? (Config.TableColumns).
	TableColumnsSQLite = `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	// TableColumnsPostgreSQL is TableColumnsSQLite on PostgreSQL.
	TableColumnsPostgreSQL = `SELECT CAST(column_name AS text) FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position`
)
