package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/sqlstore"
)

// Distribution is shared (qms/sqlstore/distribution.go); forms and the
// ACK_OVERDUE rule reach it through the names below, and the shared code
// finds the forms in force, which are this store's own yet, through
// effectiveFormShared.

func distributeForm(ctx context.Context, tx *Tx, v *qms.FormVersion) error {
	return sqlstore.DistributeForm(ctx, shared(tx), v)
}

func (db *DB) findReads(ctx context.Context, q querier, cal *calendar.Calendar, days int, where string, args ...any) ([]*qms.DocumentRead, error) {
	return db.Store.FindReads(ctx, on(q), cal, days, where, args...)
}

const pendingInForce = sqlstore.PendingInForce

func effectiveFormShared(ctx context.Context, tx sqlstore.Tx, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	return effectiveForm(ctx, tx.(sharedTx).tx, agency, code)
}
