package sqlstore

import (
	"context"

	"isodt/qms"
)

// ControlStatuses derives the ISO-control status of every active TTHC of
// an agency from the catalogue, the procedures and their versions, read
// in one snapshot.
func (s *Store) ControlStatuses(ctx context.Context, agency string) ([]qms.Control, error) {
	var out []qms.Control
	err := s.view(ctx, true, func(q Querier) error {
		tthcs, err := QueryTTHCs(ctx, q, agency, nil)
		if err != nil {
			return err
		}
		procs, err := QueryProcedures(ctx, q, qms.ProcedureFilter{AgencyCode: &agency})
		if err != nil {
			return err
		}
		byTTHC := map[string][]qms.Coverage{}
		for _, p := range procs {
			vs, err := QueryVersions(ctx, q, p.ID, nil)
			if err != nil {
				return err
			}
			cov := qms.Coverage{Procedure: p}
			for _, v := range vs {
				if v.InForce() {
					cov.InForce = v
				}
				cov.HasVersions = cov.HasVersions || v.Status == qms.StatusDraft || v.Status == qms.StatusSubmitted
			}
			for _, code := range p.TTHCCodes {
				byTTHC[code] = append(byTTHC[code], cov)
			}
		}
		// A form is in force when the agency (or SYS, for the standard
		// forms) has an effective version of it; asked once per code.
		inForce := map[string]bool{}
		formInForce := func(code string) bool {
			ok, seen := inForce[code]
			if !seen {
				_, _, err := EffectiveFormRef(ctx, q, agency, code)
				ok = err == nil
				inForce[code] = ok
			}
			return ok
		}
		out = []qms.Control{}
		for _, t := range tthcs {
			if t.Status != qms.TTHCActive {
				continue
			}
			out = append(out, qms.ControlOf(t, byTTHC[t.Code], formInForce))
		}
		return nil
	})
	return out, err
}
