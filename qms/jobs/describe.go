package jobs

import (
	"time"

	"github.com/robfig/cron/v3"

	"isodt/qms"
)

// Describe reads a spec into the form a person names (qms.JobSchedule);
// a spec of no such form, or one that does not parse, has Kind "".
func Describe(spec string) qms.JobSchedule {
	sched, err := Parser.Parse(spec)
	if err != nil {
		return qms.JobSchedule{}
	}
	switch s := sched.(type) {
	case cron.ConstantDelaySchedule:
		if s.Delay >= time.Minute && s.Delay%time.Minute == 0 {
			return qms.JobSchedule{Kind: "every", Every: s.Delay}
		}
	case *cron.SpecSchedule:
		return describeSpec(s)
	}
	return qms.JobSchedule{}
}

// describeSpec names a five-field schedule.
func describeSpec(s *cron.SpecSchedule) qms.JobSchedule {
	sec, oneSec := only(s.Second, 0, 59)
	minute, oneMin := only(s.Minute, 0, 59)
	if !oneSec || sec != 0 || !oneMin || !all(s.Month, 1, 12) {
		return qms.JobSchedule{}
	}
	anyDom, anyDow := all(s.Dom, 1, 31), all(s.Dow, 0, 6)
	if all(s.Hour, 0, 23) {
		if !anyDom || !anyDow {
			return qms.JobSchedule{}
		}
		return qms.JobSchedule{Kind: "hourly", Minute: minute}
	}
	hour, oneHour := only(s.Hour, 0, 23)
	if !oneHour {
		return qms.JobSchedule{}
	}
	w := qms.JobSchedule{Hour: hour, Minute: minute}
	day, oneDom := only(s.Dom, 1, 31)
	wd, oneDow := only(s.Dow, 0, 6)
	switch {
	case anyDom && anyDow && hour < 5:
		// Work between midnight and five is night work: "hằng đêm".
		w.Kind = "nightly"
	case anyDom && anyDow:
		w.Kind = "daily"
	case anyDom && oneDow:
		w.Kind, w.Weekday = "weekly", wd
	case oneDom && anyDow:
		w.Kind, w.Day = "monthly", day
	default:
		return qms.JobSchedule{}
	}
	return w
}

// all reports whether bits hold every value from lo to hi.
func all(bits uint64, lo, hi uint) bool {
	for v := lo; v <= hi; v++ {
		if bits&(1<<v) == 0 {
			return false
		}
	}
	return true
}

// only returns the value from lo to hi that bits hold when they hold
// exactly one.
func only(bits uint64, lo, hi uint) (int, bool) {
	n, at := 0, 0
	for v := lo; v <= hi; v++ {
		if bits&(1<<v) != 0 {
			n, at = n+1, int(v)
		}
	}
	return at, n == 1
}
