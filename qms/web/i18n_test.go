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
