package postgres

import (
	"context"

	"isodt/qms/sqlstore"
)

// Procedures and their versions are shared (qms/sqlstore/procedure.go).
// A procedure is found by Search through this store's tsvector index;
// signatures and distribution are not ported yet, so their hooks stay nil
// (sqlstore.Config says what then fails), for procedures and forms alike.

func indexSearchShared(ctx context.Context, tx sqlstore.Tx, kind, ref, agency, text, title string) error {
	return indexSearch(ctx, tx.(sharedTx).tx, kind, ref, agency, text, title)
}
