// Package storetest is the one test suite of the stores: each of its
// tests runs against every store (qms/sqlite and qms/postgres) through a
// table of constructors, so the two cannot drift apart in behaviour. The
// PostgreSQL side runs on a throw-away cluster (qms/postgres/pgtest) and
// is skipped, with a "SKIP:" line, where PostgreSQL is not installed.
//
// The package holds only tests; this file names it.
package storetest
