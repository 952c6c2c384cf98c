package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The services written once for both stores (qms/sqlstore) run here on
// the read pool and the committer.
func (db *DB) sharedStore() *sqlstore.Store {
	return sqlstore.New(sqlstore.Config{
		Read: on(db.read),
		Update: func(ctx context.Context, fn func(tx sqlstore.Tx) error) error {
			return db.update(ctx, func(tx *Tx) error { return fn(shared(tx)) })
		},
		Now:          db.now,
		IsUnique:     isUnique,
		PasswordCost: db.cost,
		InsertOrder:  "rowid",

		// procedures (sqlstore/procedure.go)
		IndexSearch: indexSearchShared,
		Flowcharts:  new(sqlstore.Flowcharts),

		// distribution (sqlstore/distribution.go)
		AckDays: db.ackDays,

		// dossiers (sqlstore/dossier.go)
		Dossiers: sqlstore.DossiersSQLite,
		View:     db.viewShared,

		// compliance and e-mails (sqlstore/compliance.go, notification.go)
		Write:       on(db.write),
		VerifyAudit: db.verifyAudit,
		ReissueDays: db.reissueDays,

		// agency merge and split (sqlstore/agency_split.go)
		TableColumns: sqlstore.TableColumnsSQLite,

		// login (sqlstore/authenticate.go): the one writer connection
		// orders a success after the failures before it.
		ClearLoginCount: func(ctx context.Context, username, addr string, now time.Time) error {
			return sqlstore.ClearLoginCount(ctx, on(db.write), username, addr, "", now)
		},
	})
}

// on lets the shared SQL read through q (a read connection, the pool, a
// write transaction).
func on(q querier) sqlQuerier { return sqlQuerier{q} }

// shared is a write transaction as the shared services see it.
func shared(tx *Tx) sharedTx { return sharedTx{sqlQuerier{tx}, tx} }

// execer is what a querier offers when it can write.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// sqlQuerier runs the shared SQL on database/sql.
type sqlQuerier struct{ r querier }

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return q.r.QueryContext(ctx, query, args...)
}

func (q sqlQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return q.r.QueryRowContext(ctx, query, args...)
}

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	w, ok := q.r.(execer)
	if !ok {
		return 0, errReadOnly
	}
	res, err := w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sharedTx is a write transaction as the shared services see it.
type sharedTx struct {
	sqlQuerier
	tx *Tx
}

func (t sharedTx) Now() time.Time   { return t.tx.now }
func (t sharedTx) Actor() qms.Actor { return t.tx.actor }

func (t sharedTx) Audit(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error {
	return t.tx.audit(ctx, agency, action, objectType, objectID, before, after, reason)
}

var errReadOnly = errors.New("write on a read connection")

// The store's own code reaches the agencies through the shared queries.

func findAgencyByCode(ctx context.Context, q querier, code string) (*qms.Agency, error) {
	return sqlstore.FindAgency(ctx, on(q), code)
}

func findAgencies(ctx context.Context, q querier, f qms.AgencyFilter) ([]*qms.Agency, error) {
	return sqlstore.FindAgenciesOn(ctx, on(q), f)
}

func isWithin(ctx context.Context, q querier, code, ancestor string) (bool, error) {
	return sqlstore.IsWithinOn(ctx, on(q), code, ancestor)
}

func refuseMerged(ctx context.Context, q querier, agency string) error {
	return sqlstore.RefuseMerged(ctx, on(q), agency)
}

func nullString(s string) any { return sqlstore.NullString(s) }

const subtreeSQL = sqlstore.SubtreeSQL

func (db *DB) findOneUser(ctx context.Context, q querier, f qms.UserFilter) (*qms.User, error) {
	return db.FindUserOn(ctx, on(q), f)
}

func (tx *Tx) auditAccount(ctx context.Context, u *qms.User, action, objectType, objectID string, before, after any, reason string) error {
	return sqlstore.AuditAccount(ctx, shared(tx), u, action, objectType, objectID, before, after, reason)
}
