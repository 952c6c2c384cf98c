package sqlite

import (
	"context"

	"isodt/qms"
)

// Bootstrap makes a fresh database usable (qms.Bootstrap).
func (db *DB) Bootstrap(ctx context.Context, defaultPolicy [][]string) (adminPassword string, err error) {
	return qms.Bootstrap(ctx, db, defaultPolicy)
}
