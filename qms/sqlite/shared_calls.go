package sqlite

import (
	"context"

	"isodt/qms/sqlstore"
)

// What the shared services (qms/sqlstore) still call back in this store
// (sqlstore.Config), for the parts not shared yet.

// signShared signs for the shared services in their transaction.
func signShared(ctx context.Context, tx sqlstore.Tx, agency, objectType string, id int64, ref, action string) error {
	return tx.(sharedTx).tx.sign(ctx, agency, objectType, id, ref, action)
}
