package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// Security-relevant rows (who exists, with which password, which roles
// where, which rules, which API tokens and sessions) carry the hash of
// their state in the audit entry that last wrote them, so that a row
// written with the database file alone (a role granted in memberships, a
// password hash replaced, a session inserted) shows at verification. The
// triggers of migrations 0017 and 0024 list each written row in
// row_changes; tx.audit hashes those rows' current state into the entry
// it appends (rowStates), so every audited code path records the rows it
// wrote without doing anything for it.

// rowSpec is a sqlstore.SecurityTable as this store reads it: the key,
// the state columns (each with the RowStateVersion that covers it) and
// the label. The UPDATE triggers fire on the same columns (migrations
// 0017, 0024, 0055, 0057, 0059, 0062, 0065 and 0066).
type rowSpec struct {
	table string
	key   []string
	state []string
	since []int
	// label names a row in words in a verification report.
	label string
}

var rowSpecs = func() []rowSpec {
	var out []rowSpec
	for _, t := range sqlstore.SecurityTables {
		s := rowSpec{table: t.Table, key: t.Key, label: t.Label}
		for _, c := range t.State {
			s.state, s.since = append(s.state, c.Name), append(s.since, c.Since)
		}
		out = append(out, s)
	}
	return out
}()

func findRowSpec(table string) (rowSpec, bool) {
	for _, s := range rowSpecs {
		if s.table == table {
			return s, true
		}
	}
	return rowSpec{}, false
}

// keyExpr is the row's key as the triggers write it.
func (s rowSpec) keyExpr() string { return "json_array(" + strings.Join(s.key, ", ") + ")" }

// columns are the selected columns: the key, the label, then the state.
func (s rowSpec) columns() string {
	return s.keyExpr() + ", " + s.label + strings.Join(append([]string{""}, s.state...), ", ")
}

// encodedColumns are the key, the label and the state as one text, each
// value written as qms.AppendRowField writes it: verification reads a
// province's million dossiers, and three columns of a row cost a third of
// what each of its state's columns read and hashed one by one did.
func (s rowSpec) encodedColumns() string {
	state := "''"
	if len(s.state) > 0 {
		parts := make([]string, len(s.state))
		for i, c := range s.state {
			parts[i] = "COALESCE(length(CAST(" + c + " AS BLOB)) || ':' || " + c + " || ';', 'N;')"
		}
		state = strings.Join(parts, " || ")
	}
	return s.keyExpr() + ", " + s.label + ", " + state
}

// scan reads one row selected with encodedColumns and hashes its state.
func (s rowSpec) scan(sc interface{ Scan(...any) error }) (key, label, hash string, err error) {
	var state []byte
	if err := sc.Scan(&key, &label, &state); err != nil {
		return "", "", "", err
	}
	return key, label, qms.HashEncodedRow(s.table, key, state), nil
}

// scanValues reads one row selected with columns: its key, its label and
// its state's values (nil for NULL).
func (s rowSpec) scanValues(sc interface{ Scan(...any) error }) (key, label string, vals []*string, err error) {
	raw := make([]sql.NullString, len(s.state))
	dest := []any{&key, &label}
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	if err := sc.Scan(dest...); err != nil {
		return "", "", nil, err
	}
	vals = make([]*string, len(raw))
	for i, v := range raw {
		if v.Valid {
			vals[i] = &raw[i].String
		}
	}
	return key, label, vals, nil
}

// hash is the hash of the state values as version covered them
// (sqlstore.HashRowAt).
func (s rowSpec) hash(key string, vals []*string, version int) string {
	return sqlstore.HashRowAt(s.table, key, vals, s.since, version)
}

// rowStates empties row_changes and returns the current state of each row
// listed there (sqlstore.RowStates).
func (tx *Tx) rowStates(ctx context.Context) ([]qms.RowState, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM row_changes RETURNING tbl, row_key`)
	if err != nil {
		return nil, fmt.Errorf("read changed rows: %w", err)
	}
	states, err := sqlstore.RowStates(rows, func(table, key string) (string, error) {
		s, ok := findRowSpec(table)
		if !ok {
			return "", fmt.Errorf("unknown table")
		}
		return s.current(ctx, tx, key)
	})
	if err != nil || len(states) == 0 || tx.baseline {
		return states, err
	}
	olds, err := tx.QueryContext(ctx, `SELECT tbl, row_key, old_row FROM row_olds ORDER BY rowid`)
	if noRowOlds(err) {
		// An upgrade's entry before migration 0063.
		return states, nil
	} else if err != nil {
		return nil, fmt.Errorf("read rows' states before: %w", err)
	}
	firsts, err := sqlstore.FirstStates(olds)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM row_olds`); err != nil {
		return nil, err
	}
	return states, sqlstore.SetBefore(states, firsts, sqlstore.StateColumns)
}

// beforeTriggers list, for each table the trail vouches for, the rows a
// transaction writes with their state before (row_olds, migration 0063):
// NULL on an insert, the state columns of OLD as a JSON object on an
// update of the key or the state, and on a delete. A table that has them
// keeps them (an upgrade that rebuilt one table runs this again).
func beforeTriggers(ctx context.Context, tx *Tx) error {
	for _, s := range rowSpecs {
		keyOf := func(row string) string {
			cols := make([]string, len(s.key))
			for i, c := range s.key {
				cols[i] = row + "." + c
			}
			return "json_array(" + strings.Join(cols, ", ") + ")"
		}
		pairs := make([]string, len(s.state))
		for i, c := range s.state {
			pairs[i] = "'" + c + "', OLD." + c
		}
		old := "json_object(" + strings.Join(pairs, ", ") + ")"
		t := s.table
		for _, q := range []string{
			`CREATE TRIGGER IF NOT EXISTS ` + t + `_row_before_insert AFTER INSERT ON ` + t + `
			BEGIN INSERT INTO row_olds VALUES ('` + t + `', ` + keyOf("NEW") + `, NULL); END`,
			`CREATE TRIGGER IF NOT EXISTS ` + t + `_row_before_update AFTER UPDATE OF ` + strings.Join(append(slices.Clone(s.key), s.state...), ", ") + ` ON ` + t + `
			BEGIN INSERT INTO row_olds VALUES ('` + t + `', ` + keyOf("OLD") + `, ` + old + `), ('` + t + `', ` + keyOf("NEW") + `, NULL); END`,
			`CREATE TRIGGER IF NOT EXISTS ` + t + `_row_before_delete AFTER DELETE ON ` + t + `
			BEGIN INSERT INTO row_olds VALUES ('` + t + `', ` + keyOf("OLD") + `, ` + old + `); END`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("trigger of %s: %w", t, err)
			}
		}
	}
	return nil
}

// current hashes the row with key as it is now; "" when it does not exist.
func (s rowSpec) current(ctx context.Context, q querier, key string) (string, error) {
	where := make([]string, len(s.key))
	args := make([]any, len(s.key))
	for i, c := range s.key {
		where[i] = fmt.Sprintf("%s = json_extract(?, '$[%d]')", c, i)
		args[i] = key
	}
	_, _, hash, err := s.scan(q.QueryRowContext(ctx, `SELECT `+s.encodedColumns()+` FROM `+s.table+` WHERE `+strings.Join(where, " AND "), args...))
	if err == sql.ErrNoRows {
		return "", nil
	}
	return hash, err
}

// discardRowChanges forgets rows listed before a write group began: they
// were written outside the application (by someone with the file), and
// the group's audit entries must not record them as its own.
func discardRowChanges(sqlTx *sql.Tx) error {
	_, err := sqlTx.ExecContext(context.Background(), `DELETE FROM row_changes`)
	if err == nil {
		if _, err = sqlTx.ExecContext(context.Background(), `DELETE FROM row_olds`); noRowOlds(err) {
			err = nil
		}
	}
	return err
}

// noRowOlds says err is that of a database before migration 0063, which
// an upgrade runs entries on.
func noRowOlds(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table: row_olds")
}

// Table, Query and ScanRow make a rowSpec a sqlstore.RowSource.
func (s rowSpec) Table() string { return s.table }

func (s rowSpec) Query() string {
	return `SELECT ` + s.encodedColumns() + ` FROM ` + s.table + ` ORDER BY ` + strings.Join(s.key, ", ")
}

// QueryAt and ScanRowAt make a rowSpec a sqlstore.RowSourceAt: a row's
// columns one by one, to hash them as an older version covered them.
func (s rowSpec) QueryAt() string {
	return `SELECT ` + s.columns() + ` FROM ` + s.table + ` ORDER BY ` + strings.Join(s.key, ", ")
}

func (s rowSpec) ScanRow(r sqlstore.Row) (key, label, hash string, err error) { return s.scan(r) }

func (s rowSpec) ScanRowAt(r sqlstore.Row, version int) (key, then, now string, err error) {
	key, _, vals, err := s.scanValues(r)
	if err != nil {
		return "", "", "", err
	}
	return key, s.hash(key, vals, version), s.hash(key, vals, sqlstore.RowStateVersion), nil
}

// afterMigration runs Go steps of a migration in its transaction.
var afterMigration = map[string]func(ctx context.Context, tx *Tx) error{
	"migration/0017_audit_trust.sql": func(ctx context.Context, tx *Tx) error {
		return recordBaseline(ctx, tx, "trạng thái ban đầu của người dùng, vai trò, quy tắc phân quyền và mã API", "users", "memberships", "api_tokens", "policy_rules")
	},
	"migration/0024_delegations_session_trust.sql": func(ctx context.Context, tx *Tx) error {
		return recordBaseline(ctx, tx, "trạng thái ban đầu của các phiên đăng nhập", "sessions")
	},
	"migration/0055_trust_columns.sql":         func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 2) },
	"migration/0057_trust_more_rows.sql":       func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 3) },
	"migration/0059_trust_procedure_links.sql": func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 4) },
	"migration/0063_row_before.sql":            beforeTriggers,
	"migration/0064_trust_dossier_flow.sql":    triggersThenRebaseline(6),
	"migration/0065_trust_clock_inputs.sql":    triggersThenRebaseline(7),
	"migration/0066_trust_iso_records.sql":     triggersThenRebaseline(8),
	"migration/0062_trust_dossiers.sql": func(ctx context.Context, tx *Tx) error {
		if err := sqlstore.FillStepChains(ctx, on(tx)); err != nil {
			return err
		}
		return rebaseline(ctx, tx, 5)
	},
}

// triggersThenRebaseline is the Go step of a migration that covers more
// (RowStateVersion version): the row triggers written as the code has
// them (beforeTriggers), then the rows recorded (rebaseline).
func triggersThenRebaseline(version int) func(ctx context.Context, tx *Tx) error {
	return func(ctx context.Context, tx *Tx) error {
		if err := beforeTriggers(ctx, tx); err != nil {
			return err
		}
		return rebaseline(ctx, tx, version)
	}
}

// rebaseline follows a migration that covers more columns of the security
// tables (sqlstore.RowStateVersion): one entry records the state now of
// each row whose state before was still the one the trail recorded
// (sqlstore.StillAsRecorded). It runs in the migration's transaction.
func rebaseline(ctx context.Context, tx *Tx, version int) error {
	tx.baseline = true
	defer func() { tx.baseline = false }()
	// Rows listed before were written outside the application: this
	// entry must not record them as its own.
	if err := discardRowChanges(tx.Tx); err != nil {
		return err
	}
	keys, err := sqlstore.StillAsRecorded(ctx, on(tx), rowSpecs, version)
	if err != nil || len(keys) == 0 {
		return err
	}
	return sqlstore.RecordBaselineKeys(ctx, keys, version, func(ctx context.Context, q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}, tx.audit)
}

// recordBaseline follows a migration that starts covering tables on a
// database that already has rows in them: one entry records their state
// as found, so that verification starts from them. It runs in the
// migration's transaction.
func recordBaseline(ctx context.Context, tx *Tx, reason string, tables ...string) error {
	tx.baseline = true
	defer func() { tx.baseline = false }()
	if err := discardRowChanges(tx.Tx); err != nil {
		return err
	}
	recorded, err := sqlstore.RecordedStates(ctx, on(tx))
	if err != nil {
		return err
	}
	var n int
	for _, t := range tables {
		if recorded.Covers(t) {
			// Recorded before: this upgrade ran, and run again it
			// would vouch for rows changed outside the application.
			continue
		}
		s, _ := findRowSpec(t)
		res, err := tx.ExecContext(ctx, `INSERT INTO row_changes (tbl, row_key) SELECT ?, `+s.keyExpr()+` FROM `+s.table, s.table)
		if err != nil {
			return err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	if n == 0 {
		return nil
	}
	return tx.audit(ctx, qms.SystemAgencyCode, "audit.baseline", "audit_log", "row_states", nil,
		map[string]int{"rows": n}, reason)
}
