package flowchart

import (
	"cmp"
	"slices"
)

// routeEdges draws every flow between existing steps as an orthogonal
// polyline. Forward flows leave the bottom of their source, turn in the
// gap above each row they enter, pass through their dummy slots and enter
// the top of their target. Back flows (rework loops) get a channel each,
// right of everything else, so a loop is visible at a glance. It returns
// the routes and the new right edge of the drawing.
func routeEdges(g *graph, slots []*slot, chains [][]int, rows []row, right float64) ([]EdgeLayout, float64) {
	turns := assignTracks(g, slots, chains, rows)
	var edges []EdgeLayout
	contentRight, back := right, 0
	for e, edge := range g.fc.Edges {
		if !g.valid(e) {
			continue
		}
		el := EdgeLayout{Index: e, From: edge.From, To: edge.To, Label: edge.Label, Back: g.back[e]}
		src, dst := slots[g.from[e]], slots[g.to[e]]
		if el.Back {
			laneX := contentRight + backLaneGap*float64(back+1)
			el.Points, el.LabelPos = backRoute(src, dst, rows, laneX, back)
			if el.Label != "" {
				right = max(right, el.LabelPos.X+textWidth(el.Label, smallCharW))
			}
			right = max(right, laneX)
			back++
		} else {
			el.Points, el.LabelPos = forwardRoute(src, dst, chains[e], slots, rows, turns[e])
		}
		edges = append(edges, el)
	}
	return edges, right
}

// forwardHops lists the slots a forward flow passes through: its dummies,
// then its target.
func forwardHops(dst *slot, chain []int, slots []*slot) []*slot {
	hops := make([]*slot, 0, len(chain)+1)
	for _, c := range chain {
		hops = append(hops, slots[c])
	}
	return append(hops, dst)
}

// maxTracks bounds the flows sorted into tracks in one gap between rows;
// beyond it they share the middle line, as a drawing that crowded cannot
// be read anyway and sorting would cost quadratic time.
const maxTracks = 200

// assignTracks gives each horizontal run of a forward flow its own height
// in the gap where it turns, so that flows leaving a wide fork (or meeting
// at a join) are not drawn on one shared line: each branch leaves the
// common trunk at its own height and can be followed to its end. Runs
// that overlap get different tracks; where flows part, the longest run
// turns first, and where they meet, last, so that runs do not cross each
// other. It returns, per flow, the height of the turn of each hop; nil
// means the middle of the gap.
func assignTracks(g *graph, slots []*slot, chains [][]int, rows []row) [][]float64 {
	type run struct {
		edge, hop int
		lo, hi    float64
		from, to  *slot
		priority  float64
	}
	byGap := map[int][]*run{}
	var gaps []int
	for e := range g.fc.Edges {
		if !g.valid(e) || g.back[e] {
			continue
		}
		prev := slots[g.from[e]]
		for k, n := range forwardHops(slots[g.to[e]], chains[e], slots) {
			if prev.x != n.x {
				if _, seen := byGap[n.layer]; !seen {
					gaps = append(gaps, n.layer)
				}
				byGap[n.layer] = append(byGap[n.layer], &run{edge: e, hop: k, lo: min(prev.x, n.x), hi: max(prev.x, n.x), from: prev, to: n})
			}
			prev = n
		}
	}
	turns := make([][]float64, len(g.fc.Edges))
	for _, layer := range gaps {
		runs := byGap[layer]
		if len(runs) < 2 || len(runs) > maxTracks {
			continue
		}
		fromCount, toCount := map[*slot]int{}, map[*slot]int{}
		for _, r := range runs {
			fromCount[r.from]++
			toCount[r.to]++
		}
		for _, r := range runs {
			r.priority = r.hi - r.lo
			if fromCount[r.from] < 2 && toCount[r.to] >= 2 {
				r.priority = -r.priority
			}
		}
		order := slices.Clone(runs)
		slices.SortStableFunc(order, func(a, b *run) int { return cmp.Compare(b.priority, a.priority) })
		var tracks [][]*run
		track := make(map[*run]int, len(runs))
		for _, r := range order {
			t := 0
			for ; t < len(tracks); t++ {
				if !slices.ContainsFunc(tracks[t], func(o *run) bool { return r.lo <= o.hi && o.lo <= r.hi }) {
					break
				}
			}
			if t == len(tracks) {
				tracks = append(tracks, nil)
			}
			tracks[t] = append(tracks[t], r)
			track[r] = t
		}
		if len(tracks) < 2 {
			continue
		}
		mid := rows[layer].top - rowGap/2
		step := min(10, (rowGap-16)/float64(len(tracks)-1))
		for _, r := range runs {
			if turns[r.edge] == nil {
				turns[r.edge] = make([]float64, len(chains[r.edge])+1)
			}
			turns[r.edge][r.hop] = mid - step*float64(len(tracks)-1)/2 + step*float64(track[r])
		}
	}
	return turns
}

func forwardRoute(src, dst *slot, chain []int, slots []*slot, rows []row, turns []float64) ([]Point, Point) {
	pts := []Point{{src.x, src.y + src.h/2}}
	var label Point
	for k, n := range forwardHops(dst, chain, slots) {
		r := rows[n.layer]
		turnY := r.top - rowGap/2
		if turns != nil && turns[k] != 0 {
			turnY = turns[k]
		}
		pts = append(pts, Point{pts[len(pts)-1].X, turnY}, Point{n.x, turnY})
		if k == 0 {
			// Below the first turn, beside the run down to the next row:
			// each branch out of a decision gets its own place.
			label = Point{n.x + 5, turnY + 14}
		}
		if n == dst {
			pts = append(pts, Point{n.x, n.y - n.h/2})
		} else {
			pts = append(pts, Point{n.x, r.top + r.h})
		}
	}
	return simplify(pts), label
}

// backRoute leaves the source's right side, drops into the gap below its
// row, runs right to its channel, up to the gap above the target's row and
// back left into the target's right side. Offsets by k keep several loops
// apart.
func backRoute(src, dst *slot, rows []row, laneX float64, k int) ([]Point, Point) {
	stub := 10 + 5*float64(k%3)
	off := 12 + 4*float64(k%4)
	below := rows[src.layer].top + rows[src.layer].h + off
	above := rows[dst.layer].top - off
	sx, dx := src.x+src.w/2, dst.x+dst.w/2
	pts := []Point{
		{sx, src.y}, {sx + stub, src.y}, {sx + stub, below}, {laneX, below},
		{laneX, above}, {dx + stub, above}, {dx + stub, dst.y}, {dx, dst.y},
	}
	return simplify(pts), Point{laneX + 4, (below+above)/2 + 4}
}

// simplify drops repeated points and points in the middle of a straight
// run, so that drawings and BPMN waypoints stay small.
func simplify(pts []Point) []Point {
	out := make([]Point, 0, len(pts))
	for _, p := range pts {
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		if n := len(out); n >= 2 {
			a, b := out[n-2], out[n-1]
			if (a.X == b.X && b.X == p.X) || (a.Y == b.Y && b.Y == p.Y) {
				out[n-1] = p
				continue
			}
		}
		out = append(out, p)
	}
	return out
}
