package flowchart

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// stepRef names a step in a message the way an ISO officer reads it:
// “Thẩm định hồ sơ” (B2).
func stepRef(s Step) string {
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "" && s.ID == "":
		return "(chưa có mã)"
	case name == "":
		return s.ID
	}
	return "“" + name + "” (" + s.ID + ")"
}

// formatHours writes hours the Vietnamese way, with a decimal comma:
// 16 → "16", 1.5 → "1,5".
func formatHours(h float64) string {
	return strings.Replace(strconv.FormatFloat(h, 'f', -1, 64), ".", ",", 1)
}

// wrapText breaks s into lines of at most maxRunes characters, by words;
// a word longer than a line is cut. It counts runes, not bytes, so
// Vietnamese letters with diacritics are never split, and invalid UTF-8 is
// replaced first so that the result is always valid.
func wrapText(s string, maxRunes int) []string {
	if maxRunes < 1 {
		maxRunes = 1
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var lines []string
	var cur []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > maxRunes {
			if len(cur) > 0 {
				lines = append(lines, string(cur))
				cur = cur[:0]
			}
			lines = append(lines, string(w[:maxRunes]))
			w = w[maxRunes:]
		}
		switch {
		case len(w) == 0:
		case len(cur) == 0:
			cur = append(cur, w...)
		case len(cur)+1+len(w) <= maxRunes:
			cur = append(append(cur, ' '), w...)
		default:
			lines = append(lines, string(cur))
			cur = append(cur[:0], w...)
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// textWidth estimates the drawn width of s in pixels for a font whose
// average character is charW wide. No font metrics are available on the
// server, and an estimate that is the same everywhere keeps drawings
// deterministic.
func textWidth(s string, charW float64) float64 {
	return float64(utf8.RuneCountInString(s)) * charW
}
