package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"isodt/qms"
)

// Clock is a wall-clock time of day in minutes after midnight, 0 to 1440
// ("24:00"). Working hours are set by each agency's rules (nội quy cơ
// quan) to the minute, so minutes are precise enough.
type Clock int

// ParseClock reads "07:30", "7:30" or "24:00".
func ParseClock(s string) (Clock, error) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, qms.FieldError("working_hours", "giờ %q không hợp lệ (dạng 07:30)", s)
	}
	return Clock(h*60 + m), nil
}

// String formats the clock as "07:30".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

func (c Clock) duration() time.Duration { return time.Duration(c) * time.Minute }

// Period is one working session of the day (buổi làm việc), from Start
// inclusive to End exclusive.
type Period struct {
	Start, End Clock
}

// String formats the period as "07:30-11:30".
func (p Period) String() string { return p.Start.String() + "-" + p.End.String() }

// DefaultSameDayCutoff is the hour after which a dossier for a procedure
// resolved within the day (giải quyết trong ngày) is returned on the next
// working day instead.
const DefaultSameDayCutoff Clock = 15 * 60

// WorkingHours are an agency's daily working sessions, the same on every
// working day, and the cut-off of the 15:00 rule. The zero SameDayCutoff
// means DefaultSameDayCutoff.
type WorkingHours struct {
	Periods       []Period
	SameDayCutoff Clock
}

// DefaultWorkingHours returns the usual hours of state agencies: morning
// 07:30–11:30 and afternoon 13:30–17:00, with the 15:00 cut-off.
func DefaultWorkingHours() WorkingHours {
	return WorkingHours{
		Periods:       []Period{{Start: 7*60 + 30, End: 11*60 + 30}, {Start: 13*60 + 30, End: 17 * 60}},
		SameDayCutoff: DefaultSameDayCutoff,
	}
}

// ParseWorkingHours reads the sessions of a configuration value such as
// "07:30-11:30,13:30-17:00". The cut-off is DefaultSameDayCutoff. The
// result is validated.
func ParseWorkingHours(s string) (WorkingHours, error) {
	var h WorkingHours
	for _, part := range strings.Split(s, ",") {
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return WorkingHours{}, qms.FieldError("working_hours", "buổi làm việc %q không hợp lệ (dạng 07:30-11:30)", strings.TrimSpace(part))
		}
		start, err := ParseClock(from)
		if err != nil {
			return WorkingHours{}, err
		}
		end, err := ParseClock(to)
		if err != nil {
			return WorkingHours{}, err
		}
		h.Periods = append(h.Periods, Period{Start: start, End: end})
	}
	h.SameDayCutoff = DefaultSameDayCutoff
	if err := h.Validate(); err != nil {
		return WorkingHours{}, err
	}
	return h, nil
}

// String formats the sessions the way ParseWorkingHours reads them.
func (h WorkingHours) String() string {
	parts := make([]string, len(h.Periods))
	for i, p := range h.Periods {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// Validate checks that there is at least one session, that sessions are
// in order without overlap inside one day, and that the cut-off falls
// within the working day.
func (h WorkingHours) Validate() error {
	if len(h.Periods) == 0 {
		return qms.FieldError("working_hours", "cần ít nhất một buổi làm việc")
	}
	var prevEnd Clock
	for i, p := range h.Periods {
		switch {
		case p.Start < 0 || p.End > 24*60:
			return qms.FieldError("working_hours", "buổi làm việc %s phải nằm trong khoảng 00:00–24:00", p)
		case p.Start >= p.End:
			return qms.FieldError("working_hours", "buổi làm việc %s phải kết thúc sau khi bắt đầu", p)
		case i > 0 && p.Start < prevEnd:
			return qms.FieldError("working_hours", "các buổi làm việc phải theo thứ tự và không chồng lên nhau (%s)", p)
		}
		prevEnd = p.End
	}
	cut := h.cutoff()
	if first := h.Periods[0].Start; cut <= first || cut > prevEnd {
		return qms.FieldError("working_hours", "giờ chốt nhận hồ sơ trong ngày %s phải nằm trong giờ làm việc (%s–%s)", cut, first, prevEnd)
	}
	return nil
}

// DayLength returns the working time of one full working day.
func (h WorkingHours) DayLength() time.Duration {
	var d time.Duration
	for _, p := range h.Periods {
		d += (p.End - p.Start).duration()
	}
	return d
}

func (h WorkingHours) cutoff() Clock {
	if h.SameDayCutoff == 0 {
		return DefaultSameDayCutoff
	}
	return h.SameDayCutoff
}

// clone copies h so that a Calendar never shares the caller's slice.
func (h WorkingHours) clone() WorkingHours {
	h.Periods = append([]Period(nil), h.Periods...)
	h.SameDayCutoff = h.cutoff()
	return h
}
