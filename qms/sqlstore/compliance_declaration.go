package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkDeclarationMissing flags an agency that runs procedures in force
// but has never declared its quality management system (Decision
// 19/2014/QĐ-TTg art. 4).
func checkDeclarationMissing(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	rows, err := q.Query(ctx, `SELECT p.agency_code, COUNT(*) FROM procedures p WHERE p.agency_code IN `+in+` AND `+ProcInForceSQL+`
		AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.agency_code = p.agency_code) GROUP BY p.agency_code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []qms.Candidate
	for rows.Next() {
		var agency string
		var n int
		if err := rows.Scan(&agency, &n); err != nil {
			return nil, err
		}
		out = append(out, qms.Candidate{Rule: qms.RuleDeclarationMissing, AgencyCode: agency, ObjectType: "agency", ObjectID: agency}.
			Saying(qms.SayDeclarationMissing, agency, n))
	}
	return out, rows.Err()
}

// checkDeclarationScopeChanged flags an agency whose scope moved since
// its current declaration: an agency merged into it after the
// declaration was recorded, a TTHC of its catalogue the declaration does
// not list (or one it lists that is abolished or gone), a procedure in
// force it does not list (or one it lists that is no longer in force).
// A merger shows in both ways: the merger itself, and the TTHC and
// procedures it brought.
func checkDeclarationScopeChanged(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	for _, a := range agencies {
		ds, err := QueryDeclarations(ctx, q, `agency_code = ? AND superseded_at IS NULL`, a)
		if err != nil {
			return nil, err
		} else if len(ds) == 0 {
			continue
		}
		d := ds[0]
		changes, err := scopeChanges(ctx, q, d)
		if err != nil {
			return nil, err
		}
		if len(changes) == 0 {
			continue
		}
		out = append(out, qms.Candidate{Rule: qms.RuleDeclarationScopeChanged, AgencyCode: a, ObjectType: "declaration", ObjectID: Itoa(d.ID)}.
			Saying(qms.SayDeclarationChanged, d.Number, d.DecidedOn.Format("02/01/2006"), changes))
	}
	return out, nil
}

// scopeChanges lists how the agency's scope differs from declaration d.
func scopeChanges(ctx context.Context, q Querier, d *qms.Declaration) ([]qms.Phrase, error) {
	var changes []qms.Phrase
	rows, err := q.Query(ctx, `SELECT name, merged_at FROM agencies WHERE merged_into = ? AND merged_at > ? ORDER BY merged_at, code`, d.AgencyCode, FormatTime(d.CreatedAt))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			rows.Close()
			return nil, err
		}
		changes = append(changes, qms.Say(qms.SayScopeMerged, name, ParseTime(at).In(qms.Zone).Format("02/01/2006")))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tthc, procs, err := declarationScope(ctx, q, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	changes = appendDiff(changes, d.TTHCCodes, tthc, qms.SayScopeTTHCAdded, qms.SayScopeTTHCGone)
	changes = appendDiff(changes, d.Processes, procs, qms.SayScopeProcedureAdded, qms.SayScopeProcedureGone)
	return changes, nil
}

// appendDiff names the codes now in force that declared lacks (added)
// and the declared codes no longer in force (gone), at most a few each.
func appendDiff(changes []qms.Phrase, declared []string, now []qms.ScopeItem, added, gone string) []qms.Phrase {
	var plus, minus []string
	inDeclared, inForce := map[string]bool{}, map[string]bool{}
	for _, c := range declared {
		inDeclared[c] = true
	}
	for _, it := range now {
		inForce[it.Code] = true
		if !inDeclared[it.Code] {
			plus = append(plus, it.Code)
		}
	}
	for _, c := range declared {
		if !inForce[c] {
			minus = append(minus, c)
		}
	}
	if len(plus) > 0 {
		changes = append(changes, qms.Say(added, qms.SomeCodes(plus)))
	}
	if len(minus) > 0 {
		changes = append(changes, qms.Say(gone, qms.SomeCodes(minus)))
	}
	return changes
}
