package postgres

import (
	"context"
	"fmt"

	"isodt/qms"
	"isodt/qms/sqlstore"
)

// ImportTTHC upserts the catalogue by national code in one transaction:
// either every row lands or none. Unchanged rows write nothing, so the
// same file imported twice is a no-op.
func (db *DB) ImportTTHC(ctx context.Context, agency string, items []qms.TTHC) (created, updated int, err error) {
	for i := range items {
		items[i].AgencyCode = agency
		items[i].Normalize()
		if err := items[i].Validate(); err != nil {
			return 0, 0, fmt.Errorf("row %d: %w", i+2, err)
		}
	}
	err = db.update(ctx, func(tx *Tx) error {
		if _, err := findAgencyByCode(ctx, tx.querier, agency); err != nil {
			return err
		}
		existing, err := findTTHCs(ctx, tx.querier, agency, nil)
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
			t.UpdatedAt = tx.now
			if err := upsertTTHC(ctx, tx, t); err != nil {
				return err
			}
			action := "tthc.create"
			if before != nil {
				action = "tthc.update"
				updated++
			} else {
				created++
			}
			if err := tx.audit(ctx, agency, action, "tthc", t.Code, before, t, "import"); err != nil {
				return err
			}
		}
		return tx.audit(ctx, agency, "tthc.import", "tthc_catalogue", agency, nil,
			map[string]int{"rows": len(items), "created": created, "updated": updated}, "")
	})
	return created, updated, err
}

func upsertTTHC(ctx context.Context, tx *Tx, t *qms.TTHC) error {
	err := tx.queryRow(ctx, `INSERT INTO tthc (agency_code, code, name, field, time_limit_days, fee, legal_basis, service_level, published_by, published_on, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (agency_code, code) DO UPDATE SET name = excluded.name, field = excluded.field, time_limit_days = excluded.time_limit_days,
			fee = excluded.fee, legal_basis = excluded.legal_basis, service_level = excluded.service_level, published_by = excluded.published_by,
			published_on = excluded.published_on, status = excluded.status, updated_at = excluded.updated_at
		RETURNING id`,
		t.AgencyCode, t.Code, t.Name, t.Field, t.TimeLimitDays, t.Fee, t.LegalBasis, t.ServiceLevel, t.PublishedBy, formatDate(t.PublishedOn), t.Status, formatTime(t.UpdatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("upsert tthc %s: %w", t.Code, err)
	}
	return indexSearch(ctx, tx, "tthc", t.Code, t.AgencyCode, t.Code+" "+t.Name+" "+t.Field, t.Name)
}

// sameTTHC compares what an import can change.
func sameTTHC(a, b *qms.TTHC) bool {
	return a.Name == b.Name && a.Field == b.Field && a.TimeLimitDays == b.TimeLimitDays && a.Fee == b.Fee &&
		a.LegalBasis == b.LegalBasis && a.ServiceLevel == b.ServiceLevel && a.PublishedBy == b.PublishedBy &&
		a.PublishedOn.Equal(b.PublishedOn) && a.Status == b.Status
}

// FindTTHC returns ENOTFOUND when the agency has no such code.
func (db *DB) FindTTHC(ctx context.Context, agency, code string) (*qms.TTHC, error) {
	out, err := findTTHCs(ctx, db.direct(), agency, &code)
	if err == nil && len(out) == 0 {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy thủ tục %q.", code)
	} else if err != nil {
		return nil, err
	}
	return out[0], nil
}

// FindTTHCs returns the agency's catalogue by code.
func (db *DB) FindTTHCs(ctx context.Context, agency string) ([]*qms.TTHC, error) {
	return findTTHCs(ctx, db.direct(), agency, nil)
}

func findTTHCs(ctx context.Context, q querier, agency string, code *string) ([]*qms.TTHC, error) {
	return sqlstore.QueryTTHCs(ctx, sharedQuerier{q}, agency, code)
}
