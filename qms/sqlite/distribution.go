package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/sqlstore"
)

// Distribution is shared (qms/sqlstore/distribution.go); the ACK_OVERDUE
// rule and the merge reach it through the names below.

func (db *DB) findReads(ctx context.Context, q querier, cal *calendar.Calendar, days int, where string, args ...any) ([]*qms.DocumentRead, error) {
	return db.Store.FindReads(ctx, on(q), cal, days, where, args...)
}

const pendingInForce = sqlstore.PendingInForce
