package flowchart

// KeepImported carries what a BPMN import kept (the lanes, each step's
// TaskType and Lane, the flow ids) from old into edited, the same
// flowchart as typed again in the steps table, which shows none of it.
// Steps are matched by id, flows by their ends in order; new steps and
// flows get nothing, and the export places them by their Responsible.
func KeepImported(old, edited Flowchart) Flowchart {
	if old.Lanes == nil && !hasImported(old) {
		return edited
	}
	edited.Lanes = old.Lanes
	byID := make(map[string]Step, len(old.Steps))
	for _, s := range old.Steps {
		if _, dup := byID[s.ID]; !dup {
			byID[s.ID] = s
		}
	}
	for i := range edited.Steps {
		if o, ok := byID[edited.Steps[i].ID]; ok {
			edited.Steps[i].TaskType, edited.Steps[i].Lane = o.TaskType, o.Lane
		}
	}
	type ends struct{ from, to string }
	ids := map[ends][]string{}
	for _, e := range old.Edges {
		k := ends{e.From, e.To}
		ids[k] = append(ids[k], e.ID)
	}
	for i := range edited.Edges {
		k := ends{edited.Edges[i].From, edited.Edges[i].To}
		if q := ids[k]; len(q) > 0 {
			edited.Edges[i].ID, ids[k] = q[0], q[1:]
		}
	}
	return edited
}

func hasImported(fc Flowchart) bool {
	for _, s := range fc.Steps {
		if s.TaskType != "" || s.Lane != "" {
			return true
		}
	}
	for _, e := range fc.Edges {
		if e.ID != "" {
			return true
		}
	}
	return false
}
