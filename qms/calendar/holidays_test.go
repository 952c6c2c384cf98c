package calendar_test

import (
	"slices"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

func newCalendar(t testing.TB, o calendar.Overrides) *calendar.Calendar {
	t.Helper()
	c, err := calendar.New(o, calendar.DefaultWorkingHours())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// find returns the holiday on d, if any.
func find(hs []calendar.Holiday, d calendar.Date) (calendar.Holiday, bool) {
	i := slices.IndexFunc(hs, func(h calendar.Holiday) bool { return h.Date == d })
	if i < 0 {
		return calendar.Holiday{}, false
	}
	return hs[i], true
}

func TestHolidays(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	tests := []struct {
		name string
		date calendar.Date
		want string // "" means: not a holiday
		kind calendar.HolidayKind
	}{
		{"Tết Dương lịch", date(2026, time.January, 1), "Tết Dương lịch", calendar.KindHoliday},
		{"29 tháng Chạp", date(2026, time.February, 16), "Tết Nguyên đán", calendar.KindHoliday},
		{"mùng 1", date(2026, time.February, 17), "Tết Nguyên đán", calendar.KindHoliday},
		{"mùng 2", date(2026, time.February, 18), "Tết Nguyên đán", calendar.KindHoliday},
		{"mùng 3", date(2026, time.February, 19), "Tết Nguyên đán", calendar.KindHoliday},
		{"mùng 4", date(2026, time.February, 20), "Tết Nguyên đán", calendar.KindHoliday},
		{"mùng 5 is worked", date(2026, time.February, 23), "", ""},
		{"Giỗ Tổ on a Sunday", date(2026, time.April, 26), "Giỗ Tổ Hùng Vương", calendar.KindHoliday},
		{"its make-up day", date(2026, time.April, 27), "Nghỉ bù Giỗ Tổ Hùng Vương", calendar.KindMakeup},
		{"30/4", date(2026, time.April, 30), "Ngày Chiến thắng", calendar.KindHoliday},
		{"1/5", date(2026, time.May, 1), "Ngày Quốc tế Lao động", calendar.KindHoliday},
		{"2/9 Wednesday", date(2026, time.September, 2), "Quốc khánh", calendar.KindHoliday},
		{"3/9 adjacent", date(2026, time.September, 3), "Quốc khánh (ngày liền kề)", calendar.KindHoliday},
		{"2/9 Tuesday: 1/9 adjacent", date(2025, time.September, 1), "Quốc khánh (ngày liền kề)", calendar.KindHoliday},
		{"Giỗ Tổ 2025 Monday", date(2025, time.April, 7), "Giỗ Tổ Hùng Vương", calendar.KindHoliday},
		{"Tết 2025 Saturday made up Monday", date(2025, time.February, 3), "Nghỉ bù Tết Nguyên đán", calendar.KindMakeup},
		// 2023: Giỗ Tổ Sat 29/4, 30/4 Sun, 1/5 Mon → make-ups Tue 2/5, Wed 3/5,
		// as the Government announced.
		{"2023 make-up for Giỗ Tổ", date(2023, time.May, 2), "Nghỉ bù Giỗ Tổ Hùng Vương", calendar.KindMakeup},
		{"2023 make-up for 30/4", date(2023, time.May, 3), "Nghỉ bù Ngày Chiến thắng", calendar.KindMakeup},
		{"2022 make-up for 1/5", date(2022, time.May, 3), "Nghỉ bù Ngày Quốc tế Lao động", calendar.KindMakeup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := find(c.Holidays(tt.date.Year), tt.date)
			if tt.want == "" {
				if ok {
					t.Fatalf("%v is a holiday: %+v", tt.date, h)
				}
				return
			}
			if !ok || h.Name != tt.want || h.Kind != tt.kind {
				t.Fatalf("holiday on %v = %+v (found %v); want %q %s", tt.date, h, ok, tt.want, tt.kind)
			}
			if c.IsWorkingDay(tt.date) {
				t.Errorf("IsWorkingDay(%v) = true", tt.date)
			}
		})
	}
}

func TestHolidaysSortedAndInYear(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	for y := calendar.MinYear; y <= calendar.MaxYear; y++ {
		hs := c.Holidays(y)
		if len(hs) < 10 {
			t.Fatalf("%d: only %d days off", y, len(hs))
		}
		for i, h := range hs {
			if h.Date.Year != y || (i > 0 && !hs[i-1].Date.Before(h.Date)) {
				t.Fatalf("%d: holidays not sorted, unique and in the year: %v", y, hs)
			}
			if h.Kind == calendar.KindMakeup && (h.Date.Weekday() == time.Saturday || h.Date.Weekday() == time.Sunday) {
				t.Fatalf("%d: make-up day on a weekend: %+v", y, h)
			}
		}
	}
	if hs := c.Holidays(calendar.MaxYear + 1); hs != nil {
		t.Errorf("Holidays out of range = %v; want nil", hs)
	}
}

func TestTetDays(t *testing.T) {
	got, err := calendar.TetDays(2026)
	want := []calendar.Date{
		date(2026, time.February, 16), date(2026, time.February, 17), date(2026, time.February, 18),
		date(2026, time.February, 19), date(2026, time.February, 20),
	}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("TetDays(2026) = %v, %v; want %v", got, err, want)
	}
}

func TestOverrides(t *testing.T) {
	o := calendar.Overrides{
		// 2025 as announced: Tết 25/1–2/2 with Mon 27/1 swapped for Sat 8/2.
		TetDays: map[int][]calendar.Date{2025: {
			date(2025, time.January, 27), date(2025, time.January, 28), date(2025, time.January, 29),
			date(2025, time.January, 30), date(2025, time.January, 31),
		}},
		WorkingDays: []calendar.WorkingDay{
			{Date: date(2025, time.February, 8), Reason: "Làm bù cho ngày 27/01/2025"},
			{Date: date(2026, time.April, 27), Reason: "Đơn vị trực"},
		},
		DaysOff: []calendar.DayOff{{Date: date(2026, time.March, 9), Name: "Nghỉ theo quyết định của UBND tỉnh"}},
	}
	c := newCalendar(t, o)
	tests := []struct {
		date    calendar.Date
		working bool
	}{
		{date(2025, time.January, 27), false}, // listed Tết day
		{date(2025, time.February, 3), true},  // computed make-up gone with the computed Tết days
		{date(2025, time.February, 8), true},  // swapped Saturday
		{date(2025, time.February, 15), false},
		{date(2026, time.March, 9), false}, // extra day off
		{date(2026, time.April, 27), true}, // working day wins over a make-up day
		{date(2026, time.April, 28), true},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(tt.date); got != tt.working {
			t.Errorf("IsWorkingDay(%v) = %v; want %v", tt.date, got, tt.working)
		}
	}
	if h, ok := find(c.Holidays(2026), date(2026, time.March, 9)); !ok || h.Kind != calendar.KindOverride || h.Name != "Nghỉ theo quyết định của UBND tỉnh" {
		t.Errorf("extra day off = %+v, %v", h, ok)
	}
	if h, ok := find(c.Holidays(2025), date(2025, time.January, 27)); !ok || h.Kind != calendar.KindOverride || h.Name != "Tết Nguyên đán" {
		t.Errorf("listed Tết day = %+v, %v", h, ok)
	}
	if _, ok := find(c.Holidays(2026), date(2026, time.April, 27)); ok {
		t.Errorf("a day made working is still listed as a holiday")
	}

	// The Calendar copied the overrides: changing them later has no effect.
	o.DaysOff[0].Date = date(2026, time.March, 10)
	if !c.IsWorkingDay(date(2026, time.March, 10)) {
		t.Errorf("Calendar shares the caller's overrides")
	}
}

func TestOverridesInvalid(t *testing.T) {
	tests := []struct {
		name string
		o    calendar.Overrides
	}{
		{"bad date", calendar.Overrides{DaysOff: []calendar.DayOff{{Date: date(2026, time.February, 30), Name: "x"}}}},
		{"no name", calendar.Overrides{DaysOff: []calendar.DayOff{{Date: date(2026, time.March, 9), Name: " "}}}},
		{"off and worked", calendar.Overrides{
			DaysOff:     []calendar.DayOff{{Date: date(2026, time.March, 9), Name: "x"}},
			WorkingDays: []calendar.WorkingDay{{Date: date(2026, time.March, 9)}},
		}},
		{"Tết day in another year", calendar.Overrides{TetDays: map[int][]calendar.Date{2026: {date(2025, time.February, 17)}}}},
		{"empty Tết list", calendar.Overrides{TetDays: map[int][]calendar.Date{2026: {}}}},
	}
	for _, tt := range tests {
		if _, err := calendar.New(tt.o, calendar.DefaultWorkingHours()); qms.ErrorCode(err) != qms.EINVALID {
			t.Errorf("%s: New = %v; want EINVALID", tt.name, err)
		}
	}
}
