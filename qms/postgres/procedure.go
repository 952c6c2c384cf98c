package postgres

import (
	"context"

	"isodt/qms/sqlstore"
)

// Procedures and their versions are shared (qms/sqlstore/procedure.go).
// A procedure is found by Search through this store's tsvector index,
// which the shared code keeps through the IndexSearch hook.

func indexSearchShared(ctx context.Context, tx sqlstore.Tx, kind, ref, agency, text, title string) error {
	return indexSearch(ctx, tx.(sharedTx).tx, kind, ref, agency, text, title)
}
