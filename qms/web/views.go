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
// server queued behind it. A layout that defines NAME.head and NAME.foot
// (layout.html does) is written around the page, straight into fiber's
// buffer, which becomes the response only if all three succeed. Any other
// layout gets the page rendered into a buffer first, as .Embed.
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
	if head, foot := v.Templates.Lookup(layout[0]+".head"), v.Templates.Lookup(layout[0]+".foot"); head != nil && foot != nil {
		for _, t := range []*template.Template{head, page, foot} {
			if err := t.Execute(w, m); err != nil {
				return err
			}
		}
		return nil
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); pageBuffers.Put(buf) }()
	if err := page.Execute(buf, m); err != nil {
		return err
	}
	m["Embed"] = template.HTML(buf.String()) // the page's own output, already escaped
	return lay.Execute(w, m)
}
