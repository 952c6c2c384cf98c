package sqlite

import (
	"context"
	"database/sql"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/sqlstore"
)

// Procedures and their versions are shared (qms/sqlstore/procedure.go);
// the rest of this store (forms, dossiers, compliance, distribution)
// reads them, and keeps the version lifecycle of forms, through the
// helpers below. The hooks give the shared code what only this store has
// yet: its FTS5 index, forms and distribution.

func findProcedure(ctx context.Context, q querier, agency string, id int64) (*qms.Procedure, error) {
	return sqlstore.QueryProcedure(ctx, on(q), agency, id)
}

func findProcedures(ctx context.Context, q querier, f qms.ProcedureFilter) ([]*qms.Procedure, error) {
	return sqlstore.QueryProcedures(ctx, on(q), f)
}

func findVersions(ctx context.Context, q querier, procedureID int64, number *int) ([]*qms.ProcedureVersion, error) {
	return sqlstore.QueryVersions(ctx, on(q), procedureID, number)
}

func findVersion(ctx context.Context, q querier, procedureID int64, number int) (*qms.ProcedureVersion, error) {
	return sqlstore.QueryVersion(ctx, on(q), procedureID, number)
}

const versionColumns = sqlstore.VersionColumns

func scanVersion(rows *sql.Rows) (*qms.ProcedureVersion, error) { return sqlstore.ScanVersion(rows) }

// pinnedFlowchart is PinnedFlowchart read through q (a read connection or
// the write transaction), from the store's cache.
func (db *DB) pinnedFlowchart(ctx context.Context, q querier, procedureID int64, number int) (flowchart.Flowchart, error) {
	return db.Store.PinnedFlowchartIn(ctx, on(q), procedureID, number)
}

// versioned is a version of any controlled document, as the shared
// lifecycle helpers see it (sqlstore.Versioned).
type versioned struct {
	id       int64
	ref      string
	approval *qms.Approval
}

func supersede(ctx context.Context, tx *Tx, kind string, keepID int64, versions []versioned, reason string) error {
	vs := make([]sqlstore.Versioned, len(versions))
	for i, v := range versions {
		vs[i] = sqlstore.Versioned{ID: v.id, Ref: v.ref, Approval: v.approval}
	}
	return sqlstore.Supersede(ctx, shared(tx), kind, keepID, vs, reason)
}

func saveApprovalIn(ctx context.Context, tx *Tx, table string, id int64, a *qms.Approval, at time.Time) error {
	return sqlstore.SaveApprovalIn(ctx, shared(tx), table, id, a, at)
}

func contribute(ctx context.Context, tx *Tx, kind string, versionID int64, a *qms.Approval, act string) error {
	return sqlstore.Contribute(ctx, shared(tx), kind, versionID, a, act)
}

func loadContributors(ctx context.Context, q querier, kind string, versionID int64, a *qms.Approval) error {
	return sqlstore.LoadContributors(ctx, on(q), kind, versionID, a)
}

// The hooks of sqlstore.Config that procedures use.

func indexSearchShared(ctx context.Context, tx sqlstore.Tx, kind, ref, agency, text, title string) error {
	return indexSearch(ctx, tx.(sharedTx).tx, kind, ref, agency, text, title)
}
