package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
)

// views renders a page into its layout without the html engine's own
// layout support, which takes one process-wide lock per render (it swaps
// the layout's "embed" function for each page): every page view in the
// server queued behind it. A page whose data holds its Head (see
// Server.head) in a layout that defines NAME.foot (layout.html does) is
// written between them straight into fiber's buffer, which becomes the
// response only if all succeed. Otherwise the page is rendered into a
// buffer first and handed to the layout as .Embed.
type views struct {
	*html.Engine
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (v views) Render(w io.Writer, name string, binding any, layout ...string) error {
	m, isMap := binding.(fiber.Map)
	if len(layout) == 0 || layout[0] == "" || !isMap {
		return v.Engine.Render(w, name, binding)
	}
	page, lay := v.Templates.Lookup(name), v.Templates.Lookup(layout[0])
	if page == nil || lay == nil {
		return fmt.Errorf("render: template %s or layout %s does not exist", name, layout[0])
	}
	if head, ok := m["Head"].(template.HTML); ok {
		if foot := v.Templates.Lookup(layout[0] + ".foot"); foot != nil {
			if _, err := io.WriteString(w, string(head)); err != nil {
				return err
			}
			if err := page.Execute(w, m); err != nil {
				return err
			}
			return foot.Execute(w, m)
		}
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); pageBuffers.Put(buf) }()
	if err := page.Execute(buf, m); err != nil {
		return err
	}
	m["Embed"] = template.HTML(buf.String()) // the page's own output, already escaped
	return lay.Execute(w, m)
}
