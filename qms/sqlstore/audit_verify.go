package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"isodt/qms"
)

// RowSource is one security-relevant table as a store reads it for
// verification: the query listing its rows in key order, and how a row
// gives its key, its label in words and the hash of its state (each
// dialect renders them so that a row hashes the same in both stores).
type RowSource interface {
	Table() string
	Query() string
	ScanRow(Row) (key, label, hash string, err error)
}

// VerifyTrail streams the whole trail in id order through the domain's
// chain verifier on q, which must read one snapshot, finding each signed
// checkpoint's entry on the way, then compares the rows of sources with
// the state the trail last recorded of them. It returns the verified
// head; the error is a *qms.ChainBreak or a *qms.RowsTampered.
func VerifyTrail[S RowSource](ctx context.Context, q Querier, signed []qms.Checkpoint, sources []S) (qms.AuditVerification, error) {
	var out qms.AuditVerification
	var headID int64
	var headHash string
	if err := q.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE singleton = 1`).Scan(&headID, &headHash); err != nil && err != sql.ErrNoRows {
		return out, err
	}
	rows, err := q.Query(ctx, `SELECT `+AuditColumns+` FROM audit_log ORDER BY id`)
	if err != nil {
		return out, err
	}
	v := qms.NewChainVerifier()
	v.Expect(signed)
	tables := make([]string, len(sources))
	for i, s := range sources {
		tables[i] = s.Table()
	}
	recorded, files := qms.NewRowStates(tables...), storedFiles{}
	// Rows an entry wrote from a state the trail had not recorded.
	var broken []qms.RowChange
	for rows.Next() {
		e, err := ScanAudit(rows)
		if err == nil {
			err = v.Next(e)
		}
		if err != nil {
			rows.Close()
			return out, err
		}
		broken = append(broken, recorded.Continues(e)...)
		recorded.Record(e)
		files.record(e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if out.Entries, err = v.Finish(headID, headHash); err != nil {
		return out, err
	}
	out.HeadID, out.HeadHash, out.Checkpoints = headID, headHash, len(signed)
	changes, err := CompareRows(ctx, q, sources, recorded)
	if err != nil {
		return out, err
	}
	changes = append(broken, changes...)
	// The records the bulk tables' rows vouch for, read only by a whole
	// verification; then what every verification holds.
	var compares []func(context.Context, Querier) ([]qms.RowChange, error)
	if slices.ContainsFunc(sources, func(s S) bool { return s.Table() == "dossiers" }) {
		compares = append(compares, CompareStepChains, CompareOpenSteps, CompareDossierCounts, ComparePauses, CompareStepSignatures)
	}
	for _, compare := range append(compares, CompareVersionApprovals, CompareDocumentSignatures) {
		more, err := compare(ctx, q)
		if err != nil {
			return out, err
		}
		changes = append(changes, more...)
	}
	fileChanges, err := CompareFiles(ctx, q, files)
	if err != nil {
		return out, err
	}
	if changes = append(changes, fileChanges...); len(changes) > 0 {
		return out, &qms.RowsTampered{Rows: changes}
	}
	return out, nil
}

// CompareRows compares every live row of sources with the newest state
// the verified chain recorded: a row never recorded was added, a row with
// another state was altered, and a recorded row that is gone was deleted,
// each outside the application. It consumes recorded: each live row's
// state is taken out of it as it is compared, so that what is left of a
// table is what is gone, without a set of the live keys beside it (a
// province's million dossiers).
func CompareRows[S RowSource](ctx context.Context, q Querier, sources []S, recorded *qms.RowStates) ([]qms.RowChange, error) {
	var out []qms.RowChange
	for _, s := range sources {
		table := s.Table()
		rows, err := q.Query(ctx, s.Query())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			key, label, hash, err := s.ScanRow(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			switch was, same := recorded.Matches(table, key, hash); {
			case !was:
				out = append(out, qms.RowChange{Table: table, Key: key, Label: label, Change: qms.RowAdded})
			case !same:
				out = append(out, qms.RowChange{Table: table, Key: key, Label: label, Change: qms.RowAltered})
			}
			recorded.Forget(table, key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, key := range recorded.Existing(table) {
			out = append(out, qms.RowChange{Table: table, Key: key, Change: qms.RowDeleted})
		}
	}
	return out, nil
}
