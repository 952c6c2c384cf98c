// Package calendar is the time arithmetic of the one-stop service: which
// days are worked, when a dossier's legal time limit (thời hạn giải quyết)
// runs out, how much working time a step or a pause took.
//
// It holds, by file:
//
//   - lunar.go, astro.go: the Vietnamese lunisolar calendar (âm lịch) for
//     UTC+7, computed from new moons and solar terms after Meeus'
//     published formulas; it places Tết and Giỗ Tổ Hùng Vương;
//   - holidays.go: the public holidays of the Labour Code 2019, art. 112,
//     and their make-up days (ngày nghỉ bù);
//   - overrides.go: the per-year decisions admins enter (Tết days fixed by
//     the Government, swapped working Saturdays, extra days off);
//   - hours.go: an agency's working sessions and the 15:00 cut-off;
//   - calendar.go, due.go: the Calendar that combines them, and due-time
//     arithmetic in Asia/Ho_Chi_Minh.
//
// The package is pure logic: no I/O, no database, no global state. A
// Calendar is immutable once built and safe for concurrent use; it builds
// each year's holiday table on first use and then answers IsWorkingDay in
// constant time.
//
//	cal, err := calendar.New(calendar.Overrides{
//		WorkingDays: []calendar.WorkingDay{{Date: calendar.NewDate(2026, time.January, 10), Reason: "Làm bù cho ngày 02/01/2026"}},
//		DaysOff:     []calendar.DayOff{{Date: calendar.NewDate(2026, time.January, 2), Name: "Nghỉ hoán đổi"}},
//	}, calendar.DefaultWorkingHours())
//	if err != nil {
//		return err
//	}
//	due, err := cal.Due(receivedAt, 15)   // 15 working days
//	spent := cal.WorkingDuration(start, end) // working time of a step
//
// Errors are *qms.Error values with code EINVALID and a Vietnamese message.
package calendar
