package web

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// dynamicTextFields are the text checks whose field is not a literal, by
// file and function, with the fields they may name.
var dynamicTextFields = map[string][]string{
	// ProcedureVersion.Validate ranges over its sections.
	"procedure.go:Validate": {"purpose", "scope", "references", "definitions", "change_summary"},
	// The form check names the form's own field; refusedText says it.
	"formcheck.go:checkField": nil,
	// CheckTexts passes on the fields of its TextField literals.
	"text.go:CheckTexts": nil,
}

// textCheck is one field a text check of the sources names.
type textCheck struct {
	pos   token.Position
	field string
}

// textChecks finds every field a qms.CheckText call or a qms.TextField
// literal names in the sources (qms/ and cmd/): a literal, or one listed
// in dynamicTextFields for its function; fields it cannot tell are
// reported through t.
func textChecks(t *testing.T) []textCheck {
	t.Helper()
	fset := token.NewFileSet()
	var found []textCheck
	for _, p := range sourcePackages(t, fset) {
		isQMS := func(e ast.Expr, name string) bool {
			switch e := e.(type) {
			case *ast.SelectorExpr:
				x, ok := e.X.(*ast.Ident)
				return ok && x.Name == "qms" && e.Sel.Name == name
			case *ast.Ident:
				return p.name == "qms" && e.Name == name
			}
			return false
		}
		for _, f := range p.files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				where := filepath.Base(fset.Position(fd.Pos()).Filename) + ":" + fd.Name.Name
				add := func(n ast.Node, field ast.Expr) {
					pos := fset.Position(n.Pos())
					if s, ok := stringValue(field, p.consts); ok {
						found = append(found, textCheck{pos, s})
						return
					}
					fields, ok := dynamicTextFields[where]
					if !ok {
						t.Errorf("%s: a text check whose field is not a literal: list its fields in dynamicTextFields[%q]", pos, where)
					}
					for _, s := range fields {
						found = append(found, textCheck{pos, s})
					}
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.CallExpr:
						if isQMS(n.Fun, "CheckText") && len(n.Args) > 0 {
							add(n, n.Args[0])
						}
					case *ast.CompositeLit:
						if !isQMS(n.Type, "TextField") || len(n.Elts) == 0 {
							return true
						}
						field := n.Elts[0]
						for _, e := range n.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Field" {
									field = kv.Value
								}
							}
						}
						if kv, ok := field.(*ast.KeyValueExpr); ok { // keyed, without Field
							field = kv.Value
						}
						add(n, field)
					}
					return true
				})
			}
		}
	}
	return found
}

// TestTextChecksNameFieldsInEnglish: every field a text check of the
// domain or the store names (qms.CheckText, qms.TextField) has an English
// label (field.<name>), which an English page shows for the field's
// Vietnamese label in the refusal (englishArg).
func TestTextChecksNameFieldsInEnglish(t *testing.T) {
	checks := textChecks(t)
	if len(checks) < 50 {
		t.Errorf("only %d text checks found in the sources: is the scan broken?", len(checks))
	}
	for _, c := range checks {
		en := dictionaries["en"]["field."+c.field]
		if strings.TrimSpace(en) == "" || strings.IndexFunc(en, nonASCIILetter) >= 0 {
			t.Errorf("%s: the field %q has no English label: add field.%s to formCheckTexts", c.pos, c.field, c.field)
		}
	}
}

// nonASCIILetter: a letter with a Vietnamese diacritic, as
// vietnameseOnly finds them on a page.
func nonASCIILetter(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }
