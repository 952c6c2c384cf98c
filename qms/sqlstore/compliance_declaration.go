package sqlstore

import (
	"context"
	"fmt"
	"strings"
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
		out = append(out, qms.Candidate{Rule: qms.RuleDeclarationMissing, AgencyCode: agency, ObjectType: "agency", ObjectID: agency,
			Message: fmt.Sprintf("Đơn vị %s áp dụng %d quy trình nội bộ có hiệu lực nhưng chưa công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 (%s).",
				agency, n, qms.DeclarationBasisText())})
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
		out = append(out, qms.Candidate{Rule: qms.RuleDeclarationScopeChanged, AgencyCode: a, ObjectType: "declaration", ObjectID: Itoa(d.ID),
			Message: fmt.Sprintf("Phạm vi hệ thống quản lý chất lượng đã thay đổi sau quyết định công bố %s ngày %s: %s. Cần công bố lại (%s).",
				d.Number, d.DecidedOn.Format("02/01/2006"), strings.Join(changes, "; "), qms.DeclarationBasisText())})
	}
	return out, nil
}

// scopeChanges lists, in Vietnamese, how the agency's scope differs from
// declaration d.
func scopeChanges(ctx context.Context, q Querier, d *qms.Declaration) ([]string, error) {
	var changes []string
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
		changes = append(changes, fmt.Sprintf("sáp nhập %s ngày %s", name, ParseTime(at).In(qms.Zone).Format("02/01/2006")))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tthc, err := QueryScopeItems(ctx, q, `SELECT code, name FROM tthc WHERE agency_code = ? AND status = 'active' ORDER BY code`, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	procs, err := QueryScopeItems(ctx, q, `SELECT code, title FROM procedures p WHERE agency_code = ? AND `+ProcInForceSQL+` ORDER BY code`, d.AgencyCode)
	if err != nil {
		return nil, err
	}
	changes = appendDiff(changes, d.TTHCCodes, tthc, "thủ tục hành chính mới chưa thuộc phạm vi", "thủ tục hành chính không còn áp dụng")
	changes = appendDiff(changes, d.Processes, procs, "quy trình nội bộ có hiệu lực chưa thuộc phạm vi", "quy trình nội bộ đã thu hồi hoặc hết hiệu lực")
	return changes, nil
}

// appendDiff names the codes now in force that declared lacks (added)
// and the declared codes no longer in force (gone), at most a few each.
func appendDiff(changes, declared []string, now []qms.ScopeItem, added, gone string) []string {
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
		changes = append(changes, added+" "+someCodes(plus))
	}
	if len(minus) > 0 {
		changes = append(changes, gone+" "+someCodes(minus))
	}
	return changes
}

// someCodes lists up to five codes and how many more there are.
func someCodes(cs []string) string {
	const most = 5
	if len(cs) <= most {
		return strings.Join(cs, ", ")
	}
	return fmt.Sprintf("%s và %d mục khác", strings.Join(cs[:most], ", "), len(cs)-most)
}
