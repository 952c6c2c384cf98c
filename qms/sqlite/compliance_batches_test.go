package sqlite_test

import (
	"strings"
	"testing"

	"isodt/qms"
)

// TestOneSourceSpeedComplianceByAgency: a scan reconciles one agency at a
// time, each in its own audited transaction naming the agency, and adds
// up to the same result as before: every finding opened once, a rerun
// opens none, the totals match the findings stored.
func TestOneSourceSpeedComplianceByAgency(t *testing.T) {
	db, _, sys := openDB(t)
	effectiveProcedure(t, db, sys) // SVHTT: 1.000004 not under control
	if err := db.CreateAgency(sys, &qms.Agency{Code: "STP", Name: "Sở Tư pháp"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ImportTTHC(sys, "STP", sampleTTHC()); err != nil { // none under control
		t.Fatal(err)
	}
	first := run(t, db, sys)
	yes := true
	open, err := db.FindFindings(sys, qms.FindingFilter{Open: &yes})
	if err != nil {
		t.Fatal(err)
	}
	byAgency := map[string]int{}
	for _, f := range open {
		byAgency[f.AgencyCode]++
	}
	if first.Opened != len(open) || first.Open != len(open) || byAgency["SVHTT"] == 0 || byAgency["STP"] == 0 {
		t.Fatalf("first run %+v, findings by agency %v", first, byAgency)
	}
	if again := run(t, db, sys); again.Opened != 0 || again.Closed != 0 || again.Open != first.Open {
		t.Fatalf("rerun: %+v after %+v", again, first)
	}
	action := "compliance.run"
	es, _, err := db.FindAuditEntries(sys, qms.AuditFilter{Action: &action})
	if err != nil {
		t.Fatal(err)
	}
	agencies, _ := db.FindAgencies(sys, qms.AgencyFilter{})
	per := map[string]int{}
	for _, e := range es {
		per[strings.TrimPrefix(e.Reason, "đơn vị ")]++
	}
	for _, a := range agencies {
		if per[a.Code] != 2 {
			t.Errorf("agency %s reconciled in %d audited transactions over two runs, want 2 (entries %v)", a.Code, per[a.Code], per)
		}
	}
}
