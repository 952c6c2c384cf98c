package sqlite

import (
	"database/sql"
	"testing"
)

// UndoRowBefore takes a database back to before migration 0063, as a
// test of an older upgrade needs before it drops a column the triggers
// of 0063 read: the triggers dropped, the migration not applied (the
// upgrade writes them again).
func UndoRowBefore(t *testing.T, q interface {
	Query(string, ...any) (*sql.Rows, error)
	Exec(string, ...any) (sql.Result, error)
}) {
	t.Helper()
	rows, err := q.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\_row\_before\_%' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := q.Exec(`DROP TRIGGER ` + n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := q.Exec(`DELETE FROM migrations WHERE name = 'migration/0063_row_before.sql'`); err != nil {
		t.Fatal(err)
	}
}
