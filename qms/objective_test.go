package qms_test

import (
	"math"
	"testing"
	"time"

	"isodt/qms"
)

func TestObjectiveValidate(t *testing.T) {
	ok := qms.Objective{Year: 2026, Title: " Giải quyết đúng hạn ", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter}
	tests := []struct {
		name  string
		edit  func(o *qms.Objective)
		field string // "" = valid
	}{
		{"valid", func(o *qms.Objective) {}, ""},
		{"yearly late rate", func(o *qms.Objective) { o.Measure, o.Period, o.Target = qms.MeasureLateRate, qms.PeriodYear, 2 }, ""},
		{"no title", func(o *qms.Objective) { o.Title = "  " }, "title"},
		{"bad year", func(o *qms.Objective) { o.Year = 26 }, "year"},
		{"unknown measure", func(o *qms.Objective) { o.Measure = "satisfaction" }, "measure"},
		{"bad period", func(o *qms.Objective) { o.Period = "month" }, "period"},
		{"target over 100", func(o *qms.Objective) { o.Target = 101 }, "target"},
		{"negative target", func(o *qms.Objective) { o.Target = -1 }, "target"},
		{"no target for a floor", func(o *qms.Objective) { o.Target = 0 }, "target"},
		{"zero late rate", func(o *qms.Objective) { o.Measure, o.Target = qms.MeasureLateRate, 0 }, ""},
		{"NaN target", func(o *qms.Objective) { o.Target = math.NaN() }, "target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			err := o.Validate()
			if tt.field == "" && err != nil {
				t.Fatalf("valid objective refused: %v", err)
			}
			if tt.field != "" && qms.ErrorField(err) != tt.field {
				t.Fatalf("err = %v, want a %s field error", err, tt.field)
			}
		})
	}
	o := ok
	o.Validate()
	if o.Title != "Giải quyết đúng hạn" {
		t.Fatalf("title not trimmed: %q", o.Title)
	}
}

func TestObjectiveSpans(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, qms.Zone) }
	tests := []struct {
		name    string
		period  string
		now     time.Time
		labels  []string
		current string
	}{
		{"second quarter", qms.PeriodQuarter, at(2026, 5, 10), []string{"Quý 1/2026", "Quý 2/2026"}, "Quý 2/2026"},
		{"first day of a quarter", qms.PeriodQuarter, time.Date(2026, 7, 1, 0, 0, 0, 0, qms.Zone), []string{"Quý 1/2026", "Quý 2/2026", "Quý 3/2026"}, "Quý 3/2026"},
		// 31/3 17:30 UTC is already 1/4 in Hà Nội.
		{"quarter turns in Hà Nội time", qms.PeriodQuarter, time.Date(2026, 3, 31, 17, 30, 0, 0, time.UTC), []string{"Quý 1/2026", "Quý 2/2026"}, "Quý 2/2026"},
		{"year over", qms.PeriodQuarter, at(2027, 2, 1), []string{"Quý 1/2026", "Quý 2/2026", "Quý 3/2026", "Quý 4/2026"}, ""},
		{"year not begun", qms.PeriodQuarter, at(2025, 12, 31), nil, ""},
		{"yearly", qms.PeriodYear, at(2026, 8, 1), []string{"Năm 2026"}, "Năm 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &qms.Objective{Year: 2026, Period: tt.period}
			spans := o.Spans(tt.now)
			if len(spans) != len(tt.labels) {
				t.Fatalf("spans = %+v, want %v", spans, tt.labels)
			}
			current := ""
			for i, s := range spans {
				if s.Label != tt.labels[i] {
					t.Errorf("span %d = %s, want %s", i, s.Label, tt.labels[i])
				}
				if s.Current {
					current = s.Label
				}
				if s.Current == s.Complete {
					t.Errorf("%s: current %v, complete %v", s.Label, s.Current, s.Complete)
				}
			}
			if current != tt.current {
				t.Fatalf("current = %q, want %q", current, tt.current)
			}
		})
	}
	q2 := (&qms.Objective{Year: 2026, Period: qms.PeriodQuarter}).Spans(at(2026, 5, 1))[1]
	if !q2.From.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, qms.Zone)) || !q2.To.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, qms.Zone)) {
		t.Fatalf("Q2 = [%v, %v)", q2.From, q2.To)
	}
}

func TestObjectiveJudge(t *testing.T) {
	tests := []struct {
		name    string
		measure string
		target  float64
		m       qms.Measurement
		want    string
	}{
		{"rate above target", qms.MeasureTimelyRate, 95, qms.Measurement{Value: 95.95, Samples: 2002}, qms.ObjectiveMet},
		{"rate equal to target", qms.MeasureTimelyRate, 95, qms.Measurement{Value: 95, Samples: 20}, qms.ObjectiveMet},
		{"rate below target", qms.MeasureTimelyRate, 95, qms.Measurement{Value: 94.99, Samples: 2002}, qms.ObjectiveNotMet},
		{"nothing completed", qms.MeasureTimelyRate, 95, qms.Measurement{}, qms.ObjectiveNoData},
		{"late rate under ceiling", qms.MeasureLateRate, 5, qms.Measurement{Value: 4, Samples: 50}, qms.ObjectiveMet},
		{"late rate over ceiling", qms.MeasureLateRate, 5, qms.Measurement{Value: 6, Samples: 50}, qms.ObjectiveNotMet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &qms.Objective{Measure: tt.measure, Target: tt.target}
			if got := o.Judge(tt.m); got != tt.want {
				t.Fatalf("Judge = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestObjectiveWithdraw(t *testing.T) {
	o := &qms.Objective{}
	if err := o.Withdraw(" ", "lan", time.Now()); qms.ErrorField(err) != "reason" {
		t.Fatalf("withdraw without reason: %v", err)
	}
	if err := o.Withdraw("Chỉ tiêu thay bằng mục tiêu năm", "lan", time.Now()); err != nil || !o.Withdrawn || o.WithdrawnBy != "lan" {
		t.Fatalf("withdraw: %v %+v", err, o)
	}
	if err := o.Withdraw("lần nữa", "lan", time.Now()); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("withdrawn twice: %v", err)
	}
}

func TestObjectiveStatusCurrent(t *testing.T) {
	st := &qms.ObjectiveStatus{}
	if _, ok := st.Current(); ok {
		t.Fatal("current period of an objective not begun")
	}
	st.Periods = []qms.PeriodResult{{Span: qms.Span{Label: "Quý 1/2026", Complete: true}}, {Span: qms.Span{Label: "Quý 2/2026", Current: true}}}
	if p, _ := st.Current(); p.Label != "Quý 2/2026" {
		t.Fatalf("current = %s", p.Label)
	}
	st.Periods[1].Current = false
	if p, _ := st.Current(); p.Label != "Quý 2/2026" {
		t.Fatalf("after the year, current = %s, want the last period", p.Label)
	}
}

func TestObjectiveStatusSummary(t *testing.T) {
	st := &qms.ObjectiveStatus{Objective: &qms.Objective{Title: "Đúng hạn", Measure: qms.MeasureTimelyRate, Target: 95.5}, Periods: []qms.PeriodResult{
		{Span: qms.Span{Label: "Quý 1/2026"}, Measurement: qms.Measurement{Value: 96.25, Samples: 80}, Result: qms.ObjectiveMet},
		{Span: qms.Span{Label: "Quý 2/2026"}, Result: qms.ObjectiveNoData},
	}}
	st.Periods[0].Value = 96.2
	if got, want := st.Summary(), "Đúng hạn (≥ 95,5\u00a0%): Quý 1/2026 96,20\u00a0% đạt; Quý 2/2026 chưa có số liệu"; got != want {
		t.Fatalf("summary = %q\nwant      %q", got, want)
	}
}
