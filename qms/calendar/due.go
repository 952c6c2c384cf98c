package calendar

import (
	"time"

	"isodt/qms"
)

// MaxDays is the largest time limit Due accepts, in working days: far
// beyond any procedure, small enough that a typo cannot run for long.
const MaxDays = 3650

// maxGap bounds the search for the next working day. Only overrides gone
// wrong (a whole year off) can hit it; it turns a would-be endless loop
// into an error.
const maxGap = 366

// Due returns the appointed time (thời hạn trả kết quả) of a dossier
// received at received with a legal time limit of days working days.
//
// The clock starts at received when that is inside working hours of a
// working day; otherwise at the opening of the next working period (lunch
// break → 13:30 the same day; evening, weekend or holiday → 07:30 of the
// next working day). For days ≥ 1 the due time is the same time of day,
// days working days later. For days = 0, a procedure resolved within the
// day, the 15:00 rule applies: clock start before the cut-off → end of
// that working day; at or after it → end of the next working day.
//
// The result is in the Calendar's location. Errors: EINVALID for a zero
// time, days outside 0–MaxDays, or a date outside MinYear–MaxYear.
func (c *Calendar) Due(received time.Time, days int) (time.Time, error) {
	if days < 0 || days > MaxDays {
		return time.Time{}, qms.FieldError("days", "số ngày làm việc phải từ 0 đến %d", MaxDays)
	}
	day, tod, err := c.clockStart(received, "received")
	if err != nil {
		return time.Time{}, err
	}
	if days == 0 {
		if tod >= c.cutoff {
			if day, err = c.nextWorkingDay(day); err != nil {
				return time.Time{}, err
			}
		}
		return c.at(day, c.dayEnd), nil
	}
	for range days {
		if day, err = c.nextWorkingDay(day); err != nil {
			return time.Time{}, err
		}
	}
	return c.at(day, tod), nil
}

// ClockStart returns the instant from which a time limit counts for
// something received at t: t itself inside working hours, otherwise the
// opening of the next working period. Errors as for Due.
func (c *Calendar) ClockStart(t time.Time) (time.Time, error) {
	day, tod, err := c.clockStart(t, "time")
	if err != nil {
		return time.Time{}, err
	}
	return c.at(day, tod), nil
}

// AddWorkingHours returns the instant at which a budget d of working time
// (the time a step of the internal procedure may take) runs out when it
// starts at start. Only time inside working periods of working days
// counts; a budget that runs out exactly at the end of a period returns
// that end, not the next opening. Errors: EINVALID for a zero start, a
// negative budget or one over MaxDays full working days, or a date outside
// MinYear–MaxYear.
func (c *Calendar) AddWorkingHours(start time.Time, d time.Duration) (time.Time, error) {
	if limit := MaxDays * c.hours.DayLength(); d < 0 || d > limit {
		return time.Time{}, qms.FieldError("hours", "thời lượng làm việc phải từ 0 đến %d giờ", int(limit/time.Hour))
	}
	day, tod, err := c.clockStart(start, "start")
	if err != nil {
		return time.Time{}, err
	}
	for {
		for _, p := range c.periods {
			if tod >= p.end {
				continue
			}
			tod = max(tod, p.start)
			left := p.end - tod
			if d <= left {
				return c.at(day, tod+d), nil
			}
			d -= left
			tod = p.end
		}
		if day, err = c.nextWorkingDay(day); err != nil {
			return time.Time{}, err
		}
		tod = 0
	}
}

// WorkingDuration returns the working time between from and to: the part
// of [from, to) inside working periods of working days. It is zero when to
// is not after from. Time outside MinYear–MaxYear counts as none. Used to
// measure how long a dossier was handled, and to take out the time it
// waited for the applicant's supplements.
func (c *Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	first, last := c.yearStart[0], c.yearStart[numYears]-1
	dayF, todF := c.split(from)
	dayT, todT := c.split(to)
	if dayF < first {
		dayF, todF = first, 0
	}
	if dayT > last {
		dayT, todT = last, 24*time.Hour
	}
	var total time.Duration
	for day := dayF; day <= dayT; day++ {
		if off, _ := c.isOff(day); off {
			continue
		}
		lo, hi := time.Duration(0), 24*time.Hour
		if day == dayF {
			lo = todF
		}
		if day == dayT {
			hi = todT
		}
		for _, p := range c.periods {
			if s, e := max(lo, p.start), min(hi, p.end); e > s {
				total += e - s
			}
		}
	}
	return total
}

// clockStart moves t to the first instant at or after it that lies inside
// a working period, as a day number and an offset from midnight.
func (c *Calendar) clockStart(t time.Time, field string) (day int, tod time.Duration, err error) {
	if t.IsZero() {
		return 0, 0, qms.FieldError(field, "thời điểm chưa được nhập")
	}
	day, tod = c.split(t)
	off, ok := c.isOff(day)
	if !ok {
		return 0, 0, qms.FieldError(field, "thời điểm %s nằm ngoài phạm vi hỗ trợ (%d–%d)", t.In(c.loc).Format("02/01/2006"), MinYear, MaxYear)
	}
	if !off {
		for _, p := range c.periods {
			if tod < p.end {
				return day, max(tod, p.start), nil
			}
		}
	}
	day, err = c.nextWorkingDay(day)
	return day, c.periods[0].start, err
}

// nextWorkingDay returns the first working day after day number n.
func (c *Calendar) nextWorkingDay(n int) (int, error) {
	for i := 1; i <= maxGap; i++ {
		off, ok := c.isOff(n + i)
		if !ok {
			return 0, qms.FieldError("days", "thời hạn vượt quá phạm vi lịch được hỗ trợ (đến năm %d)", MaxYear)
		}
		if !off {
			return n + i, nil
		}
	}
	return 0, qms.FieldError("days", "không có ngày làm việc nào trong %d ngày sau %s", maxGap, fromDays(n).String())
}

// split returns the civil day number and wall-clock time of day of t in
// the Calendar's location.
func (c *Calendar) split(t time.Time) (int, time.Duration) {
	t = t.In(c.loc)
	h, m, s := t.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	return DateOf(t).days(), tod
}

// at is the inverse of split. Building the time from its wall-clock fields
// keeps it right on days whose UTC offset changed (Asia/Ho_Chi_Minh did so
// before 1975); an offset of 24:00 becomes the next midnight.
func (c *Calendar) at(day int, tod time.Duration) time.Time {
	d := fromDays(day)
	h, rest := tod/time.Hour, tod%time.Hour
	m, rest := rest/time.Minute, rest%time.Minute
	s, ns := rest/time.Second, rest%time.Second
	return time.Date(d.Year, d.Month, d.Day, int(h), int(m), int(s), int(ns), c.loc)
}
