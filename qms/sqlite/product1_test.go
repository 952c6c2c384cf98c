package sqlite_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// TestProduct1OverdueMeasuredAtNow: an open dossier is overdue in the
// on-time report and the review pack only once its due time has passed
// at min(now, period end): a period that has not ended yet is measured
// now, one that has ended is measured at its end.
func TestProduct1OverdueMeasuredAtNow(t *testing.T) {
	db, clk, sys := openDB(t)
	if err := db.CreateAgency(sys, &qms.Agency{Code: "SVHTT", Name: "Sở VHTT"}); err != nil {
		t.Fatal(err)
	}
	now := hanoi(2026, 5, 15, 10, 0)
	clk.Set(now.UTC())
	open := func(code string, received, due time.Time) sqlite.DossierImport {
		return sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: received, DueAt: due, Status: qms.DossierInProgress}
	}
	rows := []sqlite.DossierImport{
		open("D-PAST", hanoi(2026, 5, 1, 9, 0), hanoi(2026, 5, 10, 9, 0)),      // due before now
		open("D-YESTERDAY", hanoi(2026, 5, 4, 9, 0), hanoi(2026, 5, 14, 9, 0)), // due before now, after 12/05
		open("D-TOMORROW", hanoi(2026, 5, 6, 9, 0), hanoi(2026, 5, 16, 9, 0)),  // due after now
		open("D-LATER", hanoi(2026, 5, 7, 9, 0), hanoi(2026, 6, 20, 9, 0)),     // due after now
		open("D-2025", hanoi(2025, 12, 20, 9, 0), hanoi(2026, 1, 10, 9, 0)),    // open since last year
	}
	if _, err := db.ImportDossiers(sys, "SVHTT", rows); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name                string
		from, to            time.Time
		inProgress, overdue int
		measuredAt          time.Time
	}{
		{"quarter ending in the future: measured now", hanoi(2026, 4, 1, 0, 0), hanoi(2026, 7, 1, 0, 0), 2, 3, now},
		{"year ending in the future", hanoi(2026, 1, 1, 0, 0), hanoi(2027, 1, 1, 0, 0), 2, 3, now},
		{"period ended 13/05: measured at its end", hanoi(2026, 5, 1, 0, 0), hanoi(2026, 5, 13, 0, 0), 3, 2, hanoi(2026, 5, 13, 0, 0)},
		{"2025 ended: open dossiers due in 2026 are in progress", hanoi(2025, 1, 1, 0, 0), hanoi(2026, 1, 1, 0, 0), 1, 0, hanoi(2026, 1, 1, 0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reps, err := db.OnTime(sys, "SVHTT", tc.from, tc.to, "")
			if err != nil {
				t.Fatal(err)
			}
			r := reps[""]
			if r.InProgress != tc.inProgress || r.Overdue != tc.overdue || !r.MeasuredAt.Equal(tc.measuredAt) {
				t.Fatalf("in progress %d, overdue %d, measured at %v; want %d, %d, %v", r.InProgress, r.Overdue, r.MeasuredAt, tc.inProgress, tc.overdue, tc.measuredAt)
			}
		})
	}
	// The dossier list's overdue filter agrees with the report of the
	// current period.
	yes := true
	agency := "SVHTT"
	if _, n, err := db.FindDossiers(sys, qms.DossierFilter{AgencyCode: &agency, Overdue: &yes}); err != nil || n != 3 {
		t.Fatalf("overdue filter: %d %v", n, err)
	}
	// The review pack of this year counts the same.
	rv := &qms.ManagementReview{AgencyCode: agency, Title: "Xem xét 2026", HeldOn: hanoi(2026, 5, 15, 0, 0)}
	if err := db.CreateReview(sys, rv); err != nil {
		t.Fatal(err)
	}
	if p := rv.Pack.OnTime; p.InProgress != 2 || p.Overdue != 3 || !p.MeasuredAt.Equal(now) {
		t.Fatalf("review pack: in progress %d, overdue %d, measured at %v", p.InProgress, p.Overdue, p.MeasuredAt)
	}
}
