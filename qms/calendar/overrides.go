package calendar

import (
	"sort"
	"strings"

	"isodt/qms"
)

// Overrides are the per-year decisions that the law leaves to the
// Government and to each agency: the Prime Minister's notice fixing the
// exact Tết days, swapped working days (hoán đổi ngày làm việc), extra days
// off. Admins edit them; other code loads them from the database and
// passes them to New.
type Overrides struct {
	// DaysOff are extra days off (ngày nghỉ theo thông báo), for example a
	// weekday bridged to a holiday. They are listed with Kind "override".
	DaysOff []DayOff
	// WorkingDays are days that are worked although they would be off: the
	// Saturday worked in exchange for a bridged weekday (ngày làm bù). They
	// win over every computed or listed day off.
	WorkingDays []WorkingDay
	// TetDays replaces, for the solar year of the key, the five Tết days
	// computed from the lunar calendar by the days the Government fixed.
	// They are taken as given: no make-up days are derived from them.
	TetDays map[int][]Date
}

// DayOff is an extra day off and its name as shown to users.
type DayOff struct {
	Date Date
	Name string
}

// WorkingDay is a day that becomes a working day, with the reason shown to
// users (for example "Làm bù cho ngày 02/01/2026").
type WorkingDay struct {
	Date   Date
	Reason string
}

// Validate checks dates and names, and that no day is both off and
// worked.
func (o Overrides) Validate() error {
	off := make(map[Date]bool, len(o.DaysOff))
	for _, d := range o.DaysOff {
		if !d.Date.IsValid() {
			return qms.FieldError("days_off", "ngày nghỉ %s không hợp lệ", d.Date)
		}
		if strings.TrimSpace(d.Name) == "" {
			return qms.FieldError("days_off", "ngày nghỉ %s cần có tên", d.Date)
		}
		off[d.Date] = true
	}
	for _, w := range o.WorkingDays {
		if !w.Date.IsValid() {
			return qms.FieldError("working_days", "ngày làm việc %s không hợp lệ", w.Date)
		}
		if off[w.Date] {
			return qms.FieldError("working_days", "ngày %s vừa là ngày nghỉ vừa là ngày làm việc", w.Date)
		}
	}
	for y, days := range o.TetDays {
		if len(days) == 0 {
			return qms.FieldError("tet_days", "danh sách ngày nghỉ Tết năm %d không được để trống", y)
		}
		for _, d := range days {
			if !d.IsValid() || d.Year != y {
				return qms.FieldError("tet_days", "ngày nghỉ Tết %s không hợp lệ hoặc không thuộc năm %d", d, y)
			}
		}
	}
	return nil
}

// yearOverrides are the overrides of one solar year, sorted by date.
type yearOverrides struct {
	daysOff     []DayOff
	workingDays []WorkingDay
	tet         []Date // nil: compute from the lunar calendar
}

// byYear copies the overrides into per-year groups, so that the Calendar
// owns its data and later changes to the caller's slices cannot race with
// readers.
func (o Overrides) byYear() map[int]*yearOverrides {
	m := make(map[int]*yearOverrides)
	get := func(y int) *yearOverrides {
		if m[y] == nil {
			m[y] = &yearOverrides{}
		}
		return m[y]
	}
	for _, d := range o.DaysOff {
		get(d.Date.Year).daysOff = append(get(d.Date.Year).daysOff, d)
	}
	for _, w := range o.WorkingDays {
		get(w.Date.Year).workingDays = append(get(w.Date.Year).workingDays, w)
	}
	for y, days := range o.TetDays {
		get(y).tet = append([]Date(nil), days...)
	}
	for _, yo := range m {
		sort.Slice(yo.daysOff, func(i, j int) bool { return yo.daysOff[i].Date.Before(yo.daysOff[j].Date) })
		sort.Slice(yo.tet, func(i, j int) bool { return yo.tet[i].Before(yo.tet[j]) })
	}
	return m
}
