package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// doc is a parsed page: tests ask it for what the page means (an element
// by id, a table's rows as text, a link's href), not for its markup.
type doc struct {
	t    *testing.T
	root *html.Node
}

func parsePage(t *testing.T, body string) doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc{t, n}
}

// find returns the elements for which match is true, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf is the text of n with runs of white space made one space.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// byID is the element with id, or nil.
func (d doc) byID(id string) *html.Node {
	if ns := find(d.root, func(n *html.Node) bool { return attr(n, "id") == id }); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

// text is the text of the element with id ("" when there is none).
func (d doc) text(id string) string {
	if n := d.byID(id); n != nil {
		return textOf(n)
	}
	return ""
}

// rows are the body rows of the table with id, each as its cells' text.
func (d doc) rows(id string) [][]string {
	table := d.byID(id)
	if table == nil {
		d.t.Fatalf("no table #%s", id)
	}
	var out [][]string
	for _, tr := range find(table, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" }) {
		var cells []string
		for _, td := range find(tr, func(n *html.Node) bool { return n.Data == "td" }) {
			cells = append(cells, textOf(td))
		}
		out = append(out, cells)
	}
	return out
}

// rowNodes are the body rows of the table with id.
func (d doc) rowNodes(id string) []*html.Node {
	table := d.byID(id)
	if table == nil {
		d.t.Fatalf("no table #%s", id)
	}
	return find(table, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
}

// links are the hrefs of the links whose text is text, in n.
func links(n *html.Node, text string) []string {
	var out []string
	for _, a := range find(n, func(n *html.Node) bool { return n.Data == "a" && textOf(n) == text }) {
		out = append(out, attr(a, "href"))
	}
	return out
}

// hrefs are the hrefs of every link in n.
func hrefs(n *html.Node) []string {
	var out []string
	for _, a := range find(n, func(n *html.Node) bool { return n.Data == "a" }) {
		out = append(out, attr(a, "href"))
	}
	return out
}

// forms are the forms of the page, each with its action and the value of
// its _csrf field ("" when it has none).
func (d doc) forms() (actions, csrf []string) {
	for _, f := range find(d.root, func(n *html.Node) bool { return n.Data == "form" && strings.EqualFold(attr(n, "method"), "post") }) {
		actions = append(actions, attr(f, "action"))
		tok := ""
		for _, in := range find(f, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "_csrf" }) {
			tok = attr(in, "value")
		}
		csrf = append(csrf, tok)
	}
	return actions, csrf
}
