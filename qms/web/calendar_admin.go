package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/calendar"
)

// calendarPage shows a year's holidays and the overrides admins keep.
func (s *Server) calendarPage(c *fiber.Ctx) error {
	return s.calendarView(c, nil)
}

// calendarAdminPage is a year of the working calendar.
type calendarAdminPage struct {
	page
	Year, PrevYear, NextYear int
	Holidays                 []calendar.Holiday
	Overrides                []qms.CalendarOverride // all years'
	CanWrite                 bool
}

func (s *Server) calendarView(c *fiber.Ctx, formErr error) error {
	year := c.QueryInt("year", s.cfg.Now().In(qms.Zone).Year())
	if year < 1900 || year > 2199 {
		year = s.cfg.Now().In(qms.Zone).Year()
	}
	cal, err := s.Calendar.Calendar(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	overrides, err := s.Calendar.CalendarOverrides(c.UserContext())
	if err != nil {
		return err
	}
	p := &calendarAdminPage{page: s.page(c), Year: year, PrevYear: year - 1, NextYear: year + 1, Holidays: cal.Holidays(year),
		Overrides: overrides, CanWrite: s.can(c, "calendar", "write")}
	return s.renderPage(c, "calendar", &p.page, p, formErr)
}

// calendarSave adds or removes an override (dates typed dd/mm/yyyy).
func (s *Server) calendarSave(c *fiber.Ctx) error {
	date := strings.TrimSpace(c.FormValue("date"))
	if t, err := time.Parse("02/01/2006", date); err == nil {
		date = t.Format("2006-01-02")
	}
	o := qms.CalendarOverride{Date: date, Kind: c.FormValue("kind"), Name: c.FormValue("name")}
	if err := s.Calendar.SetCalendarOverride(c.UserContext(), o, c.FormValue("remove") == "1"); err != nil {
		return s.calendarView(c, err)
	}
	year := date
	if len(date) >= 4 {
		year = date[:4]
	}
	if _, err := strconv.Atoi(year); err != nil {
		year = ""
	}
	return c.Redirect("/admin/calendar?year="+year+"&msg=saved", fiber.StatusSeeOther)
}
