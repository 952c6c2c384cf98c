package sqlite_test

import (
	"testing"

	"isodt/qms"
)

// TestOutsider5LegacyAgencyCodes: a new agency code with "-" is refused,
// while an agency created with one under the older rule is still read
// and updated.
func TestOutsider5LegacyAgencyCodes(t *testing.T) {
	db, _, ctx := openDB(t)
	if err := db.CreateAgency(ctx, &qms.Agency{Code: "STTTT-HN", Name: "Sở Hà Nội"}); qms.ErrorField(err) != "code" {
		t.Fatalf("a new code with '-': %v, want refused on code", err)
	}
	if _, err := rawDB(t, db).Exec(`INSERT INTO agencies (code, name, created_at, updated_at) VALUES ('STTTT-HN', 'Sở cũ', '', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindAgencyByCode(ctx, "STTTT-HN"); err != nil {
		t.Fatalf("read a legacy code: %v", err)
	}
	if _, err := db.UpdateAgency(ctx, "STTTT-HN", qms.AgencyUpdate{Name: ptr("Sở Thông tin và Truyền thông Hà Nội")}); err != nil {
		t.Fatalf("update a legacy code: %v", err)
	}
}
