package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// Forms and their versions are shared (qms/sqlstore/form.go); the rest of
// this store (dossiers, compliance, distribution, merges and splits)
// finds the form in force and a step's form code through these, and the
// shared code distributes an approved version through the hook below.

func effectiveForm(ctx context.Context, q querier, agency, code string) (*qms.Form, *qms.FormVersion, error) {
	return sqlstore.EffectiveFormOn(ctx, on(q), agency, code)
}

func mergedFormCode(ctx context.Context, q querier, agency string, procedureID int64, code string) (string, error) {
	return sqlstore.MergedFormCode(ctx, on(q), agency, procedureID, code)
}
