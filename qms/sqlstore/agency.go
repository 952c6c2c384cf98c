package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"isodt/qms"
)

// subtreeSQL selects the agency whose code is bound to ? and every agency
// under it. The anchor reads the code from its row, so that the column
// keeps the table's collation on PostgreSQL.
const subtreeSQL = `WITH RECURSIVE sub(code) AS (SELECT code FROM agencies WHERE code = ? UNION SELECT a.code FROM agencies a JOIN sub ON a.parent_code = sub.code) SELECT code FROM sub`

// SubtreeSQL is subtreeSQL for the queries not shared yet.
const SubtreeSQL = subtreeSQL

// CreateAgency stores a new agency and audits it. An agency's admin (an
// actor who is not the system admin) creates subordinate units under an
// agency of their scope (qms.CheckAgencyCreate): without a kind, theirs
// is truc_thuoc.
func (s *Store) CreateAgency(ctx context.Context, a *qms.Agency) error {
	if actor, ok := qms.ActorFrom(ctx); ok && strings.TrimSpace(a.Kind) == "" {
		a.Kind = qms.DefaultAgencyKindFor(actor)
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error { return s.CreateAgencyIn(ctx, tx, a) })
}

// CreateAgencyIn inserts a validated agency inside tx (a split creates
// its successors in its own transaction).
func (s *Store) CreateAgencyIn(ctx context.Context, tx Tx, a *qms.Agency) error {
	return s.createAgencyIn(ctx, tx, a, nil)
}

// createAgencyIn is CreateAgencyIn; the agencies freed are about to be
// marked merged in tx (a merge's predecessors), so their names are free
// for their successor.
func (s *Store) createAgencyIn(ctx context.Context, tx Tx, a *qms.Agency, freed []string) error {
	if a.Kind == "" {
		a.Kind = qms.DefaultAgencyKind
	}
	actor := tx.Actor()
	if err := qms.CheckAgencyCreate(actor, a); err != nil {
		return err
	}
	if !actor.SystemAdmin() {
		// The handlers keep the parent within the caller's scope; the
		// store holds the same line for whoever calls it.
		if a.ParentCode == "" {
			return qms.FieldError("parent", "Đơn vị cấp trên: chọn đơn vị cấp trên trong phạm vi bạn quản lý.")
		}
		if in, err := IsWithinOn(ctx, tx, a.ParentCode, actor.AgencyCode); err != nil {
			return err
		} else if !in {
			return qms.FieldError("parent", "Đơn vị cấp trên %q không thuộc phạm vi bạn quản lý.", a.ParentCode)
		}
	}
	if a.ParentCode != "" {
		if p, err := FindAgency(ctx, tx, a.ParentCode); err != nil {
			return qms.FieldError("parent", "Đơn vị cấp trên %q không tồn tại.", a.ParentCode)
		} else if p.IsMerged() {
			return qms.MergedParentError(p.Code, p.MergedInto)
		}
	}
	if err := checkNameFree(ctx, tx, a.Name, a.Code, freed); err != nil {
		return err
	}
	a.CreatedAt, a.UpdatedAt = tx.Now(), tx.Now()
	err := tx.QueryRow(ctx, `INSERT INTO agencies (code, name, parent_code, created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Code, a.Name, NullString(a.ParentCode), FormatTime(a.CreatedAt), FormatTime(a.UpdatedAt), a.Kind).Scan(&a.ID)
	if s.cfg.IsUnique(err) {
		return qms.FieldErrorf(qms.ECONFLICT, "code", "Mã đơn vị %q đã tồn tại.", a.Code)
	} else if err != nil {
		return fmt.Errorf("insert agency: %w", err)
	}
	return tx.Audit(ctx, a.Code, "agency.create", "agency", a.Code, nil, a, "")
}

// checkNameFree refuses name when an agency other than self that is not
// merged has the same name by qms.SameAgencyName; the agencies freed are
// left out. Writes take turns (one writer on SQLite, the audit head's
// lock on PostgreSQL), so no other write comes between this check and
// the caller's.
func checkNameFree(ctx context.Context, q Querier, name, self string, freed []string) error {
	rows, err := q.Query(ctx, `SELECT code, name FROM agencies WHERE merged_into IS NULL AND code <> ? ORDER BY code`, self)
	if err != nil {
		return fmt.Errorf("read agency names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var other qms.Agency
		if err := rows.Scan(&other.Code, &other.Name); err != nil {
			return err
		}
		if qms.SameAgencyName(other.Name, name) && !slices.Contains(freed, other.Code) {
			return qms.AgencyNameTaken(name, &other)
		}
	}
	return rows.Err()
}

// FindAgencyByCode returns ENOTFOUND when there is none.
func (s *Store) FindAgencyByCode(ctx context.Context, code string) (*qms.Agency, error) {
	a, err := FindAgency(ctx, s.read(), code)
	return a, internalf(err, "find agency %s", code)
}

// FindAgencies returns the agencies matching f, by code.
func (s *Store) FindAgencies(ctx context.Context, f qms.AgencyFilter) ([]*qms.Agency, error) {
	out, err := FindAgenciesOn(ctx, s.read(), f)
	return out, internalf(err, "find agencies")
}

// UpdateAgency changes the name, the kind or the parent; a parent under
// the agency itself would make a cycle and is refused. An agency's admin
// (an actor who is not the system admin) renames the agencies of their
// scope and changes neither parent nor kind (qms.CheckAgencyUpdate).
func (s *Store) UpdateAgency(ctx context.Context, code string, upd qms.AgencyUpdate) (*qms.Agency, error) {
	var a *qms.Agency
	err := s.update(ctx, func(tx Tx) error {
		before, err := FindAgency(ctx, tx, code)
		if err != nil {
			return err
		}
		actor := tx.Actor()
		if !actor.SystemAdmin() {
			if in, err := IsWithinOn(ctx, tx, before.Code, actor.AgencyCode); err != nil {
				return err
			} else if !in {
				return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
			}
		}
		if before.IsMerged() {
			return qms.MergedError(before.Code, before.MergedInto)
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
		if err := qms.CheckAgencyUpdate(actor, before, &after); err != nil {
			return err
		}
		if after.Name != before.Name {
			if err := qms.CheckAgencyNameLetters(after.Name); err != nil {
				return err
			}
		}
		if !qms.SameAgencyName(after.Name, before.Name) {
			if err := checkNameFree(ctx, tx, after.Name, after.Code, nil); err != nil {
				return err
			}
		}
		if after.ParentCode != "" && after.ParentCode != before.ParentCode {
			if p, err := FindAgency(ctx, tx, after.ParentCode); err != nil {
				return qms.FieldError("parent", "Đơn vị cấp trên %q không tồn tại.", after.ParentCode)
			} else if p.IsMerged() {
				return qms.MergedParentError(p.Code, p.MergedInto)
			}
			if in, err := IsWithinOn(ctx, tx, after.ParentCode, after.Code); err != nil {
				return err
			} else if in {
				return qms.FieldError("parent", "Không thể đặt %q làm cấp trên: đơn vị đó trực thuộc %q.", after.ParentCode, after.Code)
			}
		}
		after.UpdatedAt = tx.Now()
		if _, err := tx.Exec(ctx, `UPDATE agencies SET name = ?, parent_code = ?, kind = ?, updated_at = ? WHERE code = ?`,
			after.Name, NullString(after.ParentCode), after.Kind, FormatTime(after.UpdatedAt), after.Code); err != nil {
			return fmt.Errorf("update agency: %w", err)
		}
		a = &after
		return tx.Audit(ctx, a.Code, "agency.update", "agency", a.Code, before, a, "")
	})
	return a, err
}

// IsWithin reports whether code is ancestor or lies under it.
func (s *Store) IsWithin(ctx context.Context, code, ancestor string) (bool, error) {
	return IsWithinOn(ctx, s.read(), code, ancestor)
}

// IsWithinOn is IsWithin on q.
func IsWithinOn(ctx context.Context, q Querier, code, ancestor string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+subtreeSQL+`) AS s WHERE code = ?`, ancestor, code).Scan(&n)
	return n > 0, err
}

// FindAgency returns the agency of code on q, ENOTFOUND when there is none.
func FindAgency(ctx context.Context, q Querier, code string) (*qms.Agency, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	as, err := FindAgenciesOn(ctx, q, qms.AgencyFilter{Code: &code, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(as) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
	}
	return as[0], nil
}

// FindAgenciesOn is FindAgencies on q.
func FindAgenciesOn(ctx context.Context, q Querier, f qms.AgencyFilter) ([]*qms.Agency, error) {
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
	rows, err := q.Query(ctx, `SELECT id, code, name, COALESCE(parent_code, ''), COALESCE(merged_into, ''), merged_at, created_at, updated_at, kind FROM agencies WHERE `+
		strings.Join(where, " AND ")+` ORDER BY code LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.Agency
	for rows.Next() {
		var a qms.Agency
		var created, updated string
		var mergedAt *string
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.ParentCode, &a.MergedInto, &mergedAt, &created, &updated, &a.Kind); err != nil {
			return nil, err
		}
		a.MergedAt = OptTime(mergedAt)
		a.CreatedAt, a.UpdatedAt = ParseTime(created), ParseTime(updated)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// RefuseMerged returns the error of a write to a merged agency, which is
// read-only for everyone; both stores' audit calls it for every mutation.
func RefuseMerged(ctx context.Context, q Querier, agency string) error {
	var into *string
	// MAX: one row even when the agency is not on record.
	err := q.QueryRow(ctx, `SELECT MAX(merged_into) FROM agencies WHERE code = ?`, agency).Scan(&into)
	if err != nil {
		return fmt.Errorf("read agency %s: %w", agency, err)
	} else if into == nil {
		return nil
	}
	return qms.MergedError(agency, *into)
}

// NullString is the column value of an optional text: NULL when empty.
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
