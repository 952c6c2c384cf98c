package calendar

import (
	"fmt"
	"math"
	"time"

	"isodt/qms"
)

// The Vietnamese lunisolar calendar (âm lịch) follows the same rules as the
// Chinese one, applied to the meridian of UTC+7:
//
//   - a month (tháng âm lịch) starts on the local civil day of a new moon
//     (ngày sóc) and runs to the day before the next one, so it has 29 or 30
//     days;
//   - month 11 is the month that contains the winter solstice (Đông chí,
//     sun at 270°);
//   - when 13 new moons start between two consecutive months 11, the first
//     month after month 11 that contains no major solar term (trung khí, the
//     sun crossing a multiple of 30°) is the leap month (tháng nhuận); it
//     takes the number of the month before it;
//   - the lunar year is numbered by the solar year in which its month 1
//     begins (Tết Nguyên đán).
//
// Because days are cut at local midnight, a new moon or a solar term
// between 16:00 and 17:00 UT lands on different days in Hanoi (UTC+7) and
// in Beijing (UTC+8); Tết 1985 and 2007 are the well-known cases. The code
// is parameterised by the offset only so that tests can check both. UTC+7
// is applied to every year, although Vietnam adopted it for the calendar
// only in 1967 (the South in 1975).

// Supported years: the astronomy is reliable for several centuries around
// 2000, the holiday tables only need the years a dossier can live in.
const (
	MinYear = 1900
	MaxYear = 2199
)

// vietnamOffset is the zone of the Vietnamese calendar, in hours east of UT.
const vietnamOffset = 7

// LunarDate is a date of the Vietnamese lunar calendar. Year is the year of
// its month 1 (Tết), so lunar 12/2025 falls in January 2026. Leap marks the
// leap month (tháng nhuận) that repeats Month.
type LunarDate struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String formats the date as Vietnamese calendars print it: "10/3/2026"
// and, for a leap month, "15/6 nhuận/2025".
func (ld LunarDate) String() string {
	if ld.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", ld.Day, ld.Month, ld.Year)
	}
	return fmt.Sprintf("%d/%d/%d", ld.Day, ld.Month, ld.Year)
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar.
func SolarToLunar(d Date) (LunarDate, error) {
	if !d.IsValid() {
		return LunarDate{}, qms.FieldError("date", "ngày dương lịch %s không hợp lệ", d)
	}
	if d.Year < MinYear || d.Year > MaxYear {
		return LunarDate{}, yearRangeError(d.Year)
	}
	return lunisolar{offset: vietnamOffset}.toLunar(d.days()), nil
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar.
// It fails when the date does not exist: day 30 of a 29-day month, or a
// leap month in a year whose leap month is another one.
func LunarToSolar(ld LunarDate) (Date, error) {
	// Lunar year MinYear−1 ends in January of MinYear.
	if ld.Year < MinYear-1 || ld.Year > MaxYear {
		return Date{}, yearRangeError(ld.Year)
	}
	if ld.Month < 1 || ld.Month > 12 || ld.Day < 1 || ld.Day > 30 {
		return Date{}, qms.FieldError("lunar_date", "ngày âm lịch %s không hợp lệ", ld)
	}
	n, ok := lunisolar{offset: vietnamOffset}.toSolar(ld)
	if !ok {
		return Date{}, qms.FieldError("lunar_date", "ngày âm lịch %s không tồn tại", ld)
	}
	return fromDays(n), nil
}

func yearRangeError(y int) error {
	return qms.FieldError("year", "năm %d nằm ngoài phạm vi hỗ trợ (%d–%d)", y, MinYear, MaxYear)
}

// lunisolar computes the calendar for one time zone.
type lunisolar struct {
	offset float64 // hours east of UT
}

// newMoonDay returns the day number of the local civil day on which new
// moon k falls.
func (c lunisolar) newMoonDay(k int) int {
	jde := newMoonTT(k)
	local := jde - deltaT(jde) + c.offset/24 // UT, then wall clock
	return int(math.Floor(local - unixEpochJD))
}

// sunAtMidnight returns the Sun's apparent longitude at local 00:00 of day
// number n. A major term belongs to the day on which it happens, so the
// terms inside a month are those crossed between the midnights that open
// the month and the next one.
func (c lunisolar) sunAtMidnight(n int) float64 {
	jd := float64(n) + unixEpochJD - c.offset/24 // UT
	return sunLongitude(jd + deltaT(jd))
}

// hasMajorTerm reports whether the month [from, to) contains a major
// solar term: whether a multiple of 30° lies between the Sun's longitudes
// at its two ends. (Near perihelion a month can even hold two.)
func (c lunisolar) hasMajorTerm(from, to int) bool {
	a, b := c.sunAtMidnight(from), c.sunAtMidnight(to)
	if b < a {
		b += 360 // the month spans the vernal equinox
	}
	return math.Ceil(a/30) < math.Ceil(b/30)
}

// month11 returns the number k of the new moon that starts month 11 of the
// lunar year ending in solar year y: the month that holds the December
// solstice of y. The solstice belongs to the month whose first midnight
// comes at or before it and whose successor's comes after it.
func (c lunisolar) month11(y int) int {
	// Start from the last mean new moon before 21 December; the true one
	// is within a day of it.
	dec21 := float64(Date{Year: y, Month: time.December, Day: 21}.days()) + unixEpochJD
	k := int(math.Floor((dec21 - newMoonEpoch) / meanSynodicMonth))
	for c.sunAtMidnight(c.newMoonDay(k)) > 270 {
		k--
	}
	for c.sunAtMidnight(c.newMoonDay(k+1)) <= 270 {
		k++
	}
	return k
}

// yearSpan is the run of months from month 11 of one year to the month
// before the next month 11 (solstice to solstice), the unit in which the
// leap month is decided.
type yearSpan struct {
	c       lunisolar
	k0      int // new moon opening the span (month 11)
	months  int // 12, or 13 when the span has a leap month
	endYear int // solar year of the closing solstice
}

// span returns the months between the December solstices of y−1 and y.
func (c lunisolar) span(y int) yearSpan {
	k0, k1 := c.month11(y-1), c.month11(y)
	return yearSpan{c: c, k0: k0, months: k1 - k0, endYear: y}
}

// leapIndex returns the index in the span of its leap month, looking no
// further than index upto, or -1. Month 11 (index 0) holds the solstice;
// the leap month is the first after it without a major term. In a span of
// thirteen months only twelve terms fall, so one is always found.
func (s yearSpan) leapIndex(upto int) int {
	if s.months < 13 {
		return -1
	}
	start := s.c.newMoonDay(s.k0 + 1)
	for i := 1; i <= min(upto, s.months-1); i++ {
		next := s.c.newMoonDay(s.k0 + i + 1)
		if !s.c.hasMajorTerm(start, next) {
			return i
		}
		start = next
	}
	return -1
}

// label names month i of the span, given its leap index (or -1 when the
// leap month, if any, comes after i): the lunar year it belongs to, its
// number, and whether it is the leap month.
func (s yearSpan) label(i, leap int) (year, month int, isLeap bool) {
	num := i // months after month 11, not counting the leap month
	if leap >= 0 && i >= leap {
		num--
	}
	month = (10+num)%12 + 1
	year = s.endYear
	if num < 2 { // months 11 and 12 close the previous lunar year
		year--
	}
	return year, month, leap == i
}

func (c lunisolar) toLunar(n int) LunarDate {
	y := fromDays(n).Year
	s := c.span(y)
	if n >= c.newMoonDay(s.k0+s.months) { // on or after month 11 of y
		s = c.span(y + 1)
	}
	// Find the month holding n from the mean lunation, then correct.
	k := s.k0 + int(float64(n-c.newMoonDay(s.k0))/meanSynodicMonth)
	for c.newMoonDay(k) > n {
		k--
	}
	for c.newMoonDay(k+1) <= n {
		k++
	}
	i := k - s.k0
	year, month, leap := s.label(i, s.leapIndex(i))
	return LunarDate{Year: year, Month: month, Day: n - c.newMoonDay(k) + 1, Leap: leap}
}

func (c lunisolar) toSolar(ld LunarDate) (int, bool) {
	y := ld.Year
	if ld.Month >= 11 { // months 11 and 12 open the span ending in y+1
		y++
	}
	s := c.span(y)
	leap := s.leapIndex(s.months)
	num := (ld.Month + 1) % 12 // 11 → 0, 12 → 1, 1 → 2 … 10 → 11
	i := num
	switch {
	case ld.Leap && leap != num+1:
		return 0, false // that month has no leap repeat this year
	case ld.Leap || (leap >= 0 && num >= leap):
		i++
	}
	start, next := c.newMoonDay(s.k0+i), c.newMoonDay(s.k0+i+1)
	if ld.Day > next-start {
		return 0, false
	}
	return start + ld.Day - 1, true
}
