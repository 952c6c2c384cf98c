package calendar

import (
	"sort"
	"time"
)

// HolidayKind tells where a day off comes from.
type HolidayKind string

const (
	// KindHoliday is a public holiday of the Labour Code 2019, art. 112
	// (ngày nghỉ lễ, tết), computed for the year.
	KindHoliday HolidayKind = "holiday"
	// KindMakeup is a make-up day off (ngày nghỉ bù) for a holiday that fell
	// on a Saturday or Sunday, art. 112(3).
	KindMakeup HolidayKind = "makeup"
	// KindOverride comes from the per-year Overrides: Tết days fixed by the
	// Government or an extra day off.
	KindOverride HolidayKind = "override"
)

// Holiday is a weekday-independent day off and its Vietnamese name.
type Holiday struct {
	Date Date
	Name string
	Kind HolidayKind
}

// Names of the holidays of art. 112, as printed on official notices.
const (
	nameNewYear     = "Tết Dương lịch"
	nameTet         = "Tết Nguyên đán"
	nameHungKings   = "Giỗ Tổ Hùng Vương"
	nameVictory     = "Ngày Chiến thắng"
	nameLabour      = "Ngày Quốc tế Lao động"
	nameNationalDay = "Quốc khánh"
	nameNationalAdj = "Quốc khánh (ngày liền kề)"
	makeupPrefix    = "Nghỉ bù "
)

// TetDays returns the default five Tết days of solar year y: the last day
// of the old lunar year (ngày cuối năm âm lịch, 29 or 30 tháng Chạp) and
// lunar 1/1 to 4/1. The Government fixes the real days every year, often
// the other way round (two days before, three after): admins enter those in
// Overrides.TetDays, and this is the default they start from.
func TetDays(y int) ([]Date, error) {
	first, err := LunarToSolar(LunarDate{Year: y, Month: 1, Day: 1})
	if err != nil {
		return nil, err
	}
	days := make([]Date, 5)
	for i := range days {
		days[i] = first.AddDays(i - 1)
	}
	return days, nil
}

// statutory returns the holidays of art. 112 for year y, sorted, with the
// Tết days replaced when tet is not nil.
func statutory(y int, tet []Date) []Holiday {
	hs := []Holiday{{Date: Date{y, time.January, 1}, Name: nameNewYear, Kind: KindHoliday}}
	if tet != nil {
		for _, d := range tet {
			hs = append(hs, Holiday{Date: d, Name: nameTet, Kind: KindOverride})
		}
	} else if days, err := TetDays(y); err == nil {
		for _, d := range days {
			hs = append(hs, Holiday{Date: d, Name: nameTet, Kind: KindHoliday})
		}
	}
	if d, err := LunarToSolar(LunarDate{Year: y, Month: 3, Day: 10}); err == nil {
		hs = append(hs, Holiday{Date: d, Name: nameHungKings, Kind: KindHoliday})
	}
	national := Date{y, time.September, 2}
	// The law grants 2/9 and "one day before or after". Default: the day
	// that bridges to a weekend, 1/9 when 2/9 is a Tuesday, else 3/9.
	adjacent := national.AddDays(1)
	if national.Weekday() == time.Tuesday {
		adjacent = national.AddDays(-1)
	}
	hs = append(hs,
		Holiday{Date: Date{y, time.April, 30}, Name: nameVictory, Kind: KindHoliday},
		Holiday{Date: Date{y, time.May, 1}, Name: nameLabour, Kind: KindHoliday},
		Holiday{Date: national, Name: nameNationalDay, Kind: KindHoliday},
		Holiday{Date: adjacent, Name: nameNationalAdj, Kind: KindHoliday},
	)
	sortHolidays(hs)
	// Giỗ Tổ can fall on 30/4 or 1/5 (it did in 1947). The law grants no
	// extra day for two holidays on one date: keep one entry, both names.
	merged := hs[:1]
	for _, h := range hs[1:] {
		if last := &merged[len(merged)-1]; last.Date == h.Date {
			last.Name += " và " + h.Name
			continue
		}
		merged = append(merged, h)
	}
	return merged
}

func sortHolidays(hs []Holiday) {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
}

// yearData is everything the Calendar needs about one solar year. It is
// built once and never changed, so readers share it without locking.
type yearData struct {
	first    int       // day number of 1 January
	off      []bool    // by day of the year from 0: true when not a working day
	holidays []Holiday // sorted by date
}

// buildYear applies the rules of art. 112 and then the overrides of y.
func buildYear(y int, yo *yearOverrides) *yearData {
	if yo == nil {
		yo = &yearOverrides{}
	}
	hs := statutory(y, yo.tet)
	taken := make(map[Date]bool, len(hs)+len(yo.daysOff))
	for _, h := range hs {
		taken[h.Date] = true
	}
	for _, d := range yo.daysOff {
		taken[d.Date] = true
	}

	// Art. 112(3): a holiday on a weekly rest day is made up on the next
	// working day. Walking the holidays in date order gives consecutive
	// weekend holidays consecutive make-up days (30/4 Sat + 1/5 Sun → Mon
	// and Tue). Tết days fixed by the Government already include their
	// arrangement and get none.
	var makeups []Holiday
	for _, h := range hs {
		if h.Kind != KindHoliday || !isWeekend(h.Date.Weekday()) {
			continue
		}
		d := h.Date.AddDays(1)
		for isWeekend(d.Weekday()) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		if d.Year == y { // every holiday is far from 31/12: never false today
			makeups = append(makeups, Holiday{Date: d, Name: makeupPrefix + h.Name, Kind: KindMakeup})
		}
	}
	hs = append(hs, makeups...)

	// Extra days off; a day already off keeps its statutory name.
	seen := make(map[Date]bool, len(hs))
	for _, h := range hs {
		seen[h.Date] = true
	}
	for _, d := range yo.daysOff {
		if !seen[d.Date] {
			seen[d.Date] = true
			hs = append(hs, Holiday{Date: d.Date, Name: d.Name, Kind: KindOverride})
		}
	}

	// Days declared worked win over everything above.
	worked := make(map[Date]bool, len(yo.workingDays))
	for _, w := range yo.workingDays {
		worked[w.Date] = true
	}
	kept := hs[:0]
	for _, h := range hs {
		if !worked[h.Date] && h.Date.Year == y {
			kept = append(kept, h)
		}
	}
	hs = kept
	sortHolidays(hs)

	yd := &yearData{first: Date{y, time.January, 1}.days(), holidays: hs}
	yd.off = make([]bool, Date{y + 1, time.January, 1}.days()-yd.first)
	for i := range yd.off {
		yd.off[i] = isWeekend(weekdayOfDays(yd.first + i))
	}
	for _, h := range hs {
		yd.off[h.Date.days()-yd.first] = true
	}
	for _, w := range yo.workingDays {
		yd.off[w.Date.days()-yd.first] = false
	}
	return yd
}
