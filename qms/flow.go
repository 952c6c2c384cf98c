package qms

import (
	"slices"
	"sort"
	"strings"
	"time"

	"isodt/qms/flowchart"
)

// FlowState is where a dossier stands on its flowchart: the steps open
// now (several while parallel branches run) and, for each parallel join,
// how many branches have arrived.
type FlowState struct {
	Open     []OpenStep     `json:"open"`
	Arrivals map[string]int `json:"arrivals,omitempty"`
	// PausedAt is when the pause in progress began (zero when the dossier
	// is not paused, or was paused before it was kept here). Resuming
	// moves the due time by the working time since: kept in the flow,
	// which the audit trail vouches for, it cannot be moved earlier with
	// the database alone (dossier_pauses is the history's copy).
	PausedAt time.Time `json:"paused_at,omitzero"`
}

// OpenStep is a step waiting to be done, since when, and until when (its
// budget of working hours on the agency's calendar as of the dossier's
// last write; zero in a flow written before it was kept). The due time is
// in the flow, which the audit trail vouches for, so that the copy the
// task lists and the overdue checks read can be held to it.
type OpenStep struct {
	StepID   string    `json:"step_id"`
	OpenedAt time.Time `json:"opened_at"`
	DueAt    time.Time `json:"due_at,omitzero"`
}

// IsOpen reports whether step id is waiting.
func (f *FlowState) IsOpen(id string) bool {
	for _, o := range f.Open {
		if o.StepID == id {
			return true
		}
	}
	return false
}

// StartFlow opens the steps after the start step: receiving the dossier is
// the start step's work.
func StartFlow(fc flowchart.Flowchart, at time.Time) (FlowState, error) {
	start, ok := flowchart.Start(fc)
	if !ok {
		return FlowState{}, Errorf(EINVALID, "Lưu đồ của quy trình không có bước bắt đầu.")
	}
	st := FlowState{Open: []OpenStep{}, Arrivals: map[string]int{}}
	for _, e := range flowchart.Successors(fc, start.ID) {
		if err := st.enter(fc, e.To, at, forwardIn(fc)); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Advance completes an open step and opens what follows: the only exit of
// a task, the exit chosen by label at a decision, every branch at a
// parallel fork; a parallel join opens once all its branches arrived. It
// returns the new state and whether the flow reached an end step.
func Advance(fc flowchart.Flowchart, st FlowState, stepID, exit string, at time.Time) (FlowState, error) {
	if !st.IsOpen(stepID) {
		return st, Errorf(EINVALID, "Bước %q không phải là bước đang chờ xử lý của hồ sơ.", stepID)
	}
	step, _ := flowchart.FindStep(fc, stepID)
	next := flowchart.Successors(fc, stepID)
	if step.Kind == flowchart.KindDecision {
		var chosen []flowchart.Edge
		var labels []string
		for _, e := range next {
			labels = append(labels, e.Label)
			if strings.EqualFold(strings.TrimSpace(e.Label), strings.TrimSpace(exit)) {
				chosen = append(chosen, e)
			}
		}
		if len(chosen) != 1 {
			return st, FieldError("exit", "Bước %q là bước quyết định: chọn một trong các hướng: %s.", step.Name, strings.Join(labels, "; "))
		}
		next = chosen
	}
	out := FlowState{Arrivals: map[string]int{}}
	for k, v := range st.Arrivals {
		out.Arrivals[k] = v
	}
	for _, o := range st.Open {
		if o.StepID != stepID {
			out.Open = append(out.Open, o)
		}
	}
	in := forwardIn(fc)
	for _, e := range next {
		if err := out.enter(fc, e.To, at, in); err != nil {
			return st, err
		}
	}
	if out.Open == nil {
		out.Open = []OpenStep{}
	}
	return out, nil
}

// enter arrives at a step: parallel steps are passed through at once (a
// fork opens each branch; a join waits for all forward branches), any
// other step opens.
func (st *FlowState) enter(fc flowchart.Flowchart, id string, at time.Time, in map[string]int) error {
	step, ok := flowchart.FindStep(fc, id)
	if !ok {
		return Errorf(EINVALID, "Lưu đồ trỏ tới bước %q không tồn tại.", id)
	}
	if step.Kind != flowchart.KindParallel {
		if !st.IsOpen(id) {
			st.Open = append(st.Open, OpenStep{StepID: id, OpenedAt: at})
		}
		return nil
	}
	if in[id] > 1 {
		st.Arrivals[id]++
		if st.Arrivals[id] < in[id] {
			return nil
		}
		delete(st.Arrivals, id)
	}
	for _, e := range flowchart.Successors(fc, id) {
		if err := st.enter(fc, e.To, at, in); err != nil {
			return err
		}
	}
	return nil
}

// forwardIn counts each step's incoming flows that are not loop-backs: the
// number of branches a join waits for.
func forwardIn(fc flowchart.Flowchart) map[string]int {
	back := map[flowchart.Edge]bool{}
	for _, e := range flowchart.BackEdges(fc) {
		back[e] = true
	}
	in := map[string]int{}
	for _, e := range fc.Edges {
		if !back[e] {
			in[e.To]++
		}
	}
	return in
}

// Exits lists the labels a decision step offers.
func Exits(fc flowchart.Flowchart, stepID string) []string {
	var out []string
	if s, ok := flowchart.FindStep(fc, stepID); ok && s.Kind == flowchart.KindDecision {
		for _, e := range flowchart.Successors(fc, stepID) {
			out = append(out, e.Label)
		}
	}
	return out
}

// RoleForStep maps a step's "responsible" text to the role whose task list
// shows it. Procedures name units and titles in words ("Lãnh đạo Sở",
// "Chuyên viên phòng Văn hóa"), so the match is on the role code or on
// the words that name a role; everything else is the staff's.
func RoleForStep(responsible string) Role {
	r := strings.ToLower(strings.TrimSpace(responsible))
	if role, err := ParseRole(r); err == nil {
		return role
	}
	for _, w := range []string{"lãnh đạo", "giám đốc", "chủ tịch", "trưởng phòng", "phó trưởng"} {
		if strings.Contains(r, w) {
			return RoleLeader
		}
	}
	if strings.Contains(r, "iso") {
		return RoleQualityOfficer
	}
	return RoleStaff
}

// Who completes a step (segregation of duties, a domain rule):
//
//   - The step's role is RoleForStep of its "responsible" text: a role
//     code, or the words that name the leader ("Lãnh đạo…", "Giám đốc",
//     "Trưởng phòng"…) or the ISO officer; free text that names no role
//     ("Bộ phận một cửa", "Chuyên viên phòng Văn hóa") is the staff's, as
//     the task lists have always shown it.
//   - Someone who holds that role in the dossier's agency completes it.
//   - Anyone else needs a delegation recorded beforehand (DelegateStep)
//     by a user who holds the step's role in the agency, or by a leader
//     of the agency (a leader may hand any step on), with the reason;
//     naming a delegator in the completion is not enough. The completion is recorded
//     as done by the actor on that delegation (the step record and the
//     audit entry carry both), so the delegator answers for it.
//   - Someone who holds no role at all in the agency (a system actor
//     included) completes no step, delegation or not.

// StepRole is the role that completes a step.
func StepRole(step flowchart.Step) Role { return RoleForStep(step.Responsible) }

// MayCompleteStep reports whether someone holding roles (in the dossier's
// agency) completes step without a delegation: the page offers the
// completion form only to them.
func MayCompleteStep(step flowchart.Step, roles []Role) bool {
	return slices.Contains(roles, StepRole(step))
}

// roleTitle names a role in messages.
var roleTitle = map[Role]string{RoleAdmin: "Quản trị", RoleQualityOfficer: "Cán bộ ISO", RoleLeader: "Lãnh đạo", RoleStaff: "Chuyên viên", RoleAuditor: "Đánh giá viên"}

// CheckStepActor applies the rule above: actor holds actorRoles in the
// dossier's agency, and in.DelegatedBy (when set) holds delegatorRoles
// there. It returns EFORBIDDEN naming the step and its role, or EINVALID
// about the delegation fields.
func CheckStepActor(step flowchart.Step, actor string, actorRoles []Role, in CompleteStep, delegatorRoles []Role) error {
	role := StepRole(step)
	if len(actorRoles) == 0 {
		return FieldErrorf(EFORBIDDEN, "step_id", "Tài khoản %s không có vai trò nào trong đơn vị: không thể thực hiện bước %q.", actor, step.Name)
	}
	by, reason := strings.TrimSpace(in.DelegatedBy), strings.TrimSpace(in.DelegationReason)
	if by == "" {
		if MayCompleteStep(step, actorRoles) {
			return nil
		}
		return FieldErrorf(EFORBIDDEN, "step_id", "Bước %q do %s thực hiện (vai trò %s): tài khoản %s không có vai trò này trong đơn vị. "+
			"Người có vai trò này hoặc lãnh đạo đơn vị có thể ủy quyền bước này cho bạn trước (Ủy quyền bước này).", step.Name, roleTitle[role], role, actor)
	}
	switch {
	case strings.EqualFold(by, actor):
		return FieldError("delegated_by", "Không thể tự ủy quyền cho chính mình.")
	case reason == "":
		return FieldError("delegation_reason", "Nhập lý do ủy quyền thực hiện bước %q.", step.Name)
	case !slices.Contains(delegatorRoles, role) && !slices.Contains(delegatorRoles, RoleLeader):
		return FieldErrorf(EFORBIDDEN, "delegated_by", "Tài khoản %s không có vai trò %s (%s) hay lãnh đạo trong đơn vị: không thể ủy quyền bước %q.", by, roleTitle[role], role, step.Name)
	}
	return nil
}

// HandledStep is a step of a dossier someone completed: its name and its
// responsible text, as the step record keeps them.
type HandledStep struct{ Name, Responsible string }

// CheckIndependentSigner keeps the leader's step of a dossier (the
// decision signed on it: phê duyệt, ký kết quả) and its handling (tiếp
// nhận, thẩm định, trả kết quả) in different hands: whoever completed a
// step of another role on the dossier does not complete its leader's
// step, and whoever completed its leader's step does not complete a step
// of another role, in whichever order a flow with parallel branches
// reaches them, by a role held twice or by a delegation. The leader
// checks work someone else did. handled are the steps user completed on
// the dossier so far.
func CheckIndependentSigner(step flowchart.Step, user string, handled []HandledStep) error {
	h, ok := HandledElsewhere(step, handled)
	switch {
	case !ok:
		return nil
	case StepRole(step) == RoleLeader:
		return FieldErrorf(EFORBIDDEN, "step_id", "Tài khoản %s đã thực hiện bước “%s” của hồ sơ này: người xử lý hồ sơ không đồng thời ký duyệt bước “%s”. "+
			"Một lãnh đạo khác của đơn vị thực hiện bước này (hoặc ủy quyền cho người chưa xử lý hồ sơ).", user, h.Name, step.Name)
	default:
		return FieldErrorf(EFORBIDDEN, "step_id", "Tài khoản %s đã ký duyệt bước “%s” của hồ sơ này: người ký duyệt không đồng thời thực hiện bước “%s”. "+
			"Một cán bộ khác của đơn vị thực hiện bước này (hoặc được ủy quyền).", user, h.Name, step.Name)
	}
}

// HandledElsewhere is the first of handled on the other side of step:
// a step of another role than the leader's when step is the leader's, a
// leader's step otherwise. Whoever did it does not do step.
func HandledElsewhere(step flowchart.Step, handled []HandledStep) (HandledStep, bool) {
	leader := StepRole(step) == RoleLeader
	for _, h := range handled {
		if (RoleForStep(h.Responsible) == RoleLeader) != leader {
			return h, true
		}
	}
	return HandledStep{}, false
}

// CheckDelegator reports whether user, holding roles in the dossier's
// agency, may hand step on: they hold its role or are a leader there.
func CheckDelegator(step flowchart.Step, user string, roles []Role) error {
	role := StepRole(step)
	if !slices.Contains(roles, role) && !slices.Contains(roles, RoleLeader) {
		held := roleTitle[role] + " hay " + roleTitle[RoleLeader]
		if role == RoleLeader {
			held = roleTitle[RoleLeader]
		}
		return FieldErrorf(EFORBIDDEN, "step_id", "Tài khoản %s không có vai trò %s trong đơn vị: không thể ủy quyền bước “%s”.", user, held, step.Name)
	}
	return nil
}

// CheckRevoker reports whether user, holding roles in the dossier's
// agency, may withdraw del: the one who gave it, or a leader there (who
// may give one for any step, CheckDelegator).
func CheckRevoker(del StepDelegation, user string, roles []Role) error {
	if strings.EqualFold(del.From, user) || slices.Contains(roles, RoleLeader) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Chỉ người đã ủy quyền (%s) hoặc lãnh đạo đơn vị thu hồi được ủy quyền này.", del.From)
}

// SortTasks puts overdue tasks first, then by due time.
func SortTasks(ts []Task, now time.Time) {
	sort.SliceStable(ts, func(i, j int) bool {
		oi, oj := now.After(ts[i].DueAt), now.After(ts[j].DueAt)
		if oi != oj {
			return oi
		}
		return ts[i].DueAt.Before(ts[j].DueAt)
	})
}
