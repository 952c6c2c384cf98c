package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkSignatures (SIGNATURE_BROKEN) finds, for every object type a
// signature can be on (signedContents), the signed records of the
// agencies whose content, read as the signature's version reads it, no
// longer hashes to what was signed: changed by a writer that went round
// the store and its triggers (the database file edited directly), or
// deleted. A record that is gone is found under the agency its
// signature.sign entry names (or the agency that agency was merged into),
// where the record's audit entries name it by its id (dossier steps,
// audit reports); under the system agency otherwise (outsider pass 12: a
// deleted step's finding reached no one of its agency).
func checkSignatures(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	err := eachBrokenSignature(ctx, q, SignedObjectTypes(), agencies, func(b brokenSignature) {
		out = append(out, qms.Candidate{Rule: qms.RuleSignatureBroken, AgencyCode: b.agency, ObjectType: b.objectType, ObjectID: Itoa(b.id)}.
			Saying(qms.SaySignatureBroken, b.name, qms.Say("signature.meaning."+b.meaning), b.signedAt()))
	})
	return out, err
}

// CompareDocumentSignatures names, in every verification, each signed
// document (procedure and form versions, nonconformities with their
// actions, audit reports with their checklists) whose content no longer
// hashes to what its signature signed. The rule SIGNATURE_BROKEN finds
// the same at the compliance scan; `qms audit verify` said ok on a
// signed version whose flowchart was changed with its guard trigger
// dropped and put back (note 11).
func CompareDocumentSignatures(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	var types []string
	for _, t := range SignedObjectTypes() {
		if t != qms.SignedDossierStep {
			types = append(types, t)
		}
	}
	return compareSignatures(ctx, q, types)
}

// CompareStepSignatures is CompareDocumentSignatures for the signed
// dossier steps (a leader's decisions): hundreds of thousands in a
// province, read by a whole verification only.
func CompareStepSignatures(ctx context.Context, q Querier) ([]qms.RowChange, error) {
	return compareSignatures(ctx, q, []string{qms.SignedDossierStep})
}

func compareSignatures(ctx context.Context, q Querier, objectTypes []string) ([]qms.RowChange, error) {
	var out []qms.RowChange
	err := eachBrokenSignature(ctx, q, objectTypes, nil, func(b brokenSignature) {
		change, why := qms.RowAltered, "đã bị thay đổi sau khi ký"
		if b.gone {
			change, why = qms.RowDeleted, "đã bị xóa"
		}
		out = append(out, qms.RowChange{Table: signedContents[b.objectType].table, Key: "[" + Itoa(b.id) + "]", Change: change,
			Label: "nội dung " + signedObjectWords[b.objectType] + " " + Itoa(b.id) + " do " + b.name + " ký (" +
				qms.MeaningLabel(qms.Meaning(b.meaning)) + ") lúc " + b.signedAt() + " " + why})
	})
	return out, err
}

// signedObjectWords name the signed object types in a verification report.
var signedObjectWords = map[string]string{
	qms.SignedProcedureVersion: "phiên bản quy trình",
	qms.SignedFormVersion:      "phiên bản biểu mẫu",
	qms.SignedNonconformity:    "sự không phù hợp",
	qms.SignedAuditReport:      "báo cáo đánh giá",
	qms.SignedDossierStep:      "bước xử lý hồ sơ",
}

// brokenSignature is a signature whose record no longer hashes to what
// it signed, or is gone.
type brokenSignature struct {
	objectType                string
	id                        int64
	name, meaning, at, agency string
	gone                      bool
}

func (b brokenSignature) signedAt() string {
	return ParseTime(b.at).In(qms.Zone).Format("02/01/2006 15:04")
}

// eachBrokenSignature calls broken once per signed record of
// objectTypes, of agencies (nil: of every agency), whose signature no
// longer holds.
//
// It runs one query per object type joining the signatures to their
// records, in no order (sorting would hold them all), each record hashed
// as it streams: a province's signed dossier steps are hundreds of
// thousands, too many for a query per record or a pass per agency.
// Records with items (nonconformities and their actions, audit reports
// and their checklists) are documents, a few thousand: their items are
// read after the pass.
func eachBrokenSignature(ctx context.Context, q Querier, objectTypes, agencies []string, broken func(brokenSignature)) error {
	for _, objectType := range objectTypes {
		c := signedContents[objectType]
		meaning := ""
		if objectType == qms.SignedProcedureVersion || objectType == qms.SignedFormVersion {
			// A drafting signature lapses when a draft sent back is edited.
			meaning = string(qms.MeaningApproved)
		}
		agency := `COALESCE(` + c.agency + `, ` + signedAgencySQL(objectType, c) + `'` + qms.SystemAgencyCode + `')`
		args := []any{objectType, meaning, meaning}
		where := ""
		if agencies != nil {
			in, codes := inList(agencies)
			where, args = ` AND `+agency+` IN `+in, append(args, codes...)
		}
		rows, err := q.Query(ctx, `SELECT s.object_id, s.content_sha256, s.content_version, s.full_name, s.meaning, s.signed_at, `+agency+`, r.id, `+
			c.selectList()+`
			FROM signatures s LEFT JOIN `+c.table+` r ON r.id = s.object_id`+c.joins()+`
			WHERE s.object_type = ? AND (? = '' OR s.meaning = ?)`+where, args...)
		if err != nil {
			return err
		}
		type signedRow struct {
			brokenSignature
			hash    string
			version int
			vals    []any
		}
		seen := map[int64]bool{}
		found := func(r signedRow) {
			if !seen[r.id] {
				seen[r.id] = true
				broken(r.brokenSignature)
			}
		}
		var withItems []signedRow
		for rows.Next() {
			r := signedRow{brokenSignature: brokenSignature{objectType: objectType}}
			var record *int64
			vals, dest := c.values()
			if err := rows.Scan(append([]any{&r.id, &r.hash, &r.version, &r.name, &r.meaning, &r.at, &r.agency, &record}, dest...)...); err != nil {
				rows.Close()
				return err
			}
			switch {
			case record == nil:
				r.gone = true
				found(r)
			case c.items != "":
				r.vals = vals
				withItems = append(withItems, r)
			default:
				h, err := c.hash(vals, nil, r.version)
				if err != nil {
					rows.Close()
					return err
				}
				if h != r.hash {
					found(r)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range withItems {
			items, err := signedItems(ctx, q, c, r.id, r.version)
			if err != nil {
				return err
			}
			h, err := c.hash(r.vals, items, r.version)
			if err != nil {
				return err
			}
			if h != r.hash {
				found(r)
			}
		}
	}
	return nil
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
