package bpmn

import (
	"math"
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

// Export writes fc as a BPMN 2.0 document that bpmn.io and Camunda Modeler
// open: a process (processID, named name) with a start event, user tasks,
// exclusive and parallel gateways, end events and sequence flows named by
// the flow labels. When any step has a Responsible, the process sits in a
// pool with one lane per Responsible, in the vertical orientation of our
// top-to-bottom layout. The diagram uses flowchart.ComputeLayout.
//
// Hours, forms, records, and step ids that are not valid XML ids, are kept
// in a <qms:step> extension element; Import restores them.
//
// It fails (with an EInvalid *Error) only when the flowchart cannot be
// written: empty or duplicate step ids, unknown kinds, flows to unknown
// steps, or a processID that is not an XML id. An empty processID becomes
// "Process_1". Other rule violations are flowchart.Validate's business.
func Export(fc flowchart.Flowchart, processID, name string) ([]byte, error) {
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
		fc:      fc,
		ids:     ids,
		stepIDs: make(map[string]string, len(fc.Steps)),
		layout:  flowchart.ComputeLayout(fc, flowchart.LayoutOptions{GroupByResponsible: true}),
	}
	x.allocateIDs(processID)
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
	fc      flowchart.Flowchart
	ids     *idSet
	layout  flowchart.Layout
	w       xmlWriter
	stepIDs map[string]string // step id → element id
	stepPos map[string]int    // step id → position
	elemIDs []string          // per step
	flowIDs []string          // per edge
	laneIDs []string          // per lane
	collab  string
	pool    string

	// Indexes built once, so that writing stays linear in the size of the
	// flowchart.
	incoming, outgoing [][]int // per step: edge positions
	laneSteps          [][]int // per lane: step positions
}

// allocateIDs gives every element its id. Step ids that are valid XML ids
// are kept, so that the BPMN reads like the procedure; they are claimed
// before any generated id, so a generated id never takes a step's.
func (x *exporter) allocateIDs(processID string) {
	x.elemIDs = make([]string, len(x.fc.Steps))
	for i, s := range x.fc.Steps {
		if isXMLID(s.ID) && x.ids.claim(s.ID) {
			x.elemIDs[i] = s.ID
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
		x.flowIDs = append(x.flowIDs, x.ids.fresh("Flow_"+strconv.Itoa(i+1)))
		x.outgoing[x.stepPos[e.From]] = append(x.outgoing[x.stepPos[e.From]], i)
		x.incoming[x.stepPos[e.To]] = append(x.incoming[x.stepPos[e.To]], i)
	}
	x.laneSteps = make([][]int, len(x.layout.Lanes))
	for i, n := range x.layout.Nodes {
		if n.Lane >= 0 {
			x.laneSteps[n.Lane] = append(x.laneSteps[n.Lane], i)
		}
	}
	if len(x.layout.Lanes) > 0 {
		x.collab = x.ids.fresh("Collaboration_1")
		x.pool = x.ids.fresh("Participant_1")
		for k := range x.layout.Lanes {
			x.laneIDs = append(x.laneIDs, x.ids.fresh("Lane_"+strconv.Itoa(k+1)))
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
	x.writeLanes()
	for i, s := range x.fc.Steps {
		x.writeStep(i, s)
	}
	for i, e := range x.fc.Edges {
		w.empty("bpmn:sequenceFlow", "id", x.flowIDs[i], "name", e.Label, "sourceRef", x.stepIDs[e.From], "targetRef", x.stepIDs[e.To])
	}
	w.end("bpmn:process")
	x.writeDiagram(processID)
	w.end("bpmn:definitions")
}

func (x *exporter) writeLanes() {
	if len(x.laneIDs) == 0 {
		return
	}
	w := &x.w
	w.start("bpmn:laneSet", "id", x.ids.fresh("LaneSet_1"))
	for k, lane := range x.layout.Lanes {
		name := lane.Name
		if name == "" {
			name = unassignedLane
		}
		w.start("bpmn:lane", "id", x.laneIDs[k], "name", name)
		if lane.Name == "" {
			w.start("bpmn:extensionElements")
			w.empty("qms:lane", "unassigned", "true")
			w.end("bpmn:extensionElements")
		}
		for _, i := range x.laneSteps[k] {
			w.text("bpmn:flowNodeRef", x.elemIDs[i])
		}
		w.end("bpmn:lane")
	}
	w.end("bpmn:laneSet")
}

func (x *exporter) writeStep(i int, s flowchart.Step) {
	w := &x.w
	tag := "bpmn:" + elementFor(s.Kind)
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
	w.start("bpmndi:BPMNDiagram", "id", x.ids.fresh("BPMNDiagram_1"))
	w.start("bpmndi:BPMNPlane", "id", x.ids.fresh("BPMNPlane_1"), "bpmnElement", plane)
	if x.pool != "" {
		x.shape(x.pool, flowchart.Rect{W: l.Width, H: l.Height}, "isHorizontal", "false")
		for k, lane := range l.Lanes {
			x.shape(x.laneIDs[k], lane.Rect, "isHorizontal", "false")
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
		x.labelledShape(x.elemIDs[i], r, externalLabel(r, x.fc.Steps[i].Name), marker...)
	}
	for _, e := range l.Edges {
		x.edge(e)
	}
	w.end("bpmndi:BPMNPlane")
	w.end("bpmndi:BPMNDiagram")
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

// externalLabel places the name of an event or gateway left of its shape.
// Without a BPMNLabel, bpmn-js puts it under the shape, across the flow
// that leaves downwards in our top-to-bottom layout; on the right run the
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
