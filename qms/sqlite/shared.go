package sqlite

import (
	"context"
	"database/sql"
	"time"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The services written once for both stores (qms/sqlstore) run here on
// the read pool and the committer.
func (db *DB) sharedStore() *sqlstore.Store {
	return sqlstore.New(sqlstore.Config{
		Read: sqlQuerier{db.read},
		Update: func(ctx context.Context, fn func(tx sqlstore.Tx) error) error {
			return db.update(ctx, func(tx *Tx) error { return fn(sharedTx{sqlQuerier{tx}, tx}) })
		},
		Now:      db.now,
		IsUnique: isUnique,
		OnTime:   db.OnTime,

		// procedures (sqlstore/procedure.go)
		IndexSearch:         indexSearchShared,
		FormExists:          formExistsShared,
		Sign:                signShared,
		DistributeProcedure: distributeProcedureShared,
		Flowcharts:          new(sqlstore.Flowcharts),
	})
}

// sqlRunner is what *sql.DB, *sql.Tx and *Tx have in common.
type sqlRunner interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// sqlQuerier runs the shared SQL on database/sql.
type sqlQuerier struct{ r sqlRunner }

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	return q.r.QueryContext(ctx, query, args...)
}

func (q sqlQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return q.r.QueryRowContext(ctx, query, args...)
}

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.r.ExecContext(ctx, query, args...)
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
