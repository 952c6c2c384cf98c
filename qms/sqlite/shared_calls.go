package sqlite

import (
	"context"
	"fmt"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// What the shared services (qms/sqlstore) still call back in this store
// (sqlstore.Config), for the parts not shared yet.

// signShared signs for the shared services in their transaction.
func signShared(ctx context.Context, tx sqlstore.Tx, agency, objectType string, id int64, ref, action string) error {
	return tx.(sharedTx).tx.sign(ctx, agency, objectType, id, ref, action)
}

// ownQuerier is the database/sql side of a querier the shared services
// pass back to this store.
func ownQuerier(q sqlstore.Querier) querier {
	switch q := q.(type) {
	case sharedTx:
		return q.tx
	case sqlQuerier:
		return q.r
	}
	panic(fmt.Sprintf("sqlite: querier %T is not this store's", q))
}

// ncsShared reads nonconformities for the shared services.
func ncsShared(ctx context.Context, q sqlstore.Querier, where string, args ...any) ([]*qms.Nonconformity, error) {
	return findNCs(ctx, ownQuerier(q), where, args...)
}
