package formschema

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Value readers and formatters shared by the posted-form and JSON paths,
// so that both accept the same numbers and dates and Render shows values
// in a form the readers read back unchanged.

const (
	dateISO      = "2006-01-02" // stored, sent by <input type=date>
	dateVN       = "02/01/2006" // shown to Vietnamese users
	dateVNLoose  = "2/1/2006"   // typed by hand
	maxNumberLen = 512          // enough for any float64 written in full
)

// parseNumber reads a number written the Vietnamese way ("1.234,5",
// "1234,5", "-12.000") or the programmers' way ("1234.5", "0.125").
//
// A comma is a decimal comma unless the number has several commas or also
// a dot after it ("1,234.5"). A dot is a thousands separator when the
// groups it makes are valid — several dots, a comma after it, or a single
// dot followed by exactly three digits after a non-zero group of one to
// three ("1.500" is 1500). Otherwise it is a decimal point ("1234.5",
// "1.5", "0.125"). The single-dot rule is what makes the numbers Render
// and Display write ("1.500") read back as the same value.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxNumberLen {
		return 0, false
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == ',') {
			return 0, false
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	var intPart, frac string
	var group byte // thousands separator used in intPart, 0 for none
	switch {
	case dots > 0 && commas > 0:
		// Both: whichever comes last is the decimal mark, once.
		if lastComma > lastDot {
			if commas > 1 {
				return 0, false
			}
			intPart, frac, group = s[:lastComma], s[lastComma+1:], '.'
		} else {
			if dots > 1 {
				return 0, false
			}
			intPart, frac, group = s[:lastDot], s[lastDot+1:], ','
		}
	case commas == 1:
		intPart, frac = s[:lastComma], s[lastComma+1:]
	case commas > 1:
		intPart, group = s, ','
	case dots > 1:
		intPart, group = s, '.'
	case dots == 1:
		intPart, frac = s[:lastDot], s[lastDot+1:]
		if len(frac) == 3 && validGroups(s, '.') {
			intPart, frac, group = s, "", '.'
		}
	default:
		intPart = s
	}
	if group != 0 {
		if !validGroups(intPart, group) {
			return 0, false
		}
		intPart = strings.ReplaceAll(intPart, string(group), "")
	}
	if intPart == "" || strings.ContainsAny(intPart+frac, ".,") || (frac == "" && strings.ContainsAny(s[len(s)-1:], ".,")) {
		return 0, false
	}
	text := intPart
	if frac != "" {
		text += "." + frac
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// validGroups reports whether s is digits grouped by sep in threes after a
// first group of one to three that does not start with 0 ("1.234.567").
func validGroups(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts) < 2 {
		return false
	}
	first := parts[0]
	if len(first) < 1 || len(first) > 3 || first[0] == '0' {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// formatNumber writes f the Vietnamese way, with every digit needed to
// read it back exactly: 1234.5 → "1.234,5", -0.25 → "-0,25".
func formatNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && s != "0" {
		b.WriteByte('-')
	}
	for i := range len(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// parseDate reads "2026-02-16" or "16/02/2026" ("16/2/2026") and returns
// the ISO form. Years outside 1900–2199 are refused: they are typos ("0226")
// in the records an agency keeps.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateISO, dateVN, dateVNLoose} {
		if t, err := time.Parse(layout, s); err == nil {
			if y := t.Year(); y < 1900 || y > 2199 {
				return "", false
			}
			return t.Format(dateISO), true
		}
	}
	return "", false
}

// formatDate writes a stored ISO date as Vietnamese users read it; a value
// that is not a date is returned as it is.
func formatDate(iso string) string {
	t, err := time.Parse(dateISO, iso)
	if err != nil {
		return iso
	}
	return t.Format(dateVN)
}

// parseCheckbox reads a posted checkbox. Browsers send "on" for a checked
// box without a value attribute; "1" and "true" come from scripts and
// hidden fields, and their negations are accepted as false.
func parseCheckbox(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "1", "true":
		return true, true
	case "", "off", "0", "false":
		return false, true
	}
	return false, false
}

// cleanText normalises a text value: line breaks to "\n" (browsers post
// textareas with CRLF), outer spaces trimmed, and for one-line fields no
// line break at all. It reports a problem in Vietnamese, or "".
func cleanText(f Field, s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", "Không phải văn bản UTF-8 hợp lệ."
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSpace(s)
	bad := func(r rune) bool { return isControl(r) && r != '\t' && (r != '\n' || !f.Multiline) }
	if strings.ContainsFunc(s, bad) {
		if !f.Multiline && strings.Contains(s, "\n") {
			return "", "Chỉ được nhập một dòng."
		}
		return "", "Chứa ký tự điều khiển không được phép."
	}
	if n, max := utf8.RuneCountInString(s), f.TextLimit(); n > max {
		return "", "Dài " + strconv.Itoa(n) + " ký tự, nhiều nhất " + strconv.Itoa(max) + " ký tự."
	}
	return s, ""
}
