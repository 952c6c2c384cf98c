// Package postgres is the store on PostgreSQL (github.com/jackc/pgx/v5),
// for deployments beyond one machine: several `qms serve` behind a load
// balancer on one PostgreSQL. It implements the same domain interfaces as
// qms/sqlite, with the same behaviour, and keeps values in the same
// representation (times as RFC 3339 text, text compared by its bytes, the
// same audit hashes and row states), so the domain code and the audit
// chain do not know which store they run on.
//
//	db, err := postgres.Open(ctx, "postgres://qms@db.internal/qms", postgres.Options{})
//	defer db.Close()
//
// Every write transaction first locks the audit chain's head row
// (SELECT … FOR UPDATE): writers on every server take turns, as SQLite's
// one writer does, so each mutation and its audit entry chain onto the
// entry before. Committed changes of the data servers keep in memory
// reach every server through LISTEN/NOTIFY (changes.go). A scheduled job
// runs on the server that claims its slot first (jobrun.go).
//
// Everything the product does runs here. Agencies, users and memberships, authentication
// (sessions, API tokens, login throttling), policy rows, the audit trail,
// the working-day calendar and agency settings, job run history and job
// slots, the TTHC catalogue and its
// search (a tsvector with a GIN index) and the change feed are this
// store's own. The services written once for both stores (qms/sqlstore)
// run here too: agencies, users, API tokens, the calendar, the audit
// trail's search, quality objectives, nonconformities and corrective
// actions, procedures and their versions, controlled forms and their
// versions, uploaded files and kept uploads, the distribution of
// versions and their read-and-understood acknowledgements, declarations
// of conformity, the risk register, internal audits and their
// checklist, the context register, external providers, citizen feedback
// and satisfaction responses, management reviews, their decisions and
// the dashboards' reads of them, the compliance engine and its findings,
// in-app notifications and their e-mail queue,
// competence (catalogue, requirements, records), signatures with
// meaning, one-stop dossiers (finding one, the list, the task list, the
// citizen's lookup, the on-time reports; receipt, numbered without
// duplicates or gaps by any number of servers; the steps, delegations,
// pauses, apologies and the import of a one-stop system's history), the
// ISO-control status of TTHCs, and the merge and split of agencies
// (with their dry run). A SQLite province moves here with `qms db copy`
// (copy.go); `qms backup` runs pg_dump (backup.go).
//
// Porting a service (a new one is written in qms/sqlstore from the start):
//  1. Translate its tables, in their final shape after every SQLite
//     migration, into the next migration/NNNN_name.sql: bigint for
//     INTEGER, text COLLATE "C" for TEXT, bytea for BLOB, identity for
//     INTEGER PRIMARY KEY; times stay RFC 3339 text. A table the server
//     keeps in memory gets a notify_topic trigger; a security-relevant
//     one a note_row_change trigger and a sqlstore.SecurityTables entry.
//  2. Move the service from qms/sqlite into qms/sqlstore, written once
//     in the SQL both databases speak (see that package): the SQL keeps
//     its ? placeholders (rebind numbers them here), the shared Store's
//     update runs in this store's write transaction with the head lock,
//     tx.Audit chains the entry. Nullable columns scan into a *string.
//  3. Move the service's tests from qms/sqlite into qms/storetest (add the
//     methods to its Store interface) so they run on both stores.
//
// The tests start a throw-away cluster (qms/postgres/pgtest); without
// PostgreSQL installed they are skipped.
package postgres
