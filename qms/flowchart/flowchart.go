package flowchart

import (
	"encoding/json"
	"math"
)

// Kind says what a step does in the flow. The values are stored in the
// database and sent over the API: never rename them.
type Kind string

// The kinds of step.
const (
	KindStart    Kind = "start"    // the dossier enters the procedure
	KindTask     Kind = "task"     // work done by one role or unit
	KindDecision Kind = "decision" // a choice; each outgoing flow is labelled with its condition
	KindParallel Kind = "parallel" // a fork into consultations run side by side, or the join where they meet
	KindEnd      Kind = "end"      // the result is returned
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindStart, KindTask, KindDecision, KindParallel, KindEnd:
		return true
	}
	return false
}

// Flowchart is the content of an internal procedure's section 5: the steps
// and the flows between them. Order matters: it is the order the author
// wrote, and every drawing and check follows it so that the same flowchart
// always gives the same result.
type Flowchart struct {
	Steps []Step `json:"steps"`
	Edges []Edge `json:"edges"`
	// Lanes is the lane hierarchy of a flowchart imported from BPMN, kept
	// so that the export writes it back; nil for a flowchart typed in
	// (its lanes are then one per Responsible).
	Lanes []Lane `json:"lanes,omitempty"`
}

// Lane is a BPMN lane: a unit or role, possibly divided into lanes of its
// own (BPMN's childLaneSet). A step's Responsible is the name of its
// innermost named lane.
type Lane struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Lanes []Lane `json:"lanes,omitempty"`
}

// Step is one row of the procedure's steps table.
type Step struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kind        Kind     `json:"kind"`
	Responsible string   `json:"responsible,omitempty"` // role or unit, e.g. "Chuyên viên phòng HCTP"
	Hours       float64  `json:"hours"`                 // time budget in working hours
	Forms       []string `json:"forms,omitempty"`       // form codes used, e.g. "BM-QT02-01"
	Records     []string `json:"records,omitempty"`     // records produced
	// TaskType is the BPMN element a task step was imported from
	// ("serviceTask", "callActivity", "subProcess"…), so that the export
	// writes the same; empty for a user task.
	TaskType string `json:"task_type,omitempty"`
	// Lane is the id of the step's innermost lane in Flowchart.Lanes.
	Lane string `json:"lane,omitempty"`
}

// Edge is a flow from one step to the next. Label is the condition on a
// flow out of a decision ("Hồ sơ đạt", "Cần bổ sung").
type Edge struct {
	ID    string `json:"id,omitempty"` // the BPMN flow id it was imported with
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
}

// Start returns the first start step, and false when there is none.
func Start(fc Flowchart) (Step, bool) {
	for _, s := range fc.Steps {
		if s.Kind == KindStart {
			return s, true
		}
	}
	return Step{}, false
}

// FindStep returns the first step with the given id.
func FindStep(fc Flowchart, id string) (Step, bool) {
	for _, s := range fc.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// Successors returns the flows leaving stepID, in the flowchart's order.
// Moving a dossier on from a step means choosing one of them (a decision)
// or all of them (a parallel fork).
func Successors(fc Flowchart, stepID string) []Edge {
	var out []Edge
	for _, e := range fc.Edges {
		if e.From == stepID {
			out = append(out, e)
		}
	}
	return out
}

// Predecessors returns the flows entering stepID, in the flowchart's order.
// A parallel join waits for all of them.
func Predecessors(fc Flowchart, stepID string) []Edge {
	var in []Edge
	for _, e := range fc.Edges {
		if e.To == stepID {
			in = append(in, e)
		}
	}
	return in
}

// maxMinutes bounds the minutes written to JSON so that the integer stays
// exact; a larger (nonsensical) budget is kept in hours only.
const maxMinutes = 1 << 53

// RoundToMinute keeps a working time to whole minutes, the unit the
// stored flowchart uses, so float sums such as 2.2+0.2 never leak.
func RoundToMinute(h float64) float64 {
	if math.IsNaN(h) || math.IsInf(h, 0) || math.Abs(h*60) >= maxMinutes {
		return h
	}
	return math.Round(h*60) / 60
}

// stepJSON is Step as stored and served: the time in whole minutes, and
// still in hours for clients that read "hours" (a public field).
type stepJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kind        Kind     `json:"kind"`
	Responsible string   `json:"responsible,omitempty"`
	Minutes     *int64   `json:"minutes,omitempty"`
	Hours       *float64 `json:"hours,omitempty"`
	Forms       []string `json:"forms,omitempty"`
	Records     []string `json:"records,omitempty"`
	TaskType    string   `json:"task_type,omitempty"`
	Lane        string   `json:"lane,omitempty"`
}

// MarshalJSON writes the time as integer minutes, plus hours.
func (s Step) MarshalJSON() ([]byte, error) {
	h := RoundToMinute(s.Hours)
	j := stepJSON{ID: s.ID, Name: s.Name, Kind: s.Kind, Responsible: s.Responsible, Hours: &h, Forms: s.Forms, Records: s.Records, TaskType: s.TaskType, Lane: s.Lane}
	if math.Abs(h*60) < maxMinutes {
		m := int64(math.Round(h * 60))
		j.Minutes = &m
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads "minutes" or, in flowcharts stored before minutes
// and in API input, "hours", rounded to the minute.
func (s *Step) UnmarshalJSON(b []byte) error {
	var j stepJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Step{ID: j.ID, Name: j.Name, Kind: j.Kind, Responsible: j.Responsible, Forms: j.Forms, Records: j.Records, TaskType: j.TaskType, Lane: j.Lane}
	switch {
	case j.Minutes != nil:
		s.Hours = float64(*j.Minutes) / 60
	case j.Hours != nil:
		s.Hours = RoundToMinute(*j.Hours)
	}
	return nil
}
