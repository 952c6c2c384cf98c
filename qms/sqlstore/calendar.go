package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"isodt/qms"
	"isodt/qms/calendar"
)

// calendars keeps one working-day calendar per agency: building one
// computes lunar dates, and every dossier receipt and step asks for it.
// Any committed change of the overrides or of an agency's hours, by this
// process or another, drops them all (the calendar topic of the change
// feed, changes.go); this process's own edits drop them before they
// return. A calendar is built holding mu, so a drop never lands between
// its read and its keeping.
type calendars struct {
	mu   sync.Mutex
	byAg map[string]*calendar.Calendar
}

// Calendar returns the agency's working-day calendar: the statutory
// holidays, the overrides kept in the database and the agency's hours.
func (s *Store) Calendar(ctx context.Context, agency string) (*calendar.Calendar, error) {
	s.cals.mu.Lock()
	defer s.cals.mu.Unlock()
	if c, ok := s.cals.byAg[agency]; ok {
		return c, nil
	}
	o, err := readOverrides(ctx, s.read(), true)
	if err != nil {
		return nil, err
	}
	hoursText := ""
	if _, err := scanOne(s.read().Query(ctx, `SELECT working_hours FROM agency_settings WHERE agency_code = ?`, agency))(&hoursText); err != nil {
		return nil, err
	}
	hours := calendar.DefaultWorkingHours()
	if hoursText != "" {
		if hours, err = calendar.ParseWorkingHours(hoursText); err != nil {
			return nil, fmt.Errorf("working hours of %s: %w", agency, err)
		}
	}
	c, err := calendar.New(o, hours)
	if err != nil {
		return nil, err
	}
	if s.cals.byAg == nil {
		s.cals.byAg = map[string]*calendar.Calendar{}
	}
	s.cals.byAg[agency] = c
	return c, nil
}

// readOverrides reads the overrides; without tet, only the days off and
// the working days (what a change is validated against).
func readOverrides(ctx context.Context, q Querier, tet bool) (calendar.Overrides, error) {
	o := calendar.Overrides{TetDays: map[int][]calendar.Date{}}
	rows, err := q.Query(ctx, `SELECT date, kind, name FROM calendar_overrides ORDER BY date`)
	if err != nil {
		return o, err
	}
	defer rows.Close()
	for rows.Next() {
		var ds, kind, name string
		if err := rows.Scan(&ds, &kind, &name); err != nil {
			return o, err
		}
		d, err := calendar.ParseDate(ds)
		if err != nil {
			return o, err
		}
		switch kind {
		case "off":
			o.DaysOff = append(o.DaysOff, calendar.DayOff{Date: d, Name: name})
		case "work":
			o.WorkingDays = append(o.WorkingDays, calendar.WorkingDay{Date: d, Reason: name})
		case "tet":
			if tet {
				o.TetDays[d.Year] = append(o.TetDays[d.Year], d)
			}
		}
	}
	return o, rows.Err()
}

// SetCalendarOverride adds (or with remove, deletes) an override; the
// result must still be a valid calendar.
func (s *Store) SetCalendarOverride(ctx context.Context, o qms.CalendarOverride, remove bool) error {
	o.Kind, o.Name = strings.TrimSpace(o.Kind), strings.TrimSpace(o.Name)
	d, err := calendar.ParseDate(o.Date)
	if err != nil {
		return qms.FieldError("date", "Ngày %q không hợp lệ (dd/mm/yyyy).", o.Date)
	}
	if o.Kind != "off" && o.Kind != "work" && o.Kind != "tet" {
		return qms.FieldError("kind", "Loại %q không hợp lệ: off (nghỉ), work (làm bù) hoặc tet (ngày nghỉ Tết).", o.Kind)
	}
	if !remove && o.Name == "" {
		return qms.FieldError("name", "Nhập tên hoặc lý do của ngày %s.", d)
	}
	o.Date = d.String()
	err = s.update(ctx, func(tx Tx) error {
		if remove {
			n, err := tx.Exec(ctx, `DELETE FROM calendar_overrides WHERE date = ? AND kind = ?`, o.Date, o.Kind)
			if err != nil {
				return err
			} else if n == 0 {
				return qms.Errorf(qms.ENOTFOUND, "Không có điều chỉnh lịch ngày %s.", o.Date)
			}
			return tx.Audit(ctx, qms.SystemAgencyCode, "calendar.remove", "calendar_override", o.Date+"/"+o.Kind, o, nil, "")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_overrides (date, kind, name) VALUES (?, ?, ?) ON CONFLICT (date, kind) DO UPDATE SET name = excluded.name`, o.Date, o.Kind, o.Name); err != nil {
			return err
		}
		check, err := readOverrides(ctx, tx, false)
		if err != nil {
			return err
		}
		if err := check.Validate(); err != nil {
			return err
		}
		return tx.Audit(ctx, qms.SystemAgencyCode, "calendar.set", "calendar_override", o.Date+"/"+o.Kind, nil, o, "")
	})
	if err == nil {
		s.DropCalendars()
	}
	return err
}

// CalendarOverrides lists the overrides by date.
func (s *Store) CalendarOverrides(ctx context.Context) ([]qms.CalendarOverride, error) {
	rows, err := s.read().Query(ctx, `SELECT date, kind, name FROM calendar_overrides ORDER BY date, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []qms.CalendarOverride{}
	for rows.Next() {
		var o qms.CalendarOverride
		if err := rows.Scan(&o.Date, &o.Kind, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetAgencySettings changes an agency's clock mode and working hours.
func (s *Store) SetAgencySettings(ctx context.Context, agency, clockMode, hours string) error {
	if clockMode != qms.ClockResume && clockMode != qms.ClockRestart {
		return qms.FieldError("clock_mode", "Cách tính lại thời hạn sau khi tạm dừng phải là resume (tiếp tục) hoặc restart (tính lại từ đầu).")
	}
	if _, err := calendar.ParseWorkingHours(hours); err != nil {
		return err
	}
	err := s.update(ctx, func(tx Tx) error {
		if _, err := FindAgency(ctx, tx, agency); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO agency_settings (agency_code, clock_mode, working_hours) VALUES (?, ?, ?)
			ON CONFLICT (agency_code) DO UPDATE SET clock_mode = excluded.clock_mode, working_hours = excluded.working_hours`, agency, clockMode, hours); err != nil {
			return err
		}
		return tx.Audit(ctx, agency, "agency.settings", "agency", agency, nil, map[string]string{"clock_mode": clockMode, "working_hours": hours}, "")
	})
	if err == nil {
		s.DropCalendars()
	}
	return err
}

// AgencySettings returns an agency's clock mode and working hours
// (the defaults when none were saved).
func (s *Store) AgencySettings(ctx context.Context, agency string) (string, string, error) {
	mode, hours := qms.ClockResume, calendar.DefaultWorkingHours().String()
	_, err := scanOne(s.read().Query(ctx, `SELECT clock_mode, working_hours FROM agency_settings WHERE agency_code = ?`, agency))(&mode, &hours)
	return mode, hours, err
}

// ClockMode is the agency's clock mode on q (inside a step's write).
func ClockMode(ctx context.Context, q Querier, agency string) (string, error) {
	mode := qms.ClockResume
	_, err := scanOne(q.Query(ctx, `SELECT clock_mode FROM agency_settings WHERE agency_code = ?`, agency))(&mode)
	return mode, err
}

// DropCalendars forgets the calendars kept: the change feed calls it on
// any committed change of the calendar topic, by any process.
func (s *Store) DropCalendars() {
	s.cals.mu.Lock()
	s.cals.byAg = nil
	s.cals.mu.Unlock()
}

// scanOne scans the first row of a query into dest, if there is one:
// found is false, and dest untouched, when there is none.
func scanOne(rows Rows, err error) func(dest ...any) (found bool, err error) {
	return func(dest ...any) (bool, error) {
		if err != nil {
			return false, err
		}
		defer rows.Close()
		if !rows.Next() {
			return false, rows.Err()
		}
		if err := rows.Scan(dest...); err != nil {
			return false, err
		}
		return true, rows.Close()
	}
}
