package flowchart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
)

// Colours of the drawing. Plain constants: the SVG carries only inline
// attributes so it renders the same in a browser, in a Word export and in
// a PDF, without a stylesheet or web fonts.
const (
	colorStroke    = "#1f2937"
	colorText      = "#111827"
	colorSmall     = "#4b5563"
	colorBack      = "#b45309"
	fillTerminal   = "#e8f5e9"
	fillTask       = "#ffffff"
	fillDecision   = "#fff8e1"
	fillParallel   = "#e3f2fd"
	arrowID        = "qms-fc-arrow"
	arrowBackID    = "qms-fc-arrow-back"
	strokeWidth    = "1.5"
	backDashArray  = "6 4"
	labelHaloColor = "#ffffff"
)

// SVG draws the flowchart as a standalone SVG document: pills for start
// and end, rectangles for tasks, diamonds for decisions, a diamond with a
// plus for parallel forks and joins (as in BPMN), orthogonal arrows with
// their labels, and rework loops dashed on the right. Each shape shows the
// step's name, wrapped, with the responsible role and hours below in
// smaller type.
//
// The output is deterministic: the same flowchart gives the same bytes,
// so it can be cached, compared and tested. All text is XML-escaped.
func SVG(fc Flowchart) []byte { return SVGIn(fc, "vi") }

// SVGIn is SVG with the hours under each step written in lang ("vi" or
// "en"), for a page in that language.
func SVGIn(fc Flowchart, lang string) []byte {
	l := ComputeLayout(fc, LayoutOptions{Lang: lang})
	var b bytes.Buffer
	w, h := num(l.Width), num(l.Height)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" font-family="sans-serif" font-size="%s">`+"\n", w, h, w, h, num(FontSize))
	fmt.Fprintf(&b, `<defs>`+
		`<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+
		`<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+
		"</defs>\n", arrowID, colorStroke, arrowBackID, colorBack)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", w, h)
	// Flows first, so that shapes cover their ends; labels last, so that
	// no line crosses them.
	for _, e := range l.Edges {
		writeEdge(&b, e)
	}
	for i, n := range l.Nodes {
		writeNode(&b, fc.Steps[i], n)
	}
	for _, e := range l.Edges {
		writeEdgeLabel(&b, e)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func writeEdge(b *bytes.Buffer, e EdgeLayout) {
	color, marker, dash := colorStroke, arrowID, ""
	if e.Back {
		color, marker, dash = colorBack, arrowBackID, ` stroke-dasharray="`+backDashArray+`"`
	}
	b.WriteString(`<polyline points="`)
	for k, p := range e.Points {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p.X) + "," + num(p.Y))
	}
	fmt.Fprintf(b, `" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#%s)"/>`+"\n", color, strokeWidth, dash, marker)
}

func writeEdgeLabel(b *bytes.Buffer, e EdgeLayout) {
	if e.Label == "" {
		return
	}
	color := colorSmall
	if e.Back {
		color = colorBack
	}
	// A white halo drawn under the glyphs keeps a label readable where it
	// crosses a line.
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s" stroke="%s" stroke-width="3" paint-order="stroke">%s</text>`+"\n",
		num(e.LabelPos.X), num(e.LabelPos.Y), num(SmallFontSize), color, labelHaloColor, esc(e.Label))
}

func writeNode(b *bytes.Buffer, s Step, n NodeLayout) {
	r := n.Rect
	c := r.Center()
	fmt.Fprintf(b, `<g data-step-id="%s" data-kind="%s">`+"\n", esc(s.ID), esc(string(s.Kind)))
	stroke := fmt.Sprintf(` stroke="%s" stroke-width="%s"`, colorStroke, strokeWidth)
	switch s.Kind {
	case KindStart, KindEnd:
		if s.Kind == KindEnd {
			// A heavier border marks the end, as in BPMN.
			stroke = fmt.Sprintf(` stroke="%s" stroke-width="3"`, colorStroke)
		}
		rx := num(min(r.H/2, 20))
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" ry="%s" fill="%s"%s/>`+"\n",
			num(r.X), num(r.Y), num(r.W), num(r.H), rx, rx, fillTerminal, stroke)
	case KindDecision:
		fmt.Fprintf(b, `<polygon points="%s" fill="%s"%s/>`+"\n", diamond(r), fillDecision, stroke)
	case KindParallel:
		fmt.Fprintf(b, `<polygon points="%s" fill="%s"%s/>`+"\n", diamond(r), fillParallel, stroke)
		k := r.W / 4
		fmt.Fprintf(b, `<path d="M%s,%s H%s M%s,%s V%s" stroke="%s" stroke-width="3"/>`+"\n",
			num(c.X-k), num(c.Y), num(c.X+k), num(c.X), num(c.Y-k), num(c.Y+k), colorStroke)
	default:
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" rx="4" ry="4" fill="%s"%s/>`+"\n",
			num(r.X), num(r.Y), num(r.W), num(r.H), fillTask, stroke)
	}
	writeNodeText(b, n)
	b.WriteString("</g>\n")
}

// writeNodeText centres the text block in the shape, or puts it beside a
// parallel step's small diamond. One <text> per line: SVG does not wrap.
func writeNodeText(b *bytes.Buffer, n NodeLayout) {
	textH := float64(len(n.NameLines))*nameLineH + float64(len(n.SmallLines))*smallLineH
	c := n.Rect.Center()
	x, anchor := c.X, "middle"
	if n.Kind == KindParallel {
		x, anchor = n.Rect.X+n.Rect.W+sideTextGap, "start"
	}
	y := c.Y - textH/2
	for _, line := range n.NameLines {
		y += nameLineH
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`+"\n", num(x), num(y-4), anchor, colorText, esc(line))
	}
	for _, line := range n.SmallLines {
		y += smallLineH
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" font-size="%s" fill="%s">%s</text>`+"\n", num(x), num(y-3), anchor, num(SmallFontSize), colorSmall, esc(line))
	}
}

func diamond(r Rect) string {
	c := r.Center()
	return num(c.X) + "," + num(r.Y) + " " + num(r.X+r.W) + "," + num(c.Y) + " " +
		num(c.X) + "," + num(r.Y+r.H) + " " + num(r.X) + "," + num(c.Y)
}

// num formats a coordinate with at most one decimal, the same way on
// every platform.
func num(v float64) string {
	r := math.Round(v*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// esc escapes text for XML content and attribute values; characters XML
// cannot carry become U+FFFD.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writes to memory: cannot fail
	return b.String()
}
