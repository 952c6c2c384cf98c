package flowchart_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"isodt/qms/flowchart"
)

// sample is a typical internal procedure: reception, review with a rework
// loop back from the decision, two consultations side by side, approval.
// Its longest path is 4+16+2+12+4 = 38 hours.
func sample() flowchart.Flowchart {
	return flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "B1", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa", Hours: 4, Forms: []string{"BM-QT02-01"}, Records: []string{"Giấy tiếp nhận hồ sơ và hẹn trả kết quả"}},
			{ID: "B2", Name: "Thẩm định hồ sơ", Kind: flowchart.KindTask, Responsible: "Chuyên viên", Hours: 16, Forms: []string{"BM-QT02-02"}},
			{ID: "B3", Name: "Hồ sơ đạt yêu cầu?", Kind: flowchart.KindDecision, Responsible: "Trưởng phòng", Hours: 2},
			{ID: "B4", Name: "Lấy ý kiến song song", Kind: flowchart.KindParallel},
			{ID: "B5", Name: "Xin ý kiến Sở Tài chính", Kind: flowchart.KindTask, Responsible: "Chuyên viên", Hours: 8},
			{ID: "B6", Name: "Xin ý kiến Sở Xây dựng", Kind: flowchart.KindTask, Responsible: "Chuyên viên", Hours: 12},
			{ID: "B7", Name: "Tổng hợp ý kiến", Kind: flowchart.KindParallel},
			{ID: "B8", Name: "Phê duyệt", Kind: flowchart.KindTask, Responsible: "Lãnh đạo Sở", Hours: 4, Records: []string{"Quyết định phê duyệt"}},
			{ID: "B9", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{
			{From: "B1", To: "B2"},
			{From: "B2", To: "B3"},
			{From: "B3", To: "B4", Label: "Đạt"},
			{From: "B3", To: "B2", Label: "Không đạt, bổ sung"},
			{From: "B4", To: "B5"},
			{From: "B4", To: "B6"},
			{From: "B5", To: "B7"},
			{From: "B6", To: "B7"},
			{From: "B7", To: "B8"},
			{From: "B8", To: "B9"},
		},
	}
}

func TestStartSuccessors(t *testing.T) {
	fc := sample()
	start, ok := flowchart.Start(fc)
	if !ok || start.ID != "B1" {
		t.Fatalf("Start = %v, %v; want B1", start.ID, ok)
	}
	if _, ok := flowchart.Start(flowchart.Flowchart{}); ok {
		t.Error("Start of an empty flowchart reported a step")
	}
	got := flowchart.Successors(fc, "B3")
	want := []flowchart.Edge{{From: "B3", To: "B4", Label: "Đạt"}, {From: "B3", To: "B2", Label: "Không đạt, bổ sung"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Successors(B3) = %v, want %v", got, want)
	}
	if got := flowchart.Predecessors(fc, "B7"); len(got) != 2 {
		t.Errorf("Predecessors(B7) = %v, want two flows", got)
	}
	if s, ok := flowchart.FindStep(fc, "B8"); !ok || s.Name != "Phê duyệt" {
		t.Errorf("FindStep(B8) = %v, %v", s, ok)
	}
}

func TestJSONShape(t *testing.T) {
	fc := flowchart.Flowchart{
		Steps: []flowchart.Step{{ID: "B1", Name: "Tiếp nhận", Kind: flowchart.KindStart, Hours: 1.5, Forms: []string{"BM-01"}}},
		Edges: []flowchart.Edge{{From: "B1", To: "B2", Label: "Đạt"}},
	}
	data, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"steps":[{"id":"B1","name":"Tiếp nhận","kind":"start","minutes":90,"hours":1.5,"forms":["BM-01"]}],"edges":[{"from":"B1","to":"B2","label":"Đạt"}]}`
	if string(data) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", data, want)
	}
	var back flowchart.Flowchart
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, fc) {
		t.Errorf("JSON round trip = %+v, %v", back, err)
	}
}

func TestCriticalPath(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*flowchart.Flowchart)
		hours float64
		path  []string
	}{
		{"rework loop counted once, longest branch of the fork", nil, 38,
			[]string{"B1", "B2", "B3", "B4", "B6", "B7", "B8", "B9"}},
		{"other branch longer", func(fc *flowchart.Flowchart) { fc.Steps[4].Hours = 20 }, 46,
			[]string{"B1", "B2", "B3", "B4", "B5", "B7", "B8", "B9"}},
		{"loop from the end of the chart back to the start task", func(fc *flowchart.Flowchart) {
			fc.Steps[7].Kind = flowchart.KindDecision
			fc.Edges = append(fc.Edges, flowchart.Edge{From: "B8", To: "B2", Label: "Làm lại"})
		}, 38, []string{"B1", "B2", "B3", "B4", "B6", "B7", "B8", "B9"}},
		{"negative hours count as zero", func(fc *flowchart.Flowchart) { fc.Steps[1].Hours = -100 }, 22,
			[]string{"B1", "B2", "B3", "B4", "B6", "B7", "B8", "B9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := sample()
			if tt.edit != nil {
				tt.edit(&fc)
			}
			hours, path := flowchart.CriticalPath(fc)
			if hours != tt.hours || !reflect.DeepEqual(path, tt.path) {
				t.Errorf("CriticalPath = %v %v, want %v %v", hours, path, tt.hours, tt.path)
			}
			if got := flowchart.LongestPathHours(fc); got != tt.hours {
				t.Errorf("LongestPathHours = %v, want %v", got, tt.hours)
			}
		})
	}
	if h, p := flowchart.CriticalPath(flowchart.Flowchart{}); h != 0 || p != nil {
		t.Errorf("CriticalPath(empty) = %v %v", h, p)
	}
}

func TestBackEdges(t *testing.T) {
	got := flowchart.BackEdges(sample())
	want := []flowchart.Edge{{From: "B3", To: "B2", Label: "Không đạt, bổ sung"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BackEdges = %v, want %v", got, want)
	}
}

// TestProduct2FormatHours: working time has at most two decimals, trailing
// zeros dropped, a decimal comma in Vietnamese and a dot otherwise.
func TestProduct2FormatHours(t *testing.T) {
	part, more := 2.2, 0.2
	cases := []struct {
		h      float64
		vi, en string
	}{
		{part + more, "2,4", "2.4"},
		{16, "16", "16"},
		{0, "0", "0"},
		{0.5, "0,5", "0.5"},
		{1.0 / 3, "0,33", "0.33"},
		{2.999, "3", "3"},
		{1.005, "1", "1"},
		{-0.001, "0", "0"},
	}
	for _, c := range cases {
		if got := flowchart.FormatHours(c.h, "vi"); got != c.vi {
			t.Errorf("FormatHours(%v, vi) = %q, want %q", c.h, got, c.vi)
		}
		if got := flowchart.FormatHours(c.h, "en"); got != c.en {
			t.Errorf("FormatHours(%v, en) = %q, want %q", c.h, got, c.en)
		}
	}
}

// TestProduct2StoredInMinutes: a step's time is stored as whole minutes
// (with "hours" kept for readers of the public field), and flowcharts
// stored with hours only, or API input in hours, are read to the minute.
func TestProduct2StoredInMinutes(t *testing.T) {
	part, more := 2.2, 0.2
	b, err := json.Marshal(flowchart.Step{ID: "a", Kind: flowchart.KindTask, Hours: part + more})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"minutes":144`) || !strings.Contains(s, `"hours":2.4}`) {
		t.Fatalf("stored as %s", s)
	}
	cases := []struct {
		in   string
		want float64
	}{
		{`{"id":"a","kind":"task","hours":2.4000000000000004}`, 2.4},
		{`{"id":"a","kind":"task","hours":0.3333}`, 20.0 / 60},
		{`{"id":"a","kind":"task","minutes":90}`, 1.5},
		{`{"id":"a","kind":"task","minutes":90,"hours":7}`, 1.5},
		{`{"id":"a","kind":"task"}`, 0},
	}
	for _, c := range cases {
		var s flowchart.Step
		if err := json.Unmarshal([]byte(c.in), &s); err != nil {
			t.Fatal(err)
		}
		if s.Hours != c.want || s.ID != "a" || s.Kind != flowchart.KindTask {
			t.Errorf("%s read as %+v, want %v hours", c.in, s, c.want)
		}
	}
}

// What a BPMN import keeps for the export (task kinds, the lane
// hierarchy, flow ids) is stored with the flowchart's JSON, and a
// flowchart stored before, without those fields, loads as it was.
func TestBPMN11StoredWithTheFlowchart(t *testing.T) {
	fc := flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Bắt đầu", Kind: flowchart.KindStart, Responsible: "Một cửa", Lane: "L1"},
			{ID: "t", Name: "Tra cứu", Kind: flowchart.KindTask, Responsible: "Chuyên viên", TaskType: "serviceTask", Lane: "L2", Hours: 1},
		},
		Edges: []flowchart.Edge{{ID: "Flow_0a", From: "s", To: "t"}},
		Lanes: []flowchart.Lane{{ID: "L1", Name: "Một cửa"}, {ID: "L0", Name: "Sở", Lanes: []flowchart.Lane{{ID: "L2", Name: "Chuyên viên"}}}},
	}
	b, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"task_type":"serviceTask"`, `"lane":"L2"`, `"id":"Flow_0a"`, `"lanes":[{"id":"L2","name":"Chuyên viên"}]`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("stored JSON has no %s:\n%s", field, b)
		}
	}
	var back flowchart.Flowchart
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, fc) {
		t.Errorf("reloaded %+v (err %v), want %+v", back, err, fc)
	}

	old := `{"steps":[{"id":"s","name":"Bắt đầu","kind":"start","minutes":0},{"id":"t","name":"Tra cứu","kind":"task","responsible":"Chuyên viên","minutes":60}],"edges":[{"from":"s","to":"t"}]}`
	var loaded flowchart.Flowchart
	if err := json.Unmarshal([]byte(old), &loaded); err != nil {
		t.Fatal(err)
	}
	want := flowchart.Flowchart{
		Steps: []flowchart.Step{{ID: "s", Name: "Bắt đầu", Kind: flowchart.KindStart}, {ID: "t", Name: "Tra cứu", Kind: flowchart.KindTask, Responsible: "Chuyên viên", Hours: 1}},
		Edges: []flowchart.Edge{{From: "s", To: "t"}},
	}
	if !reflect.DeepEqual(loaded, want) {
		t.Errorf("old flowchart loaded as %+v, want %+v", loaded, want)
	}
	if again, _ := json.Marshal(loaded); strings.Contains(string(again), "lane") || strings.Contains(string(again), "task_type") || strings.Contains(string(again), `"id":""`) {
		t.Errorf("an old flowchart gains fields when stored again: %s", again)
	}
}

// Kept lanes are bounded like steps, and their nesting too, so that an
// export always imports again; each limit is stated.
func TestBPMN11LaneLimits(t *testing.T) {
	deep := flowchart.Flowchart{}
	lanes := &deep.Lanes
	for i := range flowchart.MaxLaneDepth + 1 {
		*lanes = []flowchart.Lane{{ID: "L" + strings.Repeat("x", i)}}
		lanes = &(*lanes)[0].Lanes
	}
	many := flowchart.Flowchart{Lanes: make([]flowchart.Lane, flowchart.MaxSteps+1)}
	long := flowchart.Flowchart{Lanes: []flowchart.Lane{{ID: "L", Name: strings.Repeat("a", flowchart.MaxNameRunes+1)}}}
	for name, tc := range map[string]struct {
		fc   flowchart.Flowchart
		want string
	}{
		"deep": {deep, "quá 20 cấp"},
		"many": {many, "501 làn, tối đa 500 làn"},
		"long": {long, "dài quá 500 ký tự"},
	} {
		if p := flowchart.CheckSize(tc.fc); p == nil || !strings.Contains(p.Message, tc.want) {
			t.Errorf("%s: %v, want a problem saying %q", name, p, tc.want)
		}
	}
	if p := flowchart.CheckSize(flowchart.Flowchart{Lanes: deep.Lanes[0].Lanes}); p != nil {
		t.Errorf("lanes %d deep refused: %s", flowchart.MaxLaneDepth, p.Message)
	}
}
