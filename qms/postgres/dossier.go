package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"isodt/qms/sqlstore"
)

// view runs fn on the pool, or in one read-only repeatable-read
// transaction when snapshot (sqlstore.Config.View): a dossier's progress
// and the control statuses read one state of the database.
func (db *DB) view(ctx context.Context, snapshot bool, fn func(q sqlstore.Querier) error) error {
	if !snapshot {
		return fn(sharedQuerier{db.direct()})
	}
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer ptx.Rollback(context.WithoutCancel(ctx)) // nothing to keep: it only read
	return fn(sharedQuerier{querier{ptx}})
}
