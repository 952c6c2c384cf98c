// Package postgres is the store on PostgreSQL (github.com/jackc/pgx/v5),
// for deployments beyond one machine: several `qms serve` behind a load
// balancer on one PostgreSQL. It implements the same domain interfaces as
// qms/sqlite, with the same behaviour, and keeps values in the same
// representation (times as RFC 3339 text, the same audit hashes), so the
// domain code and the audit chain do not know which store they run on.
//
//	db, err := postgres.Open(ctx, "postgres://qms@db.internal/qms", postgres.Options{})
//	defer db.Close()
//
// Every write transaction first locks the audit chain's head row
// (SELECT … FOR UPDATE): writers on every server take turns, as SQLite's
// one writer does, so each mutation and its audit entry chain onto the
// entry before. Committed changes of the data servers keep in memory
// reach every server through LISTEN/NOTIFY (changes.go).
//
// Ported so far: agencies, users and memberships, authentication
// (sessions, API tokens, login throttling), policy rows, the audit trail,
// the working-day calendar and agency settings, job run history, in-app
// notifications, the TTHC catalogue and its search (a tsvector with a GIN
// index), and the change feed (ported.go lists what is not yet). The other services still exist only in qms/sqlite.
package postgres
