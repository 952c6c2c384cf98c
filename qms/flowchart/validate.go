package flowchart

import (
	"math"
	"strings"

	"isodt/qms/msg"
)

// Code identifies a validation rule. Codes are stable: the web layer may
// attach help to them and tests match on them.
type Code string

// The validation rules, in the order Validate checks them.
const (
	CodeEmptyID             Code = "empty_id"
	CodeDuplicateID         Code = "duplicate_id"
	CodeEmptyName           Code = "empty_name"
	CodeUnknownKind         Code = "unknown_kind"
	CodeInvalidHours        Code = "invalid_hours"
	CodeUnknownForm         Code = "unknown_form"
	CodeEdgeUnknownStep     Code = "edge_unknown_step"
	CodeNoStart             Code = "no_start"
	CodeMultipleStarts      Code = "multiple_starts"
	CodeNoEnd               Code = "no_end"
	CodeStartHasIncoming    Code = "start_has_incoming"
	CodeEndHasOutgoing      Code = "end_has_outgoing"
	CodeDecisionBranches    Code = "decision_branches"
	CodeDecisionUnlabelled  Code = "decision_unlabelled"
	CodeParallelDegree      Code = "parallel_degree"
	CodeParallelUnjoined    Code = "parallel_unjoined"
	CodeAmbiguousBranch     Code = "ambiguous_branch"
	CodeUnreachable         Code = "unreachable"
	CodeDeadEnd             Code = "dead_end"
	CodeLoopWithoutDecision Code = "loop_without_decision"
	CodeOverTimeLimit       Code = "over_time_limit"
)

// ValidateOptions carries what the rules need to know from outside the
// flowchart.
type ValidateOptions struct {
	// LimitHours is the legal time limit of the administrative procedure
	// in working hours (working days × 8). Zero means no limit.
	LimitHours float64
	// FormExists reports whether a form code is in force for the
	// procedure. Nil skips the check.
	FormExists func(code string) bool
}

// Problem is one broken rule. StepID or Edge says where, when the rule is
// about a step or a flow; Message is Vietnamese and safe to show, and Text
// what it is made of, for a page in another language.
type Problem struct {
	Code    Code     `json:"code"`
	StepID  string   `json:"step_id,omitempty"`
	Edge    *Edge    `json:"edge,omitempty"`
	Message string   `json:"message"`
	Text    msg.Text `json:"-"`
}

// problemf is the problem of code at stepID or edge, its message format
// applied to args.
func problemf(code Code, stepID string, edge *Edge, format string, args ...any) *Problem {
	t := msg.New(format, args...)
	return &Problem{Code: code, StepID: stepID, Edge: edge, Message: t.String(), Text: t}
}

// String is the problem's message, so that a problem can be an argument
// of another message.
func (p Problem) String() string { return p.Message }

// Formatted is what the problem's message is made of (msg.Text).
func (p Problem) Formatted() (string, []any) { return p.Text.Formatted() }

// Problems is the list Validate returns. It is an error so that a caller
// can return it as it is; use Err to get a nil error for an empty list.
type Problems []Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Message
	}
	return "Lưu đồ không hợp lệ: " + strings.Join(msgs, "; ")
}

// Joined is the problems' messages as one argument of another message,
// one after the other with "; " between them, as Error lists them.
func (ps Problems) Joined() msg.Text {
	parts := make([]any, len(ps))
	for i, p := range ps {
		parts[i] = p
	}
	return msg.Join("; ", parts...)
}

// Err returns ps as an error, or nil when there are no problems. Assigning
// an empty Problems to an error variable directly would give a non-nil
// error.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Validate checks the flowchart against the rules a procedure must meet
// before approval and returns every problem found, in a stable order
// (rule by rule, then step and flow order). An empty result means the
// flowchart is valid.
func Validate(fc Flowchart, opts ValidateOptions) Problems {
	if p := CheckSize(fc); p != nil {
		// Too large to check rule by rule in reasonable time and space.
		return Problems{*p}
	}
	v := validator{g: newGraph(fc), opts: opts}
	v.steps()
	v.edges()
	v.startsAndEnds()
	v.degrees()
	v.reachability()
	v.parallelJoins()
	v.loops()
	v.timeLimit()
	return v.problems
}

type validator struct {
	g        *graph
	opts     ValidateOptions
	problems Problems
}

func (v *validator) add(code Code, stepID string, edge *Edge, format string, args ...any) {
	v.problems = append(v.problems, *problemf(code, stepID, edge, format, args...))
}

func (v *validator) ref(pos int) msg.Text { return stepRef(v.g.fc.Steps[pos]) }

func edgeRef(e Edge) string { return e.From + " → " + e.To }

// steps checks each step on its own.
func (v *validator) steps() {
	for i, s := range v.g.fc.Steps {
		switch {
		case s.ID == "":
			v.add(CodeEmptyID, "", nil, "Bước thứ %d chưa có mã bước.", i+1)
		case v.g.index[s.ID] != i:
			v.add(CodeDuplicateID, s.ID, nil, "Mã bước %q bị trùng: bước thứ %d và bước thứ %d.", s.ID, v.g.index[s.ID]+1, i+1)
		}
		if strings.TrimSpace(s.Name) == "" {
			v.add(CodeEmptyName, s.ID, nil, "Bước %s chưa có tên.", stepRef(s))
		}
		if !s.Kind.Valid() {
			v.add(CodeUnknownKind, s.ID, nil, "Bước %s có loại %q không hợp lệ (chỉ dùng start, task, decision, parallel, end).", stepRef(s), s.Kind)
		}
		if s.Hours < 0 || math.IsNaN(s.Hours) || math.IsInf(s.Hours, 0) {
			v.add(CodeInvalidHours, s.ID, nil, "Bước %s có thời gian %v giờ: thời gian phải là số không âm.", stepRef(s), s.Hours)
		}
		if v.opts.FormExists != nil {
			for _, f := range s.Forms {
				if !v.opts.FormExists(f) {
					v.add(CodeUnknownForm, s.ID, nil, "Bước %s dùng biểu mẫu %q không có hoặc không còn hiệu lực trong quy trình.", stepRef(s), f)
				}
			}
		}
	}
}

// edges checks that every flow joins existing steps.
func (v *validator) edges() {
	for i, e := range v.g.fc.Edges {
		for _, end := range []struct {
			id  string
			pos int
		}{{e.From, v.g.from[i]}, {e.To, v.g.to[i]}} {
			if end.pos < 0 {
				v.add(CodeEdgeUnknownStep, "", &e, "Luồng thứ %d (%s) nối tới bước %q không có trong lưu đồ.", i+1, edgeRef(e), end.id)
			}
		}
	}
}

func (v *validator) startsAndEnds() {
	var starts, ends []int
	for i, s := range v.g.fc.Steps {
		switch s.Kind {
		case KindStart:
			starts = append(starts, i)
		case KindEnd:
			ends = append(ends, i)
		}
	}
	switch {
	case len(starts) == 0:
		v.add(CodeNoStart, "", nil, "Lưu đồ chưa có bước bắt đầu.")
	case len(starts) > 1:
		names := make([]any, len(starts))
		for k, p := range starts {
			names[k] = v.ref(p)
		}
		v.add(CodeMultipleStarts, v.g.fc.Steps[starts[1]].ID, nil, "Lưu đồ có %d bước bắt đầu (%s); chỉ được có một.", len(starts), msg.Join(", ", names...))
	}
	if len(ends) == 0 {
		v.add(CodeNoEnd, "", nil, "Lưu đồ chưa có bước kết thúc.")
	}
}

// degrees checks the flows in and out of each step against its kind.
func (v *validator) degrees() {
	for i, s := range v.g.fc.Steps {
		in, out := v.g.in[i], v.g.out[i]
		switch s.Kind {
		case KindStart:
			if len(in) > 0 {
				v.add(CodeStartHasIncoming, s.ID, nil, "Bước bắt đầu %s không được có luồng đi vào.", v.ref(i))
			}
		case KindEnd:
			if len(out) > 0 {
				v.add(CodeEndHasOutgoing, s.ID, nil, "Bước kết thúc %s không được có luồng đi ra.", v.ref(i))
			}
		case KindDecision:
			if len(out) < 2 {
				v.add(CodeDecisionBranches, s.ID, nil, "Bước rẽ nhánh %s cần ít nhất 2 luồng đi ra, hiện có %d.", v.ref(i), len(out))
			}
			for _, e := range out {
				if edge := v.g.fc.Edges[e]; strings.TrimSpace(edge.Label) == "" {
					v.add(CodeDecisionUnlabelled, s.ID, &edge, "Luồng từ bước rẽ nhánh %s sang %s chưa ghi điều kiện (nhãn).", v.ref(i), v.ref(v.g.to[e]))
				}
			}
		case KindParallel:
			if len(out) < 2 && len(in) < 2 {
				v.add(CodeParallelDegree, s.ID, nil, "Bước song song %s phải tách thành ít nhất 2 nhánh hoặc gộp ít nhất 2 nhánh (hiện có %d luồng vào, %d luồng ra).", v.ref(i), len(in), len(out))
			}
		}
		// A task with two ways out does not say whether the dossier takes
		// one of them or both; moving a dossier on needs to know.
		if (s.Kind == KindStart || s.Kind == KindTask) && len(out) > 1 {
			v.add(CodeAmbiguousBranch, s.ID, nil, "Bước %s có %d luồng đi ra: hãy thêm bước rẽ nhánh (chọn một nhánh) hoặc bước song song (làm đồng thời).", v.ref(i), len(out))
		}
	}
}

// reachability checks that every step lies on some way from the start to
// an end. Each half is skipped when its anchor is missing: "no start" and
// "no end" are reported once instead of once per step.
func (v *validator) reachability() {
	steps := v.g.fc.Steps
	if starts := v.g.starts(); len(starts) > 0 {
		seen := v.g.reach(starts, false)
		for i := range steps {
			if !seen[i] && v.g.index[steps[i].ID] == i {
				v.add(CodeUnreachable, steps[i].ID, nil, "Bước %s không đi tới được từ bước bắt đầu.", v.ref(i))
			}
		}
	}
	var ends []int
	for i, s := range steps {
		if s.Kind == KindEnd {
			ends = append(ends, i)
		}
	}
	if len(ends) > 0 {
		seen := v.g.reach(ends, true)
		for i := range steps {
			if !seen[i] && v.g.index[steps[i].ID] == i {
				v.add(CodeDeadEnd, steps[i].ID, nil, "Từ bước %s không đi tới được bước kết thúc.", v.ref(i))
			}
		}
	}
}

// parallelJoins checks that the branches of each parallel fork meet again
// at a common parallel join. It follows forward flows only (no rework
// loops), so a branch that loops back does not count as meeting.
func (v *validator) parallelJoins() {
	steps := v.g.fc.Steps
	isJoin := func(p int) bool { return steps[p].Kind == KindParallel && len(v.g.in[p]) >= 2 }
	for i, s := range steps {
		if s.Kind != KindParallel || len(v.g.out[i]) < 2 {
			continue
		}
		var common []bool
		for _, e := range v.g.out[i] {
			if v.g.back[e] {
				continue
			}
			joins := v.forwardReach(v.g.to[e])
			for p := range joins {
				joins[p] = joins[p] && isJoin(p)
			}
			if common == nil {
				common = joins
				continue
			}
			for p := range common {
				common[p] = common[p] && joins[p]
			}
		}
		met := false
		for _, ok := range common {
			met = met || ok
		}
		if !met {
			v.add(CodeParallelUnjoined, s.ID, nil, "Các nhánh song song tách ra từ bước %s không gặp lại nhau tại một bước song song (gộp nhánh).", v.ref(i))
		}
	}
}

// forwardReach marks the steps reachable from root by forward flows,
// root included.
func (v *validator) forwardReach(root int) []bool {
	seen := make([]bool, len(v.g.fc.Steps))
	seen[root] = true
	stack := []int{root}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range v.g.out[p] {
			if w := v.g.to[e]; !v.g.back[e] && !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// loops reports each cycle that does not pass through a decision: nothing
// ever chooses to leave it, so a dossier would go round for ever. Rework
// loops back through a decision are allowed.
func (v *validator) loops() {
	for _, scc := range v.g.cyclesAvoiding(KindDecision) {
		names := make([]any, len(scc))
		for k, p := range scc {
			names[k] = v.ref(p)
		}
		v.add(CodeLoopWithoutDecision, v.g.fc.Steps[scc[0]].ID, nil, "Vòng lặp %s không qua bước rẽ nhánh nào nên hồ sơ không thể ra khỏi vòng.", msg.Join(" → ", names...))
	}
}

func (v *validator) timeLimit() {
	if v.opts.LimitHours <= 0 {
		return
	}
	hours, path := CriticalPath(v.g.fc)
	const epsilon = 1e-9 // hours such as 0.1+0.2 must not fail a limit of 0.3
	if hours <= v.opts.LimitHours+epsilon {
		return
	}
	names := make([]any, len(path))
	for k, id := range path {
		names[k] = stepRef(v.g.fc.Steps[v.g.index[id]])
	}
	v.add(CodeOverTimeLimit, "", nil, "Tổng thời gian theo đường dài nhất là %s giờ, vượt thời hạn giải quyết %s giờ (%s ngày làm việc). Đường dài nhất: %s.",
		Hours(hours), Hours(v.opts.LimitHours), Hours(v.opts.LimitHours/8), msg.Join(" → ", names...))
}
