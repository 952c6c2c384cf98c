package web

import (
	"html/template"
	"strings"
	"testing"
)

// TestOneSourceSpeedInlineLabels: a label written into a template's text
// renders exactly as {{t "key"}} does, escaping included, and one in a
// context html/template escapes otherwise (a URL, a script, an unknown
// attribute) is left to t.
func TestOneSourceSpeedInlineLabels(t *testing.T) {
	dictionaries["vi"]["test.tricky"] = `Sửa "A" & <B> + 'c'`
	defer delete(dictionaries["vi"], "test.tricky")
	for _, tc := range []struct {
		name, src string
		inlined   bool
	}{
		{"text", `<p>{{t "test.tricky"}}</p>`, true},
		{"plain attribute", `<input placeholder="{{t "test.tricky"}}" title="x {{t "test.tricky"}}">`, true},
		{"missing key", `<p>{{t "test.missing"}}</p>`, true},
		{"URL", `<a href="/x?q={{t "test.tricky"}}">x</a>`, false},
		{"event handler", `<a onclick="f('{{t "test.tricky"}}')">x</a>`, false},
		{"unquoted attribute", `<a class={{t "test.tricky"}}>x</a>`, false},
		{"script", `<script>var s = "{{t "test.tricky"}}";</script><p>{{t "test.tricky"}}</p>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := inlineLabels(tc.src, "vi")
			if got := !strings.Contains(src, "{{t "); got != tc.inlined {
				t.Fatalf("inlined %v, want %v: %s", got, tc.inlined, src)
			}
			render := func(src string) string {
				var b strings.Builder
				if err := template.Must(template.New("").Funcs(langFuncs("vi")).Parse(src)).Execute(&b, nil); err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			if got, want := render(src), render(tc.src); got != want {
				t.Fatalf("inlined renders\n%s\nwant\n%s", got, want)
			}
		})
	}
}
