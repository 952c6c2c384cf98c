package flowchart

import (
	"unicode/utf8"

	"isodt/qms/msg"
)

// Size limits of a flowchart. They are the same wherever a flowchart
// comes from (the steps table, a BPMN import) and wherever it goes (the
// store, the SVG, an export): a procedure has tens of steps, and these
// keep a pasted or generated flowchart from producing pages and files
// nobody can open.
const (
	MaxSteps     = 500 // steps
	MaxEdges     = 2000
	MaxNameRunes = 500 // characters in a step id, name, responsible or flow label
	MaxLaneDepth = 20  // levels of lanes inside lanes
)

// The size rules, checked by CheckSize and first by Validate.
const (
	CodeTooManySteps Code = "too_many_steps"
	CodeTooManyEdges Code = "too_many_edges"
	CodeNameTooLong  Code = "name_too_long"
)

// CheckSize returns the first size limit fc breaks, or nil. Every limit is
// stated in its message.
func CheckSize(fc Flowchart) *Problem {
	if n := len(fc.Steps); n > MaxSteps {
		return problemf(CodeTooManySteps, "", nil, "Lưu đồ có %d bước, tối đa %d bước.", n, MaxSteps)
	}
	if n := len(fc.Edges); n > MaxEdges {
		return problemf(CodeTooManyEdges, "", nil, "Lưu đồ có %d luồng, tối đa %d luồng.", n, MaxEdges)
	}
	tooLong := func(s string) int {
		if len(s) <= MaxNameRunes { // bytes ≥ characters
			return 0
		}
		if n := utf8.RuneCountInString(s); n > MaxNameRunes {
			return n
		}
		return 0
	}
	for i, s := range fc.Steps {
		for _, f := range []struct {
			what msg.Text
			text string
		}{{msg.New("Mã"), s.ID}, {msg.New("Tên"), s.Name}, {msg.New("Người/bộ phận thực hiện"), s.Responsible}, {msg.New("Loại công việc"), s.TaskType}, {msg.New("Làn"), s.Lane}} {
			if n := tooLong(f.text); n > 0 {
				return problemf(CodeNameTooLong, s.ID, nil, "%s của bước thứ %d (mã %s) dài %d ký tự, tối đa %d ký tự.", f.what, i+1, clip(s.ID), n, MaxNameRunes)
			}
		}
	}
	lanes, depth, long := 0, 0, ""
	var walk func(ls []Lane, level int)
	walk = func(ls []Lane, level int) {
		for _, l := range ls {
			lanes++
			depth = max(depth, level)
			if long == "" && (tooLong(l.Name) > 0 || tooLong(l.ID) > 0) {
				long = l.ID
			}
			if level <= MaxLaneDepth {
				walk(l.Lanes, level+1)
			}
		}
	}
	walk(fc.Lanes, 1)
	if lanes > MaxSteps {
		return problemf(CodeTooManySteps, "", nil, "Lưu đồ có %d làn, tối đa %d làn.", lanes, MaxSteps)
	}
	if depth > MaxLaneDepth {
		return problemf(CodeTooManySteps, "", nil, "Lưu đồ có làn lồng nhau quá %d cấp.", MaxLaneDepth)
	}
	if long != "" {
		return problemf(CodeNameTooLong, "", nil, "Mã hoặc tên của làn %s dài quá %d ký tự.", clip(long), MaxNameRunes)
	}
	for i, e := range fc.Edges {
		if n := tooLong(e.Label); n > 0 {
			return problemf(CodeNameTooLong, "", &e, "Nhãn của luồng thứ %d (%s → %s) dài %d ký tự, tối đa %d ký tự.", i+1, clip(e.From), clip(e.To), n, MaxNameRunes)
		}
		if n := tooLong(e.ID); n > 0 {
			return problemf(CodeNameTooLong, "", &e, "Mã của luồng thứ %d (%s → %s) dài %d ký tự, tối đa %d ký tự.", i+1, clip(e.From), clip(e.To), n, MaxNameRunes)
		}
	}
	return nil
}

// clip shortens a text quoted in a message about its length.
func clip(s string) string {
	const keep = 40
	if utf8.RuneCountInString(s) <= keep {
		return s
	}
	r := []rune(s)
	return string(r[:keep]) + "…"
}
