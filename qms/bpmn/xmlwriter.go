package bpmn

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// xmlWriter writes indented XML by hand. encoding/xml's marshaller would
// repeat namespace declarations on every element; BPMN tools expect the
// prefixed form bpmn.io writes, declared once on the root.
type xmlWriter struct {
	b     bytes.Buffer
	depth int
}

// attrs are name, value pairs; pairs with an empty value are left out.
func (w *xmlWriter) start(name string, attrs ...string) {
	w.tag(name, attrs, ">")
	w.depth++
}

func (w *xmlWriter) empty(name string, attrs ...string) { w.tag(name, attrs, " />") }

func (w *xmlWriter) end(name string) {
	w.depth--
	w.indent()
	w.b.WriteString("</" + name + ">\n")
}

// text writes <name attrs>text</name>.
func (w *xmlWriter) text(name, text string, attrs ...string) {
	w.tag(name, attrs, ">")
	w.b.Truncate(w.b.Len() - 1) // no newline before the text
	w.b.WriteString(escape(text) + "</" + name + ">\n")
}

func (w *xmlWriter) tag(name string, attrs []string, close string) {
	w.indent()
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			w.b.WriteString(" " + attrs[i] + `="` + escape(attrs[i+1]) + `"`)
		}
	}
	w.b.WriteString(close + "\n")
}

func (w *xmlWriter) indent() { w.b.WriteString(strings.Repeat("  ", w.depth)) }

// escape makes s safe in text and attribute values. xml.EscapeText also
// turns line breaks and tabs into character references, so that attribute
// normalisation in the reader does not turn them into spaces, and
// characters XML cannot carry into U+FFFD.
func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writes to memory: cannot fail
	return b.String()
}
