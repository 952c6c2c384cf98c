package sqlstore

import (
	"context"
	"time"

	"isodt/qms"
)

// checkCompetenceMissing flags each person of the agency who holds a role
// that a competence requirement falls on (a role requirement, or the role
// a step of a procedure's version in force names) and whose records of
// that competence are missing, revoked or expired. "Assigned to a step"
// is read as holding the step's role: open steps wait on a role, not on
// one person, and the task list offers them to every holder. The object
// is the person and the competence, so that a new record clears it.
func checkCompetenceMissing(ctx context.Context, s *Store, q Querier, agencies []string, now time.Time) ([]qms.Candidate, error) {
	var out []qms.Candidate
	for _, a := range agencies {
		m, err := CompetenceMatrixOn(ctx, q, a, qms.CivilDate(now))
		if err != nil {
			return nil, err
		}
		for _, g := range m.Gaps() {
			out = append(out, qms.Candidate{Rule: qms.RuleCompetenceMissing, AgencyCode: a, ObjectType: "competence",
				ObjectID: g.Person.Username + "/" + g.Competence.Code}.With(g.Phrase()))
		}
	}
	return out, nil
}
