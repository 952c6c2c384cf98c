package web

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"isodt/qms/jobs"
)

// scheduleText writes a job's cron spec the way a person says it, in
// lang: "06:00 hằng ngày", "mỗi giờ", "01:30 hằng đêm". The common forms
// (hourly, daily, weekly, monthly, @every) have words; any other spec is
// shown as written, which is still exact.
func scheduleText(lang, spec string) string {
	l := dictionaries[lang]
	sched, err := jobs.Parser.Parse(spec)
	if err != nil {
		return spec
	}
	switch s := sched.(type) {
	case cron.ConstantDelaySchedule:
		switch d := s.Delay; {
		case d >= time.Hour && d%time.Hour == 0:
			return fmt.Sprintf(label(l, "jobs.every_hours"), int(d/time.Hour))
		case d >= time.Minute && d%time.Minute == 0:
			return fmt.Sprintf(label(l, "jobs.every_minutes"), int(d/time.Minute))
		}
	case *cron.SpecSchedule:
		return specText(l, s, spec)
	}
	return spec
}

// specText describes a five-field schedule, or returns spec.
func specText(l map[string]string, s *cron.SpecSchedule, spec string) string {
	sec, oneSec := cronOnly(s.Second, 0, 59)
	minute, oneMin := cronOnly(s.Minute, 0, 59)
	if !oneSec || sec != 0 || !oneMin || !cronAll(s.Month, 1, 12) {
		return spec
	}
	anyDom, anyDow := cronAll(s.Dom, 1, 31), cronAll(s.Dow, 0, 6)
	if cronAll(s.Hour, 0, 23) {
		if !anyDom || !anyDow {
			return spec
		}
		if minute == 0 {
			return label(l, "jobs.hourly")
		}
		return fmt.Sprintf(label(l, "jobs.hourly_at"), minute)
	}
	hour, oneHour := cronOnly(s.Hour, 0, 23)
	if !oneHour {
		return spec
	}
	at := fmt.Sprintf("%02d:%02d", hour, minute)
	day, oneDom := cronOnly(s.Dom, 1, 31)
	wd, oneDow := cronOnly(s.Dow, 0, 6)
	switch {
	case anyDom && anyDow && hour < 5:
		// Work between midnight and five is night work: "hằng đêm".
		return fmt.Sprintf(label(l, "jobs.nightly"), at)
	case anyDom && anyDow:
		return fmt.Sprintf(label(l, "jobs.daily"), at)
	case anyDom && oneDow:
		return fmt.Sprintf(label(l, "jobs.weekly"), at, label(l, fmt.Sprintf("jobs.weekday%d", wd)))
	case oneDom && anyDow:
		return fmt.Sprintf(label(l, "jobs.monthly"), at, day)
	}
	return spec
}

// cronAll reports whether bits hold every value from lo to hi.
func cronAll(bits uint64, lo, hi uint) bool {
	for v := lo; v <= hi; v++ {
		if bits&(1<<v) == 0 {
			return false
		}
	}
	return true
}

// cronOnly returns the value from lo to hi that bits hold when they hold
// exactly one.
func cronOnly(bits uint64, lo, hi uint) (int, bool) {
	n, at := 0, 0
	for v := lo; v <= hi; v++ {
		if bits&(1<<v) != 0 {
			n, at = n+1, int(v)
		}
	}
	return at, n == 1
}
