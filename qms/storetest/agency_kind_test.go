package storetest_test

import (
	"strings"
	"testing"

	"isodt/qms"
)

// TestAgencyKinds2Store: the store keeps an agency's kind, refuses a
// district kind for a new agency or as a change, and keeps it on an
// agency that already has it.
func TestAgencyKinds2Store(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		sys := f.ctx
		if err := f.CreateAgency(sys, &qms.Agency{Code: "X", Name: "UBND xã X", Kind: "ubnd_xa"}); err != nil {
			t.Fatal(err)
		}
		if a, err := f.FindAgencyByCode(sys, "X"); err != nil || a.Kind != qms.AgencyKindCommune {
			t.Fatalf("kind %v, %v", a, err)
		}
		if err := f.CreateAgency(sys, &qms.Agency{Code: "D", Name: "Sở D"}); err != nil {
			t.Fatal(err)
		}
		if a, _ := f.FindAgencyByCode(sys, "D"); a.Kind != qms.DefaultAgencyKind {
			t.Fatalf("default kind %q", a.Kind)
		}
		err := f.CreateAgency(sys, &qms.Agency{Code: "H", Name: "UBND huyện H", Kind: "ubnd_huyen"})
		if qms.ErrorCode(err) != qms.EINVALID || !strings.Contains(err.Error(), "không thể tạo mới") {
			t.Fatalf("district created: %v", err)
		}
		mustExec(t, f, `UPDATE agencies SET kind = 'ubnd_huyen' WHERE code = 'D'`)
		name := "UBND huyện D"
		if a, err := f.UpdateAgency(sys, "D", qms.AgencyUpdate{Name: &name}); err != nil || a.Kind != qms.AgencyKindDistrict {
			t.Fatalf("renaming a district: %v, %v", a, err)
		}
		district := qms.AgencyKindDistrict
		if _, err := f.UpdateAgency(sys, "X", qms.AgencyUpdate{Kind: &district}); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("commune made a district: %v", err)
		}
		sub := qms.AgencyKindSubunit
		if a, err := f.UpdateAgency(sys, "X", qms.AgencyUpdate{Kind: &sub}); err != nil || a.Kind != sub {
			t.Fatalf("commune made a subunit: %v, %v", a, err)
		}
		if a, _ := f.FindAgencyByCode(sys, "X"); a.Kind != sub {
			t.Fatalf("stored kind %q", a.Kind)
		}
	})
}
