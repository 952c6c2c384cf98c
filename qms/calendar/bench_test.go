package calendar_test

import (
	"testing"
	"time"

	"isodt/qms/calendar"
)

// BenchmarkDue receives dossiers at instants spread over two years, with a
// 15-working-day limit, as the one-stop intake does.
func BenchmarkDue(b *testing.B) {
	c := newCalendar(b, calendar.Overrides{})
	start := vn(c, 2026, 1, 1, 0, 0)
	for i := 0; i < 730; i++ { // build the year tables outside the timing
		c.IsWorkingDay(date(2026, time.January, 1).AddDays(i))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		received := start.Add(time.Duration(i%17000) * 61 * time.Minute)
		if _, err := c.Due(received, 15); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := newCalendar(b, calendar.Overrides{})
	d := date(2026, time.January, 1)
	c.IsWorkingDay(d)
	i := 0
	for b.Loop() {
		c.IsWorkingDay(d.AddDays(i % 365))
		i++
	}
}
