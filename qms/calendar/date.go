package calendar

import (
	"fmt"
	"strings"
	"time"

	"isodt/qms"
)

// Date is a civil date (ngày dương lịch) with no time of day and no zone.
// Holidays, swapped working days and "is this a working day" are decided
// per civil date, so they use Date rather than time.Time, whose instant
// would shift the day depending on the location it is read in.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// unixEpochJD is the Julian date of 1970-01-01 00:00 UTC. Day numbers in
// this package count civil days from that date, so a Date and an instant
// in UT convert with plain arithmetic.
const unixEpochJD = 2440587.5

// NewDate returns the date y-m-d. It does not normalise: use IsValid to
// check input that came from a user.
func NewDate(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// DateOf returns the civil date of t in t's own location. To get the date
// in Vietnam whatever t's location, use (*Calendar).Date.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate reads "2026-02-16" (ISO, as stored) or "16/02/2026" (as
// Vietnamese users type it).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, qms.FieldError("date", "ngày %q không hợp lệ (dạng 2026-02-16 hoặc 16/02/2026)", s)
}

// String formats the date as ISO 8601 ("2026-02-16"), the form kept in the
// database and in configuration files.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsValid reports whether d names a real day of the Gregorian calendar.
func (d Date) IsValid() bool {
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return DateOf(t) == d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// AddDays returns d moved by n days (n may be negative).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	a, b := d.days(), o.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// days returns the day number of d: days since 1970-01-01. Midnight UTC is
// a whole multiple of 86400 seconds, so the division is exact also before
// 1970.
func (d Date) days() int {
	return int(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// fromDays is the inverse of Date.days.
func fromDays(n int) Date {
	return DateOf(time.Unix(int64(n)*86400, 0).UTC())
}

func isWeekend(wd time.Weekday) bool { return wd == time.Saturday || wd == time.Sunday }

// weekdayOfDays returns the weekday of a day number without building a
// time.Time: 1970-01-01 was a Thursday.
func weekdayOfDays(n int) time.Weekday {
	w := (n + int(time.Thursday)) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}
