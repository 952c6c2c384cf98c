package flowchart

import (
	"math"
	"slices"
)

// Sizes of the drawing, in SVG user units (pixels at 100 %). Text widths
// are estimates (see textWidth): the server has no font metrics, and the
// same estimate everywhere keeps drawings byte-identical.
const (
	margin       = 24.0
	colGap       = 36.0 // between two shapes in a row
	rowGap       = 64.0 // between two rows; edge labels live here
	padX, padY   = 10.0, 8.0
	nameCharW    = 7.2 // average width of a character at FontSize
	nameLineH    = 17.0
	smallCharW   = 6.2 // at SmallFontSize
	smallLineH   = 14.0
	taskW        = 180.0
	terminalW    = 160.0
	decisionW    = 200.0
	parallelSize = 44.0
	sideTextGap  = 6.0
	sideTextW    = 120.0 // text beside a parallel bar
	dummyW       = 16.0  // slot of a long flow passing through a row
	maxDummies   = 20000 // beyond this, long flows are drawn straight
	backLaneGap  = 18.0  // between the vertical runs of rework loops
	poolHeader   = 30.0  // BPMN pool title band, when grouped by lane
	laneHeader   = 30.0  // BPMN lane title band, when grouped by lane
	lanePad      = 20.0
	laneMinW     = 160.0
	labelMaxW    = 90.0 // the width bpmn-js wraps an event's or gateway's name at
	labelGap     = 4.0  // between a symbol and its name above it
	symbolEvent  = 36.0 // BPMN start and end events, as bpmn.io draws them
	symbolGate   = 50.0 // BPMN gateways

	// FontSize and SmallFontSize are the sizes the SVG uses for a step's
	// name and for its details (responsible, hours).
	FontSize      = 13.0
	SmallFontSize = 11.0
)

// LaneTitle is the depth of a lane's title band: a nested lane starts this
// far inside its parent.
const LaneTitle = laneHeader

// LayoutOptions chooses between the two arrangements.
type LayoutOptions struct {
	// GroupByResponsible puts the steps of each Responsible in its own
	// vertical band (a swimlane), as BPMN lanes need. Without it steps are
	// arranged only by the flow.
	GroupByResponsible bool
	// Bands, when not nil, are the swimlanes instead of one per
	// Responsible: step i goes in band BandOf[i], and every band is drawn,
	// with or without steps (BPMN lanes kept from an import).
	Bands  []string
	BandOf []int
	// Headers is the number of lane title bands above the steps: nested
	// lanes need one per level. 0 means 1.
	Headers int
	// LeftToRight lays the flow out from left to right with the lanes
	// stacked top to bottom, as BPMN draws horizontal pools and lanes.
	// Start, end, decision and parallel steps are then BPMN symbols with
	// their name above them (NodeLayout.Label).
	LeftToRight bool
	// Lang is the language of the hours written under each step: "" or
	// "vi" → "2,5 giờ", "en" → "2.5 h".
	Lang string
}

// Point is a position in the drawing.
type Point struct{ X, Y float64 }

// Rect is a box in the drawing; X, Y is its top-left corner.
type Rect struct{ X, Y, W, H float64 }

// Center returns the middle of r.
func (r Rect) Center() Point { return Point{r.X + r.W/2, r.Y + r.H/2} }

// NodeLayout is where a step is drawn. Rect is the shape itself; for a
// parallel step the text is drawn beside it, to the right.
type NodeLayout struct {
	StepID     string
	Kind       Kind
	Layer      int // longest distance from a start, in flows, ignoring rework loops
	Order      int // position within the layer, left to right
	Lane       int // index into Layout.Lanes; -1 when not grouped
	Rect       Rect
	NameLines  []string // the name, wrapped
	SmallLines []string // the responsible role, wrapped, then the hours
	// Label is where the name of a symbol goes in a left-to-right layout:
	// above it, clear of the flows, which enter and leave at its sides.
	Label Rect
}

// EdgeLayout is how a flow is drawn: an orthogonal polyline from the
// source's shape to the target's shape. Back flows (rework loops) leave
// the source on its right, run up a channel right of the drawing and enter
// the target on its right.
type EdgeLayout struct {
	Index    int // position in Flowchart.Edges
	From, To string
	Label    string
	Back     bool
	Points   []Point
	LabelPos Point // baseline start of the label, drawn left-aligned
}

// LaneLayout is a swimlane band (only with GroupByResponsible).
type LaneLayout struct {
	Name string // the Responsible value; "" for steps without one
	Rect Rect
}

// Layout is the arrangement shared by the SVG drawing and the BPMN
// exporter, so that both show the same picture.
type Layout struct {
	Width, Height float64
	Nodes         []NodeLayout // one per step, in Flowchart.Steps order
	Edges         []EdgeLayout // one per flow between existing steps, in Flowchart.Edges order
	Lanes         []LaneLayout
}

// Node returns the layout of the first step with the given id.
func (l Layout) Node(id string) (NodeLayout, bool) {
	for _, n := range l.Nodes {
		if n.StepID == id {
			return n, true
		}
	}
	return NodeLayout{}, false
}

// slot is a box to place in a row: a step, or a dummy that reserves room
// for a long flow passing through the row (as in Sugiyama's method), so
// that it never runs through a shape.
type slot struct {
	step        int // position in Steps; -1 for a dummy
	edge        int // for a dummy: the flow it carries
	layer, lane int
	left, right float64 // extent left and right of the shape's centre
	w, h        float64 // shape size
	footH       float64 // height including text beside the shape
	x, y        float64 // centre of the shape
	order       int
	key         float64 // barycentre of the predecessors
}

// ComputeLayout arranges the flowchart top to bottom. Each step's layer is
// its longest distance from a start on the graph without rework loops;
// within a layer steps are ordered by the mean position of their
// predecessors, ties kept in step order. Invalid flowcharts are laid out
// too (flows to unknown steps are left out), so that an editor can show
// what is being drawn.
//
// A left-to-right layout is the same arrangement turned a quarter: it is
// computed top to bottom with each shape's width and height swapped, then
// transposed.
func ComputeLayout(fc Flowchart, opts LayoutOptions) Layout {
	g := newGraph(fc)
	lanes := laneNames(fc, opts)
	slots := make([]*slot, len(fc.Steps))
	for i, s := range fc.Steps {
		if opts.LeftToRight {
			slots[i] = sidewaysSlot(s, opts.Lang)
		} else {
			slots[i] = stepSlot(s, opts.Lang)
		}
		slots[i].step = i
		switch {
		case opts.Bands != nil && i < len(opts.BandOf):
			slots[i].lane = opts.BandOf[i]
		case lanes != nil:
			slots[i].lane = slices.Index(lanes, s.Responsible)
		}
	}
	for _, v := range g.topoOrder() {
		for _, e := range g.out[v] {
			if !g.back[e] {
				slots[g.to[e]].layer = max(slots[g.to[e]].layer, slots[v].layer+1)
			}
		}
	}
	chains := addDummies(g, &slots)
	layers := orderLayers(g, slots, chains)

	top, left := margin, margin
	if lanes != nil {
		top, left = poolHeader+float64(max(1, opts.Headers))*laneHeader+lanePad, 0
	}
	rows := placeRows(slots, layers, top)
	bands := placeBands(slots, layers, lanes, left)

	l := Layout{Nodes: make([]NodeLayout, len(fc.Steps))}
	right := bands[len(bands)-1].X + bands[len(bands)-1].W
	for i, s := range fc.Steps {
		sl := slots[i]
		l.Nodes[i] = NodeLayout{
			StepID: s.ID, Kind: s.Kind, Layer: sl.layer, Order: sl.order, Lane: -1,
			Rect: Rect{sl.x - sl.w/2, sl.y - sl.h/2, sl.w, sl.h},
		}
		l.Nodes[i].NameLines, l.Nodes[i].SmallLines = stepText(s, opts.Lang)
		if lanes != nil {
			l.Nodes[i].Lane = sl.lane
		}
	}
	bottom := rows[len(rows)-1].top + rows[len(rows)-1].h
	l.Edges, right = routeEdges(g, slots, chains, rows, right)
	if slices.ContainsFunc(l.Edges, func(e EdgeLayout) bool { return e.Back }) {
		bottom += margin // room for loops leaving the last row
	}
	l.Width, l.Height = math.Ceil(right+margin), math.Ceil(bottom+margin)
	for k, name := range lanes {
		b := bands[k]
		if k == len(lanes)-1 {
			b.W = l.Width - b.X // the last lane also holds the loop channels
		}
		l.Lanes = append(l.Lanes, LaneLayout{Name: name, Rect: Rect{b.X, poolHeader, b.W, l.Height - poolHeader}})
	}
	if opts.LeftToRight {
		l.transpose(fc)
	}
	return l
}

// transpose turns a layout computed with swapped shapes into the
// left-to-right one, and places the names of symbols above them.
func (l *Layout) transpose(fc Flowchart) {
	flip := func(p Point) Point { return Point{p.Y, p.X} }
	flipRect := func(r Rect) Rect { return Rect{r.Y, r.X, r.H, r.W} }
	l.Width, l.Height = l.Height, l.Width
	for i := range l.Nodes {
		n := &l.Nodes[i]
		n.Rect = flipRect(n.Rect)
		if lw, lh := symbolLabel(fc.Steps[i]); lh > 0 {
			c := n.Rect.Center()
			n.Label = Rect{c.X - lw/2, n.Rect.Y - labelGap - lh, lw, lh}
		}
	}
	for i := range l.Edges {
		e := &l.Edges[i]
		for k, p := range e.Points {
			e.Points[k] = flip(p)
		}
		// Turned, a label would sit on the run it names: move it above.
		e.LabelPos = flip(e.LabelPos)
		e.LabelPos.X -= 8
		e.LabelPos.Y -= 9
	}
	for i := range l.Lanes {
		l.Lanes[i].Rect = flipRect(l.Lanes[i].Rect)
	}
}

// IsSymbol reports whether a step is drawn as a BPMN symbol in a
// left-to-right layout: events and gateways, as opposed to tasks.
func IsSymbol(k Kind) bool { return SymbolSize(k) > 0 }

// SymbolSize is the side of a step's BPMN symbol, 0 for a task.
func SymbolSize(k Kind) float64 {
	switch k {
	case KindStart, KindEnd:
		return symbolEvent
	case KindDecision, KindParallel:
		return symbolGate
	}
	return 0
}

// symbolLabel is the size of the name written above a symbol, wrapped at
// labelMaxW; 0, 0 for a task or a symbol without a name.
func symbolLabel(s Step) (w, h float64) {
	if !IsSymbol(s.Kind) || s.Name == "" {
		return 0, 0
	}
	w = textWidth(s.Name, smallCharW)
	lines := math.Ceil(w / labelMaxW)
	return min(w, labelMaxW), lines * smallLineH
}

// sidewaysSlot sizes a step for a left-to-right layout, in the swapped
// axes ComputeLayout works in: a task keeps its box, a symbol reserves
// room above it (left, before the transposition) for its name.
func sidewaysSlot(s Step, lang string) *slot {
	size := SymbolSize(s.Kind)
	if size == 0 {
		sl := stepSlot(s, lang)
		sl.w, sl.h = sl.h, sl.w
		sl.left, sl.right, sl.footH = sl.w/2, sl.w/2, sl.h
		return sl
	}
	lw, lh := symbolLabel(s)
	sl := &slot{w: size, h: size, left: size / 2, right: size / 2, footH: max(size, lw)}
	if lh > 0 {
		// Room on both sides, so that the symbol stays level with the
		// steps before and after it and its flows stay straight.
		sl.left += labelGap + lh
		sl.right = sl.left
	}
	return sl
}

// laneNames lists the Responsible values in order of first use, with ""
// last, or nil when not grouping.
func laneNames(fc Flowchart, opts LayoutOptions) []string {
	if opts.Bands != nil {
		return opts.Bands
	}
	if !opts.GroupByResponsible {
		return nil
	}
	var names []string
	unassigned := false
	for _, s := range fc.Steps {
		switch {
		case s.Responsible == "":
			unassigned = true
		case !slices.Contains(names, s.Responsible):
			names = append(names, s.Responsible)
		}
	}
	if names == nil {
		return nil
	}
	if unassigned {
		names = append(names, "")
	}
	return names
}

// stepText wraps a step's name and details to the width of its shape.
func stepText(s Step, lang string) (name, small []string) {
	w := textWidthFor(s.Kind)
	name = wrapText(s.Name, int(w/nameCharW))
	small = wrapText(s.Responsible, int(w/smallCharW))
	if s.Hours > 0 {
		unit := " giờ"
		if lang != "" && lang != "vi" {
			unit = " h"
		}
		small = append(small, FormatHours(s.Hours, lang)+unit)
	}
	return name, small
}

func textWidthFor(k Kind) float64 {
	switch k {
	case KindStart, KindEnd:
		return terminalW - 2*padX - 16 // the rounded ends take room
	case KindDecision:
		return decisionW * 0.55
	case KindParallel:
		return sideTextW
	}
	return taskW - 2*padX
}

// stepSlot sizes a step's shape so that its text fits.
func stepSlot(s Step, lang string) *slot {
	name, small := stepText(s, lang)
	textH := float64(len(name))*nameLineH + float64(len(small))*smallLineH
	sl := &slot{}
	switch s.Kind {
	case KindStart, KindEnd:
		sl.w, sl.h = terminalW, max(40, textH+2*padY)
	case KindDecision:
		// A text block w×h fits in a diamond W×H when w/W + h/H ≤ 1;
		// the text takes 55 % of the width, so it needs 45 % of the height.
		sl.w, sl.h = decisionW, max(72, math.Ceil(textH/0.45))
	case KindParallel:
		sl.w, sl.h = parallelSize, parallelSize
	default:
		sl.w, sl.h = taskW, max(56, textH+2*padY)
	}
	sl.left, sl.right, sl.footH = sl.w/2, sl.w/2, sl.h
	if s.Kind == KindParallel && textH > 0 {
		// The text goes beside the diamond, but the room is reserved on
		// both sides so that the diamond stays on the axis of the steps
		// above and below it and the flows stay straight.
		sl.right += sideTextGap + sideTextW
		sl.left = sl.right
		sl.footH = max(sl.h, textH)
	}
	return sl
}

// addDummies gives every forward flow that skips layers one dummy slot per
// skipped layer and returns, per flow, the chain of slots it passes
// through (nil for flows between adjacent layers or without room).
func addDummies(g *graph, slots *[]*slot) [][]int {
	chains := make([][]int, len(g.fc.Edges))
	budget := maxDummies
	for e := range g.fc.Edges {
		if !g.forward(e) {
			continue
		}
		src, dst := (*slots)[g.from[e]], (*slots)[g.to[e]]
		span := dst.layer - src.layer - 1
		if span <= 0 || span > budget {
			continue
		}
		budget -= span
		for l := src.layer + 1; l < dst.layer; l++ {
			chains[e] = append(chains[e], len(*slots))
			*slots = append(*slots, &slot{
				step: -1, edge: e, layer: l, lane: src.lane,
				left: dummyW / 2, right: dummyW / 2, w: dummyW,
			})
		}
	}
	return chains
}

// orderLayers groups the slots by layer and orders each layer left to
// right: by lane, then by the barycentre of the predecessors' positions,
// then by creation order. One top-down sweep is enough for the small
// charts of a procedure and keeps the result easy to predict.
func orderLayers(g *graph, slots []*slot, chains [][]int) [][]int {
	preds := make([][]int, len(slots))
	for e := range g.fc.Edges {
		if !g.forward(e) {
			continue
		}
		path := append(append([]int{g.from[e]}, chains[e]...), g.to[e])
		for k := 1; k < len(path); k++ {
			preds[path[k]] = append(preds[path[k]], path[k-1])
		}
	}
	var layers [][]int
	for i, s := range slots {
		for len(layers) <= s.layer {
			layers = append(layers, nil)
		}
		layers[s.layer] = append(layers[s.layer], i)
	}
	for _, layer := range layers {
		for _, i := range layer {
			s := slots[i]
			if len(preds[i]) == 0 {
				s.key = float64(i) / float64(len(slots))
				continue
			}
			sum := 0.0
			for _, p := range preds[i] {
				// Positions as a fraction of the row, so that rows of
				// different lengths compare.
				sum += (float64(slots[p].order) + 0.5) / float64(len(layers[slots[p].layer]))
			}
			s.key = sum / float64(len(preds[i]))
		}
		slices.SortStableFunc(layer, func(a, b int) int {
			sa, sb := slots[a], slots[b]
			switch {
			case sa.lane != sb.lane:
				return sa.lane - sb.lane
			case sa.key < sb.key:
				return -1
			case sa.key > sb.key:
				return 1
			}
			return a - b
		})
		for k, i := range layer {
			slots[i].order = k
		}
	}
	return layers
}

type row struct{ top, h float64 }

// placeRows gives each layer a row as tall as its tallest slot and centres
// the slots in it vertically.
func placeRows(slots []*slot, layers [][]int, top float64) []row {
	rows := make([]row, max(1, len(layers)))
	y := top
	for l, layer := range layers {
		h := 0.0
		for _, i := range layer {
			h = max(h, slots[i].footH)
		}
		rows[l] = row{top: y, h: h}
		for _, i := range layer {
			slots[i].y = y + h/2
		}
		y += h + rowGap
	}
	if len(layers) == 0 {
		rows[0] = row{top: top}
	}
	return rows
}

// placeBands gives each lane a vertical band as wide as its widest row and
// centres each row's slots in their band. Without lanes there is one band.
func placeBands(slots []*slot, layers [][]int, lanes []string, left float64) []Rect {
	n, pad := max(1, len(lanes)), 0.0
	if lanes != nil {
		pad = lanePad
	}
	widths := make([]float64, n)
	packed := func(layer []int, lane int) float64 {
		w, count := 0.0, 0
		for _, i := range layer {
			if slots[i].lane == lane {
				w += slots[i].left + slots[i].right
				count++
			}
		}
		return w + colGap*float64(max(0, count-1))
	}
	for k := range widths {
		if lanes != nil {
			widths[k] = laneMinW
		}
		for _, layer := range layers {
			widths[k] = max(widths[k], packed(layer, k)+2*pad)
		}
	}
	bands := make([]Rect, n)
	x := left
	for k := range bands {
		bands[k] = Rect{X: x, W: widths[k]}
		x += widths[k]
	}
	for _, layer := range layers {
		for k, b := range bands {
			cursor := b.X + (b.W-packed(layer, k))/2
			for _, i := range layer {
				if s := slots[i]; s.lane == k {
					s.x = cursor + s.left
					cursor += s.left + s.right + colGap
				}
			}
		}
	}
	return bands
}
