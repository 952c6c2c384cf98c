package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// signedAgencySQL gives, per signed object type, the agency its record
// belongs to now (a merger may have moved it).
var signedAgencySQL = map[string]string{
	qms.SignedProcedureVersion: `(SELECT p.agency_code FROM procedure_versions v JOIN procedures p ON p.id = v.procedure_id WHERE v.id = s.object_id)`,
	qms.SignedFormVersion:      `(SELECT f.agency_code FROM form_versions v JOIN forms f ON f.id = v.form_id WHERE v.id = s.object_id)`,
	qms.SignedNonconformity:    `(SELECT agency_code FROM nonconformities WHERE id = s.object_id)`,
	qms.SignedAuditReport:      `(SELECT agency_code FROM audit_plans WHERE id = s.object_id)`,
}

// checkSignatures (SIGNATURE_BROKEN) finds the documents signed in the
// agencies whose record no longer hashes to what was signed: changed by a
// writer that went round the store and its triggers (the database file
// edited directly). Documents only: versions, closed nonconformities and
// audit reports, a few thousand at most. A leader's dossier steps are
// millions; their triggers guard them, and the control slip shows each
// signature's hash check as it prints.
func checkSignatures(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	in, args := inList(agencies)
	var out []qms.Candidate
	for objectType, agencySQL := range signedAgencySQL {
		meaning := ""
		if objectType == qms.SignedProcedureVersion || objectType == qms.SignedFormVersion {
			// A drafting signature lapses when a draft sent back is edited.
			meaning = string(qms.MeaningApproved)
		}
		rows, err := q.Query(ctx, `SELECT s.object_id, s.content_sha256, s.full_name, s.meaning, s.signed_at, `+agencySQL+` AS agency
			FROM signatures s WHERE s.object_type = ? AND (? = '' OR s.meaning = ?) AND `+agencySQL+` IN `+in+` ORDER BY s.id`,
			append([]any{objectType, meaning, meaning}, args...)...)
		if err != nil {
			return nil, err
		}
		type signedRow struct {
			id                              int64
			hash, name, meaning, at, agency string
		}
		var signedRows []signedRow
		for rows.Next() {
			var r signedRow
			if err := rows.Scan(&r.id, &r.hash, &r.name, &r.meaning, &r.at, &r.agency); err != nil {
				rows.Close()
				return nil, err
			}
			signedRows = append(signedRows, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, r := range signedRows {
			h, err := SignedContentHash(ctx, q, objectType, r.id)
			if err != nil {
				return nil, err
			}
			if h == r.hash {
				continue
			}
			out = append(out, qms.Candidate{Rule: qms.RuleSignatureBroken, AgencyCode: r.agency, ObjectType: objectType, ObjectID: Itoa(r.id)}.
				Saying(qms.SaySignatureBroken, r.name, qms.Say("signature.meaning."+r.meaning), ParseTime(r.at).In(qms.Zone).Format("02/01/2006 15:04")))
		}
	}
	return out, nil
}
