package bpmn

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"isodt/qms/flowchart"
)

// Warning messages. Each groups the ids it applies to (see notes).
const (
	warnUnnamed       = "Phần tử chưa có tên, đã lấy mã làm tên"
	warnUnnamedEvent  = "Sự kiện bắt đầu/kết thúc chưa có tên, đã đặt tên “Bắt đầu”/“Kết thúc”"
	warnUnnamedLane   = "Làn (lane) chưa có tên, đã lấy mã làm tên người/bộ phận thực hiện"
	warnNoID          = "Phần tử không có mã (id), đã đặt mã tự động"
	warnDuplicateID   = "Bỏ qua phần tử trùng mã với phần tử trước"
	warnStepIDTaken   = "Mã bước bị trùng, đã đổi mã"
	warnGateway       = "Cổng inclusive/eventBased/complex được nhập thành bước rẽ nhánh (chọn một nhánh), cần kiểm tra lại"
	warnIntermediate  = "Sự kiện trung gian được giữ thành một bước công việc"
	warnSubProcess    = "Quy trình con được nhập thành một bước, không nhập các phần tử bên trong"
	warnEventSub      = "Bỏ qua quy trình con sự kiện (event sub-process), không thuộc luồng chính"
	warnBoundary      = "Bỏ qua sự kiện biên (boundaryEvent) gắn trên bước"
	warnCondition     = "Bỏ qua biểu thức điều kiện (conditionExpression) của luồng, chỉ giữ tên luồng làm nhãn"
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

// converter turns one BPMN process into a flowchart.
type converter struct {
	notes  *notes
	fc     flowchart.Flowchart
	stepOf map[string]int // element id → step position
	ids    *idSet         // step ids in use
}

func convertProcess(proc *elem, n *notes) (flowchart.Flowchart, error) {
	cv := &converter{notes: n, stepOf: map[string]int{}, ids: newIDSet()}
	cv.vendor(proc, proc.attr("id"))
	var flows, laneSets []*elem
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
			cv.notes.add(warnBoundary, id)
		case isStep(c.local):
			if len(cv.fc.Steps) >= MaxImportNodes {
				return flowchart.Flowchart{}, errorf(ETooLarge, "Quy trình có quá nhiều bước: tối đa %d.", MaxImportNodes)
			}
			cv.step(c, len(cv.fc.Steps)+1)
		case ignoredQuietly(c.local):
		default:
			cv.notes.add(fmt.Sprintf(warnUnmodelledFmt, c.local), id)
		}
	}
	for _, ls := range laneSets {
		cv.lanes(ls)
	}
	for _, f := range flows {
		cv.flow(f)
	}
	return cv.fc, nil
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
	cv.vendor(c, elemID)
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

	switch c.local {
	case "inclusiveGateway", "eventBasedGateway", "complexGateway":
		cv.notes.add(warnGateway, elemID)
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
		default:
			// Normalised like any name, so that importing our own
			// export of it gives the same name back.
			s.Name = normalize(elemID)
			cv.notes.add(warnUnnamed, elemID)
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
		if h := x.attr("hours"); h != "" {
			v, err := strconv.ParseFloat(h, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				cv.notes.add(warnHours, owner)
				v = 0
			}
			s.Hours = v
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
func (cv *converter) lanes(laneSet *elem) {
	for _, lane := range laneSet.children {
		if !lane.is(NSModel, "lane") {
			continue
		}
		cv.vendor(lane, lane.attr("id"))
		name := normalize(lane.attr("name"))
		unassigned := false
		if ext := lane.child(NSModel, "extensionElements"); ext != nil {
			if q := ext.child(NSQMS, "lane"); q != nil && q.attr("unassigned") == "true" {
				unassigned = true
			}
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
			switch {
			case unassigned:
				cv.fc.Steps[pos].Responsible = ""
			case name != "":
				cv.fc.Steps[pos].Responsible = name
			default:
				cv.fc.Steps[pos].Responsible = normalize(lane.attr("id"))
			}
		}
		if used && name == "" && !unassigned {
			cv.notes.add(warnUnnamedLane, lane.attr("id"))
		}
		if child := lane.child(NSModel, "childLaneSet"); child != nil {
			cv.lanes(child)
		}
	}
}

func (cv *converter) flow(f *elem) {
	id, src, dst := f.attr("id"), strings.TrimSpace(f.attr("sourceRef")), strings.TrimSpace(f.attr("targetRef"))
	cv.vendor(f, id)
	if f.child(NSModel, "conditionExpression") != nil {
		cv.notes.add(warnCondition, id)
	}
	from, ok1 := cv.stepOf[src]
	to, ok2 := cv.stepOf[dst]
	if !ok1 || !ok2 {
		cv.notes.add(warnDanglingFlow, fmt.Sprintf("%s (%s → %s)", id, src, dst))
		return
	}
	cv.fc.Edges = append(cv.fc.Edges, flowchart.Edge{
		From:  cv.fc.Steps[from].ID,
		To:    cv.fc.Steps[to].ID,
		Label: normalize(f.attr("name")),
	})
}

// vendor reports attributes and extension elements of other tools (Camunda,
// Zeebe, Signavio…) on e: they are dropped, and the user should know.
func (cv *converter) vendor(e *elem, owner string) {
	for _, a := range e.attrs {
		switch a.Name.Space {
		case "", "xmlns", NSXSI, xmlNamespaceURI, NSModel, NSQMS:
			continue
		}
		cv.notes.add(fmt.Sprintf(warnVendorFmt, a.Name.Space), a.Name.Local+" @ "+owner)
	}
	if ext := e.child(NSModel, "extensionElements"); ext != nil {
		for _, x := range ext.children {
			if x.space != NSQMS {
				cv.notes.add(fmt.Sprintf(warnVendorFmt, x.space), x.local+" @ "+owner)
			}
		}
	}
}

// normalize folds line breaks (&#10; in bpmn.io labels) and runs of spaces
// into single spaces, so that names stay readable on one line.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }
