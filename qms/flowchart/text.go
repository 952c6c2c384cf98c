package flowchart

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"isodt/qms/msg"
)

// stepRef names a step in a message the way an ISO officer reads it:
// “Thẩm định hồ sơ” (B2).
func stepRef(s Step) msg.Text {
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "" && s.ID == "":
		return msg.New("(chưa có mã)")
	case name == "":
		return msg.New("%s", s.ID)
	}
	return msg.New("“%s” (%s)", name, s.ID)
}

// Hours is a working time as an argument of a message: it prints the
// Vietnamese way, with a decimal comma (16 → "16", 1.5 → "1,5"), and a
// page in another language writes it its own way (FormatHours).
type Hours float64

func (h Hours) String() string { return FormatHours(float64(h), "vi") }

// FormatHours writes a working time for people: at most two decimals,
// trailing zeros dropped, so a sum like 2.2+0.2 reads "2,4" and never
// "2,4000000000000004". Vietnamese (lang "vi" or "") uses a decimal comma,
// other languages a dot.
func FormatHours(h float64, lang string) string {
	s := strconv.FormatFloat(math.Round(h*100)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	if lang == "" || lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
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
