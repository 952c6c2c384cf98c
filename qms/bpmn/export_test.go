package bpmn_test

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"

	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// procedure is a five-working-day procedure with a decision whose "not
// passed" branch loops back for rework, and two consultations run side by
// side between a parallel fork and join. It exercises what BPMN cannot
// say itself: hours, forms, records, a step id that is not an XML id, and
// steps without a Responsible.
func procedure() flowchart.Flowchart {
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "B1", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa", Hours: 4,
				Forms: []string{"BM-QT02-01"}, Records: []string{"Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu kiểm soát quá trình"}},
			{ID: "B2", Name: "Thẩm định hồ sơ & đối chiếu <bản gốc>", Kind: flowchart.KindTask, Responsible: "Chuyên viên phòng HCTP", Hours: 12.5, Forms: []string{"BM-QT02-02", "BM-QT02-03"}},
			{ID: "B3", Name: "Hồ sơ đạt yêu cầu?", Kind: flowchart.KindDecision, Responsible: "Trưởng phòng", Hours: 0.5},
			{ID: "B4", Name: "Lấy ý kiến liên ngành", Kind: flowchart.KindParallel},
			{ID: "Bước 5", Name: "Xin ý kiến Sở Tài chính", Kind: flowchart.KindTask, Responsible: "Chuyên viên phòng HCTP", Hours: 8},
			{ID: "B6", Name: "Xin ý kiến Sở Xây dựng", Kind: flowchart.KindTask, Responsible: "Chuyên viên phòng HCTP", Hours: 12},
			{ID: "B7", Name: "Tổng hợp ý kiến", Kind: flowchart.KindParallel},
			{ID: "B8", Name: "Phê duyệt kết quả", Kind: flowchart.KindTask, Responsible: "Lãnh đạo Sở", Hours: 4, Records: []string{"Quyết định"}},
			{ID: "B9", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{
			{From: "B1", To: "B2"},
			{From: "B2", To: "B3"},
			{From: "B3", To: "B4", Label: "Đạt"},
			{From: "B3", To: "B2", Label: "Không đạt: \"bổ sung\""},
			{From: "B4", To: "Bước 5"},
			{From: "B4", To: "B6"},
			{From: "Bước 5", To: "B7"},
			{From: "B6", To: "B7"},
			{From: "B7", To: "B8"},
			{From: "B8", To: "B9"},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	tests := map[string]flowchart.Flowchart{
		"with lanes":    procedure(),
		"without lanes": withoutResponsible(procedure()),
	}
	for name, fc := range tests {
		t.Run(name, func(t *testing.T) {
			if problems := flowchart.Validate(fc, flowchart.ValidateOptions{LimitHours: 5 * 8}); len(problems) > 0 {
				t.Fatalf("fixture invalid: %v", problems)
			}
			data, err := bpmn.Export(fc, "QT02_CX_HCTP", "Quy trình cấp giấy phép")
			if err != nil {
				t.Fatal(err)
			}
			res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
			if err != nil {
				t.Fatalf("Import of our export: %v\n%s", err, data)
			}
			if !reflect.DeepEqual(res.Flowchart, fc) {
				t.Errorf("round trip changed the flowchart:\n got %+v\nwant %+v", res.Flowchart, fc)
			}
			if res.ProcessID != "QT02_CX_HCTP" || res.Name != "Quy trình cấp giấy phép" || len(res.Warnings) != 0 {
				t.Errorf("process %q %q, warnings %q", res.ProcessID, res.Name, res.Warnings)
			}
			again, err := bpmn.Export(res.Flowchart, res.ProcessID, res.Name)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("second export differs (err %v)", err)
			}
		})
	}
}

func withoutResponsible(fc flowchart.Flowchart) flowchart.Flowchart {
	steps := append([]flowchart.Step(nil), fc.Steps...)
	for i := range steps {
		steps[i].Responsible = ""
	}
	fc.Steps = steps
	return fc
}

// bpmnDoc reads back the parts of an export that modelers rely on.
type bpmnDoc struct {
	XMLName xml.Name `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL definitions"`
	Collab  struct {
		Participants []struct {
			ID         string `xml:"id,attr"`
			ProcessRef string `xml:"processRef,attr"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL participant"`
	} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL collaboration"`
	Process struct {
		ID    string `xml:"id,attr"`
		Lanes []struct {
			ID   string   `xml:"id,attr"`
			Name string   `xml:"name,attr"`
			Refs []string `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL flowNodeRef"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL laneSet>lane"`
		Starts    []node `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL startEvent"`
		Tasks     []node `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL userTask"`
		Exclusive []node `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL exclusiveGateway"`
		Parallel  []node `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL parallelGateway"`
		Ends      []node `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL endEvent"`
		Flows     []struct {
			ID     string `xml:"id,attr"`
			Name   string `xml:"name,attr"`
			Source string `xml:"sourceRef,attr"`
			Target string `xml:"targetRef,attr"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL sequenceFlow"`
	} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL process"`
	Plane struct {
		Element string `xml:"bpmnElement,attr"`
		Shapes  []struct {
			Element    string `xml:"bpmnElement,attr"`
			Horizontal string `xml:"isHorizontal,attr"`
			Bounds     bounds `xml:"http://www.omg.org/spec/DD/20100524/DC Bounds"`
			Label      *struct {
				Bounds bounds `xml:"http://www.omg.org/spec/DD/20100524/DC Bounds"`
			} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNLabel"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNShape"`
		Edges []struct {
			Element   string `xml:"bpmnElement,attr"`
			Waypoints []struct {
				X float64 `xml:"x,attr"`
				Y float64 `xml:"y,attr"`
			} `xml:"http://www.omg.org/spec/DD/20100524/DI waypoint"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNEdge"`
	} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNDiagram>BPMNPlane"`
}

type bounds struct {
	X float64 `xml:"x,attr"`
	Y float64 `xml:"y,attr"`
	W float64 `xml:"width,attr"`
	H float64 `xml:"height,attr"`
}

// onBorder reports whether (x, y) is the middle of a side of b.
func (b bounds) onBorder(x, y float64) bool {
	cx, cy := b.X+b.W/2, b.Y+b.H/2
	return (x == cx && (y == b.Y || y == b.Y+b.H)) || (y == cy && (x == b.X || x == b.X+b.W))
}

func (b bounds) contains(o bounds) bool {
	return o.X >= b.X && o.Y >= b.Y && o.X+o.W <= b.X+b.W && o.Y+o.H <= b.Y+b.H
}

type node struct {
	ID       string   `xml:"id,attr"`
	Name     string   `xml:"name,attr"`
	Incoming []string `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL incoming"`
	Outgoing []string `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL outgoing"`
}

func TestExportStructure(t *testing.T) {
	fc := procedure()
	data, err := bpmn.Export(fc, "QT02", "Quy trình")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := bpmn.Export(fc, "QT02", "Quy trình"); !bytes.Equal(again, data) {
		t.Error("Export is not deterministic")
	}
	for _, ns := range []string{
		`xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"`, `xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"`,
		`xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"`, `xmlns:di="http://www.omg.org/spec/DD/20100524/DI"`,
		`xmlns:qms="urn:isodt:qms"`,
	} {
		if !bytes.Contains(data, []byte(ns)) {
			t.Errorf("missing namespace declaration %s", ns)
		}
	}
	var doc bpmnDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("export is not well-formed: %v", err)
	}
	p := doc.Process
	if len(p.Starts) != 1 || len(p.Tasks) != 4 || len(p.Exclusive) != 1 || len(p.Parallel) != 2 || len(p.Ends) != 1 || len(p.Flows) != 10 {
		t.Errorf("elements: %d start, %d tasks, %d exclusive, %d parallel, %d end, %d flows",
			len(p.Starts), len(p.Tasks), len(p.Exclusive), len(p.Parallel), len(p.Ends), len(p.Flows))
	}
	if len(p.Exclusive) == 1 && (len(p.Exclusive[0].Outgoing) != 2 || len(p.Exclusive[0].Incoming) != 1) {
		t.Errorf("gateway refs: %+v", p.Exclusive[0])
	}
	if p.Flows[2].Name != "Đạt" || p.Flows[4].Target != "Step_5" {
		t.Errorf("flows: %+v", p.Flows)
	}
	if len(doc.Collab.Participants) != 1 || doc.Collab.Participants[0].ProcessRef != "QT02" || doc.Plane.Element != "Collaboration_1" {
		t.Errorf("pool: %+v, plane on %q", doc.Collab, doc.Plane.Element)
	}
	var lanes []string
	for _, l := range p.Lanes {
		lanes = append(lanes, l.Name)
	}
	if got := strings.Join(lanes, "|"); got != "Bộ phận một cửa|Chuyên viên phòng HCTP|Trưởng phòng|Lãnh đạo Sở|Chưa phân công" {
		t.Errorf("lanes = %s", got)
	}
	// One shape per element (pool, 5 lanes, 9 steps), one edge per flow.
	if len(doc.Plane.Shapes) != 1+5+9 || len(doc.Plane.Edges) != 10 {
		t.Errorf("%d shapes, %d edges", len(doc.Plane.Shapes), len(doc.Plane.Edges))
	}
	shapes := map[string]bounds{}
	for _, s := range doc.Plane.Shapes {
		shapes[s.Element] = s.Bounds
	}
	if s := shapes["B2"]; s.W < 100 || s.H < 56 {
		t.Errorf("task shape %+v smaller than a bpmn.io task", s)
	}
	if s := shapes["B1"]; s.W != 36 || s.H != 36 {
		t.Errorf("start event shape %+v, want 36×36", s)
	}
	for _, l := range p.Lanes {
		for _, ref := range l.Refs {
			if !shapes[l.ID].contains(shapes[ref]) {
				t.Errorf("%s %+v outside its lane %s %+v", ref, shapes[ref], l.ID, shapes[l.ID])
			}
		}
	}
	for k, e := range doc.Plane.Edges {
		flow := p.Flows[k]
		if e.Element != flow.ID || len(e.Waypoints) < 2 {
			t.Fatalf("edge %d: %+v for flow %s", k, e, flow.ID)
		}
		first, last := e.Waypoints[0], e.Waypoints[len(e.Waypoints)-1]
		if !shapes[flow.Source].onBorder(first.X, first.Y) || !shapes[flow.Target].onBorder(last.X, last.Y) {
			t.Errorf("flow %s %s→%s: waypoints %v do not touch %+v and %+v", flow.ID, flow.Source, flow.Target, e.Waypoints, shapes[flow.Source], shapes[flow.Target])
		}
	}
}

func TestExportErrors(t *testing.T) {
	bad := func(edit func(*flowchart.Flowchart)) flowchart.Flowchart {
		fc := procedure()
		fc.Steps = append([]flowchart.Step(nil), fc.Steps...)
		edit(&fc)
		return fc
	}
	tests := map[string]struct {
		fc        flowchart.Flowchart
		processID string
	}{
		"process id with a space":       {procedure(), "QT 02"},
		"process id with a digit first": {procedure(), "02"},
		"empty step id":                 {bad(func(fc *flowchart.Flowchart) { fc.Steps[0].ID = "" }), "p"},
		"duplicate ids":                 {bad(func(fc *flowchart.Flowchart) { fc.Steps[1].ID = "B1" }), "p"},
		"unknown kind":                  {bad(func(fc *flowchart.Flowchart) { fc.Steps[1].Kind = "loop" }), "p"},
		"dangling flow":                 {bad(func(fc *flowchart.Flowchart) { fc.Edges = append(fc.Edges, flowchart.Edge{From: "B9", To: "X"}) }), "p"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := bpmn.Export(tt.fc, tt.processID, "")
			if code(err) != bpmn.EInvalid || err.Error() == "" {
				t.Errorf("err = %v, want an invalid error", err)
			}
		})
	}
	if _, err := bpmn.Export(flowchart.Flowchart{}, "", ""); err != nil {
		t.Errorf("empty flowchart: %v", err)
	}
}
