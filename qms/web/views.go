package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/formschema"
)

// views renders the templates of templateFS, one parsed set per language:
// in each set the function t looks a label up in that language's
// dictionary, so a template says {{t "nav.tasks"}} wherever it is, inside
// a range too, without carrying the dictionary in its data.
//
// A page is written between its layout's NAME.head, executed on the
// page's pageHead, and NAME.foot; a layout without them (print_layout)
// is executed on the page's data, which takes the page's output as .Embed
// (an embedder: a print's data, which embeds printPage).
type views struct {
	sets map[string]*template.Template // language → templates
}

// newViews parses every template once per language of dictionaries.
func newViews(files fs.FS) (views, error) {
	v := views{sets: map[string]*template.Template{}}
	names, err := fs.Glob(files, "*.html")
	if err != nil {
		return v, err
	}
	for lang := range dictionaries {
		set := template.New("").Funcs(templateFuncs).Funcs(langFuncs(lang)).Funcs(vocabularyFuncs(dictionaries[lang])).Funcs(numberFuncs(lang)).Funcs(noticeFuncs(dictionaries[lang])).Funcs(findingFuncs(lang, dictionaries[lang])).Funcs(saidFuncs(lang))
		for _, name := range names {
			b, err := fs.ReadFile(files, name)
			if err != nil {
				return v, err
			}
			if _, err := set.New(strings.TrimSuffix(path.Base(name), ".html")).Parse(inlineLabels(string(b), lang)); err != nil {
				return v, fmt.Errorf("parse template %s: %w", name, err)
			}
		}
		v.sets[lang] = set
	}
	return v, nil
}

// labelAction is a label of the page's language: {{t "key"}}.
var labelAction = regexp.MustCompile(`{{t "([a-z0-9_.]+)"}}`)

// plainAttr ends the text of a tag whose attribute value an action is in,
// for the attributes whose value is plain text.
var plainAttr = regexp.MustCompile(`\s(title|placeholder|alt|aria-label|value|label|data-confirm|data-too-large)="[^"]*$`)

// inlineLabels writes the labels of a template's text into it, escaped as
// html/template would have escaped them, since a set of templates speaks
// one language: each {{t "key"}} would otherwise cost two reflective
// calls (t and the escaper) on every page. A label where that escaping
// would not be right (a script, a URL, an attribute not known to be
// plain text) is left to t.
func inlineLabels(src, lang string) string {
	l := dictionaries[lang]
	var b strings.Builder
	last := 0
	for _, m := range labelAction.FindAllStringSubmatchIndex(src, -1) {
		before := src[:m[0]]
		open, close := strings.LastIndexByte(before, '<'), strings.LastIndexByte(before, '>')
		inTag := open > close
		inScript := strings.LastIndex(before, "<script") > strings.LastIndex(before, "</script") ||
			strings.LastIndex(before, "<style") > strings.LastIndex(before, "</style")
		if inScript || inTag && !plainAttr.MatchString(before[open:]) {
			continue
		}
		b.WriteString(src[last:m[0]])
		b.WriteString(escapeText(label(l, src[m[2]:m[3]])))
		last = m[1]
	}
	b.WriteString(src[last:])
	return b.String()
}

// textEscaper escapes as html/template escapes a string in text or in a
// quoted attribute (both with the same table).
var textEscaper = template.Must(template.New("").Parse(`{{.}}`))

func escapeText(s string) string {
	var b strings.Builder
	if err := textEscaper.Execute(&b, s); err != nil {
		return template.HTMLEscapeString(s)
	}
	return b.String()
}

// langFuncs are the template functions that speak one language.
func langFuncs(lang string) template.FuncMap {
	l := dictionaries[lang]
	return template.FuncMap{
		"t": func(key string) string { return label(l, key) },
		// hours shows a working time with at most two decimals in the
		// page's language: "2,4" in Vietnamese, "2.4" in English.
		"hours": func(h float64) string { return flowchart.FormatHours(h, lang) },
		"roleName": func(r qms.Role) string {
			if v, ok := l["role."+string(r)]; ok {
				return v
			}
			return string(r)
		},
		"dossierStatus": func(st qms.DossierStatus) string { return dossierStatusText(l, st) },
		"result":        func(r string) string { return resultText(l, r) },
		"docStatus":     func(st qms.DocStatus) string { return label(l, "doc."+string(st)) },
		"measureName":   func(code string) string { return label(l, "measure."+code) },
		"clauseTitle":   func(code string) string { return domainName(lang, "clause."+code, clauseTitles[code]) },
		"ruleTitle":     func(code string) string { return domainName(lang, "rule."+code, ruleTitles[code]) },
		"jobTitle":      func(name, vietnamese string) string { return domainName(lang, "job."+name, vietnamese) },
		// spanLabel names an objective's period: a quarter, or the year.
		"spanLabel": func(sp qms.Span) string {
			from := sp.From.In(qms.Zone)
			if sp.To.Sub(sp.From) > 100*24*time.Hour {
				return fmt.Sprintf("%s %d", label(l, "period.year"), from.Year())
			}
			return fmt.Sprintf("%s %d/%d", label(l, "period.quarter"), (int(from.Month())-1)/3+1, from.Year())
		},
	}
}

// dossierStatusText and resultText name a dossier's status and result in
// the language of l, for the template functions and the list rows alike.
func dossierStatusText(l map[string]string, st qms.DossierStatus) string {
	return label(l, "dossier."+string(st))
}

func resultText(l map[string]string, r string) string { return l["result."+r] }

// formLabels are the words a displayed form record adds, in lang.
func formLabels(lang string) formschema.Labels {
	l := dictionaries[lang]
	return formschema.Labels{Yes: l["formschema.yes"], No: l["formschema.no"]}
}

// label is the text of key; a missing key shows itself, so that it is
// seen (and TestDictionariesCoverTemplates fails) rather than left blank.
func label(l map[string]string, key string) string {
	if v, ok := l[key]; ok {
		return v
	}
	return key
}

// Load is part of fiber.Views: the templates are parsed in New.
func (v views) Load() error { return nil }

// langOfData is the language a page's data asks for ("vi" by default).
func langOfData(binding any) string {
	if d, ok := binding.(interface{ language() string }); ok {
		return d.language()
	}
	return "vi"
}

// headOfData is the page head a page's data carries.
func headOfData(binding any) (pageHead, bool) {
	if d, ok := binding.(interface{ head() pageHead }); ok {
		return d.head(), true
	}
	return pageHead{}, false
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render writes page name inside layout (see views). The output goes to
// fiber's buffer, which becomes the response only if all succeed.
func (v views) Render(w io.Writer, name string, binding any, layout ...string) error {
	set := v.sets[langOfData(binding)]
	if set == nil {
		set = v.sets["vi"]
	}
	page := set.Lookup(name)
	if page == nil {
		return fmt.Errorf("render: template %s does not exist", name)
	}
	if len(layout) == 0 || layout[0] == "" {
		return page.Execute(w, binding)
	}
	lay := set.Lookup(layout[0])
	if lay == nil {
		return fmt.Errorf("render: layout %s does not exist", layout[0])
	}
	headT, foot := set.Lookup(layout[0]+".head"), set.Lookup(layout[0]+".foot")
	if h, ok := headOfData(binding); ok && headT != nil && foot != nil {
		// The page is written first so that its title, in the head, names
		// it by its own heading.
		buf := pageBuffers.Get().(*bytes.Buffer)
		defer func() { buf.Reset(); pageBuffers.Put(buf) }()
		if err := page.Execute(buf, binding); err != nil {
			return err
		}
		h.Title = headingOf(buf.Bytes())
		if err := headT.Execute(w, h); err != nil {
			return err
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
		return foot.Execute(w, h)
	}
	e, ok := binding.(embedder)
	if !ok {
		return fmt.Errorf("render: layout %s needs data that takes the page's output (a printPage)", layout[0])
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); pageBuffers.Put(buf) }()
	if err := page.Execute(buf, binding); err != nil {
		return err
	}
	e.embed(template.HTML(buf.String())) // #nosec G203 -- the page's own output, already escaped
	return lay.Execute(w, binding)
}

// embedder is the data of a page shown in a layout without head and foot:
// it takes the page's output, which the layout shows as .Embed.
type embedder interface{ embed(template.HTML) }

// headingOf is the text of a page's first <h1>, its tags taken out and
// its characters unescaped (the head escapes it again), spaces folded; or
// the h1's data-title where its text alone does not name the page (a
// public page headed by its agency's name).
func headingOf(page []byte) string {
	_, rest, ok := bytes.Cut(page, []byte("<h1"))
	if attrs, _, _ := bytes.Cut(rest, []byte(">")); ok {
		if _, v, found := bytes.Cut(attrs, []byte(`data-title="`)); found {
			v, _, _ = bytes.Cut(v, []byte(`"`))
			return html.UnescapeString(string(v))
		}
	}
	if !ok {
		return ""
	}
	if _, rest, ok = bytes.Cut(rest, []byte(">")); !ok {
		return ""
	}
	inner, _, _ := bytes.Cut(rest, []byte("</h1>"))
	var text strings.Builder
	inTag := false
	for _, c := range string(inner) {
		switch {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
		case !inTag:
			text.WriteRune(c)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(text.String())), " ")
}
