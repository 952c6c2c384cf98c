package web

import (
	"io/fs"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestMainMenuTemplateFollowsNavSections: the mainnav template writes the
// links of navSections, in their order, under their sections, each with
// its path and its label in the page's language; it shows only what
// menuFor lets through and marks only the active link.
func TestMainMenuTemplateFollowsNavSections(t *testing.T) {
	v := testViews(t)
	type link struct{ section, href, text string }
	render := func(lang string, m mainMenu) (links []link, active []string) {
		t.Helper()
		var b strings.Builder
		if err := v.sets[lang].ExecuteTemplate(&b, "mainnav", m); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node, section string)
		walk = func(n *html.Node, section string) {
			if n.Type == html.ElementNode && n.Data == "section" {
				for h := range n.Descendants() {
					if h.Type == html.ElementNode && h.Data == "h2" {
						section = textOf(h)
						break
					}
				}
			}
			if n.Type == html.ElementNode && n.Data == "a" && section != "" {
				links = append(links, link{section, attrOf(n, "href"), textOf(n)})
				if attrOf(n, "aria-current") == "page" {
					active = append(active, attrOf(n, "href"))
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, section)
			}
		}
		walk(doc, "")
		return links, active
	}
	for _, lang := range []string{"vi", "en"} {
		l := dictionaries[lang]
		all := mainMenu{Show: map[string]bool{}, Active: map[string]bool{"forms": true}}
		var want []link
		for _, sec := range navSections {
			all.Show[navID(sec.Title)] = true
			for _, ln := range sec.Links {
				all.Show[navID(ln.Label)] = true
				want = append(want, link{l[sec.Title], ln.Path, l[ln.Label]})
			}
		}
		got, active := render(lang, all)
		if len(got) != len(want) {
			t.Fatalf("%s: %d links in the menu, navSections has %d:\n%v", lang, len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: link %d is %+v, navSections says %+v", lang, i, got[i], want[i])
			}
		}
		if len(active) != 1 || active[0] != "/forms" {
			t.Errorf("%s: active links %v, want only /forms", lang, active)
		}
		one := mainMenu{Show: map[string]bool{"sec_check": true, "risks": true}}
		got, active = render(lang, one)
		if len(got) != 1 || got[0] != (link{l["nav.sec_check"], "/risks", l["nav.risks"]}) || len(active) != 0 {
			t.Errorf("%s: a menu of one link shows %+v (active %v)", lang, got, active)
		}
	}
}

// testViews parses the embedded templates as the server does.
func testViews(tb testing.TB) views {
	tb.Helper()
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		tb.Fatal(err)
	}
	v, err := newViews(sub)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
