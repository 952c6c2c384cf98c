package demo_test

import (
	"context"
	"testing"

	"isodt/qms"
	"isodt/qms/demo"
)

// TestAgencyMerge1DemoShowsMerger: the showcase holds two district
// offices merged into a regional one, their shared TTHC one row there,
// their staff moved.
func TestAgencyMerge1DemoShowsMerger(t *testing.T) {
	ctx := context.Background()
	db, clk := openDB(t)
	sc := demo.Small
	sc.Dossiers, sc.TTHC = 20, 5
	if _, err := demo.Generate(ctx, db, clk, sc, nil); err != nil {
		t.Fatal(err)
	}
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
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
