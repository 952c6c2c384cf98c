package qms_test

import (
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

// TestProduct16CheckApology: the apology slip's rules on the working-day
// calendar, with a flowchart that has a rework loop and parallel
// branches. The check step (4 h) opened Monday 02/03/2026 07:30 ends at
// 11:30; the quickest way on from it is 24 working hours (decision, fork,
// one branch, join, signing, return: 4 h each; the loop back to the check
// is no way to the end), so the dossier is done Thursday 05/03 15:00.
func TestProduct16CheckApology(t *testing.T) {
	cal, err := calendar.New(calendar.Overrides{}, calendar.DefaultWorkingHours())
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, qms.Zone) }
	opened := at(2026, 3, 2, 7, 30)
	dossier := func(due time.Time) *qms.Dossier {
		return &qms.Dossier{Code: "A-2026-000001", DueAt: due, Flow: qms.FlowState{Open: []qms.OpenStep{{StepID: "check", OpenedAt: opened}}}}
	}
	fc := consultChart()
	finish, err := qms.ProjectedFinish(dossier(at(2026, 3, 6, 17, 0)), fc, cal, opened)
	if err != nil || !finish.Equal(at(2026, 3, 5, 15, 0)) {
		t.Fatalf("projected finish %s, %v; want 05/03/2026 15:00", finish.In(qms.Zone), err)
	}
	cases := []struct {
		name            string
		due, now, newAt time.Time
		want            string // part of the error; "" for none
	}{
		{"on time and will stay so", at(2026, 3, 6, 17, 0), opened, at(2026, 3, 9, 9, 0), "còn trong hạn"},
		{"due the day of the finish: on time", at(2026, 3, 5, 8, 0), opened, at(2026, 3, 9, 9, 0), "còn trong hạn"},
		{"will be late", at(2026, 3, 4, 17, 0), opened, at(2026, 3, 9, 9, 0), ""},
		{"late, the open step over its time", at(2026, 3, 4, 17, 0), at(2026, 3, 5, 8, 0), at(2026, 3, 9, 9, 0), ""},
		{"made on a Saturday", at(2026, 3, 4, 17, 0), at(2026, 3, 7, 9, 0), at(2026, 3, 9, 9, 0), "là ngày nghỉ"},
		{"new appointment on a Sunday", at(2026, 3, 4, 17, 0), at(2026, 3, 5, 8, 0), at(2026, 3, 8, 9, 0), "Ngày hẹn mới 08/03/2026 là ngày nghỉ"},
		{"new appointment before the old", at(2026, 3, 4, 17, 0), at(2026, 3, 5, 8, 0), at(2026, 3, 4, 9, 0), "phải sau ngày hẹn cũ"},
		{"new appointment on 30 April", at(2026, 4, 27, 17, 0), at(2026, 4, 28, 8, 0), at(2026, 4, 30, 9, 0), "Ngày hẹn mới 30/04/2026 là ngày nghỉ"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := qms.CheckApology(dossier(tc.due), fc, cal, tc.newAt, tc.now)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (qms.ErrorCode(err) != qms.EINVALID || !strings.Contains(qms.ErrorMessage(err), tc.want)):
				t.Fatalf("got %v, want an EINVALID error with %q", err, tc.want)
			}
		})
	}
}
