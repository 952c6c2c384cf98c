package sqlite

import (
	"context"
	"fmt"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// followMergesShared is followMerges for the shared services
// (sqlstore.Config.FollowMerges), on the read pool or the write
// transaction sharedStore gave them.
func (db *DB) followMergesShared(ctx context.Context, q sqlstore.Querier, agency, code string) (*qms.Dossier, error) {
	switch q := q.(type) {
	case sharedTx:
		return followMerges(ctx, q.tx, agency, code)
	case sqlQuerier:
		return followMerges(ctx, q.r, agency, code)
	}
	return nil, fmt.Errorf("find dossier %s: querier %T is not of this store", code, q)
}
