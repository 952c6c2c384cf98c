package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"isodt/qms"
)

// CreateDeclaration records a declaration of conformity and supersedes
// the agency's current one, in one audited transaction. The signed
// decision must already be in the file store (PutFile).
func (db *DB) CreateDeclaration(ctx context.Context, d *qms.Declaration) error {
	d.Normalize()
	return db.update(ctx, func(tx *Tx) error {
		if err := d.Validate(qms.CivilDate(tx.now)); err != nil {
			return err
		}
		a, err := findAgencyByCode(ctx, tx, d.AgencyCode)
		if err != nil {
			return err
		} else if a.IsMerged() {
			return qms.MergedError(a.Code, a.MergedInto)
		}
		var ct string
		var size int64
		if err := tx.QueryRowContext(ctx, `SELECT content_type, size FROM blobs WHERE sha256 = ?`, d.File.SHA256).Scan(&ct, &size); err == sql.ErrNoRows {
			return qms.FieldError("file", "Không tìm thấy tệp quyết định công bố đã tải lên: tải lên lại.")
		} else if err != nil {
			return err
		}
		d.File.ContentType, d.File.Size = ct, size
		prev, err := findDeclarations(ctx, tx, `agency_code = ? AND superseded_at IS NULL`, d.AgencyCode)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE declarations SET superseded_at = ? WHERE id = ?`, formatTime(tx.now), prev[0].ID); err != nil {
				return fmt.Errorf("supersede declaration: %w", err)
			}
		}
		tthc, _ := json.Marshal(d.TTHCCodes)
		procs, _ := json.Marshal(d.Processes)
		d.CreatedAt, d.CreatedBy, d.SupersededAt, d.SupersededBy = tx.now, tx.actor.Username, nil, nil
		err = tx.QueryRowContext(ctx, `INSERT INTO declarations (agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type, file_size, note, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.AgencyCode, d.Number, formatDate(d.DecidedOn), d.SignedBy, string(tthc), string(procs),
			d.File.SHA256, d.File.Name, d.File.ContentType, d.File.Size, d.Note, formatTime(d.CreatedAt), d.CreatedBy).Scan(&d.ID)
		if isUnique(err) {
			return &qms.Error{Code: qms.ECONFLICT, Field: "number", Message: fmt.Sprintf("Quyết định công bố số %q của đơn vị %s đã được ghi nhận.", d.Number, d.AgencyCode)}
		} else if err != nil {
			return fmt.Errorf("create declaration: %w", err)
		}
		if err := tx.audit(ctx, d.AgencyCode, "declaration.create", "declaration", itoa(d.ID), nil, d, ""); err != nil {
			return err
		}
		if len(prev) == 0 {
			return nil
		}
		before := prev[0]
		if _, err := tx.ExecContext(ctx, `UPDATE declarations SET superseded_by = ? WHERE id = ?`, d.ID, before.ID); err != nil {
			return fmt.Errorf("supersede declaration: %w", err)
		}
		after := *before
		after.SupersededAt, after.SupersededBy = &tx.now, &d.ID
		return tx.audit(ctx, d.AgencyCode, "declaration.supersede", "declaration", itoa(before.ID), before, &after, "thay bằng quyết định "+d.Number)
	})
}

// FindDeclarations lists an agency's declarations, newest first.
func (db *DB) FindDeclarations(ctx context.Context, agency string) ([]*qms.Declaration, error) {
	return findDeclarations(ctx, db.read, `agency_code = ?`, agency)
}

// FindDeclaration returns one of an agency's declarations.
func (db *DB) FindDeclaration(ctx context.Context, agency string, id int64) (*qms.Declaration, error) {
	ds, err := findDeclarations(ctx, db.read, `agency_code = ? AND id = ?`, agency, id)
	if err != nil {
		return nil, err
	} else if len(ds) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quyết định công bố.")
	}
	return ds[0], nil
}

// DeclarationScope lists the agency's active TTHC and its procedures in
// force: what a declaration made now covers.
func (db *DB) DeclarationScope(ctx context.Context, agency string) (tthc, processes []qms.ScopeItem, err error) {
	if tthc, err = scopeItems(ctx, db.read, `SELECT code, name FROM tthc WHERE agency_code = ? AND status = 'active' ORDER BY code`, agency); err != nil {
		return nil, nil, err
	}
	processes, err = scopeItems(ctx, db.read, `SELECT code, title FROM procedures p WHERE agency_code = ? AND `+procInForceSQL+` ORDER BY code`, agency)
	return tthc, processes, err
}

// procInForceSQL holds for a procedure p with a version in force.
// procInForceSQL: the "+" keeps SQLite from searching the status index
// (every effective version of the province, for each procedure) where the
// procedure's own few versions are one range of its primary key.
const procInForceSQL = `EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_id = p.id AND +v.status = 'effective')`

func scopeItems(ctx context.Context, q querier, query string, args ...any) ([]qms.ScopeItem, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.ScopeItem
	for rows.Next() {
		var it qms.ScopeItem
		if err := rows.Scan(&it.Code, &it.Name); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func findDeclarations(ctx context.Context, q querier, where string, args ...any) ([]*qms.Declaration, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type, file_size,
		note, created_at, created_by, superseded_at, superseded_by FROM declarations WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Declaration
	for rows.Next() {
		var d qms.Declaration
		var decided, tthc, procs, created string
		var supAt sql.NullString
		var supBy sql.NullInt64
		if err := rows.Scan(&d.ID, &d.AgencyCode, &d.Number, &decided, &d.SignedBy, &tthc, &procs, &d.File.SHA256, &d.File.Name, &d.File.ContentType, &d.File.Size,
			&d.Note, &created, &d.CreatedBy, &supAt, &supBy); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(tthc), &d.TTHCCodes); err != nil {
			return nil, fmt.Errorf("declaration %d scope: %w", d.ID, err)
		}
		if err := json.Unmarshal([]byte(procs), &d.Processes); err != nil {
			return nil, fmt.Errorf("declaration %d scope: %w", d.ID, err)
		}
		d.DecidedOn, d.CreatedAt, d.SupersededAt = parseDate(decided), parseTime(created), scanNullTime(supAt)
		if supBy.Valid {
			d.SupersededBy = &supBy.Int64
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}
