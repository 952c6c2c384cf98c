package sqlite

import (
	"context"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// Declarations are shared (qms/sqlstore/declaration.go); the compliance
// rules on them read through the names below.

const procInForceSQL = sqlstore.ProcInForceSQL

func scopeItems(ctx context.Context, q querier, query string, args ...any) ([]qms.ScopeItem, error) {
	return sqlstore.QueryScopeItems(ctx, on(q), query, args...)
}

func findDeclarations(ctx context.Context, q querier, where string, args ...any) ([]*qms.Declaration, error) {
	return sqlstore.QueryDeclarations(ctx, on(q), where, args...)
}
