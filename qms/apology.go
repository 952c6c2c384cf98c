package qms

import (
	"math"
	"time"

	"isodt/qms/flowchart"
)

// CheckApology applies the rules of the apology and new appointment slip
// (phiếu xin lỗi và hẹn lại ngày trả kết quả, Mẫu số 04 of Circular
// 01/2018/TT-VPCP) that the agency makes at `at` for dossier d, handled on
// flowchart fc, with the agency's working clock:
//   - the slip is dated on a working day (the day it is made);
//   - the dossier is late, or will be: at `at` it is past its appointed
//     date, or the quickest way through its remaining steps, each taking
//     the time the procedure gives it, ends after that date
//     (ProjectedFinish); a dossier on time that will stay on time gets no
//     apology;
//   - the new appointment comes after the old one and after `at`, on a
//     working day.
//
// It returns EINVALID errors naming the field.
func CheckApology(d *Dossier, fc flowchart.Flowchart, cal WorkingClock, newAppointment, at time.Time) error {
	if !IsWorkingDay(cal, at) {
		return FieldError("new_appointment", "Phiếu xin lỗi phải ghi ngày lập là một ngày làm việc: hôm nay (%s) là ngày nghỉ theo lịch làm việc của đơn vị. Hãy lập phiếu vào ngày làm việc.", at.In(Zone).Format("02/01/2006"))
	}
	// Late is by calendar date, as Classify counts a return: the finish
	// is never before `at`, so a dossier late now is late at its finish.
	finish, err := ProjectedFinish(d, fc, cal, at)
	if err != nil {
		return err
	}
	if Classify(finish, d.DueAt) != Late {
		return FieldError("new_appointment", "Hồ sơ %s còn trong hạn (hẹn trả %s) và theo thời gian các bước còn lại của quy trình sẽ xong kịp (dự kiến %s): chỉ lập phiếu xin lỗi cho hồ sơ đã hoặc sẽ quá hạn.",
			d.Code, d.DueAt.In(Zone).Format("02/01/2006 15:04"), finish.In(Zone).Format("02/01/2006 15:04"))
	}
	if !newAppointment.After(d.DueAt) || !newAppointment.After(at) {
		return FieldError("new_appointment", "Ngày hẹn mới phải sau ngày hẹn cũ (%s) và sau thời điểm hiện tại.", d.DueAt.In(Zone).Format("02/01/2006 15:04"))
	}
	if !IsWorkingDay(cal, newAppointment) {
		return FieldError("new_appointment", "Ngày hẹn mới %s là ngày nghỉ theo lịch làm việc của đơn vị: chọn một ngày làm việc.", newAppointment.In(Zone).Format("02/01/2006"))
	}
	return nil
}

// IsWorkingDay reports whether the civil day of t in Vietnam has working
// time on the clock's calendar.
func IsWorkingDay(cal WorkingClock, t time.Time) bool {
	day := CivilDate(t)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Zone)
	return cal.WorkingDuration(start, start.AddDate(0, 0, 1)) > 0
}

// ProjectedFinish is when dossier d would reach its end step if, from
// `at`, each open step took the rest of its time budget (or ends now when
// already over it) and the steps after it took theirs, along the quickest
// way to an end step. It is the earliest finish the procedure plans for,
// so a finish after the appointment means the dossier will be late.
func ProjectedFinish(d *Dossier, fc flowchart.Flowchart, cal WorkingClock, at time.Time) (time.Time, error) {
	finish := at
	for _, o := range d.Flow.Open {
		step, ok := flowchart.FindStep(fc, o.StepID)
		if !ok {
			continue
		}
		stepDue, err := cal.AddWorkingHours(o.OpenedAt, hoursDuration(step.Hours))
		if err != nil {
			return time.Time{}, err
		}
		from := stepDue
		if at.After(from) {
			from = at
		}
		end, err := cal.AddWorkingHours(from, hoursDuration(hoursToEnd(fc, step.ID)))
		if err != nil {
			return time.Time{}, err
		}
		if end.After(finish) {
			finish = end
		}
	}
	return finish, nil
}

// hoursToEnd is the shortest time, in working hours, from the end of step
// id to a step with no way out (an end step): the least, over the ways
// there, of the hours of the steps on it. Step times are not negative, so
// a rework loop never shortens a way and needs no special case.
func hoursToEnd(fc flowchart.Flowchart, id string) float64 {
	hours := make(map[string]float64, len(fc.Steps))
	toEnd := make(map[string]float64, len(fc.Steps))
	for _, st := range fc.Steps {
		hours[st.ID], toEnd[st.ID] = validHours(st.Hours), math.Inf(1)
		if len(flowchart.Successors(fc, st.ID)) == 0 {
			toEnd[st.ID] = 0
		}
	}
	for range fc.Steps {
		changed := false
		for _, e := range fc.Edges {
			h, ok := hours[e.To]
			if _, from := toEnd[e.From]; !ok || !from {
				continue
			}
			if v := h + toEnd[e.To]; v < toEnd[e.From] {
				toEnd[e.From], changed = v, true
			}
		}
		if !changed {
			break
		}
	}
	if math.IsInf(toEnd[id], 1) {
		return 0
	}
	return toEnd[id]
}

func validHours(h float64) float64 {
	if h < 0 || math.IsNaN(h) || math.IsInf(h, 0) {
		return 0
	}
	return h
}

func hoursDuration(h float64) time.Duration { return time.Duration(validHours(h) * float64(time.Hour)) }
