package flowchart

import (
	"math"
	"slices"
)

// graph is an index over a flowchart: steps by position, flows by position.
// Every graph question is asked on positions, never by ranging over a map,
// so that answers (and the drawings built on them) are deterministic.
type graph struct {
	fc    Flowchart
	index map[string]int // step id → position of its first occurrence
	from  []int          // per edge: position of its source step, -1 if unknown
	to    []int          // per edge: position of its target step, -1 if unknown
	out   [][]int        // per step: its outgoing edges, in flowchart order
	in    [][]int        // per step: its incoming edges, in flowchart order
	back  []bool         // per edge: true if it closes a loop (see backEdges)
}

func newGraph(fc Flowchart) *graph {
	g := &graph{
		fc:    fc,
		index: make(map[string]int, len(fc.Steps)),
		from:  make([]int, len(fc.Edges)),
		to:    make([]int, len(fc.Edges)),
		out:   make([][]int, len(fc.Steps)),
		in:    make([][]int, len(fc.Steps)),
	}
	for i, s := range fc.Steps {
		if _, dup := g.index[s.ID]; !dup {
			g.index[s.ID] = i
		}
	}
	for i, e := range fc.Edges {
		g.from[i], g.to[i] = g.lookup(e.From), g.lookup(e.To)
		if g.valid(i) {
			g.out[g.from[i]] = append(g.out[g.from[i]], i)
			g.in[g.to[i]] = append(g.in[g.to[i]], i)
		}
	}
	g.back = g.backEdges()
	return g
}

func (g *graph) lookup(id string) int {
	if i, ok := g.index[id]; ok {
		return i
	}
	return -1
}

// valid reports whether edge i joins two existing steps. Flows to unknown
// steps are reported by Validate and ignored by everything else.
func (g *graph) valid(i int) bool { return g.from[i] >= 0 && g.to[i] >= 0 }

// starts returns the positions of the start steps, in order.
func (g *graph) starts() []int {
	var s []int
	for i, st := range g.fc.Steps {
		if st.Kind == KindStart {
			s = append(s, i)
		}
	}
	return s
}

// backEdges finds the flows that close a loop, such as "Không đạt → làm
// lại" going back from a decision to an earlier task. It runs a depth-first
// search from each start step (in step order), then from every step not yet
// seen (in step order), following outgoing flows in flowchart order; a flow
// to a step still on the search stack is a back edge. The result depends
// only on the order of steps and flows, so it is the same every time.
//
// Removing the back edges leaves an acyclic graph: layers, longest paths and
// drawings are computed on it. A rework loop is therefore counted once.
func (g *graph) backEdges() []bool {
	const (
		unseen = iota
		onStack
		done
	)
	back := make([]bool, len(g.fc.Edges))
	state := make([]int, len(g.fc.Steps))
	var visit func(v int)
	visit = func(v int) {
		state[v] = onStack
		for _, e := range g.out[v] {
			switch w := g.to[e]; state[w] {
			case unseen:
				visit(w)
			case onStack:
				back[e] = true
			}
		}
		state[v] = done
	}
	for _, s := range g.starts() {
		if state[s] == unseen {
			visit(s)
		}
	}
	for v := range g.fc.Steps {
		if state[v] == unseen {
			visit(v)
		}
	}
	return back
}

// forward reports whether edge i is part of the acyclic graph.
func (g *graph) forward(i int) bool { return g.valid(i) && !g.back[i] }

// topoOrder orders the steps so that every forward flow goes from an
// earlier to a later step. Ties keep step order.
func (g *graph) topoOrder() []int {
	indeg := make([]int, len(g.fc.Steps))
	for i := range g.fc.Edges {
		if g.forward(i) {
			indeg[g.to[i]]++
		}
	}
	order := make([]int, 0, len(g.fc.Steps))
	for v, d := range indeg {
		if d == 0 {
			order = append(order, v)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, e := range g.out[order[k]] {
			if !g.back[e] {
				w := g.to[e]
				if indeg[w]--; indeg[w] == 0 {
					order = append(order, w)
				}
			}
		}
	}
	return order
}

// reach marks the steps reachable from the roots, following every valid
// flow forwards (or backwards when reverse is set).
func (g *graph) reach(roots []int, reverse bool) []bool {
	seen := make([]bool, len(g.fc.Steps))
	stack := append([]int(nil), roots...)
	for _, r := range roots {
		seen[r] = true
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		edges, ends := g.out[v], g.to
		if reverse {
			edges, ends = g.in[v], g.from
		}
		for _, e := range edges {
			if w := ends[e]; !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// stepHours is the time a step adds to a path. Bad values (negative, NaN,
// infinite) count as zero here; Validate reports them.
func stepHours(s Step) float64 {
	if s.Hours < 0 || math.IsNaN(s.Hours) || math.IsInf(s.Hours, 0) {
		return 0
	}
	return s.Hours
}

// CriticalPath returns the longest time, in working hours, a dossier can
// take from a start step to an end step, and the step ids along that path.
//
// The path is taken on the flowchart without its back edges (see
// BackEdges): a rework loop through a decision is counted once,
// and for a parallel fork the longest branch counts, which is how long
// consultations run side by side take. When no end step is reachable, the
// longest path to any reachable step is returned.
func CriticalPath(fc Flowchart) (float64, []string) {
	g := newGraph(fc)
	dist := make([]float64, len(fc.Steps))
	prev := make([]int, len(fc.Steps))
	for v := range dist {
		dist[v], prev[v] = math.Inf(-1), -1
	}
	for _, s := range g.starts() {
		dist[s] = stepHours(fc.Steps[s])
	}
	for _, v := range g.topoOrder() {
		if math.IsInf(dist[v], -1) {
			continue
		}
		for _, e := range g.out[v] {
			if g.back[e] {
				continue
			}
			w := g.to[e]
			if d := dist[v] + stepHours(fc.Steps[w]); d > dist[w] {
				dist[w], prev[w] = d, v
			}
		}
	}
	best, bestEnd := -1, false
	for v, s := range fc.Steps {
		if math.IsInf(dist[v], -1) {
			continue
		}
		isEnd := s.Kind == KindEnd
		switch {
		case best < 0, isEnd && !bestEnd, isEnd == bestEnd && dist[v] > dist[best]:
			best, bestEnd = v, isEnd
		}
	}
	if best < 0 {
		return 0, nil
	}
	var path []string
	for v := best; v >= 0; v = prev[v] {
		path = append(path, fc.Steps[v].ID)
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return dist[best], path
}

// LongestPathHours returns the hours of CriticalPath: the time budget the
// flowchart needs, to compare with the legal time limit.
func LongestPathHours(fc Flowchart) float64 {
	h, _ := CriticalPath(fc)
	return h
}

// BackEdges returns the flows that close a rework loop, in flowchart order.
// They are found by a depth-first search from each start step (in step
// order), then from any step not yet reached, following outgoing flows in
// flowchart order: a flow to a step still on the search path is a back
// edge. The answer depends only on the order of steps and flows. Without
// its back edges the flowchart is acyclic; longest paths and layers are
// computed on that, and drawings route back edges on the side.
func BackEdges(fc Flowchart) []Edge {
	g := newGraph(fc)
	var back []Edge
	for i, e := range fc.Edges {
		if g.back[i] {
			back = append(back, e)
		}
	}
	return back
}

// cyclesAvoiding returns the loops that never pass through a step of the
// given kind: the strongly connected components (Tarjan) of the graph
// without those steps that hold a cycle. Each component lists step
// positions in order; components are ordered by their first step.
func (g *graph) cyclesAvoiding(skip Kind) [][]int {
	n := len(g.fc.Steps)
	const unvisited = -1
	index, low := make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	for v := range index {
		index[v] = unvisited
	}
	var stack []int
	var sccs [][]int
	next := 0
	keep := func(v int) bool { return g.fc.Steps[v].Kind != skip }
	var connect func(v int)
	connect = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, e := range g.out[v] {
			w := g.to[e]
			if !keep(w) {
				continue
			}
			if index[w] == unvisited {
				connect(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 || g.selfLoop(v) {
			slices.Sort(scc)
			sccs = append(sccs, scc)
		}
	}
	for v := 0; v < n; v++ {
		if keep(v) && index[v] == unvisited {
			connect(v)
		}
	}
	slices.SortFunc(sccs, func(a, b []int) int { return a[0] - b[0] })
	return sccs
}

func (g *graph) selfLoop(v int) bool {
	for _, e := range g.out[v] {
		if g.to[e] == v {
			return true
		}
	}
	return false
}
