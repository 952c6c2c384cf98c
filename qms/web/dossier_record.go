package web

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/formschema"
)

// stepView is a completed step with its form record as a person reads
// it: each field by its label, files as links.
type stepView struct {
	*qms.StepRecord
	FormTitle string
	Record    []recordRow
}

// recordRow is one line of a form record. File is set for a file field
// that holds a file: the page links it.
type recordRow struct {
	Label, Value string
	File         *formschema.FileRef
}

// stepViews reads the form record of each step with the schema of the
// form version it was made on. A record whose schema cannot be found
// (a form since removed from the catalogue) shows its values under their
// machine names, so nothing recorded is hidden.
func (s *Server) stepViews(c *fiber.Ctx, agency string, procedureID int64, steps []*qms.StepRecord) ([]stepView, error) {
	out := make([]stepView, len(steps))
	renamed := map[string][]string{} // a record's form code → the codes to try
	var codes []string
	for _, st := range steps {
		if st.FormCode == "" || len(st.Entry) == 0 {
			continue
		}
		if _, known := renamed[st.FormCode]; !known {
			renamed[st.FormCode] = s.recordCodes(c.UserContext(), agency, procedureID, st.FormCode)
			codes = append(codes, renamed[st.FormCode]...)
		}
	}
	// The forms of every record, and their versions the records name,
	// read at once.
	forms, err := s.Forms.FindFormsByCode(c.UserContext(), agency, codes)
	if err != nil {
		return nil, err
	}
	versions, err := s.recordVersions(c.UserContext(), forms, steps)
	if err != nil {
		return nil, err
	}
	labels := formLabels(langOf(c))
	for i, st := range steps {
		out[i].StepRecord = st
		if st.FormCode == "" || len(st.Entry) == 0 {
			continue
		}
		codes := renamed[st.FormCode]
		f, sc, ok := recordSchema(agency, codes, forms, versions, st)
		if !ok {
			out[i].FormTitle = st.FormCode
			for _, k := range slices.Sorted(maps.Keys(st.Entry)) {
				out[i].Record = append(out[i].Record, recordRow{Label: k, Value: formatAny(st.Entry[k])})
			}
			continue
		}
		out[i].FormTitle = f.Code + " – " + f.Title
		entry, _ := sc.ValidateJSONEntry(st.Entry)
		rows := sc.DisplayIn(entry, labels)
		for j, fd := range sc.Fields {
			row := recordRow{Label: rows[j].Label, Value: rows[j].Value}
			if ref, ok := entry[fd.Name].(formschema.FileRef); ok {
				row.File = &ref
			}
			out[i].Record = append(out[i].Record, row)
		}
	}
	return out, nil
}

// recordSchema finds the form and schema a step's record was made on: the
// form with its code, the agency's own before the standard one of SYS
// (the order EffectiveForm follows), whose version of the record's number
// was approved by the time the step was completed. A record made before
// its dossier's procedure moved (merge or split) names the form by its
// code in the old agency: the code the form was renamed to in this one
// (StepFormCode, EffectiveStepForm's mapping) is tried first.
func recordSchema(agency string, codes []string, forms []*qms.Form, versions map[formVersionKey]*qms.FormVersion, st *qms.StepRecord) (*qms.Form, formschema.Schema, bool) {
	for _, code := range codes {
		if f, sc, ok := recordSchemaOf(agency, code, forms, versions, st); ok {
			return f, sc, true
		}
	}
	return nil, formschema.Schema{}, false
}

// recordCodes are the codes to look a record's form up by, the renamed
// one first (see recordSchema).
func (s *Server) recordCodes(ctx context.Context, agency string, procedureID int64, code string) []string {
	if procedureID != 0 {
		if mapped, err := s.Forms.StepFormCode(ctx, agency, procedureID, code); err == nil && mapped != code {
			return []string{mapped, code}
		}
	}
	return []string{code}
}

// formVersionKey names a form version: its form's id and its number.
type formVersionKey struct {
	formID int64
	number int
}

// recordVersions reads the versions of forms that steps' records name,
// by form and number.
func (s *Server) recordVersions(ctx context.Context, forms []*qms.Form, steps []*qms.StepRecord) (map[formVersionKey]*qms.FormVersion, error) {
	ids := make([]int64, 0, len(forms))
	for _, f := range forms {
		ids = append(ids, f.ID)
	}
	var numbers []int
	for _, st := range steps {
		if st.FormCode != "" && len(st.Entry) > 0 && !slices.Contains(numbers, st.FormVersion) {
			numbers = append(numbers, st.FormVersion)
		}
	}
	vs, err := s.Forms.FindFormVersionsOf(ctx, ids, numbers)
	if err != nil {
		return nil, err
	}
	out := make(map[formVersionKey]*qms.FormVersion, len(vs))
	for _, v := range vs {
		out[formVersionKey{v.FormID, v.Number}] = v
	}
	return out, nil
}

func recordSchemaOf(agency, code string, forms []*qms.Form, versions map[formVersionKey]*qms.FormVersion, st *qms.StepRecord) (*qms.Form, formschema.Schema, bool) {
	for _, owner := range []string{agency, qms.SystemAgencyCode} {
		for _, f := range forms {
			if f.Code != code || f.AgencyCode != owner {
				continue
			}
			v := versions[formVersionKey{f.ID, st.FormVersion}]
			if v == nil || v.ApprovedAt == nil || v.ApprovedAt.After(st.CompletedAt) {
				continue
			}
			if sc, err := parseSchema(v.Schema); err == nil {
				return f, sc, true
			}
		}
	}
	return nil, formschema.Schema{}, false
}

// formatAny writes a value of a record without its schema.
func formatAny(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if name, ok := v["name"].(string); ok {
			return name
		}
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// stepFacts are what a dossier's step form can start with (see
// formschema.Prefill): times in Vietnam's zone, where they are written.
func stepFacts(d *qms.Dossier) formschema.Facts {
	local := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.In(qms.Zone)
	}
	return formschema.Facts{DossierCode: d.Code, ApplicantName: d.Applicant.Name, ApplicantID: d.Applicant.IDNumber,
		ApplicantPhone: d.Applicant.Phone, ApplicantAddress: d.Applicant.Address, ReceivedAt: local(d.ReceivedAt), DueAt: local(d.DueAt)}
}
