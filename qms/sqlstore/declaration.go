package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"isodt/qms"
)

// CreateDeclaration records a declaration of conformity and supersedes
// the agency's current one, in one audited transaction. The signed
// decision must already be in the file store (PutFile).
func (s *Store) CreateDeclaration(ctx context.Context, d *qms.Declaration) error {
	d.Normalize()
	return s.update(ctx, func(tx Tx) error {
		now := tx.Now()
		if err := d.Validate(qms.CivilDate(now)); err != nil {
			return err
		}
		a, err := FindAgency(ctx, tx, d.AgencyCode)
		if err != nil {
			return err
		} else if a.IsMerged() {
			return qms.MergedError(a.Code, a.MergedInto)
		}
		var ct string
		var size int64
		if found, err := scanOne(tx.Query(ctx, `SELECT content_type, size FROM blobs WHERE sha256 = ?`, d.File.SHA256))(&ct, &size); err != nil {
			return err
		} else if !found {
			return qms.FieldError("file", "Không tìm thấy tệp quyết định công bố đã tải lên: tải lên lại.")
		}
		d.File.ContentType, d.File.Size = ct, size
		// The scope is checked against the agency's catalogue as this
		// transaction reads it: the form offers only the agency's own
		// codes, but any code can be posted.
		offered, offeredProcs, err := declarationScope(ctx, tx, d.AgencyCode)
		if err != nil {
			return err
		}
		if err := d.CheckScope(offered, offeredProcs); err != nil {
			return err
		}
		prev, err := QueryDeclarations(ctx, tx, `agency_code = ? AND superseded_at IS NULL`, d.AgencyCode)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE declarations SET superseded_at = ? WHERE id = ?`, FormatTime(now), prev[0].ID); err != nil {
				return fmt.Errorf("supersede declaration: %w", err)
			}
		}
		tthc, _ := json.Marshal(d.TTHCCodes)
		procs, _ := json.Marshal(d.Processes)
		d.CreatedAt, d.CreatedBy, d.SupersededAt, d.SupersededBy = now, tx.Actor().Username, nil, nil
		err = tx.QueryRow(ctx, `INSERT INTO declarations (agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type, file_size, note, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.AgencyCode, d.Number, FormatDate(d.DecidedOn), d.SignedBy, string(tthc), string(procs),
			d.File.SHA256, d.File.Name, d.File.ContentType, d.File.Size, d.Note, FormatTime(d.CreatedAt), d.CreatedBy).Scan(&d.ID)
		if s.cfg.IsUnique(err) {
			return qms.FieldErrorf(qms.ECONFLICT, "number", "Quyết định công bố số %q của đơn vị %s đã được ghi nhận.", d.Number, d.AgencyCode)
		} else if err != nil {
			return fmt.Errorf("create declaration: %w", err)
		}
		if err := tx.Audit(ctx, d.AgencyCode, "declaration.create", "declaration", Itoa(d.ID), nil, d, ""); err != nil {
			return err
		}
		if len(prev) == 0 {
			return nil
		}
		before := prev[0]
		if _, err := tx.Exec(ctx, `UPDATE declarations SET superseded_by = ? WHERE id = ?`, d.ID, before.ID); err != nil {
			return fmt.Errorf("supersede declaration: %w", err)
		}
		after := *before
		after.SupersededAt, after.SupersededBy = &now, &d.ID
		return tx.Audit(ctx, d.AgencyCode, "declaration.supersede", "declaration", Itoa(before.ID), before, &after, "thay bằng quyết định "+d.Number)
	})
}

// FindDeclarations lists an agency's declarations, newest first.
func (s *Store) FindDeclarations(ctx context.Context, agency string) ([]*qms.Declaration, error) {
	return QueryDeclarations(ctx, s.read(), `agency_code = ?`, agency)
}

// FindDeclaration returns one of an agency's declarations.
func (s *Store) FindDeclaration(ctx context.Context, agency string, id int64) (*qms.Declaration, error) {
	ds, err := QueryDeclarations(ctx, s.read(), `agency_code = ? AND id = ?`, agency, id)
	if err != nil {
		return nil, err
	} else if len(ds) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quyết định công bố.")
	}
	return ds[0], nil
}

// DeclarationScope lists the agency's active TTHC and its procedures in
// force: what a declaration made now covers.
func (s *Store) DeclarationScope(ctx context.Context, agency string) (tthc, processes []qms.ScopeItem, err error) {
	return declarationScope(ctx, s.read(), agency)
}

// declarationScope reads on q the agency's active TTHC and its procedures
// in force: what a declaration may cover, what CreateDeclaration checks a
// scope against and what the scope-changed rule compares one with.
func declarationScope(ctx context.Context, q Querier, agency string) (tthc, processes []qms.ScopeItem, err error) {
	if tthc, err = QueryScopeItems(ctx, q, `SELECT code, name FROM tthc WHERE agency_code = ? AND status = 'active' ORDER BY code`, agency); err != nil {
		return nil, nil, err
	}
	processes, err = QueryScopeItems(ctx, q, `SELECT code, title FROM procedures p WHERE agency_code = ? AND `+ProcInForceSQL+` ORDER BY code`, agency)
	return tthc, processes, err
}

// ProcInForceSQL holds for a procedure p with a version in force. The
// status is compared joined to the empty string, an expression, which
// keeps SQLite from searching the status index (every effective version
// of the province, for each procedure) where the procedure's own few
// versions are one range of its primary key (SQLite's unary + did this
// but is no operator on text in PostgreSQL).
const ProcInForceSQL = `EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_id = p.id AND v.status || '' = 'effective')`

// QueryScopeItems reads the code and name of what a query lists.
func QueryScopeItems(ctx context.Context, q Querier, query string, args ...any) ([]qms.ScopeItem, error) {
	rows, err := q.Query(ctx, query, args...)
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

// QueryDeclarations lists the declarations where holds, newest first.
func QueryDeclarations(ctx context.Context, q Querier, where string, args ...any) ([]*qms.Declaration, error) {
	rows, err := q.Query(ctx, `SELECT id, agency_code, number, decided_on, signed_by, tthc_codes, processes, file_sha256, file_name, file_type, file_size,
		note, created_at, created_by, superseded_at, superseded_by FROM declarations WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Declaration
	for rows.Next() {
		var d qms.Declaration
		var decided, tthc, procs, created string
		var supAt *string
		if err := rows.Scan(&d.ID, &d.AgencyCode, &d.Number, &decided, &d.SignedBy, &tthc, &procs, &d.File.SHA256, &d.File.Name, &d.File.ContentType, &d.File.Size,
			&d.Note, &created, &d.CreatedBy, &supAt, &d.SupersededBy); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(tthc), &d.TTHCCodes) != nil || json.Unmarshal([]byte(procs), &d.Processes) != nil {
			// Not what the application writes (the file edited, which
			// verification names): read as declaring nothing, which the
			// scope rules then find, rather than failing /declarations
			// and stopping the whole scan (outsider pass 26).
			d.TTHCCodes, d.Processes = nil, nil
		}
		d.DecidedOn, d.CreatedAt, d.SupersededAt = ParseDate(decided), ParseTime(created), OptTime(supAt)
		out = append(out, &d)
	}
	return out, rows.Err()
}
