package flowchart

import (
	"strconv"
	"strings"
)

// Mermaid writes the flowchart as Mermaid "flowchart TD" text, for quick
// previews in Markdown and chat. Nodes are named n0, n1… by step position
// rather than by step id: ids may hold spaces or Vietnamese letters, and
// Mermaid reserves words such as "end". Shapes: stadium for start and end,
// rectangle for task, rhombus for decision, hexagon for parallel. Flows to
// unknown steps are left out.
func Mermaid(fc Flowchart) string {
	g := newGraph(fc)
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for i, s := range fc.Steps {
		before, after := mermaidShape(s.Kind)
		b.WriteString("    n" + strconv.Itoa(i) + before + `"` + mermaidEscape(s.Name) + `"` + after + "\n")
	}
	for e, edge := range fc.Edges {
		if !g.valid(e) {
			continue
		}
		b.WriteString("    n" + strconv.Itoa(g.from[e]) + " -->")
		if label := mermaidEscape(edge.Label); label != "" {
			b.WriteString("|" + label + "|")
		}
		b.WriteString(" n" + strconv.Itoa(g.to[e]) + "\n")
	}
	return b.String()
}

func mermaidShape(k Kind) (before, after string) {
	switch k {
	case KindStart, KindEnd:
		return "([", "])"
	case KindDecision:
		return "{", "}"
	case KindParallel:
		return "{{", "}}"
	}
	return "[", "]"
}

// mermaidEscape uses Mermaid's entity codes for the characters that would
// end a label or open markup, and folds line breaks into spaces.
func mermaidEscape(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	return strings.NewReplacer(
		"#", "#35;",
		`"`, "#quot;",
		"|", "#124;",
		"<", "#lt;",
		">", "#gt;",
	).Replace(s)
}
