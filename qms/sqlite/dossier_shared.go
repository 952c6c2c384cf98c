package sqlite

import (
	"context"
	"database/sql"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/sqlstore"
)

// Dossiers are shared (qms/sqlstore/dossier*.go): finding a dossier, the
// list, the task list, the citizen's lookup, the on-time reports, receipt,
// the steps, delegations, pauses and apologies, and the import of a
// one-stop system's history. The rest of this store (the bulk load of
// demo_load.go, merges and splits, compliance) reaches them through the
// helpers below.

func findDossier(ctx context.Context, q querier, agency, code string) (*qms.Dossier, error) {
	return sqlstore.FindDossierOn(ctx, on(q), agency, code)
}

func rolesIn(ctx context.Context, q querier, agency, username string) ([]qms.Role, error) {
	return sqlstore.RolesIn(ctx, on(q), agency, username)
}

func dossierConflict(err error, code string) error {
	return sqlstore.DossierConflict(err, code, isUnique)
}

func dossierArgs(d *qms.Dossier) []any { return sqlstore.DossierArgs(d) }

func stepRecordArgs(agency string, r *qms.StepRecord) []any {
	return sqlstore.StepRecordArgs(agency, r)
}

func openStepRows(d *qms.Dossier, fc flowchart.Flowchart, cal qms.WorkingClock) ([][]any, error) {
	return sqlstore.OpenStepRows(d, fc, cal)
}

const (
	insertDossierSQL    = sqlstore.InsertDossierSQL
	insertStepRecordSQL = sqlstore.InsertStepRecordSQL
	insertOpenStepSQL   = sqlstore.InsertOpenStepSQL
)

// viewShared runs fn on one connection of the read pool, in one read-only
// transaction when snapshot (sqlstore.Config.View).
func (db *DB) viewShared(ctx context.Context, snapshot bool, fn func(q sqlstore.Querier) error) error {
	if !snapshot {
		return db.view(ctx, func(c *sql.Conn) error { return fn(on(c)) })
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() // nothing to keep: it only read
	return fn(on(tx))
}
