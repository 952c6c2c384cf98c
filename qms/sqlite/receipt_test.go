package sqlite_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// A receipt is decided before its write, outside the write group; a
// change to the catalogue committed in between is seen by the write,
// which decides again: a TTHC abolished meanwhile refuses the dossier,
// a new time limit gives the due time on it.
func TestOneSource5ReceiptDecidedAgainWhenCatalogueMoved(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(*qms.TTHC)
		refused bool
		days    int
	}{
		{name: "unchanged", change: func(*qms.TTHC) {}, days: 5},
		{name: "time limit changed", change: func(t *qms.TTHC) { t.TimeLimitDays = 12 }, days: 12},
		{name: "abolished", change: func(t *qms.TTHC) { t.Status = qms.TTHCAbolished }, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _, sys := openDB(t)
			staff, _ := effectiveProcedure(t, db, sys)
			items := sampleTTHC()
			tc.change(&items[0])
			defer sqlite.SetReceiptPlanned(func() {
				if _, _, err := db.ImportTTHC(sys, "SVHTT", items); err != nil {
					t.Error(err)
				}
			})()
			received := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // a Monday, 9:00 in Hà Nội
			d := &qms.Dossier{AgencyCode: "SVHTT", TTHCCode: "1.000001", Applicant: qms.Applicant{Name: "Nguyễn Văn An"}, Channel: qms.ChannelOnline, ReceivedAt: received}
			err := db.ReceiveDossier(staff, d)
			if tc.refused {
				if qms.ErrorCode(err) != qms.EINVALID {
					t.Fatalf("receipt of an abolished TTHC: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cal, _ := db.Calendar(sys, "SVHTT")
			want, _ := cal.Due(received, tc.days)
			got, err := db.FindDossier(sys, "SVHTT", d.Code)
			if err != nil || !got.DueAt.Equal(want) || !d.DueAt.Equal(want) {
				t.Fatalf("due %v (stored %v), want %v on %d days: %v", d.DueAt, got.DueAt, want, tc.days, err)
			}
		})
	}
}
