package qms_test

import (
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// The store refuses a draft with the flowchart's own limits (issue 15,
// item 14): the same numbers as a BPMN import, stated in the message.
func TestBPMN14StoreUsesFlowchartLimits(t *testing.T) {
	step := func(id string) flowchart.Step {
		return flowchart.Step{ID: id, Name: "Bước", Kind: flowchart.KindTask}
	}
	manySteps := flowchart.Flowchart{}
	for i := 0; i <= flowchart.MaxSteps; i++ {
		manySteps.Steps = append(manySteps.Steps, step("s"+strings.Repeat("x", i%5)))
	}
	manyEdges := flowchart.Flowchart{Steps: []flowchart.Step{step("a"), step("b")}}
	for i := 0; i <= flowchart.MaxEdges; i++ {
		manyEdges.Edges = append(manyEdges.Edges, flowchart.Edge{From: "a", To: "b"})
	}
	longName := flowchart.Flowchart{Steps: []flowchart.Step{{ID: "a", Name: strings.Repeat("ư", flowchart.MaxNameRunes+1), Kind: flowchart.KindTask}}}
	tests := []struct {
		name string
		fc   flowchart.Flowchart
		msg  string
	}{
		{"steps", manySteps, "tối đa 500 bước"},
		{"flows", manyEdges, "tối đa 2000 luồng"},
		{"name", longName, "dài 501 ký tự, tối đa 500 ký tự"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := qms.ProcedureVersion{Flowchart: tt.fc}
			err := v.Validate()
			var e *qms.Error
			if err == nil || !strings.Contains(err.Error(), tt.msg) || !asError(err, &e) || e.Field != "flowchart" {
				t.Errorf("Validate = %v, want a flowchart field error with %q", err, tt.msg)
			}
		})
	}
}

func asError(err error, target **qms.Error) bool {
	e, ok := err.(*qms.Error)
	*target = e
	return ok
}
