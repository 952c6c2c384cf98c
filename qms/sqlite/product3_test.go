package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"isodt/qms"
)

// TestProduct3OneOpenNCPerFinding: the store refuses a second open
// nonconformity for a finding, naming the first, and the partial unique
// index of migration 0020 holds the rule for a raw insert too.
func TestProduct3OneOpenNCPerFinding(t *testing.T) {
	db, _, sys := openDB(t)
	effectiveProcedure(t, db, sys)
	auditor := qms.WithActor(context.Background(), qms.Actor{UserID: 99, Username: "danh.gia", AgencyCode: "SVHTT"})
	raw := rawDB(t, db)
	// The findings 7 and 8 of the agency: a nonconformity's source_ref
	// names an existing finding of its agency.
	if _, err := raw.Exec(`INSERT INTO findings (id, rule, severity, agency_code, object_type, object_id, message, opened_at)
		VALUES (7, 'R', 'high', 'SVHTT', 'tthc', '1', 'x', '2026-01-01T00:00:00Z'), (8, 'R', 'high', 'SVHTT', 'tthc', '2', 'x', '2026-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	first := &qms.Nonconformity{AgencyCode: "SVHTT", Source: qms.NCFromFinding, SourceRef: "7", Description: "Phát hiện 7"}
	if err := db.CreateNC(auditor, first); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		n    qms.Nonconformity
		code string // expected error code, "" for success
	}{
		{"same finding", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: "7"}, qms.ECONFLICT},
		{"same finding, spaces", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: " 7 "}, qms.ECONFLICT},
		{"another finding", qms.Nonconformity{Source: qms.NCFromFinding, SourceRef: "8"}, ""},
		{"another source with the same ref", qms.Nonconformity{Source: qms.NCFromComplaint, SourceRef: "7"}, ""},
	} {
		n := tc.n
		n.AgencyCode, n.Description = "SVHTT", tc.name
		err := db.CreateNC(auditor, &n)
		if qms.ErrorCode(err) != tc.code || (tc.code != "" && !strings.Contains(qms.ErrorMessage(err), first.Code)) {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	_, err := raw.Exec(`INSERT INTO nonconformities (agency_code, code, source, source_ref, description, status, created_by, created_at)
		VALUES ('SVHTT', 'NC-RAW', 'finding', '7', 'x', 'open', 'x', '2026-01-01T00:00:00Z')`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("raw duplicate insert: %v", err)
	}
}
