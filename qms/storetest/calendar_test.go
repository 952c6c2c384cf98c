package storetest_test

import (
	"testing"

	"isodt/qms"
	"isodt/qms/calendar"
)

// TestCalendarOverridesAndSettings: overrides change the working days of
// every agency's calendar at once, a day cannot be both off and worked,
// and an agency's clock mode and hours are kept per agency.
func TestCalendarOverridesAndSettings(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		if err := f.CreateAgency(ctx, &qms.Agency{Code: "A", Name: "Sở A"}); err != nil {
			t.Fatal(err)
		}
		wed := calendar.Date{Year: 2026, Month: 3, Day: 4}
		sat := calendar.Date{Year: 2026, Month: 3, Day: 7}
		working := func(d calendar.Date) bool {
			t.Helper()
			c, err := f.Calendar(ctx, "A")
			if err != nil {
				t.Fatal(err)
			}
			return c.IsWorkingDay(d)
		}
		if !working(wed) || working(sat) {
			t.Fatal("statutory calendar: Wednesday off or Saturday worked")
		}
		tests := []struct {
			name   string
			o      qms.CalendarOverride
			remove bool
			code   string
		}{
			{"day off", qms.CalendarOverride{Date: "2026-03-04", Kind: "off", Name: "Nghỉ bù"}, false, ""},
			{"make-up working day", qms.CalendarOverride{Date: "07/03/2026", Kind: "work", Name: "Làm bù"}, false, ""},
			{"a day off worked", qms.CalendarOverride{Date: "2026-03-04", Kind: "work", Name: "Làm bù"}, false, qms.EINVALID},
			{"no name", qms.CalendarOverride{Date: "2026-03-05", Kind: "off"}, false, qms.EINVALID},
			{"bad kind", qms.CalendarOverride{Date: "2026-03-05", Kind: "holiday", Name: "x"}, false, qms.EINVALID},
			{"remove a missing one", qms.CalendarOverride{Date: "2026-03-05", Kind: "off"}, true, qms.ENOTFOUND},
		}
		for _, tt := range tests {
			if err := f.SetCalendarOverride(ctx, tt.o, tt.remove); qms.ErrorCode(err) != tt.code {
				t.Fatalf("%s: %v, want %q", tt.name, err, tt.code)
			}
		}
		if working(wed) || !working(sat) {
			t.Fatal("overrides not in the calendar")
		}
		os, err := f.CalendarOverrides(ctx)
		if err != nil || len(os) != 2 || os[0].Date != "2026-03-04" || os[1].Date != "2026-03-07" {
			t.Fatalf("overrides = %+v, %v", os, err)
		}
		if err := f.SetCalendarOverride(ctx, qms.CalendarOverride{Date: "2026-03-04", Kind: "off"}, true); err != nil {
			t.Fatal(err)
		}
		if !working(wed) {
			t.Fatal("removed day off still off")
		}
		if mode, hours, err := f.AgencySettings(ctx, "A"); err != nil || mode != qms.ClockResume || hours != calendar.DefaultWorkingHours().String() {
			t.Fatalf("default settings = %s %s, %v", mode, hours, err)
		}
		if err := f.SetAgencySettings(ctx, "A", "sometimes", "08:00-12:00,13:00-17:00"); qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("bad clock mode: %v", err)
		}
		if err := f.SetAgencySettings(ctx, "NOPE", qms.ClockRestart, "08:00-12:00,13:00-17:00"); qms.ErrorCode(err) != qms.ENOTFOUND {
			t.Fatalf("unknown agency: %v", err)
		}
		if err := f.SetAgencySettings(ctx, "A", qms.ClockRestart, "08:00-12:00,13:00-17:00"); err != nil {
			t.Fatal(err)
		}
		if mode, hours, err := f.AgencySettings(ctx, "A"); err != nil || mode != qms.ClockRestart || hours != "08:00-12:00,13:00-17:00" {
			t.Fatalf("settings = %s %s, %v", mode, hours, err)
		}
		c, err := f.Calendar(ctx, "A")
		if err != nil || c.Hours().String() != "08:00-12:00,13:00-17:00" {
			t.Fatalf("calendar hours = %v, %v", c.Hours(), err)
		}
		if n, err := f.VerifyAuditChain(ctx); err != nil {
			t.Fatalf("chain: %d, %v", n, err)
		}
	})
}
