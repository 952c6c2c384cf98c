package importer

import (
	"time"
)

// Years outside this range are typos ("0024", "20244"), not history.
const minYear, maxYear = 1900, 2100

// parseDate reads a civil date (a day in Asia/Ho_Chi_Minh) and returns it as
// midnight UTC of that date. A date has no instant: midnight UTC keeps
// t.Format("2006-01-02") equal to what the user typed on any server, while
// midnight in Vietnam would print as the day before wherever t is shown in
// UTC.
//
// Dates and times are typed by people, so several layouts are accepted, but
// day-first only: Vietnam writes dd/mm/yyyy, and accepting mm/dd/yyyy too
// would make 03/04/2024 ambiguous. Go's "2" and "1" take one or two digits,
// so 5/3/2024 reads like 05/03/2024.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range [...]string{"2006-01-02", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil && sane(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseTime reads an instant. Text with an offset (RFC 3339) keeps it;
// anything else is wall-clock time in Vietnam, and a bare date is midnight
// there. The result is always in loc so that records print consistently.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil && sane(t) {
		return t.In(loc), true
	}
	for _, layout := range [...]string{
		"2006-01-02T15:04:05", "2006-01-02T15:04",
		"2006-01-02 15:04:05", "2006-01-02 15:04",
		"2/1/2006 15:04:05", "2/1/2006 15:04",
		"2006-01-02", "2/1/2006",
	} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil && sane(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

func sane(t time.Time) bool {
	return minYear <= t.Year() && t.Year() <= maxYear
}
