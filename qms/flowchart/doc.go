// Package flowchart holds the flowchart of an internal procedure (quy trình
// nội bộ): its steps, the flows between them, the rules a flowchart must
// follow before a procedure can be approved, and its drawings (SVG for the
// procedure document, Mermaid for quick previews).
//
// It is pure logic: no storage, no HTTP, no imports outside the standard
// library but qms/msg, which keeps its messages translatable. The
// flowchart is stored and sent as JSON; qms/bpmn converts it to and from
// BPMN 2.0.
//
//	fc := flowchart.Flowchart{
//		Steps: []flowchart.Step{
//			{ID: "B1", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"},
//			{ID: "B2", Name: "Thẩm định hồ sơ", Kind: flowchart.KindTask, Responsible: "Chuyên viên", Hours: 16},
//			{ID: "B3", Name: "Trả kết quả", Kind: flowchart.KindEnd},
//		},
//		Edges: []flowchart.Edge{{From: "B1", To: "B2"}, {From: "B2", To: "B3"}},
//	}
//	if problems := flowchart.Validate(fc, flowchart.ValidateOptions{LimitHours: 3 * 8}); len(problems) > 0 {
//		return problems.Err()
//	}
//	svg := flowchart.SVG(fc)
//
// Graph questions (which flows are rework loops, which layer a step sits
// in, how long the longest path takes) are answered in one place, graph.go,
// so that validation, drawing and the BPMN exporter agree.
package flowchart
