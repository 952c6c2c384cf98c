package flowchart

// routeEdges draws every flow between existing steps as an orthogonal
// polyline. Forward flows leave the bottom of their source, turn in the
// gap above each row they enter, pass through their dummy slots and enter
// the top of their target. Back flows (rework loops) get a channel each,
// right of everything else, so a loop is visible at a glance. It returns
// the routes and the new right edge of the drawing.
func routeEdges(g *graph, slots []*slot, chains [][]int, rows []row, right float64) ([]EdgeLayout, float64) {
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
			el.Points, el.LabelPos = forwardRoute(src, dst, chains[e], slots, rows)
		}
		edges = append(edges, el)
	}
	return edges, right
}

func forwardRoute(src, dst *slot, chain []int, slots []*slot, rows []row) ([]Point, Point) {
	pts := []Point{{src.x, src.y + src.h/2}}
	var label Point
	hops := make([]*slot, 0, len(chain)+1)
	for _, c := range chain {
		hops = append(hops, slots[c])
	}
	hops = append(hops, dst)
	for k, n := range hops {
		r := rows[n.layer]
		turnY := r.top - rowGap/2
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
