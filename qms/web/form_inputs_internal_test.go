package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"isodt/qms/formschema"
)

// TestOneSource3FormInputsOnTemplate: a form schema's inputs are written by
// the form_inputs template, not by Go strings: each input carries its id,
// name, value and the aria ties to its help and error, the added words
// come from the catalogue of the page's language, and hostile labels,
// options and values stay text.
func TestOneSource3FormInputsOnTemplate(t *testing.T) {
	v := testViews(t)
	evil := `"><script>alert(1)</script>`
	s := formschema.Schema{Fields: []formschema.Field{
		{Name: "ten", Label: evil, Type: formschema.TypeText, Required: true, Help: evil},
		{Name: "ghi_chu", Label: "Ghi chú", Type: formschema.TypeText, Multiline: true},
		{Name: "noi_tra", Label: "Nơi trả", Type: formschema.TypeSelect, Options: []string{evil, "Qua bưu điện"}},
		{Name: "ngay", Label: "Ngày", Type: formschema.TypeDate},
		{Name: "dong_y", Label: "Đồng ý", Type: formschema.TypeCheckbox},
		{Name: "tep", Label: "Tệp", Type: formschema.TypeFile, Required: true},
	}}
	entry := formschema.Entry{"ten": evil, "ghi_chu": "\n</textarea><script>", "noi_tra": "Qua bưu điện", "ngay": "2026-03-05", "dong_y": true,
		"tep": formschema.FileRef{Name: `<img src=x onerror=alert(1)>.pdf`}}
	for _, lang := range []string{"vi", "en"} {
		var b strings.Builder
		if err := v.sets[lang].ExecuteTemplate(&b, "form_inputs", s.Inputs(entry, formschema.FieldErrors{"ten": evil})); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		el := map[string]*html.Node{}
		var scripts, imgs int
		var text strings.Builder
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script":
					scripts++
				case "img":
					imgs++
				}
				if id := attrOf(n, "id"); id != "" {
					el[id] = n
				}
			}
			if n.Type == html.TextNode {
				text.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if scripts+imgs > 0 {
			t.Fatalf("%s: hostile text became markup:\n%s", lang, b.String())
		}
		check := func(id, name, want string) {
			t.Helper()
			n := el[id]
			if n == nil {
				t.Errorf("%s: no element #%s", lang, id)
				return
			}
			got := attrOf(n, name)
			if name == "" {
				got = textOf(n)
			}
			if got != want {
				t.Errorf("%s: #%s %s = %q, want %q", lang, id, name, got, want)
			}
		}
		check("f-ten", "value", evil)
		check("f-ten", "aria-invalid", "true")
		check("f-ten", "aria-describedby", "f-ten-help f-ten-error")
		check("f-ten-help", "", evil)
		check("f-ten-error", "", evil)
		check("f-ghi_chu", "", "\n</textarea><script>")
		check("f-ngay", "value", "05/03/2026")
		check("f-ngay", "placeholder", "dd/mm/yyyy")
		check("f-dong_y", "checked", "")
		check("f-tep-limit", "", dictionaries[lang]["upload.limit"])
		if _, req := hasAttr(el["f-tep"], "required"); req {
			t.Errorf("%s: a stored file's input is required", lang)
		}
		if _, ok := hasAttr(el["f-ten"], "required"); !ok {
			t.Errorf("%s: a required text input lacks required", lang)
		}
		for _, want := range []string{dictionaries[lang]["formschema.choose"], dictionaries[lang]["formschema.current_file"] + " <img src=x onerror=alert(1)>.pdf"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("%s: missing text %q", lang, want)
			}
		}
	}
}

func attrOf(n *html.Node, name string) string {
	v, _ := hasAttr(n, name)
	return v
}

func hasAttr(n *html.Node, name string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// TestOneSource3FieldErrorsOnTemplate: a field's error is written by the
// field_error template; a template that printed ErrorFor's value itself
// would show Go's rendering of it.
func TestOneSource3FieldErrorsOnTemplate(t *testing.T) {
	action := regexp.MustCompile(`\{\{[^{}]*\.ErrorFor [^{}]*\}\}`)
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, name := range names {
		b, _ := fs.ReadFile(templateFS, name)
		for _, a := range action.FindAllString(string(b), -1) {
			if !strings.HasPrefix(a, `{{if `) && !strings.HasPrefix(a, `{{template "field_error" (`) {
				t.Errorf("%s: %s prints ErrorFor: write {{template \"field_error\" (…ErrorFor …)}}", name, a)
			}
		}
	}
	in := formInput{field: "a.b", message: `<b>"x"</b>`}
	v := testViews(t)
	for _, tt := range []struct {
		name, want string
	}{
		{"a.b", `<span class="field-error" id="error-a-b">&lt;b&gt;&#34;x&#34;&lt;/b&gt;</span>`},
		{"c", ""},
	} {
		var b strings.Builder
		if err := v.sets["vi"].ExecuteTemplate(&b, "field_error", in.ErrorFor(tt.name)); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("field %s: %q, want %q", tt.name, b.String(), tt.want)
		}
	}
}
