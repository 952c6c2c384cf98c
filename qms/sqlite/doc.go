// Package sqlite is the store of the QMS on SQLite (mattn/go-sqlite3,
// built with the sqlite_fts5 tag): numbered migrations embedded in the
// binary, one writer connection that begins every transaction IMMEDIATE,
// a pool of read-only connections, and the audit trail written inside the
// transaction of each mutation. Every read goes to the database: another
// process may have written. The only things kept in memory are what a key
// fixes for good (a final version's flowchart) and the working-day
// calendars, which follow the change feed (Changes, changes.go).
//
//	db, err := sqlite.Open(ctx, "data/qms.db", sqlite.Options{})
//	defer db.Close()
//	err = db.CreateAgency(qms.WithActor(ctx, qms.SystemActor("cli")), &qms.Agency{Code: "A", Name: "Sở A"})
package sqlite
