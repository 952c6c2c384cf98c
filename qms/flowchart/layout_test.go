package flowchart_test

import (
	"testing"

	"isodt/qms/flowchart"
)

func TestLayoutLayers(t *testing.T) {
	l := flowchart.ComputeLayout(sample(), flowchart.LayoutOptions{})
	want := map[string]int{"B1": 0, "B2": 1, "B3": 2, "B4": 3, "B5": 4, "B6": 4, "B7": 5, "B8": 6, "B9": 7}
	for _, n := range l.Nodes {
		if n.Layer != want[n.StepID] {
			t.Errorf("%s in layer %d, want %d", n.StepID, n.Layer, want[n.StepID])
		}
		if n.Lane != -1 {
			t.Errorf("%s in lane %d without grouping", n.StepID, n.Lane)
		}
	}
	b5, _ := l.Node("B5")
	b6, _ := l.Node("B6")
	if b5.Order != 0 || b6.Order != 1 || b5.Rect.X >= b6.Rect.X {
		t.Errorf("B5 and B6 out of step order: %+v %+v", b5, b6)
	}
	checkGeometry(t, l)
	var back int
	for _, e := range l.Edges {
		if e.Back {
			back++
			if e.From != "B3" || e.To != "B2" {
				t.Errorf("unexpected back edge %s→%s", e.From, e.To)
			}
		}
	}
	if back != 1 || len(l.Edges) != len(sample().Edges) {
		t.Errorf("%d edges, %d back; want %d and 1", len(l.Edges), back, len(sample().Edges))
	}
}

func TestLayoutLanes(t *testing.T) {
	fc := sample()
	fc.Steps[3].Responsible = "" // parallel steps have no owner: they go to the unassigned lane
	l := flowchart.ComputeLayout(fc, flowchart.LayoutOptions{GroupByResponsible: true})
	wantLanes := []string{"Bộ phận một cửa", "Chuyên viên", "Trưởng phòng", "Lãnh đạo Sở", ""}
	if len(l.Lanes) != len(wantLanes) {
		t.Fatalf("lanes = %+v, want %q", l.Lanes, wantLanes)
	}
	for k, lane := range l.Lanes {
		if lane.Name != wantLanes[k] {
			t.Errorf("lane %d = %q, want %q", k, lane.Name, wantLanes[k])
		}
		if k > 0 && lane.Rect.X != l.Lanes[k-1].Rect.X+l.Lanes[k-1].Rect.W {
			t.Errorf("lane %d does not follow lane %d", k, k-1)
		}
	}
	for i, n := range l.Nodes {
		lane := l.Lanes[n.Lane]
		if lane.Name != fc.Steps[i].Responsible {
			t.Errorf("%s in lane %q, want %q", n.StepID, lane.Name, fc.Steps[i].Responsible)
		}
		if n.Rect.X < lane.Rect.X || n.Rect.X+n.Rect.W > lane.Rect.X+lane.Rect.W || n.Rect.Y < lane.Rect.Y {
			t.Errorf("%s at %+v outside its lane %+v", n.StepID, n.Rect, lane.Rect)
		}
	}
	checkGeometry(t, l)
	if l := flowchart.ComputeLayout(flowchart.Flowchart{Steps: []flowchart.Step{{ID: "a"}}}, flowchart.LayoutOptions{GroupByResponsible: true}); l.Lanes != nil {
		t.Errorf("lanes without any responsible: %+v", l.Lanes)
	}
}

// checkGeometry checks what every drawing needs: shapes inside the canvas
// and apart, flows starting and ending on their shapes' borders.
func checkGeometry(t *testing.T, l flowchart.Layout) {
	t.Helper()
	for i, a := range l.Nodes {
		r := a.Rect
		if r.X < 0 || r.Y < 0 || r.X+r.W > l.Width || r.Y+r.H > l.Height {
			t.Errorf("%s at %+v outside the %vx%v canvas", a.StepID, r, l.Width, l.Height)
		}
		for _, b := range l.Nodes[i+1:] {
			q := b.Rect
			if r.X < q.X+q.W && q.X < r.X+r.W && r.Y < q.Y+q.H && q.Y < r.Y+r.H {
				t.Errorf("%s %+v overlaps %s %+v", a.StepID, r, b.StepID, q)
			}
		}
	}
	for _, e := range l.Edges {
		from, _ := l.Node(e.From)
		to, _ := l.Node(e.To)
		if len(e.Points) < 2 {
			t.Fatalf("edge %s→%s has %d points", e.From, e.To, len(e.Points))
		}
		if p := e.Points[0]; !onBorder(p, from.Rect) {
			t.Errorf("edge %s→%s starts at %v, off %+v", e.From, e.To, p, from.Rect)
		}
		if p := e.Points[len(e.Points)-1]; !onBorder(p, to.Rect) {
			t.Errorf("edge %s→%s ends at %v, off %+v", e.From, e.To, p, to.Rect)
		}
		for k := 1; k < len(e.Points); k++ {
			if p, q := e.Points[k-1], e.Points[k]; p.X != q.X && p.Y != q.Y {
				t.Errorf("edge %s→%s has a slanted segment %v→%v", e.From, e.To, p, q)
			}
		}
	}
}

// onBorder reports whether p is the middle of one side of r, where flows
// attach (the vertices of a diamond).
func onBorder(p flowchart.Point, r flowchart.Rect) bool {
	c := r.Center()
	return (p.X == c.X && (p.Y == r.Y || p.Y == r.Y+r.H)) || (p.Y == c.Y && (p.X == r.X || p.X == r.X+r.W))
}
