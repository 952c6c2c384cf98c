package sqlstore

import (
	"context"
	"fmt"

	"isodt/qms"
)

// The TTHC catalogue (thủ tục hành chính) of each agency: imported here
// for both stores, indexed for search through Config.IndexSearch (each
// dialect's own), read by what the shared services decide on (receipt,
// control statuses).

// ImportTTHC upserts the catalogue by national code in one transaction:
// either every row lands or none. Unchanged rows write nothing, so the
// same file imported twice is a no-op.
func (s *Store) ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (created, updated int, err error) {
	for i := range items {
		items[i].AgencyCode = agency
		items[i].Normalize()
		if err := items[i].Validate(); err != nil {
			return 0, 0, fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	err = s.update(ctx, func(tx Tx) error {
		if _, err := FindAgency(ctx, tx, agency); err != nil {
			return err
		}
		existing, err := QueryTTHCs(ctx, tx, agency, nil)
		if err != nil {
			return err
		}
		byCode := map[string]*qms.TTHC{}
		for _, t := range existing {
			byCode[t.Code] = t
		}
		for i := range items {
			t := &items[i]
			before := byCode[t.Code]
			if before != nil {
				t.ID = before.ID
				if sameTTHC(before, t) {
					t.UpdatedAt = before.UpdatedAt
					continue
				}
			}
			t.UpdatedAt = tx.Now()
			if err := s.upsertTTHC(ctx, tx, t); err != nil {
				return err
			}
			action := "tthc.create"
			if before != nil {
				action = "tthc.update"
				updated++
			} else {
				created++
			}
			if err := tx.Audit(ctx, agency, action, "tthc", t.Code, before, t, "import"); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, agency, "tthc.import", "tthc_catalogue", agency, nil,
			map[string]int{"rows": len(items), "created": created, "updated": updated}, "")
	})
	return created, updated, err
}

func (s *Store) upsertTTHC(ctx context.Context, tx Tx, t *qms.TTHC) error {
	err := tx.QueryRow(ctx, `INSERT INTO tthc (agency_code, code, name, field, time_limit_days, fee, legal_basis, service_level, published_by, published_on, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (agency_code, code) DO UPDATE SET name = excluded.name, field = excluded.field, time_limit_days = excluded.time_limit_days,
			fee = excluded.fee, legal_basis = excluded.legal_basis, service_level = excluded.service_level, published_by = excluded.published_by,
			published_on = excluded.published_on, status = excluded.status, updated_at = excluded.updated_at
		RETURNING id`,
		t.AgencyCode, t.Code, t.Name, t.Field, t.TimeLimitDays, t.Fee, t.LegalBasis, t.ServiceLevel, t.PublishedBy, FormatDate(t.PublishedOn), t.Status, FormatTime(t.UpdatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("upsert tthc %s: %w", t.Code, err)
	}
	return s.indexSearch(ctx, tx, "tthc", t.Code, t.AgencyCode, t.Code+" "+t.Name+" "+t.Field, t.Name)
}

// sameTTHC compares what an import can change.
func sameTTHC(a, b *qms.TTHC) bool {
	return a.Name == b.Name && a.Field == b.Field && a.TimeLimitDays == b.TimeLimitDays && a.Fee == b.Fee &&
		a.LegalBasis == b.LegalBasis && a.ServiceLevel == b.ServiceLevel && a.PublishedBy == b.PublishedBy &&
		a.PublishedOn.Equal(b.PublishedOn) && a.Status == b.Status
}

// FindTTHC returns ENOTFOUND when the agency has no such code.
func (s *Store) FindTTHC(ctx context.Context, agency, code string) (*qms.TTHC, error) {
	out, err := QueryTTHCs(ctx, s.read(), agency, &code)
	if err == nil && len(out) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy thủ tục %q.", code)
	} else if err != nil {
		return nil, err
	}
	return out[0], nil
}

// FindTTHCs returns the agency's catalogue by code.
func (s *Store) FindTTHCs(ctx context.Context, agency string) ([]*qms.TTHC, error) {
	return QueryTTHCs(ctx, s.read(), agency, nil)
}

// TTHCColumns are the columns ScanTTHC reads.
const TTHCColumns = `id, agency_code, code, name, field, time_limit_days, fee, legal_basis, service_level, published_by, COALESCE(published_on, ''), status, updated_at`

// ScanTTHC reads a row of TTHCColumns.
func ScanTTHC(row Row) (*qms.TTHC, error) {
	var t qms.TTHC
	var published, updated string
	if err := row.Scan(&t.ID, &t.AgencyCode, &t.Code, &t.Name, &t.Field, &t.TimeLimitDays, &t.Fee, &t.LegalBasis, &t.ServiceLevel, &t.PublishedBy, &published, &t.Status, &updated); err != nil {
		return nil, err
	}
	t.PublishedOn, t.UpdatedAt = ParseDate(published), ParseTime(updated)
	return &t, nil
}

// QueryTTHCs reads the agency's catalogue by code through q, or only the
// TTHC code when code is not nil.
func QueryTTHCs(ctx context.Context, q Querier, agency string, code *string) ([]*qms.TTHC, error) {
	query, args := `SELECT `+TTHCColumns+` FROM tthc WHERE agency_code = ?`, []any{agency}
	if code != nil {
		query, args = query+` AND code = ?`, append(args, *code)
	}
	rows, err := q.Query(ctx, query+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*qms.TTHC
	for rows.Next() {
		t, err := ScanTTHC(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SearchLimit bounds a search's number of hits: 50 unless 1 to 200 asked.
func SearchLimit(limit int) int {
	if limit <= 0 || limit > 200 {
		return 50
	}
	return limit
}

// SearchHits runs a store's search query, which selects kind, ref and
// title best match first, on q.
func SearchHits(ctx context.Context, q Querier, query string, args ...any) ([]qms.SearchHit, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	out := []qms.SearchHit{}
	for rows.Next() {
		var h qms.SearchHit
		if err := rows.Scan(&h.Kind, &h.Ref, &h.Title); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
