package bpmn

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"isodt/qms/flowchart"
)

// BPMN shape sizes for events and gateways: what bpmn.io draws, so that
// exported diagrams look native there. Tasks keep the size of our layout,
// which fits their text.
const (
	eventSize   = 36.0
	gatewaySize = 50.0
	labelCharW  = 6.2
	labelH      = 14.0
)

// unassignedLane names the lane of steps without a Responsible. It is
// marked in our namespace so that Import gives those steps an empty
// Responsible again.
const unassignedLane = "Chưa phân công"

// ExportOptions chooses how Export draws the diagram.
type ExportOptions struct {
	// VerticalLanes draws the flow top to bottom with the lanes side by
	// side, as the SVG does. By default the flow runs left to right and
	// the pool and its lanes are horizontal, stacked top to bottom, as
	// modelers draw them (older bpmn-js overlaps the titles of a vertical
	// pool and its first lane).
	VerticalLanes bool
}

// Export writes fc as a BPMN 2.0 document that bpmn.io and Camunda Modeler
// open, with the default ExportOptions.
func Export(fc flowchart.Flowchart, processID, name string) ([]byte, error) {
	return ExportWith(fc, processID, name, ExportOptions{})
}

// ExportWith writes fc as a BPMN 2.0 document: a process (processID,
// named name) with a start event, tasks, exclusive and parallel gateways,
// end events and sequence flows named by the flow labels. What an import
// kept is written back: the kind of each task (service task, call
// activity, sub-process…), the lane hierarchy (fc.Lanes) and the flow ids.
// When any step has a Responsible or the flowchart kept lanes, the process
// sits in a pool; a step goes in its kept lane while that lane still gives
// its Responsible, else in the first kept lane that does, else in a lane
// made up for its Responsible (marked, so that Import does not keep it).
// The diagram uses flowchart.ComputeLayout.
//
// Hours, forms, records, step ids that are not valid XML ids, and a
// Responsible no lane gives, are kept in a <qms:step> extension element;
// Import restores them.
//
// It fails (with an EInvalid *Error) only when the flowchart cannot be
// written: empty or duplicate step ids, unknown kinds, flows to unknown
// steps, or a processID that is not an XML id. An empty processID becomes
// "Process_1". Other rule violations are flowchart.Validate's business.
func ExportWith(fc flowchart.Flowchart, processID, name string, opts ExportOptions) ([]byte, error) {
	if processID == "" {
		processID = "Process_1"
	}
	if !isXMLID(processID) {
		return nil, errorf(EInvalid, "Mã quy trình %q không dùng được trong BPMN: mã phải bắt đầu bằng chữ cái hoặc dấu _, chỉ gồm chữ cái không dấu, chữ số, -, . và _.", processID)
	}
	if err := checkExportable(fc); err != nil {
		return nil, err
	}
	ids := newIDSet()
	ids.claim(processID)
	x := exporter{
		fc:       fc,
		ids:      ids,
		stepIDs:  make(map[string]string, len(fc.Steps)),
		vertical: opts.VerticalLanes,
	}
	x.planLanes()
	x.layout = flowchart.ComputeLayout(fc, x.layoutOptions())
	x.allocateIDs()
	x.write(processID, name)
	return x.w.b.Bytes(), nil
}

// checkExportable refuses what cannot be written as BPMN at all.
func checkExportable(fc flowchart.Flowchart) error {
	seen := make(map[string]bool, len(fc.Steps))
	for i, s := range fc.Steps {
		switch {
		case s.ID == "":
			return errorf(EInvalid, "Bước thứ %d chưa có mã bước, không xuất được BPMN.", i+1)
		case seen[s.ID]:
			return errorf(EInvalid, "Mã bước %q bị trùng, không xuất được BPMN.", s.ID)
		case !s.Kind.Valid():
			return errorf(EInvalid, "Bước %q có loại %q không hợp lệ, không xuất được BPMN.", s.ID, s.Kind)
		}
		seen[s.ID] = true
	}
	for i, e := range fc.Edges {
		if !seen[e.From] || !seen[e.To] {
			return errorf(EInvalid, "Luồng thứ %d (%s → %s) nối tới bước không có trong lưu đồ, không xuất được BPMN.", i+1, e.From, e.To)
		}
	}
	return nil
}

type exporter struct {
	fc       flowchart.Flowchart
	ids      *idSet
	layout   flowchart.Layout
	vertical bool
	w        xmlWriter
	stepIDs  map[string]string // step id → element id
	stepPos  map[string]int    // step id → position
	elemIDs  []string          // per step
	flowIDs  []string          // per edge
	collab   string
	pool     string

	// Lanes: the kept ones in document order (parents before children),
	// then the made-up ones; each step's lane; and the steps whose
	// Responsible their lane does not give.
	lanes     []laneNode
	stepLane  []int
	ownResp   []bool
	bands     []string
	headers   int
	laneRects []flowchart.Rect

	// Indexes built once, so that writing stays linear in the size of the
	// flowchart.
	incoming, outgoing [][]int // per step: edge positions
}

// laneNode is one lane Export writes.
type laneNode struct {
	id, name   string // id as kept (made-up lanes: ""), name as written
	gives      string // the Responsible Import derives from it: its name, else its parent's
	elemID     string
	depth      int
	children   []int
	steps      []int // steps directly in it
	band       int   // its band in the layout; -1 for a parent without steps of its own
	lo, hi     int   // the bands of its subtree
	madeUp     bool
	unassigned bool
}

// planLanes puts every step in a lane (see ExportWith) and gives each lane
// that holds steps directly, or no lanes, a band of the layout.
func (x *exporter) planLanes() {
	var walk func(ls []flowchart.Lane, parent string, depth int) []int
	walk = func(ls []flowchart.Lane, parent string, depth int) []int {
		var out []int
		for _, l := range ls {
			k := len(x.lanes)
			n := laneNode{id: l.ID, name: l.Name, gives: l.Name, depth: depth, band: -1}
			if n.gives == "" {
				n.gives = parent
			}
			x.lanes = append(x.lanes, n)
			children := walk(l.Lanes, n.gives, depth+1)
			x.lanes[k].children = children
			out = append(out, k)
		}
		return out
	}
	walk(x.fc.Lanes, "", 0)
	byID := map[string]int{}
	for k, n := range x.lanes {
		if _, dup := byID[n.id]; !dup && n.id != "" {
			byID[n.id] = k
		}
	}
	kept := len(x.lanes)
	anyResp := slices.ContainsFunc(x.fc.Steps, func(s flowchart.Step) bool { return s.Responsible != "" })
	if kept == 0 && !anyResp {
		return // no pool: nobody to show
	}
	x.stepLane = make([]int, len(x.fc.Steps))
	x.ownResp = make([]bool, len(x.fc.Steps))
	madeUp := map[string]int{}
	var pending []int // steps for the unassigned lane, made last
	for i, s := range x.fc.Steps {
		k, ok := byID[s.Lane]
		if ok && x.lanes[k].gives != "" && x.lanes[k].gives != s.Responsible {
			ok = false // moved to another unit since the import
		}
		if !ok && s.Responsible != "" {
			k = slices.IndexFunc(x.lanes[:kept], func(n laneNode) bool { return n.gives == s.Responsible })
			if ok = k >= 0; !ok {
				if k, ok = madeUp[s.Responsible]; !ok {
					k, ok = len(x.lanes), true
					madeUp[s.Responsible] = k
					x.lanes = append(x.lanes, laneNode{name: s.Responsible, gives: s.Responsible, band: -1, madeUp: true})
				}
			}
		}
		if !ok {
			pending = append(pending, i)
			continue
		}
		x.stepLane[i] = k
		x.ownResp[i] = x.lanes[k].gives == ""
		x.lanes[k].steps = append(x.lanes[k].steps, i)
	}
	if len(pending) > 0 {
		for _, i := range pending {
			x.stepLane[i] = len(x.lanes)
		}
		x.lanes = append(x.lanes, laneNode{name: unassignedLane, band: -1, madeUp: true, unassigned: true, steps: pending})
	}
	for k := range x.lanes {
		n := &x.lanes[k]
		if len(n.children) == 0 || len(n.steps) > 0 {
			n.band = len(x.bands)
			x.bands = append(x.bands, n.gives)
		}
		x.headers = max(x.headers, n.depth+1)
	}
	// Bands are numbered in document order, so a subtree's are
	// contiguous: from its own (or its first child's) to its last
	// descendant's.
	var span func(k int) (int, int)
	span = func(k int) (int, int) {
		n := &x.lanes[k]
		n.lo, n.hi = n.band, n.band
		for _, c := range n.children {
			lo, hi := span(c)
			if n.lo < 0 {
				n.lo = lo
			}
			n.hi = hi
		}
		return n.lo, n.hi
	}
	for k := range x.lanes {
		if x.lanes[k].depth == 0 {
			span(k)
		}
	}
}

func (x *exporter) layoutOptions() flowchart.LayoutOptions {
	o := flowchart.LayoutOptions{LeftToRight: !x.vertical}
	if x.bands != nil {
		o.Bands, o.Headers = x.bands, x.headers
		o.BandOf = make([]int, len(x.fc.Steps))
		for i, k := range x.stepLane {
			o.BandOf[i] = x.lanes[k].band
		}
	}
	return o
}

// allocateIDs gives every element its id. Step ids that are valid XML ids
// are kept, so that the BPMN reads like the procedure, and so are the
// kept lanes' and flows' ids; all are claimed before any id is made up,
// so a made-up id never takes one of them.
func (x *exporter) allocateIDs() {
	x.elemIDs = make([]string, len(x.fc.Steps))
	for i, s := range x.fc.Steps {
		if isXMLID(s.ID) && x.ids.claim(s.ID) {
			x.elemIDs[i] = s.ID
		}
	}
	for k := range x.lanes {
		if n := &x.lanes[k]; isXMLID(n.id) && x.ids.claim(n.id) {
			n.elemID = n.id
		}
	}
	x.flowIDs = make([]string, len(x.fc.Edges))
	for i, e := range x.fc.Edges {
		if isXMLID(e.ID) && x.ids.claim(e.ID) {
			x.flowIDs[i] = e.ID
		}
	}
	for i, s := range x.fc.Steps {
		if x.elemIDs[i] == "" {
			x.elemIDs[i] = x.ids.fresh("Step_" + strconv.Itoa(i+1))
		}
		x.stepIDs[s.ID] = x.elemIDs[i]
	}
	x.stepPos = make(map[string]int, len(x.fc.Steps))
	for i, s := range x.fc.Steps {
		x.stepPos[s.ID] = i
	}
	x.incoming = make([][]int, len(x.fc.Steps))
	x.outgoing = make([][]int, len(x.fc.Steps))
	for i, e := range x.fc.Edges {
		if x.flowIDs[i] == "" {
			x.flowIDs[i] = x.ids.fresh("Flow_" + strconv.Itoa(i+1))
		}
		x.outgoing[x.stepPos[e.From]] = append(x.outgoing[x.stepPos[e.From]], i)
		x.incoming[x.stepPos[e.To]] = append(x.incoming[x.stepPos[e.To]], i)
	}
	if len(x.lanes) > 0 {
		x.collab = x.ids.fresh("Collaboration_1")
		x.pool = x.ids.fresh("Participant_1")
		for k := range x.lanes {
			if n := &x.lanes[k]; n.elemID == "" {
				n.elemID = x.ids.fresh("Lane_" + strconv.Itoa(k+1))
			}
		}
	}
}

func (x *exporter) write(processID, name string) {
	w := &x.w
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.start("bpmn:definitions",
		"xmlns:bpmn", NSModel, "xmlns:bpmndi", NSDI, "xmlns:dc", NSDC, "xmlns:di", NSDDI, "xmlns:qms", NSQMS,
		"id", x.ids.fresh("Definitions_1"), "targetNamespace", NSQMS, "exporter", "isodt", "exporterVersion", "1")
	if x.pool != "" {
		w.start("bpmn:collaboration", "id", x.collab)
		w.empty("bpmn:participant", "id", x.pool, "name", name, "processRef", processID)
		w.end("bpmn:collaboration")
	}
	w.start("bpmn:process", "id", processID, "name", name, "isExecutable", "false")
	if len(x.lanes) > 0 {
		w.start("bpmn:laneSet", "id", x.ids.fresh("LaneSet_1"))
		for k, n := range x.lanes {
			if n.depth == 0 {
				x.writeLane(k)
			}
		}
		w.end("bpmn:laneSet")
	}
	for i, s := range x.fc.Steps {
		x.writeStep(i, s)
	}
	for i, e := range x.fc.Edges {
		attrs := []string{"id", x.flowIDs[i], "name", e.Label, "sourceRef", x.stepIDs[e.From], "targetRef", x.stepIDs[e.To]}
		if x.flowIDs[i] == e.ID {
			w.empty("bpmn:sequenceFlow", attrs...)
			continue
		}
		// A made-up id: Import leaves it out of the flowchart again, or
		// restores the flow's own id, which could not be written.
		w.start("bpmn:sequenceFlow", attrs...)
		w.start("bpmn:extensionElements")
		if e.ID == "" {
			w.empty("qms:flow", "generated", "true")
		} else {
			w.empty("qms:flow", "id", e.ID)
		}
		w.end("bpmn:extensionElements")
		w.end("bpmn:sequenceFlow")
	}
	w.end("bpmn:process")
	x.writeDiagram(processID)
	w.end("bpmn:definitions")
}

// writeLane writes lane k with its child lanes. A step is listed by its
// innermost lane only, so that deep hierarchies stay small.
func (x *exporter) writeLane(k int) {
	w := &x.w
	n := x.lanes[k]
	w.start("bpmn:lane", "id", n.elemID, "name", n.name)
	switch {
	case n.unassigned:
		w.start("bpmn:extensionElements")
		w.empty("qms:lane", "unassigned", "true")
		w.end("bpmn:extensionElements")
	case n.madeUp:
		w.start("bpmn:extensionElements")
		w.empty("qms:lane", "generated", "true")
		w.end("bpmn:extensionElements")
	case n.elemID != n.id:
		// Its own id is not an XML id or is another element's.
		w.start("bpmn:extensionElements")
		w.empty("qms:lane", "id", n.id)
		w.end("bpmn:extensionElements")
	}
	for _, i := range n.steps {
		w.text("bpmn:flowNodeRef", x.elemIDs[i])
	}
	if len(n.children) > 0 {
		w.start("bpmn:childLaneSet", "id", x.ids.fresh(n.elemID+"_lanes"))
		for _, c := range n.children {
			x.writeLane(c)
		}
		w.end("bpmn:childLaneSet")
	}
	w.end("bpmn:lane")
}

func (x *exporter) writeStep(i int, s flowchart.Step) {
	w := &x.w
	tag := "bpmn:" + elementFor(s)
	w.start(tag, "id", x.elemIDs[i], "name", s.Name)
	if doc := stepDocumentation(s); doc != "" {
		w.text("bpmn:documentation", doc)
	}
	w.start("bpmn:extensionElements")
	stepID := ""
	if x.elemIDs[i] != s.ID {
		stepID = s.ID
	}
	attrs := []string{"stepId", stepID, "hours", machineHours(s.Hours)}
	if x.ownResp != nil && x.ownResp[i] {
		// Its lane has no name to give: Import would take the pool's.
		attrs = append(attrs, "responsible", s.Responsible)
		if s.Responsible == "" {
			attrs = append(attrs, "unassigned", "true")
		}
	}
	if len(s.Forms) == 0 && len(s.Records) == 0 {
		w.empty("qms:step", attrs...)
	} else {
		w.start("qms:step", attrs...)
		for _, f := range s.Forms {
			w.text("qms:form", f)
		}
		for _, r := range s.Records {
			w.text("qms:record", r)
		}
		w.end("qms:step")
	}
	w.end("bpmn:extensionElements")
	for _, k := range x.incoming[i] {
		w.text("bpmn:incoming", x.flowIDs[k])
	}
	for _, k := range x.outgoing[i] {
		w.text("bpmn:outgoing", x.flowIDs[k])
	}
	w.end(tag)
}

// machineHours writes hours for other tools with a dot, rounded to a
// microsecond-scale precision so float sums (2.2+0.2) do not leak as
// 2.4000000000000004 while any real minute value survives the round trip.
func machineHours(h float64) string {
	return strconv.FormatFloat(math.Round(h*1e6)/1e6, 'g', -1, 64)
}

// stepDocumentation is a readable summary for people opening the file in
// another modeler. Import reads the qms:step extension, not this.
func stepDocumentation(s flowchart.Step) string {
	var parts []string
	if s.Hours > 0 {
		parts = append(parts, "Thời gian: "+flowchart.FormatHours(s.Hours, "vi")+" giờ làm việc")
	}
	if len(s.Forms) > 0 {
		parts = append(parts, "Biểu mẫu: "+strings.Join(s.Forms, ", "))
	}
	if len(s.Records) > 0 {
		parts = append(parts, "Hồ sơ: "+strings.Join(s.Records, "; "))
	}
	return strings.Join(parts, "\n")
}

func (x *exporter) writeDiagram(processID string) {
	w := &x.w
	l := x.layout
	plane := processID
	if x.collab != "" {
		plane = x.collab
	}
	horizontal := strconv.FormatBool(!x.vertical)
	w.start("bpmndi:BPMNDiagram", "id", x.ids.fresh("BPMNDiagram_1"))
	w.start("bpmndi:BPMNPlane", "id", x.ids.fresh("BPMNPlane_1"), "bpmnElement", plane)
	if x.pool != "" {
		x.shape(x.pool, flowchart.Rect{W: l.Width, H: l.Height}, "isHorizontal", horizontal)
		for _, n := range x.lanes {
			x.shape(n.elemID, x.laneRect(n), "isHorizontal", horizontal)
		}
	}
	for i, n := range l.Nodes {
		var marker []string
		if n.Kind == flowchart.KindDecision {
			marker = []string{"isMarkerVisible", "true"}
		}
		r := bpmnBounds(n)
		if n.Kind == flowchart.KindTask || x.fc.Steps[i].Name == "" {
			x.shape(x.elemIDs[i], r, marker...)
			continue
		}
		label := n.Label
		if x.vertical {
			label = externalLabel(r, x.fc.Steps[i].Name)
		}
		x.labelledShape(x.elemIDs[i], r, label, marker...)
	}
	for _, e := range l.Edges {
		x.edge(e)
	}
	w.end("bpmndi:BPMNPlane")
	w.end("bpmndi:BPMNDiagram")
}

// laneRect is the shape of a lane: across the bands of its subtree, and
// inside its parent by the parent's title band.
func (x *exporter) laneRect(n laneNode) flowchart.Rect {
	first, last := x.layout.Lanes[n.lo].Rect, x.layout.Lanes[n.hi].Rect
	inset := float64(n.depth) * flowchart.LaneTitle
	if x.vertical {
		return flowchart.Rect{X: first.X, Y: first.Y + inset, W: last.X + last.W - first.X, H: first.H - inset}
	}
	return flowchart.Rect{X: first.X + inset, Y: first.Y, W: first.W - inset, H: last.Y + last.H - first.Y}
}

func (x *exporter) shape(elemID string, r flowchart.Rect, attrs ...string) {
	w := &x.w
	w.start("bpmndi:BPMNShape", append([]string{"id", x.ids.fresh(elemID + "_di"), "bpmnElement", elemID}, attrs...)...)
	bounds(w, r)
	w.end("bpmndi:BPMNShape")
}

// labelledShape is a shape whose name is drawn outside it, as modelers
// draw event and gateway names, at label.
func (x *exporter) labelledShape(elemID string, r, label flowchart.Rect, attrs ...string) {
	w := &x.w
	w.start("bpmndi:BPMNShape", append([]string{"id", x.ids.fresh(elemID + "_di"), "bpmnElement", elemID}, attrs...)...)
	bounds(w, r)
	w.start("bpmndi:BPMNLabel")
	bounds(w, label)
	w.end("bpmndi:BPMNLabel")
	w.end("bpmndi:BPMNShape")
}

// externalLabel places the name of an event or gateway left of its shape
// in a top-to-bottom diagram (ExportOptions.VerticalLanes; left to right,
// the layout puts it above). Without a BPMNLabel, bpmn-js puts it under
// the shape, across the flow that leaves downwards; on the right run the
// rework loops. Long names wrap at the width bpmn-js uses for them.
func externalLabel(r flowchart.Rect, name string) flowchart.Rect {
	const maxW, gap = 90.0, 6.0
	w := float64(utf8.RuneCountInString(name)) * labelCharW
	lines := math.Ceil(w / maxW)
	w = min(w, maxW)
	h := lines * labelH
	return flowchart.Rect{X: r.X - gap - w, Y: r.Y + r.H/2 - h/2, W: w, H: h}
}

func (x *exporter) edge(e flowchart.EdgeLayout) {
	w := &x.w
	id := x.flowIDs[e.Index]
	from, to := x.layout.Nodes[x.stepPos[e.From]], x.layout.Nodes[x.stepPos[e.To]]
	pts := append([]flowchart.Point(nil), e.Points...)
	pts[0] = clip(pts[0], from)
	pts[len(pts)-1] = clip(pts[len(pts)-1], to)
	w.start("bpmndi:BPMNEdge", "id", x.ids.fresh(id+"_di"), "bpmnElement", id)
	for _, p := range pts {
		w.empty("di:waypoint", "x", coord(p.X), "y", coord(p.Y))
	}
	if e.Label != "" {
		w.start("bpmndi:BPMNLabel")
		bounds(w, flowchart.Rect{X: e.LabelPos.X, Y: e.LabelPos.Y - labelH + 3, W: float64(utf8.RuneCountInString(e.Label)) * labelCharW, H: labelH})
		w.end("bpmndi:BPMNLabel")
	}
	w.end("bpmndi:BPMNEdge")
}

func bounds(w *xmlWriter, r flowchart.Rect) {
	w.empty("dc:Bounds", "x", coord(r.X), "y", coord(r.Y), "width", coord(r.W), "height", coord(r.H))
}

// bpmnBounds is the BPMN shape of a step: the layout's box for tasks, the
// usual BPMN sizes for events and gateways, centred where the layout put
// the step.
func bpmnBounds(n flowchart.NodeLayout) flowchart.Rect {
	size := 0.0
	switch n.Kind {
	case flowchart.KindStart, flowchart.KindEnd:
		size = eventSize
	case flowchart.KindDecision, flowchart.KindParallel:
		size = gatewaySize
	default:
		return n.Rect
	}
	c := n.Rect.Center()
	return flowchart.Rect{X: c.X - size/2, Y: c.Y - size/2, W: size, H: size}
}

// clip moves a flow's end from the border of the layout's shape to the
// border of the BPMN shape. Flows attach at the middle of a side, so the
// end moves along one axis only.
func clip(p flowchart.Point, n flowchart.NodeLayout) flowchart.Point {
	r := bpmnBounds(n)
	c := r.Center()
	switch {
	case p.X == c.X && p.Y < c.Y:
		p.Y = r.Y
	case p.X == c.X:
		p.Y = r.Y + r.H
	case p.Y == c.Y && p.X < c.X:
		p.X = r.X
	case p.Y == c.Y:
		p.X = r.X + r.W
	}
	return p
}

// coord writes a coordinate with at most one decimal. The layout puts
// centres on half units, so rounding to whole numbers would move a flow's
// end off its shape's border.
func coord(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
