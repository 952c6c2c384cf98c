package flowchart_test

import (
	"fmt"
	"testing"

	"isodt/qms/flowchart"
)

// A fork of 15 branches and the join where they meet: every flow's
// horizontal run lies on a line of its own, so each branch can be
// followed from the fork to its task and from its task to the join
// (issue 15, item 10).
func TestBPMN10WideForkRoutesApart(t *testing.T) {
	fc := flowchart.Flowchart{Steps: []flowchart.Step{
		{ID: "s", Name: "Tiếp nhận", Kind: flowchart.KindStart},
		{ID: "fork", Name: "Lấy ý kiến", Kind: flowchart.KindParallel},
		{ID: "join", Name: "Tổng hợp", Kind: flowchart.KindParallel},
		{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd},
	}, Edges: []flowchart.Edge{{From: "s", To: "fork"}, {From: "join", To: "e"}}}
	for i := 1; i <= 15; i++ {
		id := fmt.Sprintf("t%d", i)
		fc.Steps = append(fc.Steps, flowchart.Step{ID: id, Name: "Ý kiến sở " + id, Kind: flowchart.KindTask})
		fc.Edges = append(fc.Edges, flowchart.Edge{From: "fork", To: id}, flowchart.Edge{From: id, To: "join"})
	}
	for _, opts := range []flowchart.LayoutOptions{{}, {GroupByResponsible: true}} {
		l := flowchart.ComputeLayout(fc, opts)
		checkGeometry(t, l)
		type run struct {
			edge      string
			y, lo, hi float64
		}
		var runs []run
		for _, e := range l.Edges {
			for k := 1; k < len(e.Points); k++ {
				if p, q := e.Points[k-1], e.Points[k]; p.Y == q.Y && p.X != q.X {
					runs = append(runs, run{e.From + "→" + e.To, p.Y, min(p.X, q.X), max(p.X, q.X)})
				}
			}
		}
		if len(runs) < 28 { // all but the branches straight below the fork and above the join
			t.Errorf("%d horizontal runs, want one per branch that turns", len(runs))
		}
		for i, a := range runs {
			for _, b := range runs[i+1:] {
				if a.y == b.y && a.lo <= b.hi && b.lo <= a.hi {
					t.Errorf("%s and %s share the line y=%v over [%v, %v] and [%v, %v]", a.edge, b.edge, a.y, a.lo, a.hi, b.lo, b.hi)
				}
			}
		}
	}
}
