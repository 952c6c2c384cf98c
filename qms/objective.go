package qms

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Measures of a quality objective (mục tiêu chất lượng, ISO 9001:2015
// 6.2). Each one is read from the data over a period, never typed in: a
// new measure is a constant here, a line in MeasureOf and a case in the
// store's measurement.
const (
	// MeasureTimelyRate is the on-time rate of dossiers completed in the
	// period: (early + on time) / completed, in percent. Higher is better.
	MeasureTimelyRate = "timely_rate"
	// MeasureLateRate is the late rate some provinces publish: (late
	// finished + overdue open) / (received + carried over). Lower is better.
	MeasureLateRate = "late_rate"
)

// MeasureInfo says how to read and judge one measure.
type MeasureInfo struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// AtMost: the target is a ceiling (met when value ≤ target), not a floor.
	AtMost bool `json:"at_most"`
}

// Measures lists the supported measures, in the order the UI offers them.
func Measures() []MeasureInfo {
	return []MeasureInfo{
		{Code: MeasureTimelyRate, Name: "Tỷ lệ hồ sơ giải quyết đúng hạn (%)"},
		{Code: MeasureLateRate, Name: "Tỷ lệ hồ sơ trễ hạn (%)", AtMost: true},
	}
}

// MeasureOf returns the description of a measure and whether it exists.
func MeasureOf(code string) (MeasureInfo, bool) {
	for _, m := range Measures() {
		if m.Code == code {
			return m, true
		}
	}
	return MeasureInfo{}, false
}

// Periods over which an objective is judged.
const (
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// Results of an objective over one period. They are computed each time
// from the dossiers, never stored: a late import changes them.
const (
	ObjectiveMet    = "met"
	ObjectiveNotMet = "not_met"
	ObjectiveNoData = "no_data" // nothing to measure in the period
)

// Objective is one measurable quality objective of an agency for a year.
// It is never deleted: a withdrawn objective stays on record with why.
type Objective struct {
	ID              int64      `json:"id"`
	AgencyCode      string     `json:"agency"`
	Year            int        `json:"year"`
	Title           string     `json:"title"`
	Measure         string     `json:"measure"`
	Target          float64    `json:"target"`
	Period          string     `json:"period"`
	Withdrawn       bool       `json:"withdrawn"`
	WithdrawnReason string     `json:"withdrawn_reason,omitempty"`
	WithdrawnBy     string     `json:"withdrawn_by,omitempty"`
	WithdrawnAt     *time.Time `json:"withdrawn_at,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
}

// Validate checks a new or edited objective.
func (o *Objective) Validate() error {
	o.Title, o.Measure, o.Period = strings.TrimSpace(o.Title), strings.TrimSpace(o.Measure), strings.TrimSpace(o.Period)
	switch {
	case o.Title == "":
		return FieldError("title", "Nhập nội dung mục tiêu chất lượng.")
	case utf8.RuneCountInString(o.Title) > 500:
		return FieldError("title", "Nội dung mục tiêu tối đa 500 ký tự.")
	case CheckText("title", "Nội dung mục tiêu", o.Title, 500) != nil:
		return CheckText("title", "Nội dung mục tiêu", o.Title, 500)
	case o.Year < 2000 || o.Year > 2100:
		return FieldError("year", "Năm %d không hợp lệ.", o.Year)
	}
	info, ok := MeasureOf(o.Measure)
	if !ok {
		return FieldError("measure", "Chỉ số %q không được hỗ trợ (timely_rate, late_rate).", o.Measure)
	}
	if o.Period != PeriodQuarter && o.Period != PeriodYear {
		return FieldError("period", "Kỳ đánh giá phải là quarter (quý) hoặc year (năm).")
	}
	// Every measure so far is a percentage.
	switch {
	case math.IsNaN(o.Target) || o.Target < 0 || o.Target > 100:
		return FieldError("target", "Chỉ tiêu phải là tỷ lệ từ 0 đến 100 (%%).")
	case !info.AtMost && o.Target == 0:
		// A floor of 0 % is met by anything: surely a forgotten field.
		return FieldError("target", "Nhập chỉ tiêu cần đạt (ví dụ 95).")
	}
	return nil
}

// Withdraw takes an objective out of use, with the reason on record.
func (o *Objective) Withdraw(reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case o.Withdrawn:
		return Errorf(EINVALID, "Mục tiêu đã được rút trước đó.")
	case reason == "":
		return FieldError("reason", "Nêu lý do rút mục tiêu.")
	}
	if err := CheckText("reason", "Lý do rút mục tiêu", reason, MaxShortText); err != nil {
		return err
	}
	o.Withdrawn, o.WithdrawnReason, o.WithdrawnBy, o.WithdrawnAt = true, reason, by, &at
	return nil
}

// Span is one period of an objective's year, as half-open [From, To)
// between Hà Nội midnights.
type Span struct {
	Label    string    `json:"label"` // "Quý 2/2026" or "Năm 2026"
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Current  bool      `json:"current"`  // now lies in it
	Complete bool      `json:"complete"` // it has ended
}

// Spans returns the periods of the objective's year that have begun by
// now: a figure for a quarter not yet started means nothing.
func (o *Objective) Spans(now time.Time) []Span {
	now = now.In(Zone)
	var out []Span
	add := func(label string, from, to time.Time) {
		if now.Before(from) {
			return
		}
		out = append(out, Span{Label: label, From: from, To: to, Current: now.Before(to), Complete: !now.Before(to)})
	}
	start := time.Date(o.Year, time.January, 1, 0, 0, 0, 0, Zone)
	if o.Period == PeriodYear {
		add(fmt.Sprintf("Năm %d", o.Year), start, start.AddDate(1, 0, 0))
		return out
	}
	for q := 0; q < 4; q++ {
		from := start.AddDate(0, 3*q, 0)
		add(fmt.Sprintf("Quý %d/%d", q+1, o.Year), from, from.AddDate(0, 3, 0))
	}
	return out
}

// Measurement is a measure's value over a span and how many cases it
// rests on (completed dossiers for the timely rate).
type Measurement struct {
	Value   float64 `json:"value"`
	Samples int     `json:"samples"`
}

// Judge says whether a measurement meets the objective's target.
func (o *Objective) Judge(m Measurement) string {
	if m.Samples == 0 {
		return ObjectiveNoData
	}
	info, _ := MeasureOf(o.Measure)
	if (info.AtMost && m.Value <= o.Target) || (!info.AtMost && m.Value >= o.Target) {
		return ObjectiveMet
	}
	return ObjectiveNotMet
}

// PeriodResult is an objective's measurement and verdict over one span.
type PeriodResult struct {
	Span
	Measurement
	Result string `json:"result"`
}

// ObjectiveStatus is an objective with its result in each period so far.
type ObjectiveStatus struct {
	Objective *Objective     `json:"objective"`
	Periods   []PeriodResult `json:"periods"`
}

// Current returns the result of the period now running (or the last one
// when the year is over) and false when no period has begun.
func (s *ObjectiveStatus) Current() (PeriodResult, bool) {
	for _, p := range s.Periods {
		if p.Current {
			return p, true
		}
	}
	if n := len(s.Periods); n > 0 {
		return s.Periods[n-1], true
	}
	return PeriodResult{}, false
}

// Summary is one line of the status for the management review pack
// (9.3.2 c): "Đúng hạn (≥ 95 %): Quý 1/2026 95,50 % đạt; Quý 2/2026 chưa có số liệu",
// rates and targets written as the pages write them.
func (s *ObjectiveStatus) Summary() string {
	info, _ := MeasureOf(s.Objective.Measure)
	sign := "≥"
	if info.AtMost {
		sign = "≤"
	}
	words := map[string]string{ObjectiveMet: "đạt", ObjectiveNotMet: "không đạt"}
	parts := make([]string, 0, len(s.Periods))
	for _, p := range s.Periods {
		if p.Result == ObjectiveNoData {
			parts = append(parts, p.Label+" chưa có số liệu")
		} else {
			parts = append(parts, fmt.Sprintf("%s %s %s", p.Label, viPercent(p.Value, 2), words[p.Result]))
		}
	}
	line := fmt.Sprintf("%s (%s %s)", s.Objective.Title, sign, viPercent(s.Objective.Target, -1))
	if len(parts) == 0 {
		return line + ": chưa đến kỳ đánh giá"
	}
	return line + ": " + strings.Join(parts, "; ")
}

// viPercent writes a rate the Vietnamese way: a decimal comma, the per
// cent sign after a no-break space; decimals digits (-1: as few as it
// takes, for a target): 99,03 %; 95 %.
func viPercent(v float64, decimals int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', decimals, 64), ".", ",", 1) + "\u00a0%"
}

// ObjectiveFilter selects objectives; pointer fields mean "any".
type ObjectiveFilter struct {
	AgencyCode       string
	Year             *int
	IncludeWithdrawn bool
}

// ObjectiveUpdate changes what may change once set: the wording and the
// target. The measure and period stay, or past results would be rewritten.
type ObjectiveUpdate struct {
	Title  *string
	Target *float64
}

// ObjectiveService keeps quality objectives and measures them.
type ObjectiveService interface {
	// CreateObjective returns EINVALID for a bad field, ENOTFOUND for an unknown agency.
	CreateObjective(ctx context.Context, o *Objective) error
	// FindObjective returns ENOTFOUND unless the agency has the objective.
	FindObjective(ctx context.Context, agency string, id int64) (*Objective, error)
	FindObjectives(ctx context.Context, f ObjectiveFilter) ([]*Objective, error)
	// UpdateObjective returns EINVALID on a withdrawn objective.
	UpdateObjective(ctx context.Context, agency string, id int64, upd ObjectiveUpdate) (*Objective, error)
	// WithdrawObjective returns EINVALID without a reason or when already withdrawn.
	WithdrawObjective(ctx context.Context, agency string, id int64, reason string) (*Objective, error)
	// Statuses measures every objective of the agency in force for the
	// year, period by period up to now.
	Statuses(ctx context.Context, agency string, year int) ([]*ObjectiveStatus, error)
}
