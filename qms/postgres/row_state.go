package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// Security-relevant rows carry the hash of their state in the audit entry
// that last wrote them, as in qms/sqlite (row_state.go there): the
// triggers of migration 0001 list each written row in row_changes under
// the writing transaction's id, and tx.audit hashes those rows' current
// state into the entry it appends. Keys and state values are rendered as
// SQLite renders them (keys as json_array, a flag as 0 or 1), so a row
// hashes the same in both stores.

// rowSpec names a table's key columns with their types and the columns
// whose change is a security event (the UPDATE OF lists of the triggers).
type rowSpec struct {
	table    string
	key      []string
	keyTypes []string
	state    []string // SQL expressions of text
	label    string
}

var rowSpecs = []rowSpec{
	{table: "users", key: []string{"id"}, keyTypes: []string{"bigint"},
		state: []string{"username", "email", "password_hash", "(disabled::int)::text"},
		label: "'người dùng ' || username"},
	{table: "memberships", key: []string{"user_id", "agency_code", "role"}, keyTypes: []string{"bigint", "text", "text"},
		label: "'vai trò ' || role || ' tại ' || agency_code || ' của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')"},
	{table: "api_tokens", key: []string{"id"}, keyTypes: []string{"bigint"},
		state: []string{"user_id::text", "token_hash", "expires_at", "revoked_at"},
		label: "'mã API của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?')"},
	{table: "policy_rules", key: []string{"id"}, keyTypes: []string{"bigint"},
		state: []string{"ptype", "v0", "v1", "v2", "v3"},
		label: "'quy tắc ' || v0 || ', ' || v1 || ', ' || v2 || ', ' || v3"},
	{table: "sessions", key: []string{"id"}, keyTypes: []string{"text"},
		state: []string{"user_id::text", "agency_code", "expires_at"},
		label: "'phiên đăng nhập của ' || COALESCE((SELECT username FROM users WHERE id = user_id), '?') || ' tại ' || agency_code"},
}

func findRowSpec(table string) (rowSpec, bool) {
	for _, s := range rowSpecs {
		if s.table == table {
			return s, true
		}
	}
	return rowSpec{}, false
}

// keyExpr is the row's key as the triggers write it.
func (s rowSpec) keyExpr() string {
	parts := make([]string, len(s.key))
	for i, c := range s.key {
		parts[i] = "to_jsonb(" + c + ")::text"
	}
	return "'[' || concat_ws(',', " + strings.Join(parts, ", ") + ") || ']'"
}

// columns are the selected columns: the key, the label, then the state.
func (s rowSpec) columns() string {
	return s.keyExpr() + ", " + s.label + strings.Join(append([]string{""}, s.state...), ", ")
}

// scan reads one row selected with columns and hashes its state.
func (s rowSpec) scan(sc pgx.Row) (key, label, hash string, err error) {
	vals := make([]*string, len(s.state))
	dest := []any{&key, &label}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if err := sc.Scan(dest...); err != nil {
		return "", "", "", err
	}
	return key, label, qms.HashRowState(s.table, key, vals), nil
}

// rowStates takes the rows this transaction listed in row_changes and
// returns the current state of each (sqlstore.RowStates).
func (tx *Tx) rowStates(ctx context.Context) ([]qms.RowState, error) {
	rows, err := tx.query(ctx, `DELETE FROM row_changes WHERE xact = txid_current() RETURNING tbl, row_key`)
	if err != nil {
		return nil, fmt.Errorf("read changed rows: %w", err)
	}
	return sqlstore.RowStates(pgRows{rows}, func(table, key string) (string, error) {
		s, ok := findRowSpec(table)
		if !ok {
			return "", fmt.Errorf("unknown table")
		}
		return s.current(ctx, tx.querier, key)
	})
}

// current hashes the row with key as it is now; "" when it does not exist.
func (s rowSpec) current(ctx context.Context, q querier, key string) (string, error) {
	where := make([]string, len(s.key))
	args := make([]any, len(s.key))
	for i, c := range s.key {
		where[i] = fmt.Sprintf("%s = (CAST(? AS jsonb) ->> %d)::%s", c, i, s.keyTypes[i])
		args[i] = key
	}
	_, _, hash, err := s.scan(q.queryRow(ctx, `SELECT `+s.columns()+` FROM `+s.table+` WHERE `+strings.Join(where, " AND "), args...))
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return hash, err
}

// discardRowChanges forgets rows listed by transactions that committed
// without appending an entry: they were written outside the application,
// and this transaction's entries must not record them as its own. It runs
// under the head lock, after every earlier audited write committed.
func discardRowChanges(ctx context.Context, tx *Tx) error {
	_, err := tx.exec(ctx, `DELETE FROM row_changes`)
	return err
}

// Table, Query and ScanRow make a rowSpec a sqlstore.RowSource.
func (s rowSpec) Table() string { return s.table }

func (s rowSpec) Query() string {
	return `SELECT ` + s.columns() + ` FROM ` + s.table + ` ORDER BY ` + strings.Join(s.key, ", ")
}

func (s rowSpec) ScanRow(r sqlstore.Row) (key, label, hash string, err error) { return s.scan(r) }
