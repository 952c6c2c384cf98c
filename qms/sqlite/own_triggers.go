package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The file's triggers are the code's. The application trusts triggers
// for what a row was before its write (beforeTriggers), for the guards of
// signed records and for the change topics; someone with the file could
// otherwise put in one that lists the state the trail recorded while the
// row holds another, or that rewrites what the application writes, and
// the next write would record the tampered row as the application's.
// So every open, and every write group that finds the schema changed
// since (PRAGMA schema_version, read under the write lock) or runs on a
// writer connection opened since, makes the triggers exactly those the
// migrations make: a foreign one is dropped, a changed or missing one
// written again, each on the record, its text before as the evidence of
// what was done with the file.
//
// The connection counts because whoever has the file can also set the
// schema version back after putting a trigger in. A connection that
// loaded the schema before keeps it, without the trigger, as long as the
// version does not move; a connection opened after loads the trigger.

// ownedSchema is the schema version, and the count of writer
// connections opened in the process, when the triggers were last made the
// code's.
type ownedSchema struct{ version, connects int64 }

// writerConnects counts the writer connections the process opened
// (writerDriver's hook), of every store it opened.
var writerConnects atomic.Int64

// codeTriggers is every trigger the code makes, by name, with the text
// SQLite keeps of it: the migrations run in order on an empty database in
// memory, then beforeTriggers (0063's Go step). It depends on the code
// alone, so a process computes it once.
var codeTriggers = sync.OnceValues(func() (map[string]string, error) {
	ctx := context.Background()
	mem, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	conn, err := mem.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	err = sqlstore.EachMigration(migrationFS, func(_, body string) error {
		_, err := conn.ExecContext(ctx, body)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("the code's triggers, in memory: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := beforeTriggers(ctx, &Tx{Tx: tx}); err != nil {
		return nil, err
	}
	return triggersOf(ctx, tx)
})

// triggersOf reads the triggers of a database: name → text.
func triggersOf(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		return nil, fmt.Errorf("read triggers: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return nil, err
		}
		m[name] = text
	}
	return m, rows.Err()
}

// schemaVersion is SQLite's count of the schema's changes, kept in the
// file's header: any process's CREATE, DROP or ALTER moves it.
func schemaVersion(ctx context.Context, q querier) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v)
	return v, err
}

// ownTriggersAtOpen makes the file's triggers the code's after the
// migrations, in a transaction of its own that writes only when they
// differ, and notes the schema version the write groups compare with.
func (db *DB) ownTriggersAtOpen(ctx context.Context) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rec := &Tx{Tx: tx, db: db, now: db.now().UTC(), actor: qms.SystemActor("open")}
	changed, err := rec.ownTriggers(ctx)
	if err != nil {
		return err
	}
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if changed {
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	db.owned = ownedSchema{v, writerConnects.Load()}
	return nil
}

// ownTriggersInGroup runs at the start of a write group, under the write
// lock: when the schema changed, or a writer connection was opened, since
// the triggers were last made the code's, they are made so again before
// any write of the group, and what to note once the group commits is
// returned (nil: nothing).
func (db *DB) ownTriggersInGroup(ctx context.Context, sqlTx *sql.Tx, head *groupHead) (*ownedSchema, error) {
	connects := writerConnects.Load()
	v, err := schemaVersion(ctx, sqlTx)
	if err != nil || (ownedSchema{v, connects}) == db.owned {
		return nil, err
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now().UTC(), actor: qms.SystemActor("open"), head: head}
	if _, err := tx.ownTriggers(ctx); err != nil {
		return nil, err
	}
	if v, err = schemaVersion(ctx, sqlTx); err != nil {
		return nil, err
	}
	return &ownedSchema{v, connects}, nil
}

// ownTriggers drops each trigger of the file the code does not make and
// writes again each one of the code's that is changed or missing, with an
// audit entry for each. It refuses a file a newer version of the
// application has migrated: its triggers are that version's.
func (tx *Tx) ownTriggers(ctx context.Context) (changed bool, err error) {
	code, err := codeTriggers()
	if err != nil {
		return false, fmt.Errorf("the code's triggers: %w", err)
	}
	if err := refuseNewerSchema(ctx, tx); err != nil {
		return false, err
	}
	found, err := triggersOf(ctx, tx)
	if err != nil {
		return false, err
	}
	var fixes []sqlstore.TriggerFix
	for name, text := range found {
		if want, ok := code[name]; !ok || want != text {
			fixes = append(fixes, sqlstore.TriggerFix{Name: name, Was: text, Want: want})
		}
	}
	for name, want := range code {
		if _, ok := found[name]; !ok {
			fixes = append(fixes, sqlstore.TriggerFix{Name: name, Want: want})
		}
	}
	if len(fixes) == 0 {
		return false, nil
	}
	slices.SortFunc(fixes, func(a, b sqlstore.TriggerFix) int { return strings.Compare(a.Name, b.Name) })
	for _, f := range fixes {
		if f.Was == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER "`+strings.ReplaceAll(f.Name, `"`, `""`)+`"`); err != nil {
			return false, fmt.Errorf("drop trigger %s: %w", f.Name, err)
		}
	}
	for _, f := range fixes {
		if f.Want == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, f.Want); err != nil {
			return false, fmt.Errorf("write trigger %s: %w", f.Name, err)
		}
	}
	// The entries record no rows: DDL lists none, and rows listed before
	// were written outside the application.
	if err := discardRowChanges(tx.Tx); err != nil {
		return false, err
	}
	tx.baseline = true
	defer func() { tx.baseline = false }()
	for _, f := range fixes {
		if err := sqlstore.RecordTriggerFix(f, func(agency, action, objectType, objectID string, before, after any, reason string) error {
			return tx.audit(ctx, agency, action, objectType, objectID, before, after, reason)
		}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// refuseNewerSchema fails when the file has a migration the code does not
// know (sqlstore.RefuseNewerSchema).
func refuseNewerSchema(ctx context.Context, tx *Tx) error {
	applied, err := sqlstore.QueryStrings(ctx, on(tx), `SELECT name FROM migrations`)
	if err != nil {
		return err
	}
	return sqlstore.RefuseNewerSchema(applied, migrationFS)
}
