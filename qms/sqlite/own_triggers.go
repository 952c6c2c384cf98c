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

// The file's schema is the code's. The application trusts its triggers
// for what a row was before its write (beforeTriggers), for the guards of
// signed records and for the change topics, its tables for what it reads
// back, and its indexes for the rows a query finds; someone with the file
// could otherwise put in a trigger that lists the state the trail
// recorded while the row holds another, make the listed state a generated
// column that computes it (outsider pass 18), or give an index another
// definition than its content, and the next write would record the
// tampered row as the application's.
//
// So every open, and every write group that finds the schema changed
// since (PRAGMA schema_version, read under the write lock) or runs on a
// writer connection opened since, compares the schema with the one the
// migrations make. What holds no data of its own is made the code's
// again, each on the record with its text before as the evidence of what
// was done with the file: a foreign trigger, index or view is dropped, a
// changed or missing one written again, and so are the two tables the
// triggers list rows in (row_changes, row_olds: empty between writes). A
// table of the code's whose columns differ (a column made a generated
// one, renamed, dropped) cannot be put right without its data: writes are
// refused, naming it, and verification names it, until the file is
// restored. Tables the code does not make are left alone: nothing of the
// application reads them.
//
// The connection counts because whoever has the file can also set the
// schema version back after changing the schema. A connection that
// loaded the schema before keeps it, without the change, as long as the
// version does not move; a connection opened after loads the change.

// ownedSchema is the schema version, and the count of writer
// connections opened in the process, when the schema was last compared
// with the code's, and the tables found changed then (nil: none).
type ownedSchema struct {
	version, connects int64
	changed           error
}

// writerConnects counts the writer connections the process opened
// (writerDriver's hook), of every store it opened.
var writerConnects atomic.Int64

// transientTables are where the triggers list the rows a transaction
// writes: emptied before every write group, so written again when
// changed.
var transientTables = []string{"row_changes", "row_olds"}

// schemaObjects are a database's schema as the stores compare it: the
// triggers, indexes, views and transient tables by type and name with
// their text, and each other table's columns.
type schemaObjects struct {
	fixable map[string]schemaObject
	tables  map[string]string // table → tableColumns
}

// schemaObject is a trigger, index, view or transient table.
type schemaObject struct{ kind, name, sql string }

// codeSchema is the schema the code makes: the migrations run in order on
// an empty database in memory, then beforeTriggers (0063's Go step). It
// depends on the code alone, so a process reads it once.
var codeSchema = sync.OnceValues(func() (*schemaObjects, error) {
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
		return nil, fmt.Errorf("the code's schema, in memory: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := beforeTriggers(ctx, &Tx{Tx: tx}); err != nil {
		return nil, err
	}
	return readSchema(ctx, tx)
})

// readSchema reads the schema of a database.
func readSchema(ctx context.Context, q querier) (*schemaObjects, error) {
	// SQLite's own objects are its automatic indexes (no text) and these
	// tables; any other object named sqlite_… was put in with
	// writable_schema, and is compared like the rest (outsider pass 20).
	rows, err := q.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL
		AND NOT (type = 'table' AND name IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4'))`)
	if err != nil {
		return nil, fmt.Errorf("read the schema: %w", err)
	}
	o := &schemaObjects{fixable: map[string]schemaObject{}, tables: map[string]string{}}
	var tables []schemaObject
	for rows.Next() {
		var ob schemaObject
		if err := rows.Scan(&ob.kind, &ob.name, &ob.sql); err != nil {
			rows.Close()
			return nil, err
		}
		if ob.kind == "table" && !slices.Contains(transientTables, ob.name) {
			tables = append(tables, ob)
			continue
		}
		o.fixable[ob.kind+" "+ob.name] = ob
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range tables {
		if o.tables[t.name], err = tableColumns(ctx, q, t.name, t.sql); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// tableColumns describes a table as its CREATE text does, with its
// column and constraint definitions in sorted order: a foreign key's
// action, a CHECK, a COLLATE, a generated column are all in the text
// (pass 19 made an ON DELETE SET DEFAULT reset users.disabled inside an
// audited write), and only the order of the definitions may differ
// between a database upgraded and one made new, where a test of the
// upgrades dropped a column and added it back, last. The generated and
// hidden columns are listed again from pragma_table_xinfo, which also
// sees what writable_schema put outside the text's reach.
func tableColumns(ctx context.Context, q querier, table, text string) (string, error) {
	cols, err := sqlstore.QueryStrings(ctx, on(q), `SELECT name || ' ' || type || ' ' || "notnull" || ' ' || COALESCE(dflt_value, '-') || ' ' || pk || ' ' || hidden
		FROM pragma_table_xinfo(?) ORDER BY name`, table)
	return tableShape(text) + " | " + strings.Join(cols, ", "), err
}

// tableShape is a CREATE TABLE text with the definitions between its
// outer parentheses in sorted order.
func tableShape(text string) string {
	open := strings.IndexByte(text, '(')
	end := strings.LastIndexByte(text, ')')
	if open < 0 || end < open {
		return text
	}
	var defs []string
	depth, start := 0, open+1
	var quote byte
	for i := open + 1; i < end; i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '[':
			quote = ']'
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			defs = append(defs, strings.TrimSpace(text[start:i]))
			start = i + 1
		}
	}
	defs = append(defs, strings.TrimSpace(text[start:end]))
	slices.Sort(defs)
	return text[:open+1] + strings.Join(defs, ", ") + text[end:]
}

// schemaChanges compares the schema of the database as q reads it with
// the code's: the tables it cannot put right.
func schemaChanges(ctx context.Context, q querier) ([]qms.RowChange, error) {
	code, err := codeSchema()
	if err != nil {
		return nil, err
	}
	found, err := readSchema(ctx, q)
	if err != nil {
		return nil, err
	}
	return sqlstore.ChangedTables(found.tables, code.tables), nil
}

// schemaVersion is SQLite's count of the schema's changes, kept in the
// file's header: any process's CREATE, DROP or ALTER moves it.
func schemaVersion(ctx context.Context, q querier) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v)
	return v, err
}

// ownSchemaAtOpen makes the file's schema the code's after the
// migrations, in a transaction of its own that writes only when it
// differs, and notes what the write groups compare with. Changed tables
// do not stop the open: reads and `qms audit verify` still serve, writes
// are refused.
func (db *DB) ownSchemaAtOpen(ctx context.Context) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rec := &Tx{Tx: tx, db: db, now: db.now().UTC(), actor: qms.SystemActor("open")}
	fixed, changed, err := rec.ownSchema(ctx)
	if err != nil {
		return err
	}
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if fixed {
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	db.owned = ownedSchema{v, writerConnects.Load(), changed}
	return nil
}

// ownSchemaInGroup runs at the start of a write group, under the write
// lock: when the schema changed, or a writer connection was opened, since
// it was last compared with the code's, it is made the code's again
// before any write of the group, and what to note once the group commits
// is returned (nil: nothing). A group on changed tables is refused.
func (db *DB) ownSchemaInGroup(ctx context.Context, sqlTx *sql.Tx, head *groupHead) (*ownedSchema, error) {
	connects := writerConnects.Load()
	v, err := schemaVersion(ctx, sqlTx)
	if err != nil {
		return nil, err
	}
	if v == db.owned.version && connects == db.owned.connects {
		return nil, db.owned.changed
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now().UTC(), actor: qms.SystemActor("open"), head: head}
	_, changed, err := tx.ownSchema(ctx)
	if err != nil {
		return nil, err
	}
	if changed != nil {
		// Refused without comparing again until the schema moves.
		db.owned = ownedSchema{v, connects, changed}
		return nil, changed
	}
	if v, err = schemaVersion(ctx, sqlTx); err != nil {
		return nil, err
	}
	return &ownedSchema{v, connects, nil}, nil
}

// ownSchema drops each trigger, index and view of the file the code does
// not make and writes again each of the code's, and each transient table,
// that is changed or missing, with an audit entry for each. It returns
// whether it wrote, and the error naming the code's tables whose columns
// differ (sqlstore.TablesChanged). It refuses a file a newer version of the
// application has migrated: its schema is that version's.
func (tx *Tx) ownSchema(ctx context.Context) (fixed bool, changed error, err error) {
	code, err := codeSchema()
	if err != nil {
		return false, nil, fmt.Errorf("the code's schema: %w", err)
	}
	if err := refuseNewerSchema(ctx, tx); err != nil {
		return false, nil, err
	}
	found, err := readSchema(ctx, tx)
	if err != nil {
		return false, nil, err
	}
	if changed = sqlstore.TablesChanged(sqlstore.ChangedTables(found.tables, code.tables)); changed != nil {
		// Writes are refused: nothing is put right, or recorded, in a
		// file whose tables are not the code's.
		return false, changed, nil
	}
	var fixes []sqlstore.TriggerFix
	for key, ob := range found.fixable {
		if want, ok := code.fixable[key]; !ok || want.sql != ob.sql {
			fixes = append(fixes, sqlstore.TriggerFix{Kind: ob.kind, Name: ob.name, Was: ob.sql, Want: want.sql})
		}
	}
	for key, want := range code.fixable {
		if _, ok := found.fixable[key]; !ok {
			fixes = append(fixes, sqlstore.TriggerFix{Kind: want.kind, Name: want.name, Want: want.sql})
		}
	}
	if len(fixes) == 0 {
		return false, changed, nil
	}
	// Dropped from what depends on the others to what they depend on,
	// then written the other way round.
	order := []string{"trigger", "view", "index", "table"}
	rank := func(f sqlstore.TriggerFix) int { return slices.Index(order, f.Kind) }
	slices.SortFunc(fixes, func(a, b sqlstore.TriggerFix) int {
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, f := range fixes {
		if f.Was == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DROP `+strings.ToUpper(f.Kind)+` IF EXISTS "`+strings.ReplaceAll(f.Name, `"`, `""`)+`"`); err != nil {
			return false, nil, fmt.Errorf("drop %s %s: %w", f.Kind, f.Name, err)
		}
	}
	for i := len(fixes) - 1; i >= 0; i-- {
		if f := fixes[i]; f.Want != "" {
			if _, err := tx.ExecContext(ctx, f.Want); err != nil {
				return false, nil, fmt.Errorf("write %s %s: %w", f.Kind, f.Name, err)
			}
		}
	}
	// The entries record no rows: DDL lists none, and rows listed before
	// were written outside the application.
	if err := discardRowChanges(tx.Tx); err != nil {
		return false, nil, err
	}
	tx.baseline = true
	defer func() { tx.baseline = false }()
	for _, f := range fixes {
		if err := sqlstore.RecordTriggerFix(f, func(agency, action, objectType, objectID string, before, after any, reason string) error {
			return tx.audit(ctx, agency, action, objectType, objectID, before, after, reason)
		}); err != nil {
			return false, nil, err
		}
	}
	return true, changed, nil
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
