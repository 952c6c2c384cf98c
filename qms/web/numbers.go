package web

import (
	"html/template"
	"strconv"
	"strings"
)

// numberFuncs write numbers in the page's language: in Vietnamese a dot
// between thousands and a decimal comma (10.497; 99,57%), in English the
// other way round (10,497; 99.57%).
func numberFuncs(lang string) template.FuncMap {
	pct := func(v float64) string { return formatNumber(v, 2, lang) + "%" }
	return template.FuncMap{
		// num is a count; a count a page's data lacks (a form shown
		// again on an error) is 0.
		"num": func(n any) string {
			switch n := n.(type) {
			case int:
				return formatNumber(float64(n), 0, lang)
			case int64:
				return formatNumber(float64(n), 0, lang)
			}
			return "0"
		},
		// pct is a percentage with two decimals: 99,57%.
		"pct": pct,
		// share is pct of a rate over count items, "–" when there are
		// none: 0,00% of nothing finished reads as every dossier late.
		"share": func(v float64, count int) string {
			if count == 0 {
				return "–"
			}
			return pct(v)
		},
		// dec is a figure with at most two decimals, trailing zeros
		// dropped: 95; 97,5.
		"dec": func(v float64) string {
			s := formatNumber(v, 2, lang)
			if sep := decimalSeparator(lang); strings.Contains(s, sep) {
				s = strings.TrimRight(strings.TrimRight(s, "0"), sep)
			}
			return s
		},
	}
}

func decimalSeparator(lang string) string {
	if lang == "vi" {
		return ","
	}
	return "."
}

// formatNumber writes v with decimals digits after the separator and the
// thousands grouped, in lang's convention.
func formatNumber(v float64, decimals int, lang string) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(intPart, "-") {
		sign, intPart = "-", intPart[1:]
	}
	group := "."
	if lang != "vi" {
		group = ","
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(decimalSeparator(lang))
		b.WriteString(frac)
	}
	return b.String()
}
