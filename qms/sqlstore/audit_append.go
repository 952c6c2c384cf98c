package sqlstore

import (
	"encoding/json"
	"fmt"
	"sort"

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
