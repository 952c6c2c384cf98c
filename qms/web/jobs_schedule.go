package web

import (
	"fmt"
	"time"

	"isodt/qms"
)

// scheduleText writes a job's schedule the way a person says it, in
// lang: "06:00 hằng ngày", "mỗi giờ", "01:30 hằng đêm". The scheduler
// reads the spec (qms.JobSchedule); any other spec is shown as written,
// which is still exact.
func scheduleText(lang string, w qms.JobSchedule, spec string) string {
	l := dictionaries[lang]
	at := fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)
	switch w.Kind {
	case "every":
		if w.Every >= time.Hour && w.Every%time.Hour == 0 {
			return fmt.Sprintf(label(l, "jobs.every_hours"), int(w.Every/time.Hour))
		}
		return fmt.Sprintf(label(l, "jobs.every_minutes"), int(w.Every/time.Minute))
	case "hourly":
		if w.Minute == 0 {
			return label(l, "jobs.hourly")
		}
		return fmt.Sprintf(label(l, "jobs.hourly_at"), w.Minute)
	case "nightly":
		return fmt.Sprintf(label(l, "jobs.nightly"), at)
	case "daily":
		return fmt.Sprintf(label(l, "jobs.daily"), at)
	case "weekly":
		return fmt.Sprintf(label(l, "jobs.weekly"), at, label(l, fmt.Sprintf("jobs.weekday%d", w.Weekday)))
	case "monthly":
		return fmt.Sprintf(label(l, "jobs.monthly"), at, w.Day)
	}
	return spec
}
