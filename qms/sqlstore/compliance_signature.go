package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkSignatures (SIGNATURE_BROKEN) finds, for every object type a
// signature can be on (signedContents), the signed records of the
// agencies whose content, read as the signature's version reads it, no
// longer hashes to what was signed: changed
// by a writer that went round the store and its triggers (the database
// file edited directly), or deleted. A record that is gone is found under
// the agency its signature.sign entry names (or the agency that agency
// was merged into), where the record's audit entries name it by its id
// (dossier steps, audit reports); under the system agency otherwise
// (outsider pass 12: a deleted step's finding reached no one of its
// agency).
//
// It runs once over all the agencies checked (globalRules), one query
// per object type joining the signatures to their records, in no order
// (sorting would hold them all), each record hashed as it streams: a
// province's signed dossier steps (a leader's decisions) are hundreds of
// thousands, too many for a query per record or a pass per agency.
// Records with items (nonconformities and their actions, audit reports
// and their checklists) are documents, a few thousand: their items are
// read after the pass.
func checkSignatures(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	var out []qms.Candidate
	for _, objectType := range SignedObjectTypes() {
		c := signedContents[objectType]
		meaning := ""
		if objectType == qms.SignedProcedureVersion || objectType == qms.SignedFormVersion {
			// A drafting signature lapses when a draft sent back is edited.
			meaning = string(qms.MeaningApproved)
		}
		agency := `COALESCE(` + c.agency + `, ` + signedAgencySQL(objectType, c) + `'` + qms.SystemAgencyCode + `')`
		rows, err := q.Query(ctx, `SELECT s.object_id, s.content_sha256, s.content_version, s.full_name, s.meaning, s.signed_at, `+agency+`, r.id, `+
			c.selectList()+`
			FROM signatures s LEFT JOIN `+c.table+` r ON r.id = s.object_id`+c.joins()+`
			WHERE s.object_type = ? AND (? = '' OR s.meaning = ?) AND `+agency+` IN `+in,
			append([]any{objectType, meaning, meaning}, args...)...)
		if err != nil {
			return nil, err
		}
		type signedRow struct {
			id                              int64
			hash, name, meaning, at, agency string
			version                         int
			vals                            []any
		}
		seen := map[int64]bool{}
		broken := func(r signedRow) {
			if seen[r.id] {
				return
			}
			seen[r.id] = true
			out = append(out, qms.Candidate{Rule: qms.RuleSignatureBroken, AgencyCode: r.agency, ObjectType: objectType, ObjectID: Itoa(r.id)}.
				Saying(qms.SaySignatureBroken, r.name, qms.Say("signature.meaning."+r.meaning), ParseTime(r.at).In(qms.Zone).Format("02/01/2006 15:04")))
		}
		var withItems []signedRow
		for rows.Next() {
			var r signedRow
			var record *int64
			vals, dest := c.values()
			if err := rows.Scan(append([]any{&r.id, &r.hash, &r.version, &r.name, &r.meaning, &r.at, &r.agency, &record}, dest...)...); err != nil {
				rows.Close()
				return nil, err
			}
			switch {
			case record == nil:
				broken(r)
			case c.items != "":
				r.vals = vals
				withItems = append(withItems, r)
			default:
				h, err := c.hash(vals, nil, r.version)
				if err != nil {
					rows.Close()
					return nil, err
				}
				if h != r.hash {
					broken(r)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, r := range withItems {
			items, err := signedItems(ctx, q, c, r.id, r.version)
			if err != nil {
				return nil, err
			}
			h, err := c.hash(r.vals, items, r.version)
			if err != nil {
				return nil, err
			}
			if h != r.hash {
				broken(r)
			}
		}
	}
	return out, nil
}

// signedAgencySQL is, for a record whose audit entries name it by its id
// (signedContent.refIsID), the agency of the signature.sign entry of the
// signature s, or the agency it was merged into, followed by a comma; ""
// for other records.
func signedAgencySQL(objectType string, c signedContent) string {
	if !c.refIsID {
		return ""
	}
	return `(SELECT COALESCE(NULLIF(a.merged_into, ''), a.code) FROM audit_log l JOIN agencies a ON a.code = l.agency_code
		WHERE l.object_type = '` + objectType + `' AND l.object_id = CAST(s.object_id AS TEXT) AND l.action = 'signature.sign' ORDER BY l.id DESC LIMIT 1), `
}
