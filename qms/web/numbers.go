package web

import (
	"html/template"
	"strconv"
	"strings"
)

// numberFuncs write numbers in the page's language: in Vietnamese a dot
// between thousands, a decimal comma and a space before the per cent sign
// (10.497; 99,57 %), in English the other way round (10,497; 99.57%).
func numberFuncs(lang string) template.FuncMap {
	pct := func(v float64) string { return formatPercent(v, lang) }
	dec := func(v float64) string { return formatDecimal(v, lang) }
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
		// pct is a percentage with two decimals: 99,57 %.
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
		"dec": dec,
		// target is a target rate as its objective states it: 95 %.
		"target": func(v float64) string { return formatTarget(v, lang) },
	}
}

// formatDecimal writes v with at most two decimals, trailing zeros
// dropped: 95; 97,5.
func formatDecimal(v float64, lang string) string {
	s := formatNumber(v, 2, lang)
	if sep := decimalSeparator(lang); strings.Contains(s, sep) {
		s = strings.TrimRight(strings.TrimRight(s, "0"), sep)
	}
	return s
}

// formatTarget writes a target rate as its objective states it: 95 %.
func formatTarget(v float64, lang string) string { return formatDecimal(v, lang) + percentSign(lang) }

// formatPercent writes a rate with two decimals in lang: 99,57 %.
func formatPercent(v float64, lang string) string {
	return formatNumber(v, 2, lang) + percentSign(lang)
}

// percentSign follows a rate: in Vietnamese after a space (99,57 %), a
// no-break one so that the sign never starts a line; in English right
// after it (99.57%).
func percentSign(lang string) string {
	if lang == "vi" {
		return "\u00a0%"
	}
	return "%"
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
