package calendar_test

import (
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

func date(y int, m time.Month, d int) calendar.Date { return calendar.NewDate(y, m, d) }

// Tết (lunar 1/1) as published on Vietnamese calendars. 1968, 1985 and
// 2007 are years in which the Chinese calendar (UTC+8) differs by a day or
// a month: 30/01/1968, 20/02/1985, 18/02/2007.
func TestTet(t *testing.T) {
	tests := []struct {
		year int
		want calendar.Date
	}{
		{1968, date(1968, time.January, 29)},
		{1985, date(1985, time.January, 21)},
		{2007, date(2007, time.February, 17)},
		{2024, date(2024, time.February, 10)},
		{2025, date(2025, time.January, 29)},
		{2026, date(2026, time.February, 17)},
		{2027, date(2027, time.February, 6)},
	}
	for _, tt := range tests {
		got, err := calendar.LunarToSolar(calendar.LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil || got != tt.want {
			t.Errorf("Tết %d = %v, %v; want %v", tt.year, got, err, tt.want)
		}
		ld, err := calendar.SolarToLunar(tt.want)
		if want := (calendar.LunarDate{Year: tt.year, Month: 1, Day: 1}); err != nil || ld != want {
			t.Errorf("SolarToLunar(%v) = %v, %v; want %v", tt.want, ld, err, want)
		}
	}
}

func TestLunarDates(t *testing.T) {
	tests := []struct {
		name  string
		solar calendar.Date
		lunar calendar.LunarDate
	}{
		{"Giỗ Tổ 2026", date(2026, time.April, 26), calendar.LunarDate{Year: 2026, Month: 3, Day: 10}},
		{"Giỗ Tổ 2025", date(2025, time.April, 7), calendar.LunarDate{Year: 2025, Month: 3, Day: 10}},
		{"Giỗ Tổ 2023", date(2023, time.April, 29), calendar.LunarDate{Year: 2023, Month: 3, Day: 10}},
		{"29 tháng Chạp Ất Tỵ", date(2026, time.February, 16), calendar.LunarDate{Year: 2025, Month: 12, Day: 29}},
		{"tháng 6 nhuận 2025", date(2025, time.July, 25), calendar.LunarDate{Year: 2025, Month: 6, Day: 1, Leap: true}},
		{"tháng 2 nhuận 2023", date(2023, time.March, 22), calendar.LunarDate{Year: 2023, Month: 2, Day: 1, Leap: true}},
		{"tháng 4 nhuận 2020", date(2020, time.May, 23), calendar.LunarDate{Year: 2020, Month: 4, Day: 1, Leap: true}},
		{"first day supported", date(1900, time.January, 1), calendar.LunarDate{Year: 1899, Month: 12, Day: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calendar.SolarToLunar(tt.solar)
			if err != nil || got != tt.lunar {
				t.Errorf("SolarToLunar(%v) = %v, %v; want %v", tt.solar, got, err, tt.lunar)
			}
			back, err := calendar.LunarToSolar(tt.lunar)
			if err != nil || back != tt.solar {
				t.Errorf("LunarToSolar(%v) = %v, %v; want %v", tt.lunar, back, err, tt.solar)
			}
		})
	}
}

func TestLunarInvalid(t *testing.T) {
	tests := []struct {
		name string
		ld   calendar.LunarDate
	}{
		{"no leap month 3 in 2026", calendar.LunarDate{Year: 2026, Month: 3, Day: 1, Leap: true}},
		{"30 of a 29-day month", calendar.LunarDate{Year: 2025, Month: 12, Day: 30}},
		{"month 13", calendar.LunarDate{Year: 2026, Month: 13, Day: 1}},
		{"day 0", calendar.LunarDate{Year: 2026, Month: 1, Day: 0}},
		{"year out of range", calendar.LunarDate{Year: 1500, Month: 1, Day: 1}},
	}
	for _, tt := range tests {
		if d, err := calendar.LunarToSolar(tt.ld); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("%s: LunarToSolar(%v) = %v, %v; want EINVALID", tt.name, tt.ld, d, err)
		}
	}
	for _, d := range []calendar.Date{date(2026, time.February, 30), date(1899, time.December, 31), date(2200, time.January, 1)} {
		if ld, err := calendar.SolarToLunar(d); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("SolarToLunar(%v) = %v, %v; want EINVALID", d, ld, err)
		}
	}
}

// TestLunarRoundTrip converts every day of 1900–2100 to the lunar calendar
// and back (every 7th day with -short or -race), and checks that lunar days
// run on without gaps: each day is the next day of the same month, or day
// 1 of the following month after a 29- or 30-day month.
func TestLunarRoundTrip(t *testing.T) {
	step := 1
	// -short samples the sweep; use it with -race, which slows this pure
	// arithmetic several times over and finds nothing in it.
	if testing.Short() {
		step = 7 // every weekday still comes up, in turn
	}
	prev := calendar.LunarDate{}
	for d := date(1900, time.January, 1); d.Year <= 2100; d = d.AddDays(step) {
		ld, err := calendar.SolarToLunar(d)
		if err != nil {
			t.Fatalf("SolarToLunar(%v): %v", d, err)
		}
		back, err := calendar.LunarToSolar(ld)
		if err != nil || back != d {
			t.Fatalf("%v → %v → %v, %v", d, ld, back, err)
		}
		if step == 1 && prev.Year != 0 {
			sameMonth := ld.Year == prev.Year && ld.Month == prev.Month && ld.Leap == prev.Leap && ld.Day == prev.Day+1
			newMonth := ld.Day == 1 && (prev.Day == 29 || prev.Day == 30)
			if !sameMonth && !newMonth {
				t.Fatalf("%v: %v follows %v", d, ld, prev)
			}
		}
		prev = ld
	}
}
