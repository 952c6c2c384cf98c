package sqlstore

import (
	"fmt"
)

// competences moves the competence catalogue, its requirements and the
// people's records to the successor (docs/agency-merge.md). The records
// follow the people, whose memberships move; a requirement keeps naming
// its competence and procedure by id, and both move. A catalogue code the
// successor already has takes the predecessor's code as a suffix, as
// procedures and forms do, so that no record changes competence; the
// quality officer reconciles the two entries afterwards.
func (m *merger) competences() error {
	rs, err := m.rows(`SELECT id, agency_code, code FROM competences WHERE agency_code IN (` + m.in + `)`)
	if err != nil {
		return err
	}
	m.byPlanOrder(rs)
	for _, r := range rs {
		code, err := m.freeCode("competences", "competence", r)
		if err != nil {
			return err
		}
		if _, err := m.tx.Exec(m.ctx, `UPDATE competences SET agency_code = ?, code = ?, merged_from = ? WHERE id = ?`, m.into, code, r.agency, r.id); err != nil {
			return fmt.Errorf("move competence %s: %w", r.code, err)
		}
	}
	m.count("competences", len(rs), 0, 0)
	for _, table := range []string{"competence_requirements", "competence_records"} {
		if err := m.move(table, `TRUE`); err != nil {
			return err
		}
	}
	return nil
}
