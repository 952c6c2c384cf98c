package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"

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
	if _, err := tx.exec(ctx, sqlstore.InsertAuditEntrySQL, sqlstore.AuditEntryArgs(e)...); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	if tx.print == "" {
		if _, err := tx.exec(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1`, e.ID, e.Hash); err != nil {
			return fmt.Errorf("move audit head: %w", err)
		}
	} else if tag, err := tx.exec(ctx, `UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1 AND `+schemaPrint+` = ?`, e.ID, e.Hash, tx.print); err != nil {
		return fmt.Errorf("move audit head: %w", err)
	} else if tag.RowsAffected() != 1 {
		// A trigger, a trigger's function or a rule changed while this
		// transaction wrote: what it listed can no longer be trusted.
		return qms.Errorf(qms.ECONFLICT, "Cấu trúc cơ sở dữ liệu vừa bị thay đổi trong khi ghi: chưa lưu gì, hãy thử lại.")
	}
	tx.headID, tx.headHash = e.ID, e.Hash
	return nil
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
	return db.verifySnapshot(ctx, signed, rowSpecs)
}

// verifyAudit is the AUDIT_CHAIN_BROKEN check: the chain and the rows
// of the security tables, the bulk ones only when bulk.
func (db *DB) verifyAudit(ctx context.Context, bulk bool) (int64, error) {
	v, err := db.verifySnapshot(ctx, nil, sqlstore.Sources(rowSpecs, bulk))
	return v.Entries, err
}

func (db *DB) verifySnapshot(ctx context.Context, signed []qms.Checkpoint, sources []rowSpec) (qms.AuditVerification, error) {
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return qms.AuditVerification{}, err
	}
	defer ptx.Rollback(context.WithoutCancel(ctx))
	out, err := sqlstore.VerifyTrail(ctx, sharedQuerier{querier{ptx}}, signed, sources)
	var rt *qms.RowsTampered
	if err != nil && !errors.As(err, &rt) {
		return out, err
	}
	// A table whose definition is not the code's is named with the rows.
	codeMu.Lock()
	code := codeObjects
	codeMu.Unlock()
	found, serr := readSchemaObjects(ctx, ptx)
	if serr != nil || code == nil {
		return out, cmp.Or(serr, err)
	}
	tables := sqlstore.ChangedTables(found.tables, code.tables)
	if len(tables) == 0 {
		return out, err
	}
	if rt == nil {
		rt = &qms.RowsTampered{}
	}
	rt.Rows = append(tables, rt.Rows...)
	return out, rt
}

// verifyTrail is VerifyAuditTrail on q's snapshot (a copy verifies the
// trail it wrote before it commits).
func verifyTrail(ctx context.Context, q querier, signed []qms.Checkpoint) (qms.AuditVerification, error) {
	return sqlstore.VerifyTrail(ctx, sharedQuerier{q}, signed, rowSpecs)
}
