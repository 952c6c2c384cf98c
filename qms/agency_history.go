package qms

import (
	"context"
	"time"
)

// An agency that merged stays with its history (closed dossiers, past
// periods); its successor's figures for a period show it under the
// successor, so that a report reads as one agency across the merger
// (issue #16 item 2).

// Predecessors returns the agencies merged into code, and those merged
// into them in turn, by code, the direct ones first: the successor's
// figures for a period include theirs (closed dossiers stay with the
// agency that handled them, so each is counted once).
func Predecessors(ctx context.Context, s AgencyService, code string) ([]*Agency, error) {
	var out []*Agency
	seen := map[string]bool{code: true}
	for queue := []string{code}; len(queue) > 0; queue = queue[1:] {
		into := queue[0]
		as, err := s.FindAgencies(ctx, AgencyFilter{MergedInto: &into})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if !seen[a.Code] {
				seen[a.Code] = true
				out = append(out, a)
				queue = append(queue, a.Code)
			}
		}
	}
	return out, nil
}

// MergeGroup is the predecessors merged on one day, for the note under a
// successor's figures ("gồm số liệu của … đã sáp nhập ngày dd/mm/yyyy").
type MergeGroup struct {
	Names []string
	On    time.Time // the civil day of the merger
}

// MergeGroups groups predecessors by the day they merged, earliest first.
func MergeGroups(preds []*Agency) []MergeGroup {
	var out []MergeGroup
	for _, a := range preds {
		var on time.Time
		if a.MergedAt != nil {
			on = CivilDate(*a.MergedAt)
		}
		i := 0
		for i < len(out) && !out[i].On.Equal(on) {
			i++
		}
		if i == len(out) {
			out = append(out, MergeGroup{On: on})
		}
		out[i].Names = append(out[i].Names, a.Name)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].On.Before(out[j-1].On); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// SumOnTime adds reports of the same period (a successor's and its
// predecessors'): each dossier is counted by one agency only, so the
// counts add up; the rates are computed again from the sums.
func SumOnTime(rs ...*OnTimeReport) *OnTimeReport {
	var t OnTimeReport
	for _, r := range rs {
		if r == nil {
			continue
		}
		t.Received += r.Received
		t.CarriedOver += r.CarriedOver
		t.Completed += r.Completed
		t.Early += r.Early
		t.OnTime += r.OnTime
		t.Late += r.Late
		t.InProgress += r.InProgress
		t.Overdue += r.Overdue
		if r.MeasuredAt.After(t.MeasuredAt) {
			t.MeasuredAt = r.MeasuredAt
		}
	}
	t.Rates()
	return &t
}
