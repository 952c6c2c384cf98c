package sqlstore

import (
	"context"

	"isodt/qms"
)

// The TTHC catalogue's import and search stay in each store (the search
// index is each dialect's own); its rows are read here, by what the shared
// services decide on (receipt, control statuses) and by both stores.

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
