package demo_test

import (
	"testing"

	"isodt/qms"
)

// TestDeclaration3Demo: the showcase agency has declared its system over
// its whole scope (so neither declaration rule flags it), its
// subordinate unit is a "đơn vị trực thuộc", and the other demo agencies,
// which run procedures without a declaration, are flagged.
func TestDeclaration3Demo(t *testing.T) {
	db, _, sys := smallDemo(t, 100, 10)
	ds, err := db.FindDeclarations(sys, "SVHTT")
	if err != nil || len(ds) != 1 || !ds[0].Current() || len(ds[0].TTHCCodes) == 0 || len(ds[0].Processes) == 0 || ds[0].File.ContentType != "application/pdf" {
		t.Fatalf("showcase declarations %+v, %v", ds, err)
	}
	for _, rule := range []string{qms.RuleDeclarationMissing, qms.RuleDeclarationScopeChanged} {
		if fs, _ := db.FindFindings(sys, qms.FindingFilter{AgencyCode: ptr("SVHTT"), Rule: ptr(rule), Open: ptr(true)}); len(fs) != 0 {
			t.Errorf("showcase flagged by %s: %s", rule, fs[0].Message)
		}
	}
	if unit, _ := db.FindAgencyByCode(sys, "SVHTTVP"); unit == nil || unit.Kind != qms.AgencyKindSubunit {
		t.Errorf("subordinate unit %+v", unit)
	}
}
