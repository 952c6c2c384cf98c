package bpmn

import (
	"fmt"
	"io"
	"strings"

	"isodt/qms/flowchart"
	"isodt/qms/msg"
)

// ImportOptions chooses what to import from a file.
type ImportOptions struct {
	// ParticipantID picks the pool to import when a collaboration has
	// several (a process id is accepted too). Empty means: the only pool
	// whose process has tasks.
	ParticipantID string
}

// Participant is a pool of a collaboration, so that the user can choose
// one when a file has several.
type Participant struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ProcessRef string `json:"process_ref"`
	Tasks      int    `json:"tasks"` // activities in its process; 0 for a pool without one
	Steps      int    `json:"steps"` // steps its flowchart would have; 0 for a pool without a process
}

// Result is an imported flowchart with what the user should review.
type Result struct {
	Flowchart    flowchart.Flowchart `json:"flowchart"`
	ProcessID    string              `json:"process_id"`
	Name         string              `json:"name"`
	Participants []Participant       `json:"participants"`
	Warnings     []string            `json:"warnings"` // Vietnamese, one line per kind of thing dropped or changed
}

// Import reads a BPMN 2.0 file and returns the flowchart of one of its
// processes. Elements are matched by namespace URI, so any prefix works.
// What a flowchart cannot hold (data objects, annotations, event
// sub-processes, compensation tasks, other tools' extensions) is left out
// and listed in Result.Warnings; it never makes Import fail.
//
// Mapping: every activity, sub-processes included (as one step, without
// descending), becomes a task; start and end events become start and end;
// exclusive gateways (and inclusive, event-based and complex ones, with a
// warning) become decisions; parallel gateways become parallel steps. A
// decision gateway with one way out is a merge and is bridged: the flows
// into it go on to the next step. The path of a boundary event becomes a
// branch from its task ("Quá hạn" for a timer, the error's name for an
// error), through a decision step added after the task when the task has
// other ways out. Intermediate events are kept as task steps with a
// warning rather than bridged over: a "wait for the applicant's
// documents" event is a step an officer needs to see. Lanes give each
// step its Responsible (an unnamed lane takes its parent's name, then the
// pool's). Flows without a name are labelled "Trường hợp khác" when they
// are their gateway's default, by the event they wait for after an
// event-based gateway, else by their condition's text. Unnamed tasks take
// their id as name, start and end events "Bắt đầu" and "Kết thúc",
// gateways "Rẽ nhánh n" or "Hợp nhánh n". Names are folded onto one line
// and put in NFC.
//
// It fails with a *Error when the file is not XML, not BPMN, uses an
// undeclared namespace prefix, has no process or only an empty one, is
// too large (bytes, elements or depth anywhere in the document; steps,
// flows or name length in the flowchart, the limits of package
// flowchart), or has several pools with tasks and none chosen. The
// flowchart is not validated: run flowchart.Validate on it.
func Import(r io.Reader, opts ImportOptions) (Result, error) {
	root, err := parseTree(r)
	if err != nil {
		return Result{}, err
	}
	if !root.is(NSModel, "definitions") {
		ns := root.space
		if ns == "" {
			ns = "không có"
		}
		return Result{}, errorf(ENotBPMN, "Tệp không phải BPMN 2.0: phần tử gốc là <%s> (không gian tên %s), cần <definitions> thuộc không gian tên %s.", root.local, ns, NSModel)
	}
	doc := readDocument(root)
	doc.countSteps(root)
	if len(doc.processes) == 0 {
		return Result{}, errorf(ENoProcess, "Tệp BPMN không có quy trình (process) nào để nhập.")
	}
	proc, part, err := doc.choose(opts.ParticipantID)
	if err != nil {
		return Result{}, err
	}
	participants := doc.parts

	n := newNotes()
	pool := ""
	if part != nil {
		pool = part.Name
	}
	fc, err := convertProcess(root, proc, pool, n)
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Flowchart:    fc,
		ProcessID:    proc.attr("id"),
		Name:         normalize(proc.attr("name")),
		Participants: participants,
	}
	if part != nil {
		if res.Name == "" {
			res.Name = part.Name
		}
		var others []string
		for _, p := range participants {
			if p.ID != part.ID {
				others = append(others, doc.poolName(p))
			}
		}
		if len(others) > 0 {
			n.add("Tệp có nhiều bên tham gia (pool), chỉ nhập "+doc.poolName(*part)+", bỏ qua", strings.Join(others, ", "))
		}
		doc.collaborationNotes(n, part, proc)
	}
	res.Warnings = n.list()
	return res, nil
}

// poolName names a pool for a person: by its name, with its id only when
// another pool has the same name; by its id when it has none.
func (doc *document) poolName(p Participant) string {
	if p.Name == "" {
		return p.ID
	}
	for _, o := range doc.parts {
		if o.ID != p.ID && o.Name == p.Name {
			return "“" + p.Name + "” (" + p.ID + ")"
		}
	}
	return "“" + p.Name + "”"
}

// collaborationNotes reports what the collaboration holds that the
// flowchart of the chosen pool loses: message flows to or from that pool
// (not those between other pools), other elements, and other tools'
// extensions (as extensions, not as unused elements).
func (doc *document) collaborationNotes(n *notes, part *Participant, proc *elem) {
	mine := map[string]bool{part.ID: true}
	for _, c := range proc.children {
		if id := strings.TrimSpace(c.attr("id")); id != "" {
			mine[id] = true
		}
	}
	for _, c := range doc.collabs {
		vendorExtensions(n, c)
		for _, k := range c.children {
			switch {
			case k.is(NSModel, "participant"):
				vendorExtensions(n, k)
			case k.space != NSModel:
				n.count(fmt.Sprintf(warnVendorFmt, k.space), k.local)
			case ignoredQuietly(k.local):
			case k.local == "messageFlow":
				if mine[localRef(k.attr("sourceRef"))] || mine[localRef(k.attr("targetRef"))] {
					n.add(fmt.Sprintf(warnUnmodelledFmt, k.local), k.attr("id"))
				}
			default:
				n.add(fmt.Sprintf(warnUnmodelledFmt, k.local), k.attr("id"))
			}
		}
	}
}

// document indexes the processes and pools of a definitions element.
// Maps are looked up, never ranged over, so results keep document order.
type document struct {
	processes []*elem
	tasks     []int          // per process: its activities
	byID      map[string]int // process id → position of the first such process
	parts     []Participant
	partOf    map[string]int // process id → first pool referring to it
	collabs   []*elem
}

func readDocument(root *elem) *document {
	doc := &document{byID: map[string]int{}, partOf: map[string]int{}}
	for _, c := range root.children {
		switch {
		case c.is(NSModel, "process"):
			if _, dup := doc.byID[c.attr("id")]; !dup {
				doc.byID[c.attr("id")] = len(doc.processes)
			}
			doc.processes = append(doc.processes, c)
			doc.tasks = append(doc.tasks, countActivities(c))
		case c.is(NSModel, "collaboration"):
			doc.collabs = append(doc.collabs, c)
		}
	}
	for _, c := range doc.collabs {
		for _, p := range c.children {
			if !p.is(NSModel, "participant") {
				continue
			}
			part := Participant{ID: p.attr("id"), Name: normalize(p.attr("name")), ProcessRef: localRef(p.attr("processRef"))}
			if i, ok := doc.process(part.ProcessRef); ok {
				part.Tasks = doc.tasks[i]
				if _, seen := doc.partOf[part.ProcessRef]; !seen {
					doc.partOf[part.ProcessRef] = len(doc.parts)
				}
			}
			doc.parts = append(doc.parts, part)
		}
	}
	return doc
}

// process finds a process by id.
func (doc *document) process(id string) (int, bool) {
	if id == "" {
		return 0, false
	}
	i, ok := doc.byID[id]
	return i, ok
}

// pool returns the first pool whose process is the given one, or nil.
func (doc *document) pool(processID string) *Participant {
	if i, ok := doc.partOf[processID]; ok {
		return &doc.parts[i]
	}
	return nil
}

// localRef drops a namespace prefix from a reference ("ns:Process_1"):
// ids cannot contain colons, so the part after the last one is the id.
func localRef(ref string) string {
	ref = strings.TrimSpace(ref)
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func countActivities(proc *elem) int {
	n := 0
	for _, c := range proc.children {
		if c.space == NSModel && isActivity(c.local) && c.attr("triggeredByEvent") != triggeredByEventOn {
			n++
		}
	}
	return n
}

// choose picks the process to import: the one asked for (by pool or
// process id), else the only process, else the only one with activities
// (among those in a pool, when there are pools).
func (doc *document) choose(want string) (*elem, *Participant, error) {
	p, part, err := doc.chooseProcess(want)
	if e, ok := err.(*Error); ok && e.Code == EParticipant {
		// Only what can be chosen: a pool without a process would fail.
		for _, p := range doc.parts {
			if _, ok := doc.process(p.ProcessRef); ok {
				e.Participants = append(e.Participants, p)
			}
		}
	}
	return p, part, err
}

// countSteps gives each pool with a process the number of steps its
// flowchart would have, so that a picker can show it (pools are often
// named alike). Each process is converted once, whatever refers to it.
func (doc *document) countSteps(root *elem) {
	steps := make([]int, len(doc.processes))
	done := make([]bool, len(doc.processes))
	for i := range doc.parts {
		k, ok := doc.process(doc.parts[i].ProcessRef)
		if !ok {
			continue
		}
		if !done[k] {
			fc, err := convertProcess(root, doc.processes[k], doc.parts[i].Name, newNotes())
			if err == nil {
				steps[k] = len(fc.Steps)
			}
			done[k] = true
		}
		doc.parts[i].Steps = steps[k]
	}
}

func (doc *document) chooseProcess(want string) (*elem, *Participant, error) {
	if want != "" {
		for i, p := range doc.parts {
			if p.ID != want {
				continue
			}
			k, ok := doc.process(p.ProcessRef)
			if !ok {
				return nil, nil, errorf(EParticipant, "Bên tham gia %q không có quy trình (process) để nhập. Chọn một trong: %s.", want, doc.candidates(nil))
			}
			return doc.processes[k], &doc.parts[i], nil
		}
		if k, ok := doc.process(want); ok {
			return doc.processes[k], doc.pool(want), nil
		}
		return nil, nil, errorf(EParticipant, "Không có bên tham gia (pool) hay quy trình nào mã %q trong tệp. Chọn một trong: %s.", want, doc.candidates(nil))
	}
	if len(doc.processes) == 1 {
		p := doc.processes[0]
		return p, doc.pool(p.attr("id")), nil
	}
	var withTasks []int
	for k, p := range doc.processes {
		if doc.tasks[k] > 0 && (len(doc.parts) == 0 || doc.pool(p.attr("id")) != nil) {
			withTasks = append(withTasks, k)
		}
	}
	switch len(withTasks) {
	case 0:
		return nil, nil, errorf(ENoProcess, "Không quy trình nào trong tệp BPMN có bước công việc để nhập.")
	case 1:
		p := doc.processes[withTasks[0]]
		return p, doc.pool(p.attr("id")), nil
	}
	return nil, nil, errorf(EParticipant, "Tệp BPMN có nhiều bên tham gia (pool) có bước công việc; hãy chọn một trong: %s.", doc.candidates(withTasks))
}

// candidates names what the user can choose: pools with a process (with
// their name and task count) when there are pools, else process ids.
// only, when not nil, limits the list to those processes.
func (doc *document) candidates(only []int) msg.Text {
	var set []bool
	if only != nil {
		set = make([]bool, len(doc.processes))
		for _, k := range only {
			set[k] = true
		}
	}
	allowed := func(k int) bool { return set == nil || set[k] }
	var items []any
	for _, p := range doc.parts {
		k, ok := doc.process(p.ProcessRef)
		if !ok || !allowed(k) {
			continue // a pool without a process cannot be imported
		}
		item := p.ID
		if p.Name != "" {
			item += " “" + p.Name + "”"
		}
		items = append(items, msg.New("%s (%d bước công việc, %d bước lưu đồ)", item, p.Tasks, p.Steps))
	}
	if len(items) == 0 {
		for k, p := range doc.processes {
			if !allowed(k) {
				continue
			}
			item := p.attr("id")
			if name := normalize(p.attr("name")); name != "" {
				item += " “" + name + "”"
			}
			items = append(items, item)
		}
	}
	return msg.Join(", ", items...)
}
