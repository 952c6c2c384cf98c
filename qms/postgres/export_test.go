package postgres

import (
	"context"

	"isodt/qms"
)

// WriteAround runs during a write transaction, after it made the schema's
// objects the code's and before its audit entry: tests change the schema
// there, as another connection could.
func (db *DB) WriteAround(ctx context.Context, during func()) error {
	return db.update(ctx, func(tx *Tx) error {
		during()
		return tx.audit(ctx, qms.SystemAgencyCode, "agency.settings", "agency", qms.SystemAgencyCode, nil, nil, "test")
	})
}
