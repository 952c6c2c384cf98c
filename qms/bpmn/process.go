package bpmn

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"isodt/qms/flowchart"
)

// Warning messages. Each groups the ids it applies to (see notes).
const (
	warnUnnamed       = "Bước chưa có tên, đã đặt tên “Bước n”"
	warnUnnamedEvent  = "Sự kiện bắt đầu/kết thúc chưa có tên, đã đặt tên “Bắt đầu”/“Kết thúc”"
	warnUnnamedLane   = "Làn (lane) chưa có tên, đã lấy tên làn cha hoặc tên bên tham gia (pool) làm người/bộ phận thực hiện"
	warnNoLaneName    = "Làn (lane), làn cha và bên tham gia (pool) đều chưa có tên, các bước trong làn để trống người/bộ phận thực hiện"
	warnUnnamedGate   = "Cổng (gateway) chưa có tên, đã đặt tên “Rẽ nhánh n”/“Hợp nhánh n”"
	warnMerge         = "Cổng hợp nhánh (chỉ có một luồng đi ra) được bỏ qua, các luồng vào nối thẳng tới bước sau"
	warnNoID          = "Phần tử không có mã (id), đã đặt mã tự động"
	warnDuplicateID   = "Bỏ qua phần tử trùng mã với phần tử trước"
	warnStepIDTaken   = "Mã bước bị trùng, đã đổi mã"
	warnGateway       = "Cổng inclusive/eventBased/complex được nhập thành bước rẽ nhánh (chọn một nhánh), cần kiểm tra lại"
	warnIntermediate  = "Sự kiện trung gian được giữ thành một bước công việc"
	warnSubProcess    = "Quy trình con được nhập thành một bước, không nhập các phần tử bên trong"
	warnEventSub      = "Bỏ qua quy trình con sự kiện (event sub-process), không thuộc luồng chính"
	warnBoundary      = "Bỏ qua sự kiện biên (boundaryEvent) không có luồng đi ra"
	warnBoundaryLost  = "Bỏ qua sự kiện biên (boundaryEvent) gắn trên phần tử không nhập được, cùng các luồng đi ra từ nó"
	warnBoundaryNI    = "Sự kiện biên không ngắt bước (cancelActivity=\"false\") được nhập thành một nhánh rẽ, cần kiểm tra lại"
	warnBoundaryPath  = "Sự kiện biên (boundaryEvent) được nhập thành nhánh rẽ từ bước nó gắn vào"
	warnCompensation  = "Bước bù trừ (isForCompensation) không nhập thành bước của lưu đồ"
	warnCondition     = "Bỏ qua biểu thức điều kiện (conditionExpression) của luồng, chỉ giữ tên luồng làm nhãn"
	warnConditionText = "Luồng chưa có tên, đã lấy biểu thức điều kiện làm nhãn"
	warnDanglingFlow  = "Bỏ qua luồng nối tới phần tử không nhập được"
	warnHours         = "Thời gian trong phần mở rộng qms không hợp lệ, đã đặt 0"
	warnUnmodelledFmt = "Bỏ qua phần tử không dùng trong lưu đồ (%s)"
	warnVendorFmt     = "Bỏ qua phần mở rộng riêng của công cụ khác (%s)"
)

const (
	defaultStartName   = "Bắt đầu"
	defaultEndName     = "Kết thúc"
	xmlNamespaceURI    = "http://www.w3.org/XML/1998/namespace"
	generatedIDPrefix  = "_qms_"
	triggeredByEventOn = "true"
)

// Labels Import gives to flows that have no name of their own.
const (
	labelDefault  = "Trường hợp khác" // the default flow of a gateway
	labelTimer    = "Quá hạn"         // the path of a timer boundary event
	labelError    = "Lỗi"             // an error boundary event whose error has no name
	labelOther    = "Phát sinh sự kiện"
	labelFinished = "Hoàn thành" // the normal way out of a task with boundary events
	splitName     = "Rẽ nhánh %d"
	joinName      = "Hợp nhánh %d"
	taskName      = "Bước %d"
)

// converter turns one BPMN process into a flowchart.
type converter struct {
	notes  *notes
	root   *elem // the definitions element, for errors referred to by id
	fc     flowchart.Flowchart
	stepOf map[string]int    // element id → step position
	ids    *idSet            // step ids in use
	local  map[string]string // step id → BPMN element name, for gateways

	byID     map[string]*elem   // process children by id (the first one)
	outFlows map[string][]*elem // element id → sequence flows leaving it

	// Boundary events: the step their paths leave from, and the label of
	// those paths. A task with boundary events and another way out leaves
	// through a decision step (branchOf) whose branches are its normal
	// flows and the boundary paths.
	boundaryFrom  map[string]int
	boundaryLabel map[string]string
	branchOf      map[string]int    // task element id → its decision step
	errors        map[string]string // error id → name, built on first use

	// responsible is the Responsible our own export recorded on a step
	// (by position) whose lane does not give it.
	responsible map[int]string
}

// convertProcess converts proc; pool names the pool holding it (empty for
// a bare process), which unnamed lanes fall back to.
func convertProcess(root, proc *elem, pool string, n *notes) (flowchart.Flowchart, error) {
	cv := &converter{
		notes: n, root: root, stepOf: map[string]int{}, ids: newIDSet(), local: map[string]string{},
		byID: map[string]*elem{}, outFlows: map[string][]*elem{},
		boundaryFrom: map[string]int{}, boundaryLabel: map[string]string{}, branchOf: map[string]int{},
		responsible: map[int]string{},
	}
	cv.vendor(proc)
	var flows, laneSets, boundaries []*elem
	for _, c := range proc.children {
		if c.space != NSModel {
			continue
		}
		if id := strings.TrimSpace(c.attr("id")); id != "" && cv.byID[id] == nil {
			cv.byID[id] = c
		}
		if c.local == "sequenceFlow" {
			src := strings.TrimSpace(c.attr("sourceRef"))
			cv.outFlows[src] = append(cv.outFlows[src], c)
		}
	}
	for _, c := range proc.children {
		if c.space != NSModel {
			cv.notes.add(fmt.Sprintf(warnVendorFmt, c.space), c.local)
			continue
		}
		id := c.attr("id")
		switch {
		case c.local == "sequenceFlow":
			flows = append(flows, c)
		case c.local == "laneSet":
			laneSets = append(laneSets, c)
		case c.local == "subProcess" && c.attr("triggeredByEvent") == triggeredByEventOn:
			cv.notes.add(warnEventSub, id)
		case c.local == "boundaryEvent":
			boundaries = append(boundaries, c)
		case isActivity(c.local) && c.attr("isForCompensation") == "true":
			cv.notes.add(warnCompensation, id)
		case isStep(c.local):
			cv.step(c, len(cv.fc.Steps)+1)
		case ignoredQuietly(c.local):
		default:
			cv.notes.add(fmt.Sprintf(warnUnmodelledFmt, c.local), id)
		}
	}
	// Lanes and flows keep their ids, which must not take a step's.
	for _, ls := range laneSets {
		cv.fc.Lanes = append(cv.fc.Lanes, cv.lanes(ls, pool)...)
	}
	for pos, r := range cv.responsible {
		cv.fc.Steps[pos].Responsible = r
	}
	cv.boundaries(boundaries)
	for _, f := range flows {
		cv.flow(f)
	}
	cv.bridgeMerges()
	cv.nameGateways()
	if len(cv.fc.Steps) == 0 {
		name := proc.attr("id")
		if n := normalize(proc.attr("name")); n != "" {
			name += " “" + n + "”"
		}
		return flowchart.Flowchart{}, errorf(ENoProcess, "Quy trình %s trong tệp BPMN không có bước nào (sự kiện, công việc hay cổng rẽ nhánh) để nhập. Lưu đồ đang soạn được giữ nguyên.", name)
	}
	// The whole document is bounded while it is read (MaxImportElements),
	// so the flowchart is checked once it is built, with the limits the
	// store applies.
	if p := flowchart.CheckSize(cv.fc); p != nil {
		return flowchart.Flowchart{}, errorf(ETooLarge, "Không nhập được lưu đồ: %s", *p)
	}
	return cv.fc, nil
}

// boundaries turns the paths that boundary events start into branches
// from the step they are attached to: a timer's path is labelled
// "Quá hạn", an error's with the error's name. When the task has more
// than one way out, they leave through a decision step added after it.
func (cv *converter) boundaries(bs []*elem) {
	var order []string // tasks with boundary paths, in document order
	paths := map[string]int{}
	taskOf := map[string]string{} // boundary id → task element id
	var kept []string             // boundary ids with a path, in document order
	for _, b := range bs {
		id := strings.TrimSpace(b.attr("id"))
		cv.vendor(b)
		if len(cv.outFlows[id]) == 0 || id == "" {
			cv.notes.add(warnBoundary, id)
			continue
		}
		task := localRef(b.attr("attachedToRef"))
		if _, ok := cv.stepOf[task]; !ok {
			cv.notes.add(warnBoundaryLost, id)
			continue
		}
		if _, dup := cv.boundaryLabel[id]; dup {
			cv.notes.add(warnDuplicateID, id)
			continue
		}
		cv.boundaryLabel[id] = cv.boundaryName(b)
		if b.attr("cancelActivity") == "false" {
			cv.notes.add(warnBoundaryNI, id)
		}
		cv.notes.add(warnBoundaryPath, id)
		if paths[task] == 0 {
			order = append(order, task)
		}
		paths[task] += len(cv.outFlows[id])
		taskOf[id] = task
		kept = append(kept, id)
	}
	from := map[string]int{} // task element id → step the paths leave from
	for _, task := range order {
		pos := cv.stepOf[task]
		from[task] = pos
		if paths[task]+len(cv.outFlows[task]) < 2 {
			continue // the only way out: a labelled flow from the task itself
		}
		t := cv.fc.Steps[pos]
		d := flowchart.Step{
			ID:          cv.ids.fresh(t.ID + "_nhanh"),
			Name:        "Kết quả bước “" + shorten(t.Name, 100) + "”",
			Kind:        flowchart.KindDecision,
			Responsible: t.Responsible,
			Lane:        t.Lane,
		}
		from[task] = len(cv.fc.Steps)
		cv.branchOf[task] = len(cv.fc.Steps)
		cv.fc.Steps = append(cv.fc.Steps, d)
		cv.fc.Edges = append(cv.fc.Edges, flowchart.Edge{From: t.ID, To: d.ID})
	}
	for _, id := range kept {
		cv.boundaryFrom[id] = from[taskOf[id]]
	}
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// errorName is the name of the error declared with id, or "". The
// declarations are indexed on first use.
func (cv *converter) errorName(id string) string {
	if cv.errors == nil {
		cv.errors = map[string]string{}
		for _, e := range cv.root.children {
			if k := strings.TrimSpace(e.attr("id")); e.is(NSModel, "error") && k != "" {
				if _, seen := cv.errors[k]; !seen {
					cv.errors[k] = normalize(e.attr("name"))
				}
			}
		}
	}
	return cv.errors[id]
}

// boundaryName is the label of a boundary event's path.
func (cv *converter) boundaryName(b *elem) string {
	name := normalize(b.attr("name"))
	for _, def := range b.children {
		switch {
		case def.is(NSModel, "timerEventDefinition"):
			return labelTimer
		case def.is(NSModel, "errorEventDefinition"):
			if n := cv.errorName(localRef(def.attr("errorRef"))); n != "" {
				return n
			}
			if name != "" {
				return name
			}
			return labelError
		}
	}
	if name != "" {
		return name
	}
	return labelOther
}

func isStep(local string) bool { _, ok := stepKind(local); return ok }

// ignoredQuietly lists process children that carry no flow and nothing a
// user would miss: settings of execution engines and documentation.
func ignoredQuietly(local string) bool {
	switch local {
	case "documentation", "extensionElements", "property", "ioSpecification", "ioBinding",
		"auditing", "monitoring", "supports", "correlationSubscription",
		"performer", "humanPerformer", "potentialOwner", "resourceRole":
		return true
	}
	return false
}

func (cv *converter) step(c *elem, n int) {
	elemID := strings.TrimSpace(c.attr("id"))
	if elemID == "" {
		elemID = generatedIDPrefix + c.local + "_" + strconv.Itoa(n)
		cv.notes.add(warnNoID, c.local+" → "+elemID)
	}
	if _, dup := cv.stepOf[elemID]; dup {
		cv.notes.add(warnDuplicateID, elemID)
		return
	}
	kind, _ := stepKind(c.local)
	s := flowchart.Step{Name: normalize(c.attr("name")), Kind: kind}
	if isActivity(c.local) && c.local != defaultTask {
		s.TaskType = c.local
	}
	cv.vendor(c)
	ext := cv.extension(c, elemID, &s)

	id := elemID
	if ext != "" {
		id = ext
	}
	if !cv.ids.claim(id) {
		taken := id
		id = cv.ids.fresh(elemID)
		cv.notes.add(warnStepIDTaken, taken+" → "+id)
	}
	s.ID = id

	cv.local[id] = c.local
	switch c.local {
	case "intermediateCatchEvent", "intermediateThrowEvent":
		cv.notes.add(warnIntermediate, elemID)
	case "subProcess", "adHocSubProcess", "transaction":
		if hasFlowContent(c) {
			cv.notes.add(warnSubProcess, elemID)
		}
	}
	if s.Name == "" {
		switch kind {
		case flowchart.KindStart:
			s.Name = defaultStartName
			cv.notes.add(warnUnnamedEvent, elemID)
		case flowchart.KindEnd:
			s.Name = defaultEndName
			cv.notes.add(warnUnnamedEvent, elemID)
		case flowchart.KindDecision, flowchart.KindParallel:
			// Named by nameGateways once merges are bridged, so that
			// the numbers count the gateways that stay.
		default:
			// Named "Bước n" by nameGateways, in step order: a
			// generated id ("Task_1b6t3j8") means nothing to a person.
		}
	}
	cv.stepOf[elemID] = len(cv.fc.Steps)
	cv.fc.Steps = append(cv.fc.Steps, s)
}

// hasFlowContent reports whether a sub-process has inner steps or flows,
// which Import does not descend into.
func hasFlowContent(c *elem) bool {
	for _, k := range c.children {
		if k.space == NSModel && (isStep(k.local) || k.local == "sequenceFlow") {
			return true
		}
	}
	return false
}

// extension reads our qms:step block into s and returns the step id it
// records, if any. Other tools' extensions are reported.
func (cv *converter) extension(c *elem, owner string, s *flowchart.Step) string {
	ext := c.child(NSModel, "extensionElements")
	if ext == nil {
		return ""
	}
	id := ""
	for _, x := range ext.children {
		if !x.is(NSQMS, "step") {
			continue
		}
		id = x.attr("stepId")
		if x.attr("unassigned") == "true" {
			cv.responsible[len(cv.fc.Steps)] = ""
		} else if r := normalize(x.attr("responsible")); r != "" {
			cv.responsible[len(cv.fc.Steps)] = r
		}
		if h := x.attr("hours"); h != "" {
			v, err := strconv.ParseFloat(h, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				cv.notes.add(warnHours, owner)
				v = 0
			}
			s.Hours = flowchart.RoundToMinute(v)
		}
		for _, item := range x.children {
			switch {
			case item.is(NSQMS, "form"):
				s.Forms = append(s.Forms, item.content())
			case item.is(NSQMS, "record"):
				s.Records = append(s.Records, item.content())
			}
		}
	}
	return id
}

// lanes gives each step the name of the innermost lane that lists it:
// nested lanes (childLaneSet) are read after their parent, so they win.
// An unnamed lane takes its parent lane's name, then the pool's: a lane id
// is generated by the modeler and means nothing to a person. It returns
// the lanes to keep, with their hierarchy: all but those our export made
// up from the steps' Responsible (marked generated or unassigned), whose
// children it lifts. A kept lane without a usable id gets one.
func (cv *converter) lanes(laneSet *elem, inherited string) []flowchart.Lane {
	var kept []flowchart.Lane
	for _, lane := range laneSet.children {
		if !lane.is(NSModel, "lane") {
			continue
		}
		cv.vendor(lane)
		name := normalize(lane.attr("name"))
		unassigned, generated := false, false
		id := strings.TrimSpace(lane.attr("id"))
		if ext := lane.child(NSModel, "extensionElements"); ext != nil {
			if q := ext.child(NSQMS, "lane"); q != nil {
				unassigned = q.attr("unassigned") == "true"
				generated = unassigned || q.attr("generated") == "true"
				if kept := q.attr("id"); kept != "" {
					id = kept // one our export could not write as the lane's id
				}
			}
		}
		if generated {
			id = ""
		} else if id == "" || !cv.ids.claim(id) {
			id = cv.ids.fresh("Lane_1")
		}
		responsible := name
		if name == "" && !unassigned {
			responsible = inherited
		}
		if unassigned {
			responsible = ""
		}
		used := false
		for _, ref := range lane.children {
			if !ref.is(NSModel, "flowNodeRef") {
				continue
			}
			pos, ok := cv.stepOf[strings.TrimSpace(ref.content())]
			if !ok {
				continue // a skipped element, already reported
			}
			used = true
			cv.fc.Steps[pos].Responsible = responsible
			cv.fc.Steps[pos].Lane = id
		}
		if used && name == "" && !unassigned {
			if responsible != "" {
				cv.notes.add(warnUnnamedLane, lane.attr("id"))
			} else {
				cv.notes.add(warnNoLaneName, lane.attr("id"))
			}
		}
		var children []flowchart.Lane
		if child := lane.child(NSModel, "childLaneSet"); child != nil {
			children = cv.lanes(child, responsible)
		}
		if generated {
			kept = append(kept, children...)
		} else {
			kept = append(kept, flowchart.Lane{ID: id, Name: name, Lanes: children})
		}
	}
	return kept
}

func (cv *converter) flow(f *elem) {
	id, src, dst := f.attr("id"), strings.TrimSpace(f.attr("sourceRef")), strings.TrimSpace(f.attr("targetRef"))
	cv.vendor(f)
	label := cv.label(f, src, dst)
	from, ok1 := cv.stepOf[src]
	if b, ok := cv.boundaryFrom[src]; ok {
		from, ok1 = b, true
	} else if d, ok := cv.branchOf[src]; ok {
		from = d
		if label == "" {
			label = labelFinished
		}
	}
	to, ok2 := cv.stepOf[dst]
	if !ok1 || !ok2 {
		cv.notes.add(warnDanglingFlow, fmt.Sprintf("%s (%s → %s)", id, src, dst))
		return
	}
	// The flow keeps its id (one our export could not write as the
	// flow's id is in our extension), unless our export made it up or
	// another element has it.
	keep := strings.TrimSpace(id)
	if ext := f.child(NSModel, "extensionElements"); ext != nil {
		if q := ext.child(NSQMS, "flow"); q != nil {
			switch {
			case q.attr("generated") == "true":
				keep = ""
			case q.attr("id") != "":
				keep = q.attr("id")
			}
		}
	}
	if keep != "" && !cv.ids.claim(keep) {
		keep = ""
	}
	cv.fc.Edges = append(cv.fc.Edges, flowchart.Edge{
		ID:    keep,
		From:  cv.fc.Steps[from].ID,
		To:    cv.fc.Steps[to].ID,
		Label: label,
	})
}

// label is the label of a flow: its name; else, for the path of a
// boundary event, what the event is; for a gateway's default flow,
// "Trường hợp khác"; after an event-based gateway, the name of the event
// it waits for; else its condition's text.
func (cv *converter) label(f *elem, src, dst string) string {
	name := normalize(f.attr("name"))
	cond := f.child(NSModel, "conditionExpression")
	if name != "" {
		if cond != nil {
			cv.notes.add(warnCondition, f.attr("id"))
		}
		return name
	}
	if l, ok := cv.boundaryLabel[src]; ok {
		return l
	}
	source := cv.byID[src]
	if source != nil && source.attr("default") != "" && strings.TrimSpace(source.attr("default")) == strings.TrimSpace(f.attr("id")) {
		return labelDefault
	}
	if source != nil && source.local == "eventBasedGateway" {
		if target := cv.byID[dst]; target != nil {
			if n := normalize(target.attr("name")); n != "" {
				return n
			}
		}
	}
	if cond != nil {
		if text := normalize(cond.content()); text != "" {
			cv.notes.add(warnConditionText, f.attr("id"))
			return text
		}
	}
	return ""
}

// bridgeMerges removes the decision steps with exactly one way out: in
// BPMN they are merges (several flows rejoin, as a rework loop does) and
// decide nothing, and the flowchart has no such step. Each flow into one
// goes on to where the merge (or a chain of them) leads, keeping its
// label. Parallel joins stay: they wait for every branch. Merges that only
// lead round to each other stay too: there is nowhere to go on to.
func (cv *converter) bridgeMerges() {
	fc := &cv.fc
	pos := make(map[string]int, len(fc.Steps))
	for i, s := range fc.Steps {
		pos[s.ID] = i
	}
	outs := make([][]int, len(fc.Steps))
	for k, e := range fc.Edges {
		outs[pos[e.From]] = append(outs[pos[e.From]], k)
	}
	isMerge := func(g int) bool { return fc.Steps[g].Kind == flowchart.KindDecision && len(outs[g]) == 1 }
	next := func(g int) int { return pos[fc.Edges[outs[g][0]].To] }

	// target[g] is where flows into merge g go on to; -1 while unknown.
	// Each merge is walked once, so chains cost linear time.
	const unknown, walking = -1, -2
	target := make([]int, len(fc.Steps))
	for i := range target {
		target[i] = unknown
	}
	bridged := make([]bool, len(fc.Steps))
	for g := range fc.Steps {
		if !isMerge(g) || target[g] != unknown {
			continue
		}
		var path []int
		p := g
		for isMerge(p) && target[p] == unknown {
			target[p] = walking
			path = append(path, p)
			p = next(p)
		}
		end := p
		switch {
		case isMerge(p) && target[p] == walking:
			// A cycle of merges from p on: they stay, and lead to p.
			k := slices.Index(path, p)
			for _, c := range path[k:] {
				target[c] = c
			}
			path = path[:k]
		case isMerge(p) && bridged[p]:
			end = target[p]
		}
		for _, c := range path {
			target[c] = end
			bridged[c] = true
		}
	}
	var edges []flowchart.Edge // nil when none are left, as when none were read
	for _, e := range fc.Edges {
		if bridged[pos[e.From]] {
			continue
		}
		if to := pos[e.To]; bridged[to] {
			e.To = fc.Steps[target[to]].ID
		}
		edges = append(edges, e)
	}
	var steps []flowchart.Step
	for g, s := range fc.Steps {
		if bridged[g] {
			cv.notes.add(warnMerge, s.ID)
			continue
		}
		steps = append(steps, s)
	}
	fc.Edges, fc.Steps = edges, steps
}

// nameGateways names the unnamed steps that stay, in step order: a task
// or event "Bước n", a
// gateway where flows part is "Rẽ nhánh n", one where they meet
// "Hợp nhánh n". It also reports the gateways imported with a meaning
// they do not quite have.
func (cv *converter) nameGateways() {
	outs := map[string]int{}
	ins := map[string]int{}
	for _, e := range cv.fc.Edges {
		outs[e.From]++
		ins[e.To]++
	}
	splits, joins, tasks := 0, 0, 0
	for i := range cv.fc.Steps {
		s := &cv.fc.Steps[i]
		if s.Kind != flowchart.KindDecision && s.Kind != flowchart.KindParallel {
			if s.Name == "" {
				tasks++
				s.Name = fmt.Sprintf(taskName, tasks)
				cv.notes.add(warnUnnamed, s.ID+" → "+s.Name)
			}
			continue
		}
		switch cv.local[s.ID] {
		case "inclusiveGateway", "eventBasedGateway", "complexGateway":
			cv.notes.add(warnGateway, s.ID)
		}
		if s.Name != "" {
			continue
		}
		if outs[s.ID] < 2 && ins[s.ID] >= 2 {
			joins++
			s.Name = fmt.Sprintf(joinName, joins)
		} else {
			splits++
			s.Name = fmt.Sprintf(splitName, splits)
		}
		cv.notes.add(warnUnnamedGate, s.ID+" → "+s.Name)
	}
}

// vendor reports attributes and extension elements of other tools (Camunda,
// Zeebe, Signavio…) on e: they are dropped, and the user should know.
func (cv *converter) vendor(e *elem) {
	for _, a := range e.attrs {
		switch a.Name.Space {
		case "", "xmlns", NSXSI, xmlNamespaceURI, NSModel, NSQMS:
			continue
		}
		cv.notes.count(fmt.Sprintf(warnVendorFmt, a.Name.Space), a.Name.Local)
	}
	vendorExtensions(cv.notes, e)
}

// vendorExtensions reports the extension elements of other tools inside
// e, counted by name: tools repeat the same one on every element.
func vendorExtensions(n *notes, e *elem) {
	if ext := e.child(NSModel, "extensionElements"); ext != nil {
		for _, x := range ext.children {
			if x.space != NSQMS {
				n.count(fmt.Sprintf(warnVendorFmt, x.space), x.local)
			}
		}
	}
}

// normalize folds line breaks (&#10; in bpmn.io labels) and runs of spaces
// into single spaces, so that names stay readable on one line. A word
// hyphenated at a line break ("Arbeits-&#10;vertrag") is joined back
// ("Arbeits-vertrag"); a dash after a space stays a dash between words.
// Names are put in NFC: a lane typed with decomposed diacritics (as
// windows-1258 stores them) is the same responsible as one typed
// precomposed.
func normalize(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
		var b strings.Builder
		for i, line := range lines {
			line = strings.TrimSpace(line)
			b.WriteString(line)
			if i < len(lines)-1 && !hyphenated(line) {
				b.WriteByte(' ')
			}
		}
		s = b.String()
	}
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// hyphenated reports whether a line ends in a hyphen that splits a word:
// one right after a letter.
func hyphenated(line string) bool {
	rest, ok := strings.CutSuffix(line, "-")
	if !ok || rest == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(rest)
	return unicode.IsLetter(r)
}
