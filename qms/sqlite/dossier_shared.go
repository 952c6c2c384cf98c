package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The dossier reads are shared (qms/sqlstore/dossier.go): finding a
// dossier, the list, the task list, the citizen's lookup and the on-time
// reports. Receipt and the steps stay here and read through the helpers
// below.

func findDossier(ctx context.Context, q querier, agency, code string) (*qms.Dossier, error) {
	return sqlstore.FindDossierOn(ctx, on(q), agency, code)
}
