package sqlite_test

import (
	"testing"

	"isodt/qms"
)

// TestOutsider3OpenNCLookupOwnAgency: a nonconformity of another agency
// pointing at a finding (written before source_ref was checked) does not
// count as the finding's open nonconformity, so its code never shows on
// the finding's agency's compliance page; the agency's own one does.
func TestOutsider3OpenNCLookupOwnAgency(t *testing.T) {
	db, _, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "STTTT", Name: "Sở TTTT"}); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db)
	for _, q := range []string{
		`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
			VALUES (7, 'R', 'high', 'SVHTT', 'tthc', '1', 'x', '2026-01-01T00:00:00Z'), (8, 'R', 'high', 'SVHTT', 'tthc', '2', 'x', '2026-01-01T00:00:00Z')`,
		`INSERT INTO nonconformities (agency_code, code, source, source_ref, description, status, created_by, created_at)
			VALUES ('STTTT', 'NC-STTTT-2026-001', 'finding', '7', 'x', 'open', 'x', '2026-01-01T00:00:00Z'),
			       ('SVHTT', 'NC-SVHTT-2026-001', 'finding', '8', 'x', 'open', 'x', '2026-01-01T00:00:00Z')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.OpenNCsOfFindings(sys, []int64{7, 8})
	if err != nil {
		t.Fatal(err)
	}
	if n := got[7]; n != nil {
		t.Errorf("finding 7 of SVHTT shows STTTT's %s", n.Code)
	}
	if n := got[8]; n == nil || n.Code != "NC-SVHTT-2026-001" {
		t.Errorf("finding 8: %+v, want its own agency's nonconformity", n)
	}
}
