package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"isodt/qms/sqlstore"
)

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

// ownRowTriggers writes the trigger function and each vouched table's
// trigger again at every open, under the migration lock, over whatever
// the database holds: the application trusts them for what a row was
// before its write, and whoever can change them could otherwise have a
// tampered row's next write recorded as the application's. A trigger
// fires on the key and the state columns (sqlstore.SecurityTables).
func ownRowTriggers(ctx context.Context, conn *pgx.Conn) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, noteRowChangeSQL); err != nil {
			return fmt.Errorf("trigger function: %w", err)
		}
		for _, t := range sqlstore.SecurityTables {
			cols := append(append([]string{}, t.Key...), sqlstore.StateColumns(t.Table)...)
			args := make([]string, len(t.Key))
			for i, k := range t.Key {
				args[i] = "'" + k + "'"
			}
			for _, q := range []string{
				`DROP TRIGGER IF EXISTS ` + t.Table + `_row ON ` + t.Table,
				`CREATE TRIGGER ` + t.Table + `_row AFTER INSERT OR DELETE OR UPDATE OF ` + strings.Join(cols, ", ") + ` ON ` + t.Table + `
				FOR EACH ROW EXECUTE FUNCTION note_row_change(` + strings.Join(args, ", ") + `)`,
			} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return fmt.Errorf("trigger of %s: %w", t.Table, err)
				}
			}
		}
		return nil
	})
}
