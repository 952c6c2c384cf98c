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
