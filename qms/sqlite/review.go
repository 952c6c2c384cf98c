package sqlite

import (
	"context"

	"isodt/qms"
)

// Management reviews are shared (qms/sqlstore/review.go); their pack
// reads here what only this store has yet (sqlstore.Config.ReviewCompliance).

// reviewCompliance fills the pack's open findings by rule and its count
// of active TTHCs not under ISO control.
func (db *DB) reviewCompliance(ctx context.Context, agency string, p *qms.ReviewPack) error {
	open := true
	fs, err := db.FindFindings(ctx, qms.FindingFilter{AgencyCode: &agency, Open: &open})
	if err != nil {
		return err
	}
	for _, f := range fs {
		p.OpenFindings[f.Rule]++
	}
	cs, err := db.ControlStatuses(ctx, agency)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != qms.Controlled {
			p.Uncontrolled++
		}
	}
	return nil
}
