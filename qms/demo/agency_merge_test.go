package demo_test

import (
	"testing"
)

// TestAgencyMerge1DemoShowsMerger: the showcase holds two district
// offices merged into a regional one, their shared TTHC one row there,
// their staff moved.
func TestAgencyMerge1DemoShowsMerger(t *testing.T) {
	db, _, sys := smallDemo(t, 20, 5)
	for _, code := range []string{"SVHTTH1", "SVHTTH2"} {
		a, err := db.FindAgencyByCode(sys, code)
		if err != nil || a.MergedInto != "SVHTTKV" {
			t.Fatalf("%s: %+v %v", code, a, err)
		}
	}
	ts, _ := db.FindTTHCs(sys, "SVHTTKV")
	u, err := db.FindUserByUsername(sys, "svhtth1.staff1")
	if len(ts) != 1 || err != nil || len(u.Memberships) != 1 || u.Memberships[0].AgencyCode != "SVHTTKV" {
		t.Fatalf("successor: %d TTHC, user %+v %v", len(ts), u, err)
	}
}
