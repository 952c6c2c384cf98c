package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// audit appends the entry for a mutation made in tx after the head the
// transaction locked at its start, and moves the head. The entry also
// records the state of the security-relevant rows written since the
// last entry (row_state.go).
func (tx *Tx) audit(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error {
	e := &qms.AuditEntry{
		ID: tx.headID + 1, PrevHash: tx.headHash,
		At: tx.now, Actor: tx.actor.Username, AgencyCode: agency, Action: action,
		ObjectType: objectType, ObjectID: objectID,
		Before: qms.AuditJSON(before), After: qms.AuditJSON(after), Reason: reason,
	}
	if e.AgencyCode == "" {
		e.AgencyCode = tx.actor.AgencyCode
	}
	// Every mutation passes here with the agency it changes: a merged
	// agency is read-only for everyone, a SYS admin and the API included.
	if err := sqlstore.RefuseMerged(ctx, sharedQuerier{tx.querier}, e.AgencyCode); err != nil {
		return err
	}
	var err error
	if e.Rows, err = tx.rowStates(ctx); err != nil {
		return err
	}
	e.Hash = e.ComputeHash()
	var rows any
	if len(e.Rows) > 0 {
		rows = string(qms.AuditJSON(e.Rows))
	}
	if _, err := tx.exec(ctx, `INSERT INTO audit_log (id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, formatTime(e.At), e.Actor, e.AgencyCode, e.Action, e.ObjectType, e.ObjectID,
		rawOrNull(e.Before), rawOrNull(e.After), e.Reason, rows, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1`, e.ID, e.Hash); err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	tx.headID, tx.headHash = e.ID, e.Hash
	return nil
}

func rawOrNull(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

const auditColumns = `id, at, actor, agency_code, action, object_type, object_id, before_json, after_json, reason, row_states, prev_hash, hash`

func scanAudit(rows pgx.Rows) (*qms.AuditEntry, error) {
	var e qms.AuditEntry
	var at string
	var before, after, rowStates *string
	if err := rows.Scan(&e.ID, &at, &e.Actor, &e.AgencyCode, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.Reason, &rowStates, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	// Rows that do not parse stay empty: the entry's hash then shows it.
	if rowStates != nil {
		json.Unmarshal([]byte(*rowStates), &e.Rows)
	}
	e.At = parseTime(at)
	if before != nil {
		e.Before = json.RawMessage(*before)
	}
	if after != nil {
		e.After = json.RawMessage(*after)
	}
	return &e, nil
}

// FindAuditEntries returns the entries matching f, newest first, and the
// total count for paging.
func (db *DB) FindAuditEntries(ctx context.Context, f qms.AuditFilter) ([]*qms.AuditEntry, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.Within; v != nil {
		where = append(where, `agency_code IN (`+subtreeSQL+`)`)
		args = append(args, *v)
	}
	if v := f.Actor; v != nil {
		where, args = append(where, "actor = ?"), append(args, *v)
	}
	if v := f.Action; v != nil {
		where, args = append(where, `action LIKE ? ESCAPE '\'`), append(args, likePrefix(*v))
	}
	if v := f.ObjectType; v != nil {
		where, args = append(where, "object_type = ?"), append(args, *v)
	}
	if v := f.ObjectID; v != nil {
		where, args = append(where, "object_id = ?"), append(args, *v)
	}
	if v := f.From; v != nil {
		where, args = append(where, "at >= ?"), append(args, formatTime(*v))
	}
	if v := f.To; v != nil {
		where, args = append(where, "at < ?"), append(args, formatTime(*v))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	cond := strings.Join(where, " AND ")
	q := db.direct()
	total := 0
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, internalf(err, "find audit entries")
	}
	rows, err := q.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, 0, internalf(err, "find audit entries")
	}
	defer rows.Close()
	var out []*qms.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, internalf(rows.Err(), "find audit entries")
}

// VerifyAuditChain streams the whole trail in id order through the
// domain's chain verifier, on one snapshot, then compares the
// security-relevant rows with the state the trail last recorded of them.
func (db *DB) VerifyAuditChain(ctx context.Context) (int64, error) {
	v, err := db.VerifyAuditTrail(ctx, nil)
	return v.Entries, err
}

// VerifyAuditTrail is VerifyAuditChain that also finds each signed
// checkpoint's entry, with its hash, in the chain. The error is a
// *qms.ChainBreak or a *qms.RowsTampered.
func (db *DB) VerifyAuditTrail(ctx context.Context, signed []qms.Checkpoint) (qms.AuditVerification, error) {
	var out qms.AuditVerification
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return out, err
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))
	q := querier{ptx}
	var headID int64
	var headHash string
	if err := q.queryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1`).Scan(&headID, &headHash); err != nil && err != pgx.ErrNoRows {
		return out, err
	}
	rows, err := q.query(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY id`)
	if err != nil {
		return out, err
	}
	v := qms.NewChainVerifier()
	v.Expect(signed)
	recorded := qms.RowStates{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err == nil {
			err = v.Next(e)
		}
		if err != nil {
			rows.Close()
			return out, err
		}
		recorded.Record(e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if out.Entries, err = v.Finish(headID, headHash); err != nil {
		return out, err
	}
	out.HeadID, out.HeadHash, out.Checkpoints = headID, headHash, len(signed)
	changes, err := compareRows(ctx, q, recorded)
	if err != nil {
		return out, err
	} else if len(changes) > 0 {
		return out, &qms.RowsTampered{Rows: changes}
	}
	return out, nil
}

// likePrefix escapes LIKE wildcards in a prefix.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
