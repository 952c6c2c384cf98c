package calendar_test

import (
	"testing"
	"time"

	"isodt/qms/calendar"
)

// inWorkingHours reports whether t is inside a working period of a working
// day, or exactly at the end of a period.
func inWorkingHours(c *calendar.Calendar, t time.Time) bool {
	t = t.In(c.Location())
	if !c.IsWorkingDay(calendar.DateOf(t)) {
		return false
	}
	h, m, s := t.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	for _, p := range c.Hours().Periods {
		start, end := time.Duration(p.Start)*time.Minute, time.Duration(p.End)*time.Minute
		if tod >= start && tod <= end {
			return true
		}
	}
	return false
}

// FuzzDue feeds arbitrary instants and time limits to Due. Errors are fine
// for invalid input; a result must never be before the reception, must lie
// in working hours, and must be found for every valid input of 1950–2150.
func FuzzDue(f *testing.F) {
	c := newCalendar(f, calendar.Overrides{
		WorkingDays: []calendar.WorkingDay{{Date: date(2026, time.March, 7)}},
		DaysOff:     []calendar.DayOff{{Date: date(2026, time.March, 9), Name: "Nghỉ"}},
	})
	loc := c.Location()
	seeds := []time.Time{
		time.Date(2026, 2, 13, 10, 0, 0, 0, loc),
		time.Date(2026, 3, 7, 9, 0, 0, 0, loc),
		time.Date(2026, 3, 9, 12, 0, 0, 0, loc),
		time.Date(2026, 3, 9, 15, 0, 0, 0, loc),
		time.Date(2026, 3, 9, 16, 59, 59, 999999999, loc),
		time.Date(2026, 4, 25, 23, 59, 0, 0, loc),
		time.Date(1975, 6, 13, 0, 30, 0, 0, loc),
	}
	for i, s := range seeds {
		f.Add(s.UnixNano(), i*3)
	}
	f.Add(int64(0), 1)
	f.Add(int64(-1<<62), -5)
	f.Add(int64(1<<62), 1<<40)
	f.Add(time.Date(2199, 12, 30, 9, 0, 0, 0, loc).UnixNano(), 10)

	f.Fuzz(func(t *testing.T, nanos int64, days int) {
		received := time.Unix(0, nanos)
		due, err := c.Due(received, days)
		if err != nil {
			y := received.In(loc).Year()
			if days >= 0 && days <= 30 && y >= 1950 && y <= 2150 {
				t.Fatalf("Due(%v, %d): %v", received, days, err)
			}
			return
		}
		if due.Before(received) {
			t.Fatalf("Due(%v, %d) = %v: before reception", received, days, due)
		}
		if !inWorkingHours(c, due) {
			t.Fatalf("Due(%v, %d) = %v: outside working hours", received, days, due)
		}
		if days > 0 && !due.After(received) {
			t.Fatalf("Due(%v, %d) = %v: no time given", received, days, due)
		}
	})
}

// FuzzAddWorkingHours checks that a budget added and then measured comes
// back whole.
func FuzzAddWorkingHours(f *testing.F) {
	c := newCalendar(f, calendar.Overrides{})
	loc := c.Location()
	f.Add(time.Date(2026, 2, 13, 16, 0, 0, 0, loc).UnixNano(), int64(time.Hour))
	f.Add(time.Date(2026, 3, 7, 9, 0, 0, 0, loc).UnixNano(), int64(0))
	f.Add(time.Date(2026, 3, 9, 11, 0, 0, 0, loc).UnixNano(), int64(30*time.Minute))
	f.Fuzz(func(t *testing.T, nanos, budget int64) {
		start := time.Unix(0, nanos)
		end, err := c.AddWorkingHours(start, time.Duration(budget))
		if err != nil {
			return
		}
		if end.Before(start) || !inWorkingHours(c, end) {
			t.Fatalf("AddWorkingHours(%v, %v) = %v", start, time.Duration(budget), end)
		}
		if got := c.WorkingDuration(start, end); got != time.Duration(budget) {
			t.Fatalf("AddWorkingHours(%v, %v) = %v, but WorkingDuration = %v", start, time.Duration(budget), end, got)
		}
	})
}
