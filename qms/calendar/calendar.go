package calendar

import (
	"sync"
	"sync/atomic"
	"time"

	"isodt/qms"
)

// numYears is the number of solar years the Calendar knows holidays for.
const numYears = MaxYear - MinYear + 1

// Calendar answers working-day and due-time questions for one agency: its
// working hours and the per-year overrides in force. It is immutable after
// New except for a cache of per-year holiday tables, built on first use of
// a year under a mutex and then read without locking, so one Calendar may
// be shared by any number of goroutines.
type Calendar struct {
	loc       *time.Location
	hours     WorkingHours
	periods   []span        // hours.Periods as offsets from midnight
	dayEnd    time.Duration // end of the last period
	cutoff    time.Duration // the 15:00 rule
	overrides map[int]*yearOverrides

	// yearStart[i] is the day number of 1 January of MinYear+i; the last
	// entry closes the range.
	yearStart [numYears + 1]int
	mu        sync.Mutex // serialises building years
	years     [numYears]atomic.Pointer[yearData]
}

// span is a working period as offsets from local midnight.
type span struct{ start, end time.Duration }

// New returns a Calendar for the given overrides and working hours, in the
// zone Asia/Ho_Chi_Minh. Both arguments are validated and copied.
func New(o Overrides, h WorkingHours) (*Calendar, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := &Calendar{loc: qms.Zone, hours: h.clone(), overrides: o.byYear()}
	for _, p := range c.hours.Periods {
		c.periods = append(c.periods, span{p.Start.duration(), p.End.duration()})
	}
	c.dayEnd = c.periods[len(c.periods)-1].end
	c.cutoff = c.hours.SameDayCutoff.duration()
	for i := range c.yearStart {
		c.yearStart[i] = Date{MinYear + i, time.January, 1}.days()
	}
	return c, nil
}

// Location returns the zone in which the Calendar reads and returns times.
func (c *Calendar) Location() *time.Location { return c.loc }

// Hours returns a copy of the working hours.
func (c *Calendar) Hours() WorkingHours { return c.hours.clone() }

// Date returns the civil date of t in Vietnam.
func (c *Calendar) Date(t time.Time) Date { return DateOf(t.In(c.loc)) }

// IsWorkingDay reports whether d is a working day: not a Saturday or
// Sunday, a holiday, a make-up day or an extra day off, unless an override
// makes it a working day. Outside MinYear–MaxYear no holidays are known
// and only weekends are off. After the first call for a year it costs a
// few array reads.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if !d.IsValid() {
		return false
	}
	n := d.days()
	if off, ok := c.isOff(n); ok {
		return !off
	}
	return !isWeekend(weekdayOfDays(n))
}

// Holidays returns the days off of solar year y other than ordinary
// weekends, sorted by date: statutory holidays, make-up days and override
// days off, less the days an override makes working. It returns nil
// outside MinYear–MaxYear. The slice is the caller's to keep.
func (c *Calendar) Holidays(y int) []Holiday {
	if y < MinYear || y > MaxYear {
		return nil
	}
	return append([]Holiday(nil), c.year(y-MinYear).holidays...)
}

// year returns the table of year MinYear+i, building it on first use.
func (c *Calendar) year(i int) *yearData {
	if yd := c.years[i].Load(); yd != nil {
		return yd
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	yd := c.years[i].Load()
	if yd == nil {
		y := MinYear + i
		yd = buildYear(y, c.overrides[y])
		c.years[i].Store(yd)
	}
	return yd
}

// isOff reports whether day number n is not a working day; ok is false
// outside the supported years.
func (c *Calendar) isOff(n int) (off, ok bool) {
	if n < c.yearStart[0] || n >= c.yearStart[numYears] {
		return false, false
	}
	// Estimate the year from the mean Gregorian year, then correct it.
	i := min((n-c.yearStart[0])*400/146097, numYears-1)
	for c.yearStart[i] > n {
		i--
	}
	for c.yearStart[i+1] <= n {
		i++
	}
	yd := c.year(i)
	return yd.off[n-yd.first], true
}
