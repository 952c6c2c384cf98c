package flowchart_test

import (
	"strings"
	"testing"

	"isodt/qms/flowchart"
)

// TestProduct15SVGInLanguage: the hours under a step follow the page's
// language, so an English print shows no Vietnamese unit; SVG stays
// Vietnamese.
func TestProduct15SVGInLanguage(t *testing.T) {
	fc := flowchart.Flowchart{
		Steps: []flowchart.Step{{ID: "s", Name: "Receive", Kind: flowchart.KindStart}, {ID: "a", Name: "Check", Kind: flowchart.KindTask, Hours: 2.5}, {ID: "e", Name: "Return", Kind: flowchart.KindEnd}},
		Edges: []flowchart.Edge{{From: "s", To: "a"}, {From: "a", To: "e"}},
	}
	for _, tc := range []struct {
		name      string
		svg       []byte
		has, lack string
	}{
		{"SVG", flowchart.SVG(fc), ">2,5 giờ<", ">2.5 h<"},
		{"SVGIn vi", flowchart.SVGIn(fc, "vi"), ">2,5 giờ<", ">2.5 h<"},
		{"SVGIn en", flowchart.SVGIn(fc, "en"), ">2.5 h<", "giờ"},
	} {
		if s := string(tc.svg); !strings.Contains(s, tc.has) || strings.Contains(s, tc.lack) {
			t.Errorf("%s: want %q and no %q:\n%s", tc.name, tc.has, tc.lack, s)
		}
	}
}
