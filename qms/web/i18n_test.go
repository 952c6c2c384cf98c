package web

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestDictionariesCoverTemplates: every key a template looks up exists in
// both languages (a missing key renders as an empty link, silently).
func TestDictionariesCoverTemplates(t *testing.T) {
	used := regexp.MustCompile(`\bt "([a-z_.0-9]+)"`)
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			for lang, dict := range dictionaries {
				if _, ok := dict[m[1]]; !ok {
					t.Errorf("%s uses %q, missing in %s", f, m[1], lang)
				}
			}
		}
	}
	for key := range dictionaries["vi"] {
		if _, ok := dictionaries["en"][key]; !ok {
			t.Errorf("%q has no English text", key)
		}
	}
	for key := range dictionaries["en"] {
		if _, ok := dictionaries["vi"][key]; !ok {
			t.Errorf("%q has no Vietnamese text", key)
		}
	}
}

// Every clause and compliance rule the domain names has an English name,
// and no page text is listed twice.
func TestDomainNamesInEnglish(t *testing.T) {
	for code := range clauseTitles {
		if _, ok := domainEnglish["clause."+code]; !ok {
			t.Errorf("clause %s has no English title", code)
		}
	}
	for code := range ruleTitles {
		if _, ok := domainEnglish["rule."+code]; !ok {
			t.Errorf("rule %s has no English title", code)
		}
	}
	seen := map[string]bool{}
	for _, p := range pageTexts {
		if seen[p.key] {
			t.Errorf("page text %q twice", p.key)
		}
		seen[p.key] = true
	}
}

// TestOneSource4TemplatesHoldNoText: a template writes no words of its
// own, outside its actions and tags or in the attributes a person reads:
// every label goes through t and the catalogue. This catches what the
// English page test cannot see, Vietnamese without diacritics ("Xem").
// Allowed: names that are the same in every language.
func TestOneSource4TemplatesHoldNoText(t *testing.T) {
	allowed := map[string]bool{"VI": true, "EN": true, "SVG": true, "BPMN": true, "2.0": true, "Mermaid": true, "ID": true, "SHA": true,
		"user.": true, "agency": true} // examples of audit action and object codes
	// The column names of the import file are the file's format.
	for _, c := range []string{"code", "name", "field", "time", "limit", "days", "fee", "legal", "basis", "published", "on", "status", "by"} {
		allowed[c] = true
	}
	actions := regexp.MustCompile(`(?s){{.*?}}`)
	tags := regexp.MustCompile(`<[^>]*>`)
	readAttrs := regexp.MustCompile(`\b(?:placeholder|title|alt|aria-label|data-confirm)="([^"]*)"`)
	word := regexp.MustCompile(`\pL[\pL\pN.]*`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		s := actions.ReplaceAllString(string(b), " ")
		var texts []string
		for _, m := range readAttrs.FindAllStringSubmatch(s, -1) {
			texts = append(texts, m[1])
		}
		texts = append(texts, tags.ReplaceAllString(s, " "))
		for _, text := range texts {
			for _, w := range word.FindAllString(text, -1) {
				if !allowed[w] {
					t.Errorf("%s writes %q: put it in the catalogue", f, w)
				}
			}
		}
	}
}
