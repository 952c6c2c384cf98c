package flowchart_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"isodt/qms/flowchart"
)

func TestValidate(t *testing.T) {
	forms := func(code string) bool { return strings.HasPrefix(code, "BM-QT02-0") }
	type edit func(*flowchart.Flowchart)
	setKind := func(i int, k flowchart.Kind) edit {
		return func(fc *flowchart.Flowchart) { fc.Steps[i].Kind = k }
	}
	addEdge := func(from, to, label string) edit {
		return func(fc *flowchart.Flowchart) {
			fc.Edges = append(fc.Edges, flowchart.Edge{From: from, To: to, Label: label})
		}
	}
	addStep := func(id string, k flowchart.Kind) edit {
		return func(fc *flowchart.Flowchart) {
			fc.Steps = append(fc.Steps, flowchart.Step{ID: id, Name: "Bước " + id, Kind: k})
		}
	}
	dropEdge := func(from, to string) edit {
		return func(fc *flowchart.Flowchart) {
			fc.Edges = slices.DeleteFunc(fc.Edges, func(e flowchart.Edge) bool { return e.From == from && e.To == to })
		}
	}
	tests := []struct {
		name   string
		edits  []edit
		limit  float64
		want   flowchart.Code // "" means: no problem at all
		stepID string         // where the problem must point, if anywhere
	}{
		{name: "valid, within five working days", limit: 5 * 8},
		{name: "empty id", edits: []edit{func(fc *flowchart.Flowchart) { fc.Steps[7].ID = "" }}, want: flowchart.CodeEmptyID},
		{name: "duplicate id", edits: []edit{addStep("B2", flowchart.KindTask)}, want: flowchart.CodeDuplicateID, stepID: "B2"},
		{name: "empty name", edits: []edit{func(fc *flowchart.Flowchart) { fc.Steps[1].Name = "  " }}, want: flowchart.CodeEmptyName, stepID: "B2"},
		{name: "unknown kind", edits: []edit{setKind(1, "subprocess")}, want: flowchart.CodeUnknownKind, stepID: "B2"},
		{name: "negative hours", edits: []edit{func(fc *flowchart.Flowchart) { fc.Steps[1].Hours = -2 }}, want: flowchart.CodeInvalidHours, stepID: "B2"},
		{name: "NaN hours", edits: []edit{func(fc *flowchart.Flowchart) { fc.Steps[1].Hours = math.NaN() }}, want: flowchart.CodeInvalidHours, stepID: "B2"},
		{name: "unknown form", edits: []edit{func(fc *flowchart.Flowchart) { fc.Steps[7].Forms = []string{"BM-QT09-01"} }}, want: flowchart.CodeUnknownForm, stepID: "B8"},
		{name: "edge to an unknown step", edits: []edit{addEdge("B8", "B99", "")}, want: flowchart.CodeEdgeUnknownStep},
		{name: "no start", edits: []edit{setKind(0, flowchart.KindTask)}, want: flowchart.CodeNoStart},
		{name: "two starts", edits: []edit{addStep("B0", flowchart.KindStart), addEdge("B0", "B2", "")}, want: flowchart.CodeMultipleStarts, stepID: "B0"},
		{name: "no end", edits: []edit{setKind(8, flowchart.KindTask)}, want: flowchart.CodeNoEnd},
		{name: "flow into the start", edits: []edit{setKind(7, flowchart.KindDecision), addEdge("B8", "B1", "Làm lại từ đầu")}, want: flowchart.CodeStartHasIncoming, stepID: "B1"},
		{name: "flow out of the end", edits: []edit{addEdge("B9", "B8", "")}, want: flowchart.CodeEndHasOutgoing, stepID: "B9"},
		{name: "decision with one branch", edits: []edit{dropEdge("B3", "B2")}, want: flowchart.CodeDecisionBranches, stepID: "B3"},
		{name: "decision branch without label", edits: []edit{func(fc *flowchart.Flowchart) { fc.Edges[2].Label = "" }}, want: flowchart.CodeDecisionUnlabelled, stepID: "B3"},
		{name: "parallel step that neither forks nor joins", edits: []edit{dropEdge("B4", "B6"), dropEdge("B6", "B7"), func(fc *flowchart.Flowchart) { fc.Steps = slices.Delete(fc.Steps, 5, 6) }}, want: flowchart.CodeParallelDegree, stepID: "B4"},
		{name: "parallel branches never meet", edits: []edit{dropEdge("B6", "B7"), addEdge("B6", "B9", "")}, want: flowchart.CodeParallelUnjoined, stepID: "B4"},
		{name: "task with two ways out", edits: []edit{addEdge("B2", "B8", "")}, want: flowchart.CodeAmbiguousBranch, stepID: "B2"},
		{name: "step not reachable from the start", edits: []edit{addStep("B10", flowchart.KindTask), addEdge("B10", "B9", "")}, want: flowchart.CodeUnreachable, stepID: "B10"},
		{name: "step that cannot reach an end", edits: []edit{addStep("B10", flowchart.KindTask), addEdge("B3", "B10", "Từ chối")}, want: flowchart.CodeDeadEnd, stepID: "B10"},
		{name: "loop without a decision", edits: []edit{addStep("B10", flowchart.KindTask), addEdge("B10", "B5", ""), addEdge("B5", "B10", "")}, want: flowchart.CodeLoopWithoutDecision, stepID: "B5"},
		{name: "over the legal time limit", limit: 3 * 8, want: flowchart.CodeOverTimeLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := sample()
			for _, e := range tt.edits {
				e(&fc)
			}
			problems := flowchart.Validate(fc, flowchart.ValidateOptions{LimitHours: tt.limit, FormExists: forms})
			if tt.want == "" {
				if len(problems) > 0 {
					t.Fatalf("Validate = %v, want no problem", problems)
				}
				if problems.Err() != nil {
					t.Fatal("Err() of no problems is not nil")
				}
				return
			}
			i := slices.IndexFunc(problems, func(p flowchart.Problem) bool {
				return p.Code == tt.want && (tt.stepID == "" || p.StepID == tt.stepID)
			})
			if i < 0 {
				t.Fatalf("Validate = %+v, want a %s problem at %q", problems, tt.want, tt.stepID)
			}
			p := problems[i]
			if p.Message == "" || (p.StepID != "" && !strings.Contains(p.Message, p.StepID)) {
				t.Errorf("message %q does not name step %q", p.Message, p.StepID)
			}
			if problems.Err() == nil || !strings.Contains(problems.Error(), p.Message) {
				t.Errorf("Err() = %v", problems.Err())
			}
		})
	}
}

func TestValidateMessages(t *testing.T) {
	fc := sample()
	fc.Edges[2].Label = ""
	problems := flowchart.Validate(fc, flowchart.ValidateOptions{LimitHours: 24})
	var got []string
	for _, p := range problems {
		got = append(got, string(p.Code)+": "+p.Message)
	}
	want := []string{
		"decision_unlabelled: Luồng từ bước rẽ nhánh “Hồ sơ đạt yêu cầu?” (B3) sang “Lấy ý kiến song song” (B4) chưa ghi điều kiện (nhãn).",
		"over_time_limit: Tổng thời gian theo đường dài nhất là 38 giờ, vượt thời hạn giải quyết 24 giờ (3 ngày làm việc). " +
			"Đường dài nhất: “Tiếp nhận hồ sơ” (B1) → “Thẩm định hồ sơ” (B2) → “Hồ sơ đạt yêu cầu?” (B3) → “Lấy ý kiến song song” (B4) → " +
			"“Xin ý kiến Sở Xây dựng” (B6) → “Tổng hợp ý kiến” (B7) → “Phê duyệt” (B8) → “Trả kết quả” (B9).",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if problems[0].Edge == nil || problems[0].Edge.To != "B4" {
		t.Errorf("problem does not carry its edge: %+v", problems[0])
	}
}

func TestValidateEmpty(t *testing.T) {
	problems := flowchart.Validate(flowchart.Flowchart{}, flowchart.ValidateOptions{})
	var codes []flowchart.Code
	for _, p := range problems {
		codes = append(codes, p.Code)
	}
	if want := []flowchart.Code{flowchart.CodeNoStart, flowchart.CodeNoEnd}; !slices.Equal(codes, want) {
		t.Errorf("codes = %v, want %v", codes, want)
	}
}
