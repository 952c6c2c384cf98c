package sqlstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"isodt/qms"
)

// The parts of appending an audit entry that both stores write alike; the
// head (read and moved under each store's own lock) stays with each.

// InsertAuditEntrySQL appends an entry; its arguments are AuditEntryArgs.
const InsertAuditEntrySQL = `INSERT INTO audit_log (` + AuditColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// AuditEntryArgs are e's columns in the order of AuditColumns.
func AuditEntryArgs(e *qms.AuditEntry) []any {
	var rows any
	if len(e.Rows) > 0 {
		rows = string(qms.AuditJSON(e.Rows))
	}
	return []any{e.ID, FormatTime(e.At), e.Actor, e.AgencyCode, e.Action, e.ObjectType, e.ObjectID,
		rawOrNull(e.Before), rawOrNull(e.After), e.Reason, rows, e.PrevHash, e.Hash}
}

func rawOrNull(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// RowStates reads the (table, row key) pairs the row_changes triggers
// listed, closes rows, and returns the current state of each changed row
// once, sorted by table and key, as current hashes it ("" for a row no
// longer there). rows is read to its end before current runs: on SQLite
// both share the transaction's one connection.
func RowStates(rows Rows, current func(table, key string) (string, error)) ([]qms.RowState, error) {
	seen := map[[2]string]bool{}
	var changed [][2]string
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			rows.Close()
			return nil, err
		}
		if !seen[k] {
			seen[k] = true
			changed = append(changed, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(changed) == 0 {
		return nil, err
	}
	sort.Slice(changed, func(i, j int) bool {
		return changed[i][0] < changed[j][0] || (changed[i][0] == changed[j][0] && changed[i][1] < changed[j][1])
	})
	out := make([]qms.RowState, 0, len(changed))
	for _, k := range changed {
		hash, err := current(k[0], k[1])
		if err != nil {
			return nil, fmt.Errorf("state of changed row %s %s: %w", k[0], k[1], err)
		}
		out = append(out, qms.RowState{Table: k[0], Key: k[1], Hash: hash})
	}
	return out, nil
}

// FirstStates reads the (table, key, state before as JSON) rows the
// triggers listed, in the order they were listed, and keeps each row's
// first: its state before the transaction wrote it, nil when the row did
// not exist then (an insert). rows is closed.
func FirstStates(rows Rows) (map[[2]string]*string, error) {
	defer rows.Close()
	out := map[[2]string]*string{}
	for rows.Next() {
		var k [2]string
		var old *string
		if err := rows.Scan(&k[0], &k[1], &old); err != nil {
			return nil, err
		}
		if _, seen := out[k]; !seen {
			out[k] = old
		}
	}
	return out, rows.Err()
}

// SetBefore gives each state the hash of its row's state before the
// transaction (qms.RowState.Before) from firsts (FirstStates): "" for a
// row that did not exist, the hash of its columns as the JSON object
// holds them otherwise (HashStateJSON), and qms.StateBeforeUnlisted for
// a row whose state before no trigger listed: its trigger was dropped
// with the file, and the row is named as it would have been (outsider
// pass 16).
func SetBefore(states []qms.RowState, firsts map[[2]string]*string, columns func(table string) []string) error {
	for i := range states {
		old, ok := firsts[[2]string{states[i].Table, states[i].Key}]
		if !ok {
			unlisted := qms.StateBeforeUnlisted
			states[i].Before = &unlisted
			continue
		}
		h := ""
		if old != nil {
			var err error
			if h, err = HashStateJSON(states[i].Table, states[i].Key, columns(states[i].Table), *old); err != nil {
				return err
			}
		}
		states[i].Before = &h
	}
	return nil
}

// RealColumns are the floating-point state columns: SQLite writes a
// whole one with ".0", and so does PostgreSQL's rendering of them, so
// that a trail copied from one store verifies on the other (qms db
// copy).
var RealColumns = map[string]bool{"objectives.target": true}

// HashStateJSON hashes a row's state columns as a JSON object of the row
// holds them (SQLite's json_object of OLD, PostgreSQL's to_jsonb(OLD)),
// rendered as the stores render them for qms.HashRowState: text as it
// is, a number as written, a boolean 1 or 0, null as NULL.
func HashStateJSON(table, key string, columns []string, object string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(object))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		return "", fmt.Errorf("state before of %s %s: %w", table, key, err)
	}
	vals := make([]*string, len(columns))
	for i, c := range columns {
		var s string
		switch v := row[c].(type) {
		case nil:
			continue
		case string:
			s = v
		case json.Number:
			s = v.String()
			if RealColumns[table+"."+c] && !strings.ContainsAny(s, ".eE") {
				s += ".0" // as SQLite writes a whole REAL
			}
		case bool:
			s = "0"
			if v {
				s = "1"
			}
		default:
			return "", fmt.Errorf("state before of %s %s: column %s is %T", table, key, c, v)
		}
		vals[i] = &s
	}
	return qms.HashRowState(table, key, vals), nil
}

// StateColumns are table's state columns at RowStateVersion, in the
// order they are hashed.
func StateColumns(table string) []string {
	for _, t := range SecurityTables {
		if t.Table == table {
			out := make([]string, len(t.State))
			for i, c := range t.State {
				out[i] = c.Name
			}
			return out
		}
	}
	return nil
}
