package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The export side of `qms db copy`: the database's tables and their rows,
// read on one snapshot so a copy of a running province is consistent.

// Snapshot is one read transaction over the whole database.
type Snapshot struct {
	tx *sql.Tx
}

// Snapshot begins a read transaction; Close ends it.
func (db *DB) Snapshot(ctx context.Context) (*Snapshot, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return &Snapshot{tx: tx}, nil
}

// Close ends the snapshot.
func (s *Snapshot) Close() error { return s.tx.Rollback() }

// Tables lists the tables holding data, in name order: not SQLite's own
// tables, nor this store's bookkeeping (its migrations, the change
// signal's topics, the rows' states before of a transaction, empty
// between them), nor the full-text index (search_index and its shadow
// tables), whose text Rows gives with search_docs.
func (s *Snapshot) Tables(ctx context.Context) ([]string, error) {
	return s.names(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'search\_index%' ESCAPE '\'
		AND name NOT IN ('migrations', 'change_topics', 'row_olds') ORDER BY name`)
}

// names runs a query of one text column on the snapshot.
func (s *Snapshot) names(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Columns lists what Rows can give of a table: its columns in their
// order, then those derived for it.
func (s *Snapshot) Columns(ctx context.Context, table string) ([]string, error) {
	cols, err := s.columns(ctx, table)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(derived)) {
		if t, c, _ := strings.Cut(k, "."); t == table {
			cols = append(cols, c)
		}
	}
	return cols, nil
}

// columns lists a table's own columns in their order.
func (s *Snapshot) columns(ctx context.Context, table string) ([]string, error) {
	return s.names(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
}

// Count is the number of rows of table.
func (s *Snapshot) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := s.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+table+`"`).Scan(&n)
	return n, err
}

// derived gives, for a column another store keeps that this one keeps
// elsewhere, the expression that reads it: the insertion order SQLite
// keeps as rowid, and the searchable text of search_docs, which lives in
// the FTS5 table search_index (its rowid is the document's id).
var derived = map[string]string{
	"memberships.seq":   "t.rowid",
	"kept_uploads.seq":  "t.rowid",
	"search_docs.title": "(SELECT i.title FROM search_index i WHERE i.rowid = t.id)",
	"search_docs.words": "(SELECT i.text FROM search_index i WHERE i.rowid = t.id)",
}

// Rows calls fn with each row of table, in rowid order, its values in the
// order of columns (driver values: int64, float64, string, []byte or nil;
// fn must not keep the slice). A column the table lacks must be one of
// derived's.
func (s *Snapshot) Rows(ctx context.Context, table string, columns []string, fn func([]any) error) error {
	have, err := s.columns(ctx, table)
	if err != nil {
		return err
	}
	exprs := make([]string, len(columns))
	for i, c := range columns {
		switch d, ok := derived[table+"."+c]; {
		case ok:
			exprs[i] = d
		case slices.Contains(have, c):
			exprs[i] = `t."` + c + `"`
		default:
			return fmt.Errorf("export %s: no column %s", table, c)
		}
	}
	// A WITHOUT ROWID table has no rowid to order by; its key orders it.
	var ddl string
	if err := s.tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	order := ` ORDER BY t.rowid`
	if strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
		order = ""
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM "`+table+`" t`+order)
	if err != nil {
		return fmt.Errorf("export %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("export %s: %w", table, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}
