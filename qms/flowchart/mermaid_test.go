package flowchart_test

import (
	"testing"

	"isodt/qms/flowchart"
)

func TestMermaid(t *testing.T) {
	fc := flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "start", Name: "Tiếp nhận", Kind: flowchart.KindStart},
			{ID: "check", Name: `Hồ sơ "đủ"?`, Kind: flowchart.KindDecision},
			{ID: "fork", Name: "Lấy ý kiến", Kind: flowchart.KindParallel},
			{ID: "a", Name: "Sở Tài chính\ncho ý kiến", Kind: flowchart.KindTask},
			{ID: "b", Name: "Sở Xây dựng #2", Kind: flowchart.KindTask},
			{ID: "join", Name: "Tổng hợp", Kind: flowchart.KindParallel},
			{ID: "end", Name: "Trả kết quả", Kind: flowchart.KindEnd},
		},
		Edges: []flowchart.Edge{
			{From: "start", To: "check"},
			{From: "check", To: "fork", Label: "Đủ"},
			{From: "check", To: "start", Label: "Thiếu | bổ sung"},
			{From: "fork", To: "a"}, {From: "fork", To: "b"},
			{From: "a", To: "join"}, {From: "b", To: "join"},
			{From: "join", To: "end"},
			{From: "join", To: "nowhere"},
		},
	}
	want := `flowchart TD
    n0(["Tiếp nhận"])
    n1{"Hồ sơ #quot;đủ#quot;?"}
    n2{{"Lấy ý kiến"}}
    n3["Sở Tài chính cho ý kiến"]
    n4["Sở Xây dựng #35;2"]
    n5{{"Tổng hợp"}}
    n6(["Trả kết quả"])
    n0 --> n1
    n1 -->|Đủ| n2
    n1 -->|Thiếu #124; bổ sung| n0
    n2 --> n3
    n2 --> n4
    n3 --> n5
    n4 --> n5
    n5 --> n6
`
	if got := flowchart.Mermaid(fc); got != want {
		t.Errorf("Mermaid =\n%s\nwant\n%s", got, want)
	}
}
