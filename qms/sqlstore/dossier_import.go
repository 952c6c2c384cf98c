package sqlstore

import (
	"context"
	"fmt"
	"time"

	"isodt/qms"
)

// DossierImport is one row of a one-stop system's history.
type DossierImport struct {
	Code              string
	TTHCCode          string
	ReceivedAt, DueAt time.Time
	CompletedAt       *time.Time
	Status            qms.DossierStatus
}

// ImportDossiers loads history rows as given by the source system (its due
// times included) in one transaction: all or nothing. Finished rows are
// classified from their completion time. The rows keep the source's codes
// and the agency's running numbers are left alone (nextDossierCode).
func (s *Store) ImportDossiers(ctx context.Context, agency string, rows []DossierImport) (int, error) {
	err := s.update(ctx, func(tx Tx) error {
		if _, err := FindAgency(ctx, tx, agency); err != nil {
			return err
		}
		// Each entry records the state of the dossiers written since the
		// last one (SecurityTables): at most BaselineRows of them.
		written := 0
		for i, r := range rows {
			if written == BaselineRows {
				if err := tx.Audit(ctx, agency, "dossier.import", "dossier_history", agency, nil, map[string]int{"rows": written}, ""); err != nil {
					return err
				}
				written = 0
			}
			d := &qms.Dossier{Code: r.Code, AgencyCode: agency, TTHCCode: r.TTHCCode, Channel: qms.ChannelCounter, ReceivedAt: r.ReceivedAt.UTC(),
				DueAt: r.DueAt.UTC(), Status: r.Status, UpdatedAt: tx.Now(), Flow: qms.FlowState{Open: []qms.OpenStep{}}, Note: "nhập từ hệ thống một cửa"}
			if r.CompletedAt != nil {
				done := r.CompletedAt.UTC()
				d.ReturnedAt = &done
				if r.Status == qms.DossierCompleted || r.Status == qms.DossierRefused {
					d.Result = qms.Classify(done, d.DueAt)
				}
			}
			if err := s.insertDossier(ctx, tx, d); err != nil {
				return fmt.Errorf("row %d: %w", i+2, err)
			}
			written++
		}
		return tx.Audit(ctx, agency, "dossier.import", "dossier_history", agency, nil, map[string]int{"rows": written}, "")
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}
