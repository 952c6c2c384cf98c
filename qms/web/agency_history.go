package web

import (
	"context"
	"strings"
	"time"

	"isodt/qms"
)

// mergedFigures are a successor's on-time figures with its merged
// predecessors' under it: the public page and the on-time report show
// them with the note "gồm số liệu của … đã sáp nhập ngày dd/mm/yyyy".
type mergedFigures struct {
	Own      *qms.OnTimeReport
	Rows     []predecessorFigures
	Combined *qms.OnTimeReport
	Groups   []qms.MergeGroup
}

// predecessorFigures is one predecessor's figures for the period.
type predecessorFigures struct {
	Agency *qms.Agency       `json:"agency"`
	Report *qms.OnTimeReport `json:"report"`
}

// figuresWithPredecessors reads the period's figures of every agency
// merged into code (own is code's own); it returns nil when none merged
// into it.
func (s *Server) figuresWithPredecessors(ctx context.Context, code string, own *qms.OnTimeReport, from, to time.Time) (*mergedFigures, error) {
	preds, err := qms.Predecessors(ctx, s.Agencies, code)
	if err != nil || len(preds) == 0 {
		return nil, err
	}
	m := &mergedFigures{Own: own, Groups: qms.MergeGroups(preds)}
	all := []*qms.OnTimeReport{own}
	for _, p := range preds {
		reps, err := s.Dossiers.OnTime(ctx, p.Code, from, to, "")
		if err != nil {
			return nil, err
		}
		m.Rows = append(m.Rows, predecessorFigures{p, reps[""]})
		all = append(all, reps[""])
	}
	m.Combined = qms.SumOnTime(all...)
	return m, nil
}

// mergedNote is the note in Vietnamese, for the spreadsheet: "Gồm số liệu
// của Sở A, Sở B đã sáp nhập ngày 01/07/2025".
func mergedNote(groups []qms.MergeGroup) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = strings.Join(g.Names, ", ") + " đã sáp nhập ngày " + g.On.Format("02/01/2006")
	}
	return "Gồm số liệu của " + strings.Join(parts, "; ") + "."
}
