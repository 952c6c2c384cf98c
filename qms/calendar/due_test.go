package calendar_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/calendar"
)

// vn returns a wall-clock time in Vietnam.
func vn(c *calendar.Calendar, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, c.Location())
}

func TestDue(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	swapped := newCalendar(t, calendar.Overrides{
		WorkingDays: []calendar.WorkingDay{{Date: date(2026, time.March, 7), Reason: "Làm bù"}},
	})
	extraOff := newCalendar(t, calendar.Overrides{
		DaysOff: []calendar.DayOff{{Date: date(2026, time.March, 9), Name: "Nghỉ theo quyết định"}},
	})
	// 06/03/2026 is a Friday, 09/03/2026 a Monday.
	tests := []struct {
		name     string
		cal      *calendar.Calendar
		received time.Time
		days     int
		want     time.Time
	}{
		{"spans Tết", c, vn(c, 2026, 2, 13, 10, 0), 1, vn(c, 2026, 2, 23, 10, 0)},
		{"ordinary", c, vn(c, 2026, 3, 9, 9, 15), 3, vn(c, 2026, 3, 12, 9, 15)},
		{"over a weekend", c, vn(c, 2026, 3, 6, 16, 0), 1, vn(c, 2026, 3, 9, 16, 0)},
		{"Saturday starts Monday 07:30", c, vn(c, 2026, 3, 7, 9, 0), 1, vn(c, 2026, 3, 10, 7, 30)},
		{"Sunday evening", c, vn(c, 2026, 3, 8, 20, 0), 2, vn(c, 2026, 3, 11, 7, 30)},
		{"lunch break starts 13:30", c, vn(c, 2026, 3, 9, 12, 0), 1, vn(c, 2026, 3, 10, 13, 30)},
		{"at 11:30 sharp starts 13:30", c, vn(c, 2026, 3, 9, 11, 30), 1, vn(c, 2026, 3, 10, 13, 30)},
		{"before opening", c, vn(c, 2026, 3, 9, 6, 0), 2, vn(c, 2026, 3, 11, 7, 30)},
		{"after closing", c, vn(c, 2026, 3, 9, 17, 0), 1, vn(c, 2026, 3, 11, 7, 30)},
		{"over Giỗ Tổ make-up and 30/4–1/5", c, vn(c, 2026, 4, 24, 10, 0), 2, vn(c, 2026, 4, 29, 10, 0)},
		{"15:00 rule: before", c, vn(c, 2026, 3, 9, 14, 59), 0, vn(c, 2026, 3, 9, 17, 0)},
		{"15:00 rule: at 15:00", c, vn(c, 2026, 3, 9, 15, 0), 0, vn(c, 2026, 3, 10, 17, 0)},
		{"15:00 rule: Friday afternoon", c, vn(c, 2026, 3, 6, 15, 30), 0, vn(c, 2026, 3, 9, 17, 0)},
		{"15:00 rule: evening", c, vn(c, 2026, 3, 9, 19, 0), 0, vn(c, 2026, 3, 10, 17, 0)},
		{"15:00 rule: weekend", c, vn(c, 2026, 3, 7, 10, 0), 0, vn(c, 2026, 3, 9, 17, 0)},
		{"swapped Saturday is worked", swapped, vn(c, 2026, 3, 6, 10, 0), 1, vn(c, 2026, 3, 7, 10, 0)},
		{"received on a swapped Saturday", swapped, vn(c, 2026, 3, 7, 8, 0), 1, vn(c, 2026, 3, 9, 8, 0)},
		{"extra day off is skipped", extraOff, vn(c, 2026, 3, 6, 10, 0), 1, vn(c, 2026, 3, 10, 10, 0)},
		{"received in UTC", c, time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC), 1, vn(c, 2026, 3, 10, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cal.Due(tt.received, tt.days)
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("Due(%v, %d) = %v, %v; want %v", tt.received, tt.days, got, err, tt.want)
			}
			if got.Location().String() != "Asia/Ho_Chi_Minh" {
				t.Errorf("Due returned a time in %v", got.Location())
			}
		})
	}
}

func TestSameDayCutoffSetting(t *testing.T) {
	h := calendar.DefaultWorkingHours()
	h.SameDayCutoff = 16 * 60
	c, err := calendar.New(calendar.Overrides{}, h)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Due(vn(c, 2026, 3, 9, 15, 30), 0); !got.Equal(vn(c, 2026, 3, 9, 17, 0)) {
		t.Errorf("cut-off 16:00: Due at 15:30 = %v; want same day 17:00", got)
	}
}

func TestDueInvalid(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	ok := vn(c, 2026, 3, 9, 9, 0)
	tests := []struct {
		name     string
		received time.Time
		days     int
	}{
		{"negative days", ok, -1},
		{"absurd days", ok, calendar.MaxDays + 1},
		{"zero time", time.Time{}, 1},
		{"before 1900", time.Date(1800, 1, 1, 9, 0, 0, 0, time.UTC), 1},
		{"runs past the supported years", vn(c, calendar.MaxYear, 12, 20, 9, 0), 30},
	}
	for _, tt := range tests {
		if got, err := c.Due(tt.received, tt.days); qms.ErrorCode(err) != qms.EINVALID || !got.IsZero() {
			t.Errorf("%s: Due = %v, %v; want EINVALID", tt.name, got, err)
		}
	}
	if _, err := c.Due(ok, -1); qms.ErrorMessage(err) != "số ngày làm việc phải từ 0 đến 3650" {
		t.Errorf("message = %q", qms.ErrorMessage(err))
	}
	if _, err := c.AddWorkingHours(ok, -time.Minute); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("AddWorkingHours(negative) = %v; want EINVALID", err)
	}
	if _, err := c.AddWorkingHours(time.Time{}, time.Hour); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("AddWorkingHours(zero time) = %v; want EINVALID", err)
	}
	if _, err := c.AddWorkingHours(ok, 1<<62); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("AddWorkingHours(huge) = %v; want EINVALID", err)
	}
}

// A calendar whose overrides take a whole year off must fail, not loop.
func TestDueNoWorkingDay(t *testing.T) {
	var o calendar.Overrides
	for d := date(2030, time.January, 1); d.Year == 2030; d = d.AddDays(1) {
		o.DaysOff = append(o.DaysOff, calendar.DayOff{Date: d, Name: "Nghỉ"})
	}
	c := newCalendar(t, o)
	if _, err := c.Due(vn(c, 2029, 12, 31, 9, 0), 1); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("Due over a year off = %v; want EINVALID", err)
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within the morning", vn(c, 2026, 3, 9, 8, 0), time.Hour, vn(c, 2026, 3, 9, 9, 0)},
		{"ends at the period end", vn(c, 2026, 3, 9, 10, 0), 90 * time.Minute, vn(c, 2026, 3, 9, 11, 30)},
		{"over lunch", vn(c, 2026, 3, 9, 10, 0), 2 * time.Hour, vn(c, 2026, 3, 9, 14, 0)},
		{"over a weekend", vn(c, 2026, 3, 6, 16, 0), 2 * time.Hour, vn(c, 2026, 3, 9, 8, 30)},
		{"from Saturday, a day and a half hour", vn(c, 2026, 3, 7, 10, 0), 8 * time.Hour, vn(c, 2026, 3, 10, 8, 0)},
		{"zero from lunch", vn(c, 2026, 3, 9, 12, 0), 0, vn(c, 2026, 3, 9, 13, 30)},
		{"over Tết", vn(c, 2026, 2, 13, 16, 30), time.Hour, vn(c, 2026, 2, 23, 8, 0)},
	}
	for _, tt := range tests {
		got, err := c.AddWorkingHours(tt.start, tt.d)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("%s: AddWorkingHours(%v, %v) = %v, %v; want %v", tt.name, tt.start, tt.d, got, err, tt.want)
		}
	}
}

func TestWorkingDuration(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	tests := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"over lunch", vn(c, 2026, 3, 9, 10, 0), vn(c, 2026, 3, 9, 14, 0), 2 * time.Hour},
		{"over a weekend", vn(c, 2026, 3, 6, 16, 0), vn(c, 2026, 3, 9, 8, 0), 90 * time.Minute},
		{"over Tết", vn(c, 2026, 2, 13, 16, 0), vn(c, 2026, 2, 23, 8, 0), 90 * time.Minute},
		{"a full week", vn(c, 2026, 3, 9, 0, 0), vn(c, 2026, 3, 16, 0, 0), 5 * (7*time.Hour + 30*time.Minute)},
		{"reversed", vn(c, 2026, 3, 9, 14, 0), vn(c, 2026, 3, 9, 10, 0), 0},
		{"from the zero time (1/1/1900 is a holiday)", time.Time{}, vn(c, 1900, 1, 3, 0, 0), 7*time.Hour + 30*time.Minute},
	}
	for _, tt := range tests {
		if got := c.WorkingDuration(tt.from, tt.to); got != tt.want {
			t.Errorf("%s: WorkingDuration = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// TestArithmeticAgrees checks the functions against each other on random
// instants of 2020–2030: adding a budget then measuring it gives it back,
// and a due date lies exactly days × the working day after the clock start.
func TestArithmeticAgrees(t *testing.T) {
	c := newCalendar(t, calendar.Overrides{})
	rng := rand.New(rand.NewPCG(1, 2))
	base := vn(c, 2020, 1, 1, 0, 0)
	dayLen := calendar.DefaultWorkingHours().DayLength()
	for range 2000 {
		start := base.Add(time.Duration(rng.Int64N(int64(10 * 365 * 24 * time.Hour))))
		budget := time.Duration(rng.Int64N(int64(60 * time.Hour)))
		end, err := c.AddWorkingHours(start, budget)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.WorkingDuration(start, end); got != budget {
			t.Fatalf("AddWorkingHours(%v, %v) = %v, but WorkingDuration = %v", start, budget, end, got)
		}
		days := rng.IntN(40)
		due, err := c.Due(start, days)
		if err != nil {
			t.Fatal(err)
		}
		clock, err := c.ClockStart(start)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.WorkingDuration(clock, due); days > 0 && got != time.Duration(days)*dayLen {
			t.Fatalf("Due(%v, %d) = %v: %v of working time; want %v", start, days, due, got, time.Duration(days)*dayLen)
		}
	}
}
