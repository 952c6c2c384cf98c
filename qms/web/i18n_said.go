package web

import (
	"fmt"
	"html/template"
	"slices"

	"isodt/qms/flowchart"
	"isodt/qms/importer"
)

// said is m, whose Vietnamese is vi, as a page in lang at path says it:
// its English when the catalogue has its format (translatedText),
// otherwise vi.
func said(m formatted, vi, lang, path string) string {
	format, args := m.Formatted()
	if en, ok := translatedText(format, args, lang, path); ok {
		return en
	}
	return vi
}

// saidFuncs write in the page's language what the pure-logic packages
// say in Vietnamese: said, a flowchart's problem (or any fmt.Stringer
// kept as a format and arguments); rowProblem, an imported file's
// problem with its row and column.
func saidFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"said": func(m formatted) string { return said(m, fmt.Sprint(m), lang, "") },
		"rowProblem": func(p importer.Problem) string {
			if lang == "vi" {
				return p.String()
			}
			return fmt.Sprintf(label(dictionaries[lang], "tthc_import.row_problem"), formatNumber(float64(p.Row), 0, lang), p.Column, said(p, p.Message, lang, ""))
		},
	}
}

// saidProblems is ps with each Message as a page in lang at path says it.
func saidProblems(ps flowchart.Problems, lang, path string) flowchart.Problems {
	out := slices.Clone(ps)
	for i, p := range out {
		out[i].Message = said(p, p.Message, lang, path)
	}
	return out
}
