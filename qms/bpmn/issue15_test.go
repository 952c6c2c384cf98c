package bpmn_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// valid fails the test when Validate finds problems in fc.
func valid(t *testing.T, fc flowchart.Flowchart) {
	t.Helper()
	if problems := flowchart.Validate(fc, flowchart.ValidateOptions{}); len(problems) != 0 {
		t.Errorf("Validate = %v", problems)
	}
}

// A rework loop rejoins through a merge: the merge is bridged, not made a
// decision with one way out; a parallel join stays a join.
func TestBPMN1MergeGatewaysBridged(t *testing.T) {
	res := mustImport(t, "merge-rework.bpmn", bpmn.ImportOptions{})
	fc := res.Flowchart
	want := []string{"start:start", "A:task", "B:task", "ok:decision", "C:task", "fork:parallel", "P1:task", "P2:task", "join:parallel", "end:end"}
	if got := kinds(fc); !slices.Equal(got, want) {
		t.Errorf("steps = %v\nwant %v", got, want)
	}
	wantEdges := []flowchart.Edge{
		{From: "start", To: "A"}, {From: "A", To: "B"}, {From: "B", To: "ok"},
		{From: "ok", To: "fork", Label: "Đạt"}, {From: "ok", To: "C", Label: "Không đạt"}, {From: "C", To: "B"},
		{From: "fork", To: "P1"}, {From: "fork", To: "P2"}, {From: "P1", To: "join"}, {From: "P2", To: "join"},
		{From: "join", To: "end"},
	}
	if !reflect.DeepEqual(flows(fc.Edges), wantEdges) {
		t.Errorf("edges = %+v\nwant %+v", fc.Edges, wantEdges)
	}
	if !warned(res, "Cổng hợp nhánh", "merge", "conv") {
		t.Errorf("bridging not reported: %q", res.Warnings)
	}
	valid(t, fc)

	// Chains of merges are followed to the end; merges that only lead
	// round to each other stay, with nowhere to go on to.
	const head = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"/><task id="t" name="T"/>`
	tests := []struct {
		name, body string
		steps      []string
		edges      []flowchart.Edge
	}{
		{"chain", `<exclusiveGateway id="m1"/><exclusiveGateway id="m2"/><endEvent id="e"/>
<sequenceFlow id="f1" name="Có" sourceRef="s" targetRef="m2"/><sequenceFlow id="f2" sourceRef="m2" targetRef="m1"/>
<sequenceFlow id="f3" sourceRef="m1" targetRef="e"/><sequenceFlow id="f4" sourceRef="t" targetRef="m1"/>`,
			[]string{"s:start", "t:task", "e:end"},
			[]flowchart.Edge{{From: "s", To: "e", Label: "Có"}, {From: "t", To: "e"}}},
		{"cycle", `<exclusiveGateway id="m1"/><exclusiveGateway id="m2"/><exclusiveGateway id="m3"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="m3"/><sequenceFlow id="f2" sourceRef="m3" targetRef="m1"/>
<sequenceFlow id="f3" sourceRef="m1" targetRef="m2"/><sequenceFlow id="f4" sourceRef="m2" targetRef="m1"/>`,
			[]string{"s:start", "t:task", "m1:decision", "m2:decision"},
			[]flowchart.Edge{{From: "s", To: "m1"}, {From: "m1", To: "m2"}, {From: "m2", To: "m1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bpmn.Import(strings.NewReader(head+tt.body+`</process></definitions>`), bpmn.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(res.Flowchart); !slices.Equal(got, tt.steps) {
				t.Errorf("steps = %v, want %v", got, tt.steps)
			}
			if !reflect.DeepEqual(flows(res.Flowchart.Edges), tt.edges) {
				t.Errorf("edges = %+v, want %+v", res.Flowchart.Edges, tt.edges)
			}
			roundTrip(t, res)
		})
	}
}

// Unnamed lanes take the parent lane's name, then the pool's; a lane id
// is never shown as a responsible, nor written back on export.
func TestBPMN2UnnamedLanes(t *testing.T) {
	res := mustImport(t, "unnamed-lanes.bpmn", bpmn.ImportOptions{})
	want := map[string]string{"start": "Bộ phận một cửa", "t1": "Bộ phận một cửa", "t2": "Phòng Tư pháp", "end": "Phòng Tư pháp"}
	for _, s := range res.Flowchart.Steps {
		if s.Responsible != want[s.ID] {
			t.Errorf("%s responsible %q, want %q", s.ID, s.Responsible, want[s.ID])
		}
	}
	if !warned(res, "Làn (lane) chưa có tên", "sid-E391B624-5D7A-4C4B-8E7B-2F0C9A1B3D4E", "lane_16") {
		t.Errorf("unnamed lanes not reported: %q", res.Warnings)
	}
	out, err := bpmn.Export(res.Flowchart, res.ProcessID, res.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sid-E391B624", "lane_16"} {
		if bytes.Contains(out, []byte(`name="`+id)) {
			t.Errorf("export names a lane %s…", id)
		}
	}
	// Nothing to fall back on: no responsible rather than an id.
	bare := mustImport(t, "lanes-gateway.bpmn", bpmn.ImportOptions{})
	for _, s := range bare.Flowchart.Steps {
		if s.Responsible != "" {
			t.Errorf("%s responsible %q, want none", s.ID, s.Responsible)
		}
	}
}

// A process without flow nodes is refused, naming it, rather than
// imported as an empty flowchart that would replace a draft.
func TestBPMN3EmptyProcessRefused(t *testing.T) {
	tests := []struct{ name, data string }{
		{"annotation only", ""},
		{"nothing", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="QT_empty" name="Quy trình trống"/></definitions>`},
		{"only a compensation task", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="QT_empty" name="Quy trình trống"><task id="u" isForCompensation="true"/></process></definitions>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.data == "" {
				_, err = importFile(t, "empty-process.bpmn", bpmn.ImportOptions{})
			} else {
				_, err = bpmn.Import(strings.NewReader(tt.data), bpmn.ImportOptions{})
			}
			if code(err) != bpmn.ENoProcess || !strings.Contains(err.Error(), "QT_empty “Quy trình trống”") || !strings.Contains(err.Error(), "không có bước nào") {
				t.Errorf("err = %v (%s), want a no_process error naming QT_empty", err, code(err))
			}
		})
	}
}

// diagramFile is a valid process followed by a diagram part holding body.
func diagramFile(body string) []byte {
	return []byte(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:di="http://www.omg.org/spec/BPMN/20100524/DI">` +
		`<process id="p"><startEvent id="s"/><endEvent id="e"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/></process>` +
		`<di:BPMNDiagram id="d">` + body + `</di:BPMNDiagram></definitions>`)
}

// The depth and element limits apply inside the diagram part too.
func TestBPMN4LimitsInsideDiagram(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want bpmn.ErrorCode
		msg  string
	}{
		{"deep", diagramFile(strings.Repeat("<x>", 300) + strings.Repeat("</x>", 300)), bpmn.ETooDeep, "quá sâu"},
		{"many", diagramFile(strings.Repeat("<x/>", bpmn.MaxImportElements)), bpmn.ETooLarge, "200000 phần tử"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bpmn.Import(bytes.NewReader(tt.data), bpmn.ImportOptions{})
			if code(err) != tt.want || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v (%s), want %s mentioning %q", err, code(err), tt.want, tt.msg)
			}
		})
	}
	// Within the limits, the diagram part is still ignored.
	if _, err := bpmn.Import(bytes.NewReader(diagramFile(strings.Repeat("<x>", 150)+strings.Repeat("</x>", 150))), bpmn.ImportOptions{}); err != nil {
		t.Errorf("a diagram within the limits: %v", err)
	}
}

// Boundary events become branches from their task: a timer's path is
// "Quá hạn", an error's is the error's name; compensation tasks are
// reported, not imported as steps.
func TestBPMN5BoundaryEvents(t *testing.T) {
	res := mustImport(t, "boundary.bpmn", bpmn.ImportOptions{})
	fc := res.Flowchart
	want := []string{"start:start", "check:task", "end:end", "report:task", "end_late:end", "minutes:task", "end_fake:end", "check_nhanh:decision"}
	if got := kinds(fc); !slices.Equal(got, want) {
		t.Errorf("steps = %v\nwant %v", got, want)
	}
	wantEdges := []flowchart.Edge{
		{From: "check", To: "check_nhanh"},
		{From: "start", To: "check"},
		{From: "check_nhanh", To: "end", Label: "Hoàn thành"},
		{From: "check_nhanh", To: "report", Label: "Quá hạn"},
		{From: "report", To: "end_late"},
		{From: "check_nhanh", To: "minutes", Label: "Hồ sơ giả mạo"},
		{From: "minutes", To: "end_fake"},
	}
	if !reflect.DeepEqual(flows(fc.Edges), wantEdges) {
		t.Errorf("edges = %+v\nwant %+v", fc.Edges, wantEdges)
	}
	for _, w := range [][]string{
		{"isForCompensation", "undo"},
		{"nhánh rẽ từ bước", "late", "fake"},
		{"không có luồng đi ra", "comp"},
	} {
		if !warned(res, w...) {
			t.Errorf("no warning with %q in\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}
	valid(t, fc)

	// One boundary path and no other way out: a labelled flow from the
	// task itself, no decision added.
	single := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">
<startEvent id="s"/><task id="t" name="Chờ"/><boundaryEvent id="b" attachedToRef="t"><timerEventDefinition/></boundaryEvent>
<endEvent id="e"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="b" targetRef="e"/></process></definitions>`
	res, err := bpmn.Import(strings.NewReader(single), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []flowchart.Edge{{From: "s", To: "t"}, {From: "t", To: "e", Label: "Quá hạn"}}; !reflect.DeepEqual(flows(res.Flowchart.Edges), want) {
		t.Errorf("edges = %+v, want %+v", res.Flowchart.Edges, want)
	}
}

// Branches without names are labelled: after an event-based gateway by
// the event waited for, the default flow "Trường hợp khác", else the
// condition's text.
func TestBPMN6BranchLabels(t *testing.T) {
	res := mustImport(t, "branch-labels.bpmn", bpmn.ImportOptions{})
	labels := map[string]string{}
	for _, e := range res.Flowchart.Edges {
		labels[e.From+"→"+e.To] = e.Label
	}
	for edge, want := range map[string]string{
		"wait→got":     "Nhận hồ sơ bổ sung",
		"wait→timeout": "Hết 15 ngày",
		"ok→process":   "${du_ho_so == true}",
		"ok→stop":      "Trường hợp khác",
	} {
		if labels[edge] != want {
			t.Errorf("label of %s = %q, want %q", edge, labels[edge], want)
		}
	}
	if !warned(res, "biểu thức điều kiện làm nhãn", "f_cond") {
		t.Errorf("condition label not reported: %q", res.Warnings)
	}
	problems := flowchart.Validate(res.Flowchart, flowchart.ValidateOptions{})
	if slices.ContainsFunc(problems, func(p flowchart.Problem) bool { return p.Code == flowchart.CodeDecisionUnlabelled }) {
		t.Errorf("Validate = %v, want no unlabelled branch", problems)
	}
}

// Unnamed gateways are named "Rẽ nhánh n" where flows part and
// "Hợp nhánh n" where they meet, never by their id.
func TestBPMN7UnnamedGateways(t *testing.T) {
	res := mustImport(t, "unnamed-gateways.bpmn", bpmn.ImportOptions{})
	want := map[string]string{"Gateway_1x2y3z4": "Rẽ nhánh 1", "Gateway_0fork99": "Rẽ nhánh 2", "Gateway_0join77": "Hợp nhánh 1"}
	for id, name := range want {
		if s, ok := flowchart.FindStep(res.Flowchart, id); !ok || s.Name != name {
			t.Errorf("%s named %q, want %q", id, s.Name, name)
		}
	}
	if !warned(res, "Cổng (gateway) chưa có tên", "Gateway_0join77 → Hợp nhánh 1") {
		t.Errorf("naming not reported: %q", res.Warnings)
	}
	valid(t, res.Flowchart)
}

// Import → export → import gives the same model, for every fixture that
// imports (the modelers' files included), and a second export is the
// same bytes.
func TestBPMNRoundTripFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.bpmn"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
			if err != nil {
				// Several pools: round-trip each one.
				var parts []bpmn.Participant
				if e, ok := err.(*bpmn.Error); ok {
					parts = e.Participants
				}
				if len(parts) == 0 {
					t.Skipf("does not import: %v", err)
				}
				for _, p := range parts {
					if res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{ParticipantID: p.ID}); err == nil {
						roundTrip(t, res)
					}
				}
				return
			}
			roundTrip(t, res)
		})
	}
}

func roundTrip(t *testing.T, res bpmn.Result) {
	t.Helper()
	out, err := bpmn.Export(res.Flowchart, res.ProcessID, res.Name)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	back, err := bpmn.Import(bytes.NewReader(out), bpmn.ImportOptions{})
	if err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	if !reflect.DeepEqual(back.Flowchart, res.Flowchart) {
		t.Errorf("round trip changed the model:\n got %+v\nwant %+v", back.Flowchart, res.Flowchart)
	}
	again, err := bpmn.Export(back.Flowchart, back.ProcessID, back.Name)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("second export differs (err %v)", err)
	}
}

// A prefix used without its declaration is named, rather than reported
// as a file without tasks.
func TestBPMN13UndeclaredPrefix(t *testing.T) {
	tests := []struct{ name, data, prefix string }{
		{"root", `<bpmn:definitions><bpmn:process id="p"><bpmn:task id="t"/></bpmn:process></bpmn:definitions>`, "bpmn"},
		{"process", `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn2:process id="p"><bpmn2:task id="t"/></bpmn2:process></bpmn:definitions>`, "bpmn2"},
		{"task", `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"/><semantic:task id="t"/></process></definitions>`, "semantic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bpmn.Import(strings.NewReader(tt.data), bpmn.ImportOptions{})
			if code(err) != bpmn.ENamespace || !strings.Contains(err.Error(), "“"+tt.prefix+"”") || !strings.Contains(err.Error(), "chưa được khai báo") {
				t.Errorf("err = %v (%s), want the undeclared prefix %q named", err, code(err), tt.prefix)
			}
		})
	}
	// An undeclared prefix deep inside another tool's extension is only
	// that tool's data: the file imports.
	ok := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="Một"><extensionElements><camunda:properties/></extensionElements></task></process></definitions>`
	if _, err := bpmn.Import(strings.NewReader(ok), bpmn.ImportOptions{}); err != nil {
		t.Errorf("extension with an undeclared prefix: %v", err)
	}
}

// One limit on steps, one on flows, one on name length, the same as the
// store's, each stated in the error.
func TestBPMN14SizeLimits(t *testing.T) {
	doc := func(body string) string {
		return `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><startEvent id="s"/>` + body + `</process></definitions>`
	}
	var steps, flows strings.Builder
	for i := 0; i < flowchart.MaxSteps; i++ {
		steps.WriteString(`<task id="t` + strconv.Itoa(i) + `" name="Bước"/>`)
	}
	flows.WriteString(`<task id="t" name="Bước"/>`)
	for i := 0; i <= flowchart.MaxEdges; i++ {
		flows.WriteString(`<sequenceFlow id="f` + strconv.Itoa(i) + `" sourceRef="s" targetRef="t"/>`)
	}
	long := strings.Repeat("ệ", flowchart.MaxNameRunes+1)
	tests := []struct{ name, data, msg string }{
		{"steps", doc(steps.String()), "Lưu đồ có 501 bước, tối đa 500 bước"},
		{"flows", doc(flows.String()), "Lưu đồ có hơn 2000 luồng, tối đa 2000 luồng"},
		{"task name", doc(`<task id="t" name="` + long + `"/>`), "Tên của bước thứ 2 (mã t) dài 501 ký tự, tối đa 500 ký tự"},
		{"lane name", doc(`<laneSet><lane id="l" name="` + long + `"><flowNodeRef>s</flowNodeRef></lane></laneSet>`), "Người/bộ phận thực hiện của bước thứ 1 (mã s) dài 501 ký tự"},
		{"flow name", doc(`<endEvent id="e"/><sequenceFlow id="f" name="` + long + `" sourceRef="s" targetRef="e"/>`), "Nhãn của luồng thứ 1 (s → e) dài 501 ký tự"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bpmn.Import(strings.NewReader(tt.data), bpmn.ImportOptions{})
			if code(err) != bpmn.ETooLarge || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v (%s), want %q", err, code(err), tt.msg)
			}
		})
	}
	// At the limits, the file imports.
	if _, err := bpmn.Import(strings.NewReader(doc(`<task id="t" name="`+long[:len(long)-len("ệ")]+`"/>`)), bpmn.ImportOptions{}); err != nil {
		t.Errorf("a name of %d characters: %v", flowchart.MaxNameRunes, err)
	}
}

// Files in the Windows code pages, ISO-8859-1 (read as windows-1252) and
// UTF-16 import; names come out in NFC, and a word hyphenated at a line
// break is joined.
func TestBPMN9EncodingsAndText(t *testing.T) {
	doc := func(decl string, name []byte) []byte {
		out := []byte(`<?xml version="1.0" encoding="` + decl + `"?>` + "\n" +
			`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="`)
		out = append(out, name...)
		return append(out, `"/></process></definitions>`...)
	}
	utf16 := func(bigEndian, bom bool, s string) []byte {
		var out []byte
		if bom {
			out = []byte{0xff, 0xfe}
			if bigEndian {
				out = []byte{0xfe, 0xff}
			}
		}
		for _, u := range utf16Units(s) {
			if bigEndian {
				out = append(out, byte(u>>8), byte(u))
			} else {
				out = append(out, byte(u), byte(u>>8))
			}
		}
		return out
	}
	utf16Doc := string(doc("UTF-16", []byte("Thẩm định")))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		// windows-1258 stores "ẩ" as â + combining hook, "ị" as i + dot below.
		{"windows-1258", doc("windows-1258", []byte("Th\xe2\xd2m \xf0i\xf2nh")), "Thẩm định"},
		{"windows-1252", doc("windows-1252", []byte("Caf\xe9 \x93Tr\x94 \x96 ok")), "Café “Tr” – ok"},
		{"ISO-8859-1 as windows-1252", doc("ISO-8859-1", []byte("\x93Caf\xe9\x94")), "“Café”"},
		{"UTF-16LE with BOM", utf16(false, true, utf16Doc), "Thẩm định"},
		{"UTF-16BE with BOM", utf16(true, true, utf16Doc), "Thẩm định"},
		{"UTF-16LE without BOM", utf16(false, false, utf16Doc), "Thẩm định"},
		{"decomposed", doc("UTF-8", []byte("Tha\u0302\u0309m \u0111i\u0323nh")), "Thẩm định"},
		{"hyphen at a line break", doc("UTF-8", []byte("Arbeits-&#10;vertrag")), "Arbeits-vertrag"},
		{"dash at a line break", doc("UTF-8", []byte("Tư pháp -&#13;&#10;hộ tịch")), "Tư pháp - hộ tịch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bpmn.Import(bytes.NewReader(tt.data), bpmn.ImportOptions{})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got := res.Flowchart.Steps[0].Name; got != tt.want {
				t.Errorf("name %q (%+q), want %q", got, got, tt.want)
			}
		})
	}
	// UTF-8 bytes declared as UTF-16: said so, not "invalid UTF-8".
	_, err := bpmn.Import(bytes.NewReader([]byte(utf16Doc)), bpmn.ImportOptions{})
	if code(err) != bpmn.EEncoding || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-8 declared UTF-16: err = %v", err)
	}
	// The same lane typed decomposed and precomposed is one responsible.
	lanes := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><laneSet>
<lane id="l1" name="` + "Bo\u0302\u0323 pha\u0323\u0302n mo\u0302\u0323t cu\u031b\u0309a" + `"><flowNodeRef>a</flowNodeRef></lane>
<lane id="l2" name="Bộ phận một cửa"><flowNodeRef>b</flowNodeRef></lane></laneSet>
<task id="a" name="A"/><task id="b" name="B"/></process></definitions>`
	res, err := bpmn.Import(strings.NewReader(lanes), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := res.Flowchart.Steps[0].Responsible, res.Flowchart.Steps[1].Responsible; a != b || a != "Bộ phận một cửa" {
		t.Errorf("responsibles %+q and %+q, want both “Bộ phận một cửa” in NFC", a, b)
	}
}

func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// Warnings a person can read: an extension repeated on every element is
// one line with a count; the collaboration's extensions are extensions;
// only message flows touching the imported pool are listed; skipped pools
// are named.
func TestBPMN12WarningsCollapsed(t *testing.T) {
	res := mustImport(t, "warnings.bpmn", bpmn.ImportOptions{})
	want := []string{
		"Bỏ qua phần mở rộng riêng của công cụ khác (http://www.signavio.com): signavioMetaData × 10, signavioDiagramMetaData.",
		"Tệp có nhiều bên tham gia (pool), chỉ nhập “Phòng Tư pháp”, bỏ qua: “Công dân”, sid-POOL-C.",
		"Bỏ qua phần tử không dùng trong lưu đồ (messageFlow): msg_mine.",
	}
	if !reflect.DeepEqual(res.Warnings, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(res.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

// Events and gateways are exported with a BPMNLabel beside the shape, so
// that bpmn-js does not draw their names across the flow leaving them;
// tasks, whose names are inside, have none. Left to right (the default)
// the label is above the symbol, top to bottom left of it; either way it
// crosses no flow and no other shape.
func TestBPMN11EventAndGatewayLabels(t *testing.T) {
	fc := procedure()
	kind := map[string]flowchart.Kind{"Step_5": flowchart.KindTask}
	for _, s := range fc.Steps {
		kind[s.ID] = s.Kind
	}
	for _, tc := range []struct {
		name string
		opts bpmn.ExportOptions
		// placed reports whether label l is where it belongs beside b.
		placed func(l, b bounds) bool
	}{
		{"horizontal", bpmn.ExportOptions{}, func(l, b bounds) bool {
			return l.Y+l.H <= b.Y && l.X < b.X+b.W/2 && b.X+b.W/2 < l.X+l.W
		}},
		{"vertical", bpmn.ExportOptions{VerticalLanes: true}, func(l, b bounds) bool {
			return l.X+l.W <= b.X && l.Y+l.H >= b.Y && l.Y <= b.Y+b.H
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := bpmn.ExportWith(fc, "QT02", "Quy trình", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var doc bpmnDoc
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			shapes := 0
			for _, sh := range doc.Plane.Shapes {
				k, ok := kind[sh.Element]
				if !ok {
					continue // pool and lanes
				}
				shapes++
				if k == flowchart.KindTask {
					if sh.Label != nil {
						t.Errorf("task %s has an external label", sh.Element)
					}
					continue
				}
				if sh.Label == nil || sh.Label.Bounds.W <= 0 || sh.Label.Bounds.H <= 0 {
					t.Errorf("%s %s has no label", k, sh.Element)
					continue
				}
				l := sh.Label.Bounds
				if !tc.placed(l, sh.Bounds) {
					t.Errorf("%s label %+v misplaced beside its shape %+v", sh.Element, l, sh.Bounds)
				}
				for _, e := range doc.Plane.Edges {
					for i := 1; i < len(e.Waypoints); i++ {
						a, b := e.Waypoints[i-1], e.Waypoints[i]
						// Flows are orthogonal: a segment is its own bounding box.
						if min(a.X, b.X) < l.X+l.W && l.X < max(a.X, b.X) && min(a.Y, b.Y) < l.Y+l.H && l.Y < max(a.Y, b.Y) {
							t.Errorf("%s label %+v crosses flow %s %v", sh.Element, l, e.Element, e.Waypoints)
						}
					}
				}
				for _, o := range doc.Plane.Shapes {
					if _, step := kind[o.Element]; step && o.Element != sh.Element && overlaps(l, o.Bounds) {
						t.Errorf("%s label %+v overlaps shape %s %+v", sh.Element, l, o.Element, o.Bounds)
					}
				}
			}
			if shapes != len(fc.Steps) {
				t.Errorf("%d step shapes, want %d", shapes, len(fc.Steps))
			}
		})
	}
}

func overlaps(a, b bounds) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// What was imported is exported back: the kind of each task, the lane
// hierarchy (lanes inside lanes, an unnamed one, one without steps) and
// the flow ids; and importing that export gives the same flowchart.
func TestBPMN11KeepsWhatWasImported(t *testing.T) {
	res := mustImport(t, "kept-on-export.bpmn", bpmn.ImportOptions{})
	fc := res.Flowchart
	wantLanes := []flowchart.Lane{
		{ID: "L_motcua", Name: "Bộ phận một cửa"},
		{ID: "L_so", Name: "Sở Tư pháp", Lanes: []flowchart.Lane{
			{ID: "L_hctp", Name: "Phòng Hành chính tư pháp", Lanes: []flowchart.Lane{
				{ID: "L_cv", Name: "Chuyên viên"}, {ID: "L_tp", Name: "Trưởng phòng"},
			}},
			{ID: "L_unnamed"},
			{ID: "L_ld", Name: "Lãnh đạo Sở"},
		}},
	}
	if !reflect.DeepEqual(fc.Lanes, wantLanes) {
		t.Errorf("lanes = %+v\nwant %+v", fc.Lanes, wantLanes)
	}
	var got []string
	for _, s := range fc.Steps {
		got = append(got, s.ID+":"+s.TaskType+":"+s.Lane+":"+s.Responsible)
	}
	want := []string{
		"start::L_motcua:Bộ phận một cửa", "receive::L_motcua:Bộ phận một cửa",
		"lookup:serviceTask:L_cv:Chuyên viên", "appraise:callActivity:L_tp:Trưởng phòng",
		"ok::L_tp:Trưởng phòng", "consult:subProcess:L_unnamed:Sở Tư pháp", "end::L_motcua:Bộ phận một cửa",
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps (id:task type:lane:responsible) =\n%q\nwant\n%q", got, want)
	}
	wantFlows := []string{"Flow_0nhan", "Flow_1tracuu", "Flow_2thamdinh", "Flow_3xet", "SequenceFlow_0dat", "SequenceFlow_0khong", "Flow_4tra"}
	var flowIDs []string
	for _, e := range fc.Edges {
		flowIDs = append(flowIDs, e.ID)
	}
	if !slices.Equal(flowIDs, wantFlows) {
		t.Errorf("flow ids = %q, want %q", flowIDs, wantFlows)
	}

	data, err := bpmn.Export(fc, res.ProcessID, res.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, el := range []string{`<bpmn:userTask id="receive"`, `<bpmn:serviceTask id="lookup"`, `<bpmn:callActivity id="appraise"`, `<bpmn:subProcess id="consult"`} {
		if !bytes.Contains(data, []byte(el)) {
			t.Errorf("export has no %s", el)
		}
	}
	var doc struct {
		Lanes []xlane `xml:"process>laneSet>lane"`
		Flows []struct {
			ID string `xml:"id,attr"`
		} `xml:"process>sequenceFlow"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if tree := laneTree(doc.Lanes); !reflect.DeepEqual(tree, wantLanes) {
		t.Errorf("exported lanes = %+v\nwant %+v", tree, wantLanes)
	}
	flowIDs = nil
	for _, f := range doc.Flows {
		flowIDs = append(flowIDs, f.ID)
	}
	if !slices.Equal(flowIDs, wantFlows) {
		t.Errorf("exported flow ids = %q, want %q", flowIDs, wantFlows)
	}
	back, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Flowchart, fc) {
		t.Errorf("import of the export:\n got %+v\nwant %+v", back.Flowchart, fc)
	}

	// A step moved to another unit since the import goes in that unit's
	// lane; one whose unit has no lane gets a lane of its own, which the
	// next import does not keep.
	edited := fc
	edited.Steps = slices.Clone(fc.Steps)
	edited.Steps[1].Responsible = "Chuyên viên" // receive, was Bộ phận một cửa
	edited.Steps[6].Responsible = "Văn thư Sở"  // end
	edited.Steps = append(edited.Steps, flowchart.Step{ID: "B8", Name: "Lưu hồ sơ", Kind: flowchart.KindTask, Responsible: "Văn thư Sở"})
	edited.Edges = append(slices.Clone(fc.Edges), flowchart.Edge{From: "consult", To: "B8"})
	data, err = bpmn.Export(edited, res.ProcessID, res.Name)
	if err != nil {
		t.Fatal(err)
	}
	back, err = bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, s := range back.Flowchart.Steps {
		got = append(got, s.ID+":"+s.Lane+":"+s.Responsible)
	}
	want = []string{"start:L_motcua:Bộ phận một cửa", "receive:L_cv:Chuyên viên", "lookup:L_cv:Chuyên viên", "appraise:L_tp:Trưởng phòng",
		"ok:L_tp:Trưởng phòng", "consult:L_unnamed:Sở Tư pháp", "end::Văn thư Sở", "B8::Văn thư Sở"}
	if !slices.Equal(got, want) || !reflect.DeepEqual(back.Flowchart.Lanes, wantLanes) {
		t.Errorf("edited steps (id:lane:responsible) =\n%q\nwant\n%q\nlanes %+v", got, want, back.Flowchart.Lanes)
	}
	if e := back.Flowchart.Edges[len(back.Flowchart.Edges)-1]; e.ID != "" {
		t.Errorf("the flow added after the import came back with id %q, want none", e.ID)
	}
}

// Kept ids that cannot be written back as they are (not an XML id, or
// the id the export gives the process) travel in our extension and come
// back unchanged.
func TestBPMN11KeepsIDsThatClash(t *testing.T) {
	src := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">
<laneSet><lane id="lane 1" name="Một cửa"><flowNodeRef>s</flowNodeRef><flowNodeRef>t</flowNodeRef></lane>
<lane id="Process_1" name="Chuyên viên"><flowNodeRef>e</flowNodeRef></lane></laneSet>
<startEvent id="s"/><serviceTask id="t" name="Tra cứu"/><endEvent id="e"/>
<sequenceFlow id="Process_1_flow" sourceRef="s" targetRef="t"/><sequenceFlow id="Definitions_1" sourceRef="t" targetRef="e"/></process></definitions>`
	res, err := bpmn.Import(strings.NewReader(src), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := bpmn.Export(res.Flowchart, "Process_1", res.Name)
	if err != nil {
		t.Fatal(err)
	}
	back, err := bpmn.Import(bytes.NewReader(out), bpmn.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Flowchart, res.Flowchart) || res.Flowchart.Lanes[0].ID != "lane 1" || res.Flowchart.Lanes[1].ID != "Process_1" {
		t.Errorf("round trip:\n got %+v\nwant %+v", back.Flowchart, res.Flowchart)
	}
}

type xlane struct {
	ID       string  `xml:"id,attr"`
	Name     string  `xml:"name,attr"`
	Children []xlane `xml:"childLaneSet>lane"`
}

func laneTree(ls []xlane) []flowchart.Lane {
	var out []flowchart.Lane
	for _, l := range ls {
		out = append(out, flowchart.Lane{ID: l.ID, Name: l.Name, Lanes: laneTree(l.Children)})
	}
	return out
}

// Pools and lanes are exported horizontal by default: lanes stacked top to
// bottom inside the pool, nested lanes inside their parent after its
// title band, and the flow running left to right (a rework loop aside).
// VerticalLanes gives the top-to-bottom drawing of the SVG.
func TestBPMN11HorizontalLanes(t *testing.T) {
	kept := mustImport(t, "kept-on-export.bpmn", bpmn.ImportOptions{})
	for _, tc := range []struct {
		name  string
		fc    flowchart.Flowchart
		loops []string // flows that go back
	}{
		{"typed in", procedure(), []string{"Flow_4"}},
		{"imported with nested lanes", kept.Flowchart, []string{"SequenceFlow_0khong"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := bpmn.Export(tc.fc, "QT02", "Quy trình")
			if err != nil {
				t.Fatal(err)
			}
			var doc bpmnDoc
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			var nested struct {
				Lanes []xlane `xml:"process>laneSet>lane"`
			}
			if err := xml.Unmarshal(data, &nested); err != nil {
				t.Fatal(err)
			}
			shapes := map[string]bounds{}
			horizontal := map[string]string{}
			for _, sh := range doc.Plane.Shapes {
				shapes[sh.Element], horizontal[sh.Element] = sh.Bounds, sh.Horizontal
			}
			pool := doc.Collab.Participants[0].ID
			if horizontal[pool] != "true" {
				t.Errorf("pool isHorizontal = %q, want true", horizontal[pool])
			}
			// checkLanes checks lanes stacked top to bottom filling parent
			// after its title band of width inset.
			var checkLanes func(ls []xlane, parent bounds, inset float64)
			checkLanes = func(ls []xlane, parent bounds, inset float64) {
				y := parent.Y
				for _, l := range ls {
					b := shapes[l.ID]
					if horizontal[l.ID] != "true" {
						t.Errorf("lane %s isHorizontal = %q, want true", l.ID, horizontal[l.ID])
					}
					if b.X != parent.X+inset || b.X+b.W != parent.X+parent.W || b.Y != y || b.H <= 0 {
						t.Errorf("lane %s %+v not stacked at y=%v in %+v after a title band of %v", l.ID, b, y, parent, inset)
					}
					y = b.Y + b.H
					checkLanes(l.Children, b, flowchart.LaneTitle)
				}
				if len(ls) > 0 && y != parent.Y+parent.H {
					t.Errorf("lanes end at y=%v, their parent %+v at %v", y, parent, parent.Y+parent.H)
				}
			}
			checkLanes(nested.Lanes, shapes[pool], 30)
			for _, e := range doc.Plane.Edges {
				first, last := e.Waypoints[0], e.Waypoints[len(e.Waypoints)-1]
				if !slices.Contains(tc.loops, e.Element) && last.X <= first.X {
					t.Errorf("flow %s runs from x=%v to x=%v, not left to right", e.Element, first.X, last.X)
				}
			}

			data, err = bpmn.ExportWith(tc.fc, "QT02", "Quy trình", bpmn.ExportOptions{VerticalLanes: true})
			if err != nil {
				t.Fatal(err)
			}
			doc = bpmnDoc{}
			if err := xml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			for _, sh := range doc.Plane.Shapes {
				if _, lane := horizontal[sh.Element]; lane && sh.Horizontal != "" && sh.Horizontal != "false" {
					t.Errorf("vertical export: %s isHorizontal = %q", sh.Element, sh.Horizontal)
				}
			}
		})
	}
}

// Files that declare XML entities (XXE, "billion laughs") or use an
// undefined one are refused in Vietnamese, naming what is wrong, with no
// text of the parser's own language.
func TestBPMNEntitiesRefusedInVietnamese(t *testing.T) {
	head := `<?xml version="1.0"?>`
	root := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="&x;"/></process></definitions>`
	cases := []struct{ name, doc, want string }{
		{"xxe", head + `<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + root, "thực thể XML (<!ENTITY"},
		{"billion laughs", head + `<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY x "&a;&a;&a;&a;">]>` + root, "thực thể XML (<!ENTITY"},
		{"undefined entity", head + root, "thực thể XML không được định nghĩa (&x;)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := bpmn.Import(strings.NewReader(c.doc), bpmn.ImportOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "invalid character") {
				t.Errorf("Import = %v, want a Vietnamese message containing %q", err, c.want)
			}
		})
	}
}
