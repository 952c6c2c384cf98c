package bpmn_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

func importFile(t *testing.T, name string, opts bpmn.ImportOptions) (bpmn.Result, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return bpmn.Import(f, opts)
}

func mustImport(t *testing.T, name string, opts bpmn.ImportOptions) bpmn.Result {
	t.Helper()
	res, err := importFile(t, name, opts)
	if err != nil {
		t.Fatalf("Import(%s): %v", name, err)
	}
	return res
}

// kinds summarises a flowchart as "id:kind" in step order.
func kinds(fc flowchart.Flowchart) []string {
	var out []string
	for _, s := range fc.Steps {
		out = append(out, s.ID+":"+string(s.Kind))
	}
	return out
}

// warned reports whether some warning contains all the fragments.
func warned(res bpmn.Result, fragments ...string) bool {
	return slices.ContainsFunc(res.Warnings, func(w string) bool {
		for _, f := range fragments {
			if !strings.Contains(w, f) {
				return false
			}
		}
		return true
	})
}

func TestImportLanesGateway(t *testing.T) {
	res := mustImport(t, "lanes-gateway.bpmn", bpmn.ImportOptions{})
	fc := res.Flowchart
	want := []string{
		"StartEvent_1:start", "Task_1b6t3j8:task", "ExclusiveGateway_10cec0a:decision", "Task_08pns8h:task",
		"Task_0511uak:task", "EndEvent_0c9irey:end", "Task_0s70clu:task", "Task_0uun3ot:task", "EndEvent_0uru64y:end",
	}
	if got := kinds(fc); !slices.Equal(got, want) {
		t.Errorf("steps = %v\nwant %v", got, want)
	}
	if len(fc.Edges) != 8 {
		t.Errorf("%d edges, want 8", len(fc.Edges))
	}
	for _, s := range fc.Steps {
		// Both lanes, the pool and the process are unnamed: no one to
		// name, and never the lane's generated id.
		if s.Responsible != "" {
			t.Errorf("%s responsible %q, want none", s.ID, s.Responsible)
		}
	}
	// An unnamed task gets a name a person can read, never its id.
	if s, _ := flowchart.FindStep(fc, "Task_1b6t3j8"); !strings.HasPrefix(s.Name, "Bước ") {
		t.Errorf("unnamed task named %q, want “Bước n”", s.Name)
	}
	if s, _ := flowchart.FindStep(fc, "StartEvent_1"); s.Name != "Bắt đầu" {
		t.Errorf("unnamed start event named %q", s.Name)
	}
	if res.ProcessID != "Process_1" || len(res.Participants) != 1 || res.Participants[0].Tasks != 5 {
		t.Errorf("process %q, participants %+v", res.ProcessID, res.Participants)
	}
	for _, w := range [][]string{
		{"chưa có tên", "Task_1b6t3j8"},
		{"Cổng (gateway) chưa có tên", "ExclusiveGateway_10cec0a → Rẽ nhánh 1"},
		{"dataObjectReference", "DataObjectReference_0sy638s"},
		{"dataStoreReference"},
		{"textAnnotation"},
		{"association"},
		{"Làn", "Lane_0zfeh45"},
	} {
		if !warned(res, w...) {
			t.Errorf("no warning with %q in %q", w, res.Warnings)
		}
	}
	// Two end events and a decision with unlabelled branches: the
	// validator, not the importer, reports the labels.
	problems := flowchart.Validate(fc, flowchart.ValidateOptions{})
	if !slices.ContainsFunc(problems, func(p flowchart.Problem) bool { return p.Code == flowchart.CodeDecisionUnlabelled }) {
		t.Errorf("Validate = %v, want unlabelled branches", problems)
	}
}

func TestImportConditionsBPMN2Prefix(t *testing.T) {
	res := mustImport(t, "conditions-bpmn2-prefix.bpmn", bpmn.ImportOptions{})
	want := []string{"ServiceTask_1:task", "Task_2:task", "ExclusiveGateway_1:decision", "EndEvent_1:end", "Task_1:task"}
	if got := kinds(res.Flowchart); !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	wantEdges := []flowchart.Edge{
		{From: "ServiceTask_1", To: "EndEvent_1", Label: "conditional"},
		{From: "ExclusiveGateway_1", To: "ServiceTask_1", Label: "default"},
		{From: "ExclusiveGateway_1", To: "Task_2", Label: "${foo < bar}"},
		{From: "ServiceTask_1", To: "Task_2"},
	}
	if !reflect.DeepEqual(flows(res.Flowchart.Edges), wantEdges) {
		t.Errorf("edges = %+v\nwant %+v", res.Flowchart.Edges, wantEdges)
	}
	if !warned(res, "conditionExpression", "SequenceFlow_3") || !warned(res, "lấy biểu thức điều kiện làm nhãn", "SequenceFlow_2") {
		t.Errorf("conditions not reported: %q", res.Warnings)
	}
	if res.Participants != nil {
		t.Errorf("participants of a bare process: %+v", res.Participants)
	}
}

func TestImportKitchenSink(t *testing.T) {
	res := mustImport(t, "kitchen-sink.bpmn", bpmn.ImportOptions{})
	if res.ProcessID != "Process_0k3ryf8" || res.Name != "Participant" {
		t.Errorf("imported %q %q, want the only pool with tasks", res.ProcessID, res.Name)
	}
	wantParts := []bpmn.Participant{
		{ID: "Participant_1pudv9f", Name: "Participant", ProcessRef: "Process_0k3ryf8", Tasks: 22, Steps: 47},
		{ID: "Participant_0tuweou", Name: "Participant"},
	}
	if !reflect.DeepEqual(res.Participants, wantParts) {
		t.Errorf("participants = %+v", res.Participants)
	}
	fc := res.Flowchart
	count := map[flowchart.Kind]int{}
	for _, s := range fc.Steps {
		count[s.Kind]++
	}
	// 21 activities (a compensation task is left out) + 10 intermediate
	// events kept as tasks; 4 start and 6 end events; 6 gateways, none
	// parallel, and a merge with one way out bridged. Event sub-processes
	// and boundary events without flows are skipped.
	wantCount := map[flowchart.Kind]int{flowchart.KindTask: 31, flowchart.KindStart: 4, flowchart.KindEnd: 6, flowchart.KindDecision: 6}
	if !reflect.DeepEqual(count, wantCount) {
		t.Errorf("kinds = %v, want %v", count, wantCount)
	}
	if len(fc.Edges) != 2 {
		t.Errorf("%d edges, want 2", len(fc.Edges))
	}
	if s, _ := flowchart.FindStep(fc, "Activity_0hcpwc9"); s.Responsible != "Lane" {
		t.Errorf("Activity_0hcpwc9 responsible %q, want lane name", s.Responsible)
	}
	if _, ok := flowchart.FindStep(fc, "Event_1l5ozbh"); ok {
		t.Error("imported a start event from inside an event sub-process")
	}
	for _, w := range [][]string{
		{"event sub-process", "Activity_088fmm5", "Activity_1fi82ot"},
		{"boundaryEvent", "Event_11fzkjc", "và 4 phần tử khác"},
		{"inclusive/eventBased/complex", "Gateway_0lwqw3q"},
		{"Sự kiện trung gian", "Event_1vk962b"},
		{"Quy trình con", "Activity_0djfr8f"},
		{"dataObject", "DataObject_00ce2uh"},
		{"dataStoreReference"}, {"textAnnotation"}, {"association"},
		{"http://camunda.org/schema/zeebe/1.0", "calledElement"},
		{"messageFlow"}, {"group", "Group_0306c6g"},
		{"nhiều bên tham gia", "Participant_0tuweou"},
	} {
		if !warned(res, w...) {
			t.Errorf("no warning with %q in\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}

	// The same pool chosen explicitly, by pool or by process id.
	for _, id := range []string{"Participant_1pudv9f", "Process_0k3ryf8"} {
		again := mustImport(t, "kitchen-sink.bpmn", bpmn.ImportOptions{ParticipantID: id})
		if !reflect.DeepEqual(again.Flowchart, fc) {
			t.Errorf("choosing %s gave another flowchart", id)
		}
	}
	// A pool without a process, and an unknown id: errors naming the choice.
	for _, id := range []string{"Participant_0tuweou", "Pool_X"} {
		_, err := importFile(t, "kitchen-sink.bpmn", bpmn.ImportOptions{ParticipantID: id})
		if code(err) != bpmn.EParticipant || !strings.Contains(err.Error(), id) || !strings.Contains(err.Error(), "Participant_1pudv9f") {
			t.Errorf("ParticipantID %s: err = %v", id, err)
		}
	}
}

func TestImportTwoPools(t *testing.T) {
	_, err := importFile(t, "two-pools.bpmn", bpmn.ImportOptions{})
	if code(err) != bpmn.EParticipant {
		t.Fatalf("err = %v, want a participant error", err)
	}
	for _, frag := range []string{"Pool_So “Sở Tư pháp” (1 bước công việc", "Pool_Huyen “UBND huyện”"} {
		if !strings.Contains(err.Error(), frag) {
			t.Errorf("error %q does not list %q", err, frag)
		}
	}
	if strings.Contains(err.Error(), "Pool_Dan") {
		t.Errorf("error %q lists a pool without a process", err)
	}
	res := mustImport(t, "two-pools.bpmn", bpmn.ImportOptions{ParticipantID: "Pool_Huyen"})
	if res.ProcessID != "Proc_Huyen" || res.Name != "UBND huyện" || len(res.Flowchart.Steps) != 3 {
		t.Errorf("imported %q %q %v", res.ProcessID, res.Name, kinds(res.Flowchart))
	}
	// Skipped pools by name; a message flow between two other pools is
	// none of this flowchart's business.
	if !warned(res, "nhiều bên tham gia", "“Sở Tư pháp”", "“Công dân”") || warned(res, "messageFlow") {
		t.Errorf("warnings = %q", res.Warnings)
	}
}

func TestImportDefaultNamespace(t *testing.T) {
	res := mustImport(t, "default-namespace.bpmn", bpmn.ImportOptions{})
	if got, want := kinds(res.Flowchart), []string{"s:start", "t1:task", "g:decision", "t2:task", "e:end"}; !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if res.ProcessID != "QT02" || res.Name != "Cấp giấy phép xây dựng" || len(res.Warnings) != 0 {
		t.Errorf("process %q %q, warnings %q", res.ProcessID, res.Name, res.Warnings)
	}
	// The default flow has no name: it is labelled as the default, and
	// the flowchart is valid.
	if problems := flowchart.Validate(res.Flowchart, flowchart.ValidateOptions{}); len(problems) != 0 {
		t.Errorf("Validate = %+v", problems)
	}
}

func TestImportSignavio(t *testing.T) {
	res := mustImport(t, "signavio-semantic.bpmn", bpmn.ImportOptions{})
	if res.Name != "Chứng thực bản sao từ bản chính" {
		t.Errorf("name %q: line break not folded", res.Name)
	}
	want := []flowchart.Step{
		{ID: "sid-start", Name: "Nhận yêu cầu chứng thực", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa", Lane: "sid-lane-motcua"},
		{ID: "sid-receive", Name: "Kiểm tra giấy tờ", Kind: flowchart.KindTask, Responsible: "Bộ phận một cửa", TaskType: "task", Lane: "sid-lane-motcua"},
		{ID: "sid-check", Name: "Đối chiếu bản sao với bản chính", Kind: flowchart.KindTask, Responsible: "Công chức tư pháp - hộ tịch", TaskType: "task", Lane: "sid-lane-tuphap"},
		{ID: "sid-wait", Name: "Chờ lãnh đạo", Kind: flowchart.KindTask, Responsible: "Công chức tư pháp - hộ tịch", Lane: "sid-lane-tuphap"},
		{ID: "sid-sign", Name: "Ký chứng thực", Kind: flowchart.KindTask, Responsible: "UBND xã", Lane: "sid-lane-ubnd"},
		{ID: "sid-end", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa", Lane: "sid-lane-motcua"},
	}
	if !reflect.DeepEqual(res.Flowchart.Steps, want) {
		t.Errorf("steps =\n%+v\nwant\n%+v", res.Flowchart.Steps, want)
	}
	if len(res.Flowchart.Edges) != 5 || res.Flowchart.Edges[1].Label != "Đủ giấy tờ" {
		t.Errorf("edges = %+v", res.Flowchart.Edges)
	}
	for _, w := range [][]string{
		{"http://www.signavio.com", "signavioMetaData", "color", "signavioDiagramMetaData"},
		{"Sự kiện trung gian", "sid-wait"},
		{"không nhập được", "sid-f6 (sid-note → sid-end)"},
		{"dataObject", "sid-data"}, {"textAnnotation", "sid-note"}, {"association", "sid-assoc"},
	} {
		if !warned(res, w...) {
			t.Errorf("no warning with %q in\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}
	if problems := flowchart.Validate(res.Flowchart, flowchart.ValidateOptions{}); len(problems) != 0 {
		t.Errorf("Validate = %v", problems)
	}
}

func TestImportParallel(t *testing.T) {
	res := mustImport(t, "parallel.bpmn", bpmn.ImportOptions{})
	want := []string{"start:start", "fork:parallel", "a:task", "b:task", "join:parallel", "approve:task", "end:end"}
	if got := kinds(res.Flowchart); !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q", res.Warnings)
	}
	if problems := flowchart.Validate(res.Flowchart, flowchart.ValidateOptions{}); len(problems) != 0 {
		t.Errorf("Validate = %v", problems)
	}
}

func code(err error) bpmn.ErrorCode {
	var e *bpmn.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestImportErrors(t *testing.T) {
	file := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var manyTasks strings.Builder
	manyTasks.WriteString(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">`)
	for i := 0; i <= bpmn.MaxImportNodes; i++ {
		manyTasks.WriteString(`<task id="t` + strconv.Itoa(i) + `"/>`)
	}
	manyTasks.WriteString(`</process></definitions>`)
	tests := []struct {
		name string
		data []byte
		want bpmn.ErrorCode
		msg  string
	}{
		{"text file", file("not-xml.txt"), bpmn.ENotXML, "không phải XML"},
		{"empty", nil, bpmn.ENotXML, "rỗng"},
		{"JSON", []byte(`{"steps": []}`), bpmn.ENotXML, "không phải XML"},
		{"truncated", []byte(`<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">`), bpmn.ENotXML, "không phải XML hợp lệ"},
		{"XML, not BPMN", file("not-bpmn.xml"), bpmn.ENotBPMN, "<project>"},
		{"definitions in another namespace", []byte(`<definitions xmlns="http://www.omg.org/spec/DD/20100524/DI"><process id="p"/></definitions>`), bpmn.ENotBPMN, "không phải BPMN"},
		{"definitions without namespace", []byte(`<definitions><process id="p"/></definitions>`), bpmn.ENotBPMN, "không có"},
		{"no process", file("no-process.bpmn"), bpmn.ENoProcess, "không có quy trình"},
		{"unsupported encoding", []byte(`<?xml version="1.0" encoding="Shift_JIS"?><definitions/>`), bpmn.EEncoding, "Shift_JIS"},
		{"too many bytes", bytes.Repeat([]byte(" "), bpmn.MaxImportBytes+1), bpmn.ETooLarge, "10 MiB"},
		{"too many steps", []byte(manyTasks.String()), bpmn.ETooLarge, "tối đa " + strconv.Itoa(bpmn.MaxImportNodes) + " bước"},
		{"too deep", []byte(strings.Repeat("<a>", 500) + strings.Repeat("</a>", 500)), bpmn.ETooDeep, "quá sâu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bpmn.Import(bytes.NewReader(tt.data), bpmn.ImportOptions{})
			if code(err) != tt.want || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v (%s), want %s mentioning %q", err, code(err), tt.want, tt.msg)
			}
		})
	}
}

func TestImportBOM(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="Tiếp nhận"/></process></definitions>`...)
	res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
	if err != nil || len(res.Flowchart.Steps) != 1 {
		t.Errorf("Import with a byte order mark = %+v, %v", res.Flowchart, err)
	}
}

func TestImportLatin1(t *testing.T) {
	data := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" +
		`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="Caf` + "\xe9" + `"/></process></definitions>`)
	res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{})
	if err != nil || res.Flowchart.Steps[0].Name != "Café" {
		t.Errorf("Import = %+v, %v", res.Flowchart, err)
	}
}

// Broken or hand-edited files: missing and duplicate ids, a qms step id
// that collides, bad hours. Import keeps going and says what it changed.
func TestImportOddIDs(t *testing.T) {
	data := `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:qms="urn:isodt:qms">
  <process id="p">
    <startEvent id="s" name="Bắt đầu"/>
    <task name="Không có mã"/>
    <task id="t" name="Một"/>
    <task id="t" name="Trùng mã"/>
    <task id="u" name="Hai"><extensionElements><qms:step stepId="t" hours="NaN"/></extensionElements></task>
    <endEvent id="e" name="Hết"><extensionElements><qms:step hours="-2"/></extensionElements></endEvent>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <sequenceFlow id="f2" sourceRef="t" targetRef="u"/>
    <sequenceFlow id="f3" sourceRef="u" targetRef="e"/>
    <sequenceFlow id="f4" sourceRef="u" targetRef="missing"/>
  </process>
</definitions>`
	res, err := bpmn.Import(strings.NewReader(data), bpmn.ImportOptions{ParticipantID: "p"})
	if err != nil {
		t.Fatal(err)
	}
	fc := res.Flowchart
	if got, want := kinds(fc), []string{"s:start", "_qms_task_2:task", "t:task", "u:task", "e:end"}; !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if fc.Steps[3].Hours != 0 || fc.Steps[4].Hours != -2 {
		t.Errorf("hours = %v, %v; want 0 (NaN refused) and -2 (kept for Validate)", fc.Steps[3].Hours, fc.Steps[4].Hours)
	}
	wantEdges := []flowchart.Edge{{From: "s", To: "t"}, {From: "t", To: "u"}, {From: "u", To: "e"}}
	if !reflect.DeepEqual(flows(fc.Edges), wantEdges) {
		t.Errorf("edges = %+v", fc.Edges)
	}
	for _, w := range [][]string{
		{"không có mã", "task → _qms_task_2"},
		{"trùng mã", "t"},
		{"Mã bước bị trùng", "t → u"},
		{"Thời gian", "u"},
		{"không nhập được", "f4 (u → missing)"},
	} {
		if !warned(res, w...) {
			t.Errorf("no warning with %q in\n%s", w, strings.Join(res.Warnings, "\n"))
		}
	}
}

// flows drops the flow ids, which TestBPMN11KeepsWhatWasImported checks,
// from edges compared by their ends and labels.
func flows(es []flowchart.Edge) []flowchart.Edge {
	out := slices.Clone(es)
	for i := range out {
		out[i].ID = ""
	}
	return out
}
