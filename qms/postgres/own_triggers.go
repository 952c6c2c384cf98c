package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// The schema's triggers, their functions and its rules are the code's.
// The application trusts them for what a row was before its write
// (note_row_change), for the guards of signed records and the trail, and
// for the change topics; whoever can change them could otherwise have a
// tampered row's next write recorded as the application's: a function
// replaced, a trigger of another name that rewrites row_changes, a rule.
// So the open, and every write transaction that finds them changed since
// (schemaPrint, read with the head lock), makes them exactly those the
// migrations make: a foreign trigger or rule is dropped, a changed or
// missing trigger or function written again, each on the record, its
// definition before as the evidence. Each audit entry's move of the head
// holds the print too, so a change made while a write runs fails it.

// noteRowChangeSQL is the trigger function of the tables the trail
// vouches for: it lists in row_changes, in order, each row a transaction
// writes, with its state before as a JSON object (to_jsonb(OLD); NULL for
// an insert, or for the new key of an update), so that the row's first
// listing is its state before. The key columns are the trigger's
// arguments.
const noteRowChangeSQL = `CREATE OR REPLACE FUNCTION note_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	rs jsonb[] := ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END];
BEGIN
	FOR n IN 1..2 LOOP
		IF rs[n] IS NOT NULL THEN
			INSERT INTO row_changes (tbl, row_key, old_row)
			SELECT TG_TABLE_NAME, '[' || string_agg((rs[n] -> a.k)::text, ',' ORDER BY a.i) || ']', CASE WHEN n = 1 THEN rs[1] END
			FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, i);
		END IF;
	END LOOP;
	RETURN NULL;
END $$`

// rowTriggerSQL writes the trigger function and each vouched table's
// trigger, which fires on the key and the state columns
// (sqlstore.SecurityTables). Migration 0040 runs them (its Go step).
func rowTriggerSQL() []string {
	out := []string{noteRowChangeSQL}
	for _, t := range sqlstore.SecurityTables {
		cols := append(append([]string{}, t.Key...), sqlstore.StateColumns(t.Table)...)
		args := make([]string, len(t.Key))
		for i, k := range t.Key {
			args[i] = "'" + k + "'"
		}
		out = append(out, `DROP TRIGGER IF EXISTS `+t.Table+`_row ON `+t.Table,
			`CREATE TRIGGER `+t.Table+`_row AFTER INSERT OR DELETE OR UPDATE OF `+strings.Join(cols, ", ")+` ON `+t.Table+`
			FOR EACH ROW EXECUTE FUNCTION note_row_change(`+strings.Join(args, ", ")+`)`)
	}
	return out
}

// schemaPrint changes whenever a trigger, a trigger's function or a rule
// of the database is made, changed, disabled or dropped: each catalog
// row's transaction id moves with it. The function of each trigger is
// looked up by its key: a join reads all of pg_proc (0.4 ms a write).
// Each move of the head requires the print the write started with.
const schemaPrint = `((SELECT coalesce(sum(hashtext(t.oid::text || '.' || t.xmin::text || '.' || (SELECT p.xmin::text FROM pg_proc p WHERE p.oid = t.tgfoid))), 0)
		FROM pg_trigger t WHERE NOT t.tgisinternal)
	+ (SELECT coalesce(sum(hashtext(r.oid::text || '.' || r.xmin::text)), 0) FROM pg_rewrite r WHERE r.rulename <> '_RETURN'))::text`

// tablePrint changes whenever a constraint, a default or a row-security
// policy is made, changed or dropped, or a table of the schema is altered in a way that moves its
// pg_class row (a column added, a type that rewrites it). It is read once,
// at the start of a write (0.3 ms): a column's own catalog rows are not in
// it (1.4 ms), so a column renamed, or its NOT NULL or collation changed,
// waits for the next open or verification to be seen.
const tablePrint = `((SELECT coalesce(sum(hashtext(n.oid::text || '.' || n.xmin::text)), 0) FROM pg_constraint n)
	+ (SELECT coalesce(sum(hashtext(d.oid::text || '.' || d.xmin::text)), 0) FROM pg_attrdef d)
	+ (SELECT coalesce(sum(hashtext(p.oid::text || '.' || p.xmin::text)), 0) FROM pg_policy p)
	+ (SELECT coalesce(sum(hashtext(c.oid::text || '.' || c.xmin::text)), 0) FROM pg_class c
		WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::text::regnamespace))::text`

// schemaObjects are the triggers, functions and rules of one schema, by
// name, each with its definition as PostgreSQL prints it.
type schemaObjects struct {
	triggers, functions, rules map[string]schemaObject
	// tables: each table's columns (type, NOT NULL, default, generated,
	// identity, collation), constraints (a foreign key's action, a CHECK)
	// and row security (a policy can hide rows from the application's
	// reads, the verification's among them, or refuse its writes), in
	// sorted order.
	tables map[string]string
}

// schemaObject is one of them: the table it is on ("" for a function),
// its name, its definition, and a trigger's function's (compared with the
// functions, kept as evidence).
type schemaObject struct{ table, name, def, function string }

// readSchemaObjects reads the objects of the schema the connection
// writes to. A function's definition names no schema, so that the code's
// and the database's compare.
func readSchemaObjects(ctx context.Context, q pgxQuerier) (*schemaObjects, error) {
	var schema, quoted string
	if err := q.QueryRow(ctx, `SELECT current_schema(), quote_ident(current_schema())`).Scan(&schema, &quoted); err != nil {
		return nil, fmt.Errorf("current schema: %w", err)
	}
	o := &schemaObjects{}
	var tables map[string]schemaObject
	for _, r := range []struct {
		into *map[string]schemaObject
		sql  string
	}{
		{&o.triggers, `SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid, true), t.tgenabled::text, pg_get_functiondef(t.tgfoid)
			FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relnamespace = $1::text::regnamespace`},
		{&o.functions, `SELECT '', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid), '', ''
			FROM pg_proc p WHERE p.prokind = 'f' AND p.pronamespace = $1::text::regnamespace`},
		{&o.rules, `SELECT c.relname, r.rulename, pg_get_ruledef(r.oid, true), r.ev_enabled::text, ''
			FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND c.relnamespace = $1::text::regnamespace`},
		{&tables, `SELECT c.relname, 'columns', string_agg(x, '; ' ORDER BY x), '', ''
			FROM pg_class c JOIN LATERAL (
				SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
					|| COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || ' ' || a.attgenerated::text || a.attidentity::text
					|| COALESCE(' collate ' || co.collname, '') AS x
				FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
					LEFT JOIN pg_collation co ON co.oid = a.attcollation
				WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
				UNION ALL
				SELECT 'constraint ' || n.conname || ' ' || pg_get_constraintdef(n.oid, true) FROM pg_constraint n WHERE n.conrelid = c.oid
				UNION ALL
				SELECT 'row security' || CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END WHERE c.relrowsecurity OR c.relforcerowsecurity
				UNION ALL
				SELECT 'policy ' || p.polname || ' ' || p.polcmd::text || CASE WHEN p.polpermissive THEN '' ELSE ' restrictive' END
					|| ' to ' || array_to_string(p.polroles::regrole[], ',')
					|| COALESCE(' using ' || pg_get_expr(p.polqual, p.polrelid), '') || COALESCE(' check ' || pg_get_expr(p.polwithcheck, p.polrelid), '')
				FROM pg_policy p WHERE p.polrelid = c.oid
			) cols ON true
			WHERE c.relkind IN ('r', 'p') AND c.relnamespace = $1::text::regnamespace GROUP BY c.relname`},
	} {
		rows, err := q.Query(ctx, r.sql, quoted)
		if err != nil {
			return nil, fmt.Errorf("read triggers: %w", err)
		}
		*r.into = map[string]schemaObject{}
		for rows.Next() {
			var ob schemaObject
			var enabled string
			if err := rows.Scan(&ob.table, &ob.name, &ob.def, &enabled, &ob.function); err != nil {
				rows.Close()
				return nil, err
			}
			ob.def = strings.Replace(ob.def, "FUNCTION "+quoted+".", "FUNCTION ", 1)
			if enabled != "" && enabled != "O" {
				ob.def += " -- enabled: " + enabled // disabled, or firing on replicas only
			}
			(*r.into)[ob.table+" "+ob.name] = ob
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	o.tables = map[string]string{}
	for _, t := range tables {
		o.tables[t.table] = t.def
	}
	return o, nil
}

// scratchSchema holds, inside a transaction rolled back, the schema the
// code makes, to read its objects.
const scratchSchema = "qms_code_objects"

var (
	codeMu      sync.Mutex
	codeObjects *schemaObjects
)

// rowTriggersMigration is the migration whose Go step writes rowTriggerSQL.
const rowTriggersMigration = "migration/0040_row_before.sql"

// readCodeObjects returns the objects the code makes: the migrations run
// in order on an empty schema, with 0040's rowTriggerSQL, all rolled back. They
// depend on the code and the server alone, so a process reads them once.
func readCodeObjects(ctx context.Context, conn *pgx.Conn) (*schemaObjects, error) {
	codeMu.Lock()
	defer codeMu.Unlock()
	if codeObjects != nil {
		return codeObjects, nil
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `CREATE SCHEMA `+scratchSchema); err != nil {
		return nil, fmt.Errorf("the code's triggers: %w", err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL search_path = `+scratchSchema); err != nil {
		return nil, err
	}
	err = sqlstore.EachMigration(migrationFS, func(name, body string) error {
		if _, err := tx.Exec(ctx, body); err != nil || name != rowTriggersMigration {
			return err
		}
		for _, q := range rowTriggerSQL() {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("the code's triggers: %w", err)
	}
	o, err := readSchemaObjects(ctx, tx)
	if err != nil {
		return nil, err
	}
	codeObjects = o
	return o, nil
}

// ownAtOpen makes the schema's objects the code's after the migrations,
// under the migration lock, and notes the print the writes compare with.
func (db *DB) ownAtOpen(ctx context.Context, conn *pgx.Conn) error {
	code, err := readCodeObjects(ctx, conn)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, conn, func(ptx pgx.Tx) error {
		tx := &Tx{querier: querier{ptx}, db: db, now: db.now().UTC(), actor: qms.SystemActor("open")}
		if err := ptx.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1 FOR UPDATE`).Scan(&tx.headID, &tx.headHash); err != nil {
			return fmt.Errorf("lock audit head: %w", err)
		}
		if err := tx.ownSchema(ctx, code); err != nil {
			return err
		}
		var print, tables string
		if err := ptx.QueryRow(ctx, `SELECT `+schemaPrint+`, `+tablePrint).Scan(&print, &tables); err != nil {
			return err
		}
		owned := print + "/" + tables
		db.ownedPrint.Store(&owned)
		return nil
	})
}

// ownInWrite runs at the start of a write transaction, holding the head
// lock with the prints read under it: when they are not those the schema
// was last made the code's at, it is made so again before any write. The
// transaction keeps the print its head moves must hold, and what to note
// once it commits (tx.owned, "" for nothing).
func (tx *Tx) ownInWrite(ctx context.Context, print, tables string) error {
	tx.print = print
	if owned := tx.db.ownedPrint.Load(); owned != nil && *owned == print+"/"+tables {
		return nil
	}
	codeMu.Lock()
	code := codeObjects
	codeMu.Unlock()
	if code == nil {
		return fmt.Errorf("the code's triggers were not read at open")
	}
	tx.print = "" // the entries of what is put right move the head unchecked
	if err := tx.ownSchema(ctx, code); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `SELECT `+schemaPrint+`, `+tablePrint).Scan(&print, &tables); err != nil {
		return err
	}
	tx.print, tx.owned = print, print+"/"+tables
	return nil
}

// ownSchema drops each trigger and rule of the schema the code does not
// make and writes again each of the code's triggers, functions and rules
// that is changed or missing, with an audit entry for each. It refuses a
// database a newer version of the application has migrated.
func (tx *Tx) ownSchema(ctx context.Context, code *schemaObjects) error {
	if err := tx.refuseNewerSchema(ctx); err != nil {
		return err
	}
	found, err := readSchemaObjects(ctx, tx.c)
	if err != nil {
		return err
	}
	if err := sqlstore.TablesChanged(sqlstore.ChangedTables(found.tables, code.tables)); err != nil {
		// Writes are refused: nothing is put right, or recorded, in a
		// database whose tables are not the code's.
		return err
	}
	type fix struct {
		kind      string // "TRIGGER", "FUNCTION", "RULE"
		was, want schemaObject
	}
	var fixes []fix
	for _, k := range []struct {
		kind        string
		found, code map[string]schemaObject
	}{{"FUNCTION", found.functions, code.functions}, {"RULE", found.rules, code.rules}, {"TRIGGER", found.triggers, code.triggers}} {
		for key, was := range k.found {
			if want, ok := k.code[key]; !ok || want.def != was.def {
				if !ok && k.kind == "FUNCTION" {
					continue // called by no trigger of the code's: harmless
				}
				fixes = append(fixes, fix{k.kind, was, want})
			}
		}
		for key, want := range k.code {
			if _, ok := k.found[key]; !ok {
				fixes = append(fixes, fix{k.kind, schemaObject{}, want})
			}
		}
	}
	if len(fixes) == 0 {
		return nil
	}
	// Functions first (a trigger written again calls its function), then
	// triggers and rules in a stable order.
	slices.SortStableFunc(fixes, func(a, b fix) int {
		if c := strings.Compare(kindOrder(a.kind), kindOrder(b.kind)); c != 0 {
			return c
		}
		return strings.Compare(a.was.name+a.want.name, b.was.name+b.want.name)
	})
	for _, f := range fixes {
		var stmts []string
		switch {
		case f.kind == "FUNCTION":
			stmts = []string{f.want.def}
		case f.was.def != "":
			stmts = []string{`DROP ` + f.kind + ` ` + pgx.Identifier{f.was.name}.Sanitize() + ` ON ` + pgx.Identifier{f.was.table}.Sanitize()}
		}
		if f.kind != "FUNCTION" && f.want.def != "" {
			stmts = append(stmts, f.want.def)
		}
		for _, s := range stmts {
			if _, err := tx.c.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s %s: %w", strings.ToLower(f.kind), cmp.Or(f.want.name, f.was.name), err)
			}
		}
	}
	if err := discardRowChanges(ctx, tx); err != nil {
		return err
	}
	// The entries are the system's, whoever's write found the schema
	// changed, and record no rows as a write made them.
	migrating, actor := tx.migrating, tx.actor
	tx.migrating, tx.actor = true, qms.SystemActor("open")
	defer func() { tx.migrating, tx.actor = migrating, actor }()
	for _, f := range fixes {
		fx := sqlstore.TriggerFix{Name: cmp.Or(f.want.name, f.was.name), Was: f.was.def, Want: f.want.def,
			Detail: map[string]string{"table": f.was.table, "function": f.was.function}}
		if err := sqlstore.RecordTriggerFix(fx, func(agency, action, objectType, objectID string, before, after any, reason string) error {
			return tx.audit(ctx, agency, action, objectType, objectID, before, after, reason)
		}); err != nil {
			return err
		}
	}
	return nil
}

func kindOrder(kind string) string {
	if kind == "FUNCTION" {
		return "0"
	}
	return kind
}

// refuseNewerSchema fails when the database has a migration the code does
// not know (sqlstore.RefuseNewerSchema).
func (tx *Tx) refuseNewerSchema(ctx context.Context) error {
	rows, _ := tx.query(ctx, `SELECT name FROM migrations`)
	applied, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	return sqlstore.RefuseNewerSchema(applied, migrationFS)
}
