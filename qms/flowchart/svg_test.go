package flowchart_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"isodt/qms/flowchart"
)

type svgDoc struct {
	ViewBox string `xml:"viewBox,attr"`
	Font    string `xml:"font-family,attr"`
	Groups  []struct {
		StepID string `xml:"data-step-id,attr"`
		Kind   string `xml:"data-kind,attr"`
		Rects  []struct {
			RX          string `xml:"rx,attr"`
			StrokeWidth string `xml:"stroke-width,attr"`
		} `xml:"rect"`
		Polygons []struct {
			Points string `xml:"points,attr"`
		} `xml:"polygon"`
		Paths []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
		Texts []svgText `xml:"text"`
	} `xml:"g"`
	Polylines []struct {
		Points string `xml:"points,attr"`
		Dash   string `xml:"stroke-dasharray,attr"`
		Marker string `xml:"marker-end,attr"`
	} `xml:"polyline"`
	Labels []svgText `xml:"text"`
}

type svgText struct {
	Text     string `xml:",chardata"`
	FontSize string `xml:"font-size,attr"`
}

func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v\n%s", err, data)
	}
	return doc
}

func TestSVGDeterministic(t *testing.T) {
	fc := sample()
	a, b := flowchart.SVG(fc), flowchart.SVG(fc)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same flowchart differ")
	}
	if c := flowchart.SVG(sample()); !bytes.Equal(a, c) {
		t.Fatal("renderings of equal flowcharts differ")
	}
}

func TestSVGShapes(t *testing.T) {
	data := flowchart.SVG(sample())
	doc := parseSVG(t, data)
	if !strings.HasPrefix(doc.ViewBox, "0 0 ") || doc.Font != "sans-serif" {
		t.Errorf("viewBox %q, font-family %q", doc.ViewBox, doc.Font)
	}
	for _, banned := range []string{"<style", "<script", "@import", "url(http"} {
		if bytes.Contains(data, []byte(banned)) {
			t.Errorf("SVG contains %q", banned)
		}
	}
	if len(doc.Groups) != len(sample().Steps) {
		t.Fatalf("%d step groups, want %d", len(doc.Groups), len(sample().Steps))
	}
	for _, g := range doc.Groups {
		var ok bool
		switch flowchart.Kind(g.Kind) {
		case flowchart.KindStart:
			ok = len(g.Rects) == 1 && g.Rects[0].RX == "20"
		case flowchart.KindEnd:
			ok = len(g.Rects) == 1 && g.Rects[0].RX == "20" && g.Rects[0].StrokeWidth == "3"
		case flowchart.KindTask:
			ok = len(g.Rects) == 1 && g.Rects[0].RX == "4"
		case flowchart.KindDecision:
			ok = len(g.Polygons) == 1 && len(strings.Fields(g.Polygons[0].Points)) == 4
		case flowchart.KindParallel:
			ok = len(g.Polygons) == 1 && len(g.Paths) == 1 && strings.Contains(g.Paths[0].D, "H") && strings.Contains(g.Paths[0].D, "V")
		}
		if !ok {
			t.Errorf("step %s (%s) drawn with the wrong shape: %+v", g.StepID, g.Kind, g)
		}
	}
	if len(doc.Polylines) != len(sample().Edges) {
		t.Errorf("%d arrows, want %d", len(doc.Polylines), len(sample().Edges))
	}
	var dashed int
	for _, p := range doc.Polylines {
		if !strings.HasPrefix(p.Marker, "url(#") {
			t.Errorf("arrow without arrowhead: %+v", p)
		}
		if p.Dash != "" {
			dashed++
		}
	}
	if dashed != 1 {
		t.Errorf("%d dashed arrows, want 1 (the rework loop)", dashed)
	}
	var labels []string
	for _, l := range doc.Labels {
		labels = append(labels, l.Text)
	}
	if got := strings.Join(labels, "|"); got != "Đạt|Không đạt, bổ sung" {
		t.Errorf("edge labels = %q", got)
	}
	b2 := doc.Groups[1]
	if len(b2.Texts) != 3 || b2.Texts[0].Text != "Thẩm định hồ sơ" || b2.Texts[1].Text != "Chuyên viên" || b2.Texts[2].Text != "16 giờ" || b2.Texts[1].FontSize != "11" {
		t.Errorf("B2 text = %+v, want name, responsible and hours in small type", b2.Texts)
	}
}

func TestSVGEscapesAndWraps(t *testing.T) {
	fc := sample()
	long := "Thẩm định hồ sơ, kiểm tra thực địa và lập báo cáo kết quả thẩm định trình lãnh đạo phòng xem xét"
	fc.Steps[1].Name = long
	fc.Steps[2].Name = `<script>alert("x")</script> & co`
	fc.Steps[3].Name = "Bad \xff UTF-8 \x01 control"
	fc.Edges[2].Label = `"Đạt" <b>`
	data := flowchart.SVG(fc)
	if !utf8.Valid(data) {
		t.Fatal("SVG is not valid UTF-8")
	}
	if bytes.Contains(data, []byte("<script")) || bytes.Contains(data, []byte("<b>")) {
		t.Fatalf("markup in a name came out unescaped:\n%s", data)
	}
	if !bytes.Contains(data, []byte("&lt;script&gt;")) {
		t.Error("escaped name not found")
	}
	doc := parseSVG(t, data)
	g := doc.Groups[1]
	var lines []string
	for _, txt := range g.Texts {
		if txt.FontSize == "" {
			lines = append(lines, txt.Text)
		}
	}
	if len(lines) < 3 {
		t.Fatalf("long name on %d lines, want it wrapped: %q", len(lines), lines)
	}
	for _, line := range lines {
		if n := utf8.RuneCountInString(line); n > 22 {
			t.Errorf("line %q has %d characters, more than fit in a task box", line, n)
		}
	}
	if got := strings.Join(lines, " "); got != long {
		t.Errorf("wrapped lines %q do not give back the name", got)
	}
	if got := doc.Groups[2].Texts[0].Text + doc.Groups[2].Texts[1].Text; !strings.Contains(got, `<script>alert("x")</script>`) {
		t.Errorf("decision text = %q, want the name back after unescaping", got)
	}
}

// An editor previews flowcharts while they are still wrong: drawing must
// never fail on them.
func TestSVGInvalidFlowcharts(t *testing.T) {
	tests := map[string]flowchart.Flowchart{
		"empty": {},
		"only a cycle, no start": {
			Steps: []flowchart.Step{{ID: "a", Name: "A", Kind: flowchart.KindTask}, {ID: "b", Name: "B", Kind: "weird"}},
			Edges: []flowchart.Edge{{From: "a", To: "b"}, {From: "b", To: "a", Label: "lại"}, {From: "a", To: "a"}, {From: "a", To: "zz"}},
		},
		"duplicate ids and long skips": {
			Steps: []flowchart.Step{
				{ID: "s", Kind: flowchart.KindStart}, {ID: "x", Kind: flowchart.KindTask}, {ID: "x", Kind: flowchart.KindTask},
				{ID: "y", Kind: flowchart.KindTask}, {ID: "e", Kind: flowchart.KindEnd},
			},
			Edges: []flowchart.Edge{{From: "s", To: "x"}, {From: "x", To: "y"}, {From: "y", To: "e"}, {From: "s", To: "e", Label: "bỏ qua"}},
		},
	}
	for name, fc := range tests {
		t.Run(name, func(t *testing.T) {
			doc := parseSVG(t, flowchart.SVG(fc))
			if len(doc.Groups) != len(fc.Steps) {
				t.Errorf("%d groups for %d steps", len(doc.Groups), len(fc.Steps))
			}
			checkGeometry(t, flowchart.ComputeLayout(fc, flowchart.LayoutOptions{}))
		})
	}
}
