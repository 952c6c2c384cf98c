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

// rowSpec is a sqlstore.SecurityTable as this store reads it: the key
// columns with their types, the state as SQL expressions of text (each
// with the RowStateVersion that covers it) and the label. The UPDATE OF
// lists of the triggers (migrations 0001, 0032, 0034, 0036 and 0039; since
// 0040, rowTriggerSQL) name the same columns.
type rowSpec struct {
	table    string
	key      []string
	keyTypes []string
	state    []string // SQL expressions of text
	since    []int
	label    string
}

// keyTypes are the types of the security tables' keys.
var keyTypes = map[string][]string{
	"users": {"bigint"}, "memberships": {"bigint", "text", "text"}, "api_tokens": {"bigint"},
	"policy_rules": {"bigint"}, "sessions": {"text"}, "signatures": {"bigint"},
	"agencies": {"bigint"}, "step_delegations": {"bigint"},
	"version_contributors": {"text", "bigint", "bigint", "text", "text"},
	"policy_removed":       {"text", "text", "text", "text", "text"},
	"procedure_tthc":       {"bigint", "text"},
	"dossiers":             {"bigint"},
	"tthc":                 {"bigint"}, "calendar_overrides": {"bigint"}, "agency_settings": {"text"},
	"nonconformities": {"bigint"}, "corrective_actions": {"bigint"}, "risks": {"bigint"}, "risk_actions": {"bigint"},
	"objectives": {"bigint"}, "procedures": {"bigint"}, "procedure_versions": {"bigint"}, "form_versions": {"bigint"}, "audit_plans": {"bigint"},
	"audit_items": {"bigint"}, "feedback": {"bigint"}, "audit_programmes": {"bigint"}, "risk_assessments": {"bigint"},
	"risk_links": {"bigint", "text", "bigint"}, "management_reviews": {"bigint"}, "review_decisions": {"bigint"},
	"document_reads": {"bigint"}, "context_items": {"bigint"}, "context_reviews": {"bigint"}, "competences": {"bigint"},
	"competence_requirements": {"bigint"}, "competence_records": {"bigint"}, "declarations": {"bigint"}, "providers": {"bigint"},
	"provider_evaluations": {"bigint"}, "provider_ncs": {"bigint", "bigint"}, "forms": {"bigint"},
	"merged_codes": {"text", "text", "text", "text"}, "dossier_moves": {"text", "text"}, "satisfaction_responses": {"bigint"},
}

// flags are the boolean state columns, rendered 0 or 1 as SQLite stores them.
var flags = map[string]bool{"users.disabled": true, "users.password_temporary": true, "step_delegations.revoked": true,
	"objectives.withdrawn": true, "nonconformities.finding_duplicate": true, "context_items.retired": true, "competence_requirements.withdrawn": true, "competence_records.revoked": true}

var rowSpecs = func() []rowSpec {
	var out []rowSpec
	for _, t := range sqlstore.SecurityTables {
		s := rowSpec{table: t.Table, key: t.Key, keyTypes: keyTypes[t.Table], label: t.Label}
		for _, c := range t.State {
			expr := c.Name + "::text"
			if flags[t.Table+"."+c.Name] {
				expr = "(" + c.Name + "::int)::text"
			}
			if sqlstore.RealColumns[t.Table+"."+c.Name] {
				expr = "CASE WHEN " + c.Name + " = trunc(" + c.Name + ") THEN trunc(" + c.Name + ")::bigint::text || '.0' ELSE " + c.Name + "::text END"
			}
			s.state, s.since = append(s.state, expr), append(s.since, c.Since)
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
	key, label, vals, err := s.scanValues(sc)
	if err != nil {
		return "", "", "", err
	}
	return key, label, s.hash(key, vals, sqlstore.RowStateVersion), nil
}

// scanValues reads one row selected with columns: its key, its label and
// its state's values (nil for NULL).
func (s rowSpec) scanValues(sc pgx.Row) (key, label string, vals []*string, err error) {
	vals = make([]*string, len(s.state))
	dest := []any{&key, &label}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	if err := sc.Scan(dest...); err != nil {
		return "", "", nil, err
	}
	return key, label, vals, nil
}

// hash is the hash of the state values as version covered them
// (sqlstore.HashRowAt).
func (s rowSpec) hash(key string, vals []*string, version int) string {
	return sqlstore.HashRowAt(s.table, key, vals, s.since, version)
}

// rowStates takes the rows this transaction listed in row_changes and
// returns the current state of each (sqlstore.RowStates).
func (tx *Tx) rowStates(ctx context.Context) ([]qms.RowState, error) {
	var firsts map[[2]string]*string
	if !tx.migrating {
		olds, err := tx.query(ctx, `SELECT tbl, row_key, old_row::text FROM row_changes WHERE xact = txid_current() ORDER BY seq`)
		if err != nil {
			return nil, fmt.Errorf("read rows' states before: %w", err)
		}
		if firsts, err = sqlstore.FirstStates(pgRows{olds}); err != nil {
			return nil, err
		}
	}
	states, err := tx.changedStates(ctx)
	if err != nil || firsts == nil {
		return states, err
	}
	return states, sqlstore.SetBefore(states, firsts, sqlstore.StateColumns)
}

func (tx *Tx) changedStates(ctx context.Context) ([]qms.RowState, error) {
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

// QueryAt is Query: ScanRowAt reads the columns one by one as ScanRow does.
func (s rowSpec) QueryAt() string { return s.Query() }

func (s rowSpec) ScanRow(r sqlstore.Row) (key, label, hash string, err error) { return s.scan(r) }

// ScanRowAt makes a rowSpec a sqlstore.RowSourceAt.
func (s rowSpec) ScanRowAt(r sqlstore.Row, version int) (key, then, now string, err error) {
	key, _, vals, err := s.scanValues(r)
	if err != nil {
		return "", "", "", err
	}
	return key, s.hash(key, vals, version), s.hash(key, vals, sqlstore.RowStateVersion), nil
}

// afterMigration runs Go steps of a migration in its transaction.
var afterMigration = map[string]func(ctx context.Context, tx *Tx) error{
	"migration/0032_trust_columns.sql":         func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 2) },
	"migration/0034_trust_more_rows.sql":       func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 3) },
	"migration/0036_trust_procedure_links.sql": func(ctx context.Context, tx *Tx) error { return rebaseline(ctx, tx, 4) },
	rowTriggersMigration:                       writeRowTriggers,
	"migration/0041_trust_dossier_flow.sql":    triggersThenRebaseline(6),
	"migration/0042_trust_clock_inputs.sql":    triggersThenRebaseline(7),
	"migration/0043_trust_iso_records.sql":     triggersThenRebaseline(8),
	"migration/0039_trust_dossiers.sql": func(ctx context.Context, tx *Tx) error {
		if err := sqlstore.FillStepChains(ctx, sharedQuerier{tx.querier}); err != nil {
			return err
		}
		return rebaseline(ctx, tx, 5)
	},
}

// writeRowTriggers writes the trigger function and the vouched tables'
// triggers as the code has them (rowTriggerSQL).
func writeRowTriggers(ctx context.Context, tx *Tx) error {
	for _, q := range rowTriggerSQL() {
		if _, err := tx.c.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// triggersThenRebaseline is the Go step of a migration that covers more
// (RowStateVersion version): the row triggers written as the code has
// them (writeRowTriggers), then the rows recorded (rebaseline).
func triggersThenRebaseline(version int) func(ctx context.Context, tx *Tx) error {
	return func(ctx context.Context, tx *Tx) error {
		if err := writeRowTriggers(ctx, tx); err != nil {
			return err
		}
		return rebaseline(ctx, tx, version)
	}
}

// rebaseline follows a migration that covers more columns of the security
// tables (sqlstore.RowStateVersion): one entry records the state now of
// each row whose state before was still the one the trail recorded
// (sqlstore.StillAsRecorded). It runs in the migration's transaction,
// which holds the head lock.
func rebaseline(ctx context.Context, tx *Tx, version int) error {
	tx.migrating = true
	// Rows listed before were written outside the application: this
	// entry must not record them as its own.
	if err := discardRowChanges(ctx, tx); err != nil {
		return err
	}
	keys, err := sqlstore.StillAsRecorded(ctx, sharedQuerier{tx.querier}, rowSpecs, version)
	if err != nil || len(keys) == 0 {
		return err
	}
	return sqlstore.RecordBaselineKeys(ctx, keys, version, func(ctx context.Context, q string, args ...any) error {
		_, err := tx.exec(ctx, q, args...)
		return err
	}, tx.audit)
}
