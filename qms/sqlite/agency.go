package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"isodt/qms"
)

// subtreeSQL selects the code bound to ? and every agency under it.
const subtreeSQL = `WITH RECURSIVE sub(code) AS (SELECT ? UNION SELECT a.code FROM agencies a JOIN sub ON a.parent_code = sub.code) SELECT code FROM sub`

// CreateAgency stores a new agency and audits it.
func (db *DB) CreateAgency(ctx context.Context, a *qms.Agency) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return db.update(ctx, func(tx *Tx) error { return db.createAgency(ctx, tx, a) })
}

// createAgency inserts a validated agency inside tx.
func (db *DB) createAgency(ctx context.Context, tx *Tx, a *qms.Agency) error {
	if a.ParentCode != "" {
		if p, err := findAgencyByCode(ctx, tx, a.ParentCode); err != nil {
			return qms.FieldError("parent", "Đơn vị cấp trên %q không tồn tại.", a.ParentCode)
		} else if p.IsMerged() {
			return qms.MergedError(p.Code, p.MergedInto)
		}
	}
	if a.Kind == "" {
		a.Kind = qms.DefaultAgencyKind
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	res, err := tx.ExecContext(ctx, `INSERT INTO agencies (code, name, parent_code, created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?)`,
		a.Code, a.Name, nullString(a.ParentCode), formatTime(a.CreatedAt), formatTime(a.UpdatedAt), a.Kind)
	if isUnique(err) {
		return &qms.Error{Code: qms.ECONFLICT, Field: "code", Message: fmt.Sprintf("Mã đơn vị %q đã tồn tại.", a.Code)}
	} else if err != nil {
		return fmt.Errorf("insert agency: %w", err)
	}
	a.ID, _ = res.LastInsertId()
	return tx.audit(ctx, a.Code, "agency.create", "agency", a.Code, nil, a, "")
}

// FindAgencyByCode returns ENOTFOUND when there is none.
func (db *DB) FindAgencyByCode(ctx context.Context, code string) (*qms.Agency, error) {
	var a *qms.Agency
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		a, err = findAgencyByCode(ctx, q, code)
		return err
	})
	return a, internalf(err, "find agency %s", code)
}

// FindAgencies returns the agencies matching f, by code.
func (db *DB) FindAgencies(ctx context.Context, f qms.AgencyFilter) ([]*qms.Agency, error) {
	var out []*qms.Agency
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		out, err = findAgencies(ctx, q, f)
		return err
	})
	return out, internalf(err, "find agencies")
}

// UpdateAgency changes the name or the parent; a parent under the agency
// itself would make a cycle and is refused.
func (db *DB) UpdateAgency(ctx context.Context, code string, upd qms.AgencyUpdate) (*qms.Agency, error) {
	var a *qms.Agency
	err := db.update(ctx, func(tx *Tx) error {
		before, err := findAgencyByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		after := *before
		if upd.Name != nil {
			after.Name = *upd.Name
		}
		if upd.ParentCode != nil {
			after.ParentCode = *upd.ParentCode
		}
		if upd.Kind != nil {
			after.Kind = *upd.Kind
		}
		after.Normalize()
		if err := after.ValidateExisting(); err != nil {
			return err
		}
		if err := after.ValidateKind(before.Kind); err != nil {
			return err
		}
		if after.ParentCode != "" && after.ParentCode != before.ParentCode {
			if p, err := findAgencyByCode(ctx, tx, after.ParentCode); err != nil {
				return qms.FieldError("parent", "Đơn vị cấp trên %q không tồn tại.", after.ParentCode)
			} else if p.IsMerged() {
				return qms.MergedError(p.Code, p.MergedInto)
			}
			if in, err := isWithin(ctx, tx, after.ParentCode, after.Code); err != nil {
				return err
			} else if in {
				return qms.FieldError("parent", "Không thể đặt %q làm cấp trên: đơn vị đó trực thuộc %q.", after.ParentCode, after.Code)
			}
		}
		after.UpdatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE agencies SET name = ?, parent_code = ?, kind = ?, updated_at = ? WHERE code = ?`,
			after.Name, nullString(after.ParentCode), after.Kind, formatTime(after.UpdatedAt), after.Code); err != nil {
			return fmt.Errorf("update agency: %w", err)
		}
		a = &after
		return tx.audit(ctx, a.Code, "agency.update", "agency", a.Code, before, a, "")
	})
	return a, err
}

// IsWithin reports whether code is ancestor or lies under it.
func (db *DB) IsWithin(ctx context.Context, code, ancestor string) (bool, error) {
	var in bool
	err := db.view(ctx, func(q *sql.Conn) (err error) {
		in, err = isWithin(ctx, q, code, ancestor)
		return err
	})
	return in, err
}

func isWithin(ctx context.Context, q querier, code, ancestor string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+subtreeSQL+`) WHERE code = ?`, ancestor, code).Scan(&n)
	return n > 0, err
}

func findAgencyByCode(ctx context.Context, q querier, code string) (*qms.Agency, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	as, err := findAgencies(ctx, q, qms.AgencyFilter{Code: &code, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(as) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
	}
	return as[0], nil
}

func findAgencies(ctx context.Context, q querier, f qms.AgencyFilter) ([]*qms.Agency, error) {
	where, args := []string{"1 = 1"}, []any{}
	if v := f.Code; v != nil {
		where, args = append(where, "code = ?"), append(args, *v)
	}
	if f.Active {
		where = append(where, "merged_into IS NULL")
	}
	if v := f.MergedInto; v != nil {
		where, args = append(where, "merged_into = ?"), append(args, *v)
	}
	if v := f.Within; v != nil {
		where, args = append(where, "code IN ("+subtreeSQL+")"), append(args, *v)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10000
	}
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, COALESCE(parent_code, ''), COALESCE(merged_into, ''), merged_at, created_at, updated_at, kind FROM agencies WHERE `+
		strings.Join(where, " AND ")+` ORDER BY code LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Agency
	for rows.Next() {
		var a qms.Agency
		var created, updated string
		var mergedAt sql.NullString
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.ParentCode, &a.MergedInto, &mergedAt, &created, &updated, &a.Kind); err != nil {
			return nil, err
		}
		if mergedAt.Valid {
			t := parseTime(mergedAt.String)
			a.MergedAt = &t
		}
		a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
		out = append(out, &a)
	}
	return out, rows.Err()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
