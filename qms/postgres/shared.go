package postgres

import (
	"context"
	stdsql "database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The services written once for both stores (qms/sqlstore) run here on
// the pool and on write transactions that hold the audit head.
func (db *DB) sharedStore() *sqlstore.Store {
	return sqlstore.New(sqlstore.Config{
		Read: sharedQuerier{db.direct()},
		Update: func(ctx context.Context, fn func(tx sqlstore.Tx) error) error {
			return db.update(ctx, func(tx *Tx) error { return fn(tx.shared()) })
		},
		Now:          db.now,
		IsUnique:     isUnique,
		PasswordCost: db.cost,
		InsertOrder:  "seq",

		// procedures (sqlstore/procedure.go)
		IndexSearch: indexSearchShared,
		Flowcharts:  new(sqlstore.Flowcharts),

		// dossiers (sqlstore/dossier.go)
		Dossiers: sqlstore.DossiersPostgreSQL,
		View:     db.view,

		// compliance and e-mails (sqlstore/compliance.go, notification.go)
		Write:       sharedQuerier{db.direct()},
		VerifyAudit: db.verifyAudit,

		// agency merge and split (sqlstore/agency_split.go)
		TableColumns: sqlstore.TableColumnsPostgreSQL,

		// login (sqlstore/authenticate.go): a success reads the locks
		// under the rows' lock, which a failure counting at the same
		// time holds too.
		ClearLoginCount: func(ctx context.Context, username, addr string, now time.Time) error {
			return pgx.BeginFunc(ctx, db.pool, func(ptx pgx.Tx) error {
				return sqlstore.ClearLoginCount(ctx, sharedQuerier{querier{ptx}}, username, addr, " FOR UPDATE", now)
			})
		},
		RowLock:   " FOR UPDATE",
		ShareLock: " FOR SHARE",
	})
}

// shared is the write transaction as the shared services see it.
func (tx *Tx) shared() sharedTx { return sharedTx{sharedQuerier{tx.querier}, tx} }

// sharedQuerier runs the shared SQL through rebind.
type sharedQuerier struct{ q querier }

func (q sharedQuerier) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	rows, err := q.q.query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgRows{rows}, nil
}

func (q sharedQuerier) QueryRow(ctx context.Context, sql string, args ...any) sqlstore.Row {
	return pgRow{q.q.queryRow(ctx, sql, args...)}
}

// pgRow answers no row as database/sql does (sqlstore.Row).
type pgRow struct{ pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return stdsql.ErrNoRows
	}
	return err
}

func (q sharedQuerier) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := q.q.exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

// pgRows gives pgx.Rows the Close of database/sql.
type pgRows struct{ pgx.Rows }

func (r pgRows) Close() error {
	r.Rows.Close()
	return r.Rows.Err()
}

// sharedTx is a write transaction as the shared services see it.
type sharedTx struct {
	sharedQuerier
	tx *Tx
}

func (t sharedTx) Now() time.Time   { return t.tx.now }
func (t sharedTx) Actor() qms.Actor { return t.tx.actor }

func (t sharedTx) Audit(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error {
	return t.tx.audit(ctx, agency, action, objectType, objectID, before, after, reason)
}

// The store's own code reaches the agencies through the shared queries.

func findAgencyByCode(ctx context.Context, q querier, code string) (*qms.Agency, error) {
	return sqlstore.FindAgency(ctx, sharedQuerier{q}, code)
}

const subtreeSQL = sqlstore.SubtreeSQL

func (db *DB) findOneUser(ctx context.Context, q querier, f qms.UserFilter) (*qms.User, error) {
	return db.FindUserOn(ctx, sharedQuerier{q}, f)
}

func (tx *Tx) auditAccount(ctx context.Context, u *qms.User, action, objectType, objectID string, before, after any, reason string) error {
	return sqlstore.AuditAccount(ctx, tx.shared(), u, action, objectType, objectID, before, after, reason)
}
