package web

import (
	"context"
	"fmt"
	"sort"
	"time"

	"isodt/qms"
)

// rateChart is a horizontal bar chart of on-time rates, one bar a group
// (a month, a field), in SVG units: the template report.html draws it,
// with presentation attributes only (the CSP allows no inline style).
type rateChart struct {
	ID, Title string
	Height    int
	Bars      []rateBar
}

// rateBar is one group's on-time rate over the dossiers it completed.
type rateBar struct {
	Label     string // shortened to fit the label column; Full is the whole
	Full      string
	Rate      float64
	Completed int
	Y, W      int
}

// Chart geometry: the label column ends at x=170 (about 26 characters),
// bars start at 180 and are at most 320 wide (100%), leaving room for the
// figure after the longest bar; rows are 26 high.
const (
	chartBarMax   = 320
	chartRow      = 26
	chartLabelMax = 26
)

func newRateChart(id, title string, bars []rateBar) rateChart {
	for i := range bars {
		bars[i].Full = bars[i].Label
		if r := []rune(bars[i].Label); len(r) > chartLabelMax {
			bars[i].Label = string(r[:chartLabelMax-1]) + "…"
		}
		bars[i].Y = 10 + i*chartRow
		bars[i].W = int(bars[i].Rate * chartBarMax / 100)
	}
	return rateChart{ID: id, Title: title, Height: 20 + len(bars)*chartRow, Bars: bars}
}

// maxChartMonths bounds the months charted (the last ones of the period).
const maxChartMonths = 12

// rateCharts are the report page's on-time charts for [from, to): by
// month, and by field of the administrative procedures.
func (s *Server) rateCharts(ctx context.Context, agency string, from, to time.Time, l map[string]string) ([]rateChart, error) {
	var months []rateBar
	start := time.Date(from.In(qms.Zone).Year(), from.In(qms.Zone).Month(), 1, 0, 0, 0, 0, qms.Zone)
	var spans [][2]time.Time
	for m := start; m.Before(to); m = m.AddDate(0, 1, 0) {
		a, b := m, m.AddDate(0, 1, 0)
		spans = append(spans, [2]time.Time{maxTime(a, from), minTime(b, to)})
	}
	if len(spans) > maxChartMonths {
		spans = spans[len(spans)-maxChartMonths:]
	}
	byMonth := map[string]*qms.OnTimeReport{}
	if len(spans) > 0 {
		var err error
		if byMonth, err = s.Dossiers.OnTimeReturned(ctx, agency, spans[0][0], spans[len(spans)-1][1], "month"); err != nil {
			return nil, err
		}
	}
	for _, sp := range spans {
		m := sp[0].In(qms.Zone)
		r := byMonth[fmt.Sprintf("%d-%02d", m.Year(), int(m.Month()))]
		if r == nil {
			r = &qms.OnTimeReport{}
		}
		months = append(months, rateBar{Label: fmt.Sprintf("%02d/%d", int(m.Month()), m.Year()), Rate: r.TimelyRate, Completed: r.Completed})
	}
	byField, err := s.Dossiers.OnTimeReturned(ctx, agency, from, to, "field")
	if err != nil {
		return nil, err
	}
	var fields []rateBar
	for k, r := range byField {
		if k == "" {
			k = l["report.no_field"]
		}
		fields = append(fields, rateBar{Label: k, Rate: r.TimelyRate, Completed: r.Completed})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Label < fields[j].Label })
	return []rateChart{newRateChart("chart-by-month", l["report.chart_by_month"], months), newRateChart("chart-by-field", l["report.chart_by_field"], fields)}, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
