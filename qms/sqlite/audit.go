package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// audit appends the entry for a mutation made in tx. It reads the chain
// head inside the same IMMEDIATE transaction, so two writers can never
// chain onto the same previous entry. The entry also records the state of
// the security-relevant rows written since the last entry (row_state.go).
func (tx *Tx) audit(ctx context.Context, agency, action, objectType, objectID string, before, after any, reason string) error {
	e := &qms.AuditEntry{
		At: tx.now, Actor: tx.actor.Username, AgencyCode: agency, Action: action,
		ObjectType: objectType, ObjectID: objectID,
		Before: qms.AuditJSON(before), After: qms.AuditJSON(after), Reason: reason,
	}
	if e.AgencyCode == "" {
		e.AgencyCode = tx.actor.AgencyCode
	}
	// Every mutation passes here with the agency it changes: a merged
	// agency is read-only for everyone, a SYS admin and the API included.
	if err := refuseMerged(ctx, tx, e.AgencyCode); err != nil {
		return err
	}
	var err error
	if e.ID, e.PrevHash, err = tx.auditHead(ctx); err != nil {
		return err
	}
	e.ID++
	if e.Rows, err = tx.rowStates(ctx); err != nil {
		return err
	}
	e.Hash = e.ComputeHash()
	if _, err := tx.ExecContext(ctx, sqlstore.InsertAuditEntrySQL, sqlstore.AuditEntryArgs(e)...); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	if tx.head != nil {
		tx.head.id, tx.head.hash, tx.head.moved = e.ID, e.Hash, true
		return nil
	}
	return moveAuditHead(ctx, tx.Tx, e.ID, e.Hash)
}

// groupHead is the audit head as a write group moves it: read at the
// group's first entry, written once before its commit (moveAuditHead),
// put back when a write's savepoint is rolled back. The row is the
// database's; this copy lives only inside the one transaction, where
// nothing else can move it.
type groupHead struct {
	id     int64
	hash   string
	loaded bool
	moved  bool
}

// auditHead is the id and hash of the last entry of the trail.
func (tx *Tx) auditHead(ctx context.Context) (int64, string, error) {
	if tx.head != nil && tx.head.loaded {
		return tx.head.id, tx.head.hash, nil
	}
	var id int64
	var hash string
	err := tx.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1`).Scan(&id, &hash)
	if err == sql.ErrNoRows {
		id, hash = 0, qms.GenesisHash
	} else if err != nil {
		return 0, "", fmt.Errorf("read audit head: %w", err)
	}
	if tx.head != nil {
		tx.head.id, tx.head.hash, tx.head.loaded = id, hash, true
	}
	return id, hash, nil
}

// moveAuditHead writes the head row.
func moveAuditHead(ctx context.Context, tx *sql.Tx, id int64, hash string) error {
	if _, err := tx.ExecContext(context.WithoutCancel(ctx), `INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?)
		ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash`, id, hash); err != nil {
		return fmt.Errorf("move audit head: %w", err)
	}
	return nil
}

// VerifyAuditChain streams the whole trail in id order through the
// domain's chain verifier, on one read snapshot, then compares the
// security-relevant rows with the state the trail last recorded of them.
func (db *DB) VerifyAuditChain(ctx context.Context) (int64, error) {
	v, err := db.VerifyAuditTrail(ctx, nil)
	return v.Entries, err
}

// VerifyAuditTrail is VerifyAuditChain that also finds each signed
// checkpoint's entry, with its hash, in the chain (signatures are checked
// by the caller). It returns the verified head, for the next checkpoint.
// The error is a *qms.ChainBreak or a *qms.RowsTampered.
func (db *DB) VerifyAuditTrail(ctx context.Context, signed []qms.Checkpoint) (qms.AuditVerification, error) {
	return db.verifyTrail(ctx, signed, rowSpecs)
}

// verifyAudit is the AUDIT_CHAIN_BROKEN check: the chain and the rows
// of the security tables, the bulk ones only when bulk.
func (db *DB) verifyAudit(ctx context.Context, bulk bool) (int64, error) {
	v, err := db.verifyTrail(ctx, nil, sqlstore.Sources(rowSpecs, bulk))
	return v.Entries, err
}

func (db *DB) verifyTrail(ctx context.Context, signed []qms.Checkpoint, sources []rowSpec) (qms.AuditVerification, error) {
	var out qms.AuditVerification
	err := db.view(ctx, func(q *sql.Conn) error {
		tx, err := q.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		out, err = sqlstore.VerifyTrail(ctx, on(tx), signed, sources)
		var rt *qms.RowsTampered
		if err != nil && !errors.As(err, &rt) {
			return err
		}
		// A table whose columns are not the code's is named with the rows,
		// and in a whole verification, a file whose indexes do not hold
		// what their tables do.
		tables, serr := schemaChanges(ctx, tx)
		if serr == nil && len(sources) == len(rowSpecs) { // every table, the bulk ones too
			var broken []qms.RowChange
			broken, serr = integrityChanges(ctx, tx)
			tables = append(tables, broken...)
		}
		if serr != nil || len(tables) == 0 {
			return cmp.Or(serr, err)
		}
		if rt == nil {
			rt = &qms.RowsTampered{}
		}
		rt.Rows = append(tables, rt.Rows...)
		return rt
	})
	return out, err
}

// integrityChanges runs SQLite's integrity check: an index edited with
// the file to lead a token's hash to another's row, or made partial under
// its own text to hide a dossier from the overdue checks (outsider pass
// 19), no longer holds what its table does. 14 s on a province's file.
func integrityChanges(ctx context.Context, q querier) ([]qms.RowChange, error) {
	problems, err := sqlstore.QueryStrings(ctx, on(q), `PRAGMA integrity_check(100)`)
	if err != nil {
		return nil, err
	}
	var out []qms.RowChange
	for _, p := range problems {
		// The search index (FTS5) is not held to its content: it indexes
		// what the search shows, and decides nothing the trail vouches for.
		if p == "ok" || strings.HasPrefix(p, "fts5:") {
			continue
		}
		out = append(out, qms.RowChange{Table: "sqlite_master", Key: "[" + strconv.Itoa(len(out)+1) + "]", Label: "tệp cơ sở dữ liệu không nhất quán: " + p, Change: qms.RowAltered})
	}
	return out, nil
}
