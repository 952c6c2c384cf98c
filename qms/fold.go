package qms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares Vietnamese text for search: composed (NFC), lower case,
// đ as d. SQLite's unicode61 tokenizer (remove_diacritics 2) strips the
// tone and vowel marks, but đ is a letter of its own, not a d with a
// mark, so "dang ky" would miss "đăng ký" without this; and a decomposed
// "giấy" (Unikey's "Unicode tổ hợp", macOS) would split at its marks.
func Fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, norm.NFC.String(s))
}

// Unaccent is Fold without the tone and vowel marks: "Cường" → "cuong",
// as SQLite's unicode61 tokenizer (remove_diacritics 2) indexes a word
// and as a name is typed where marks cannot be.
func Unaccent(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(Fold(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SearchTerms turns what a user typed into FTS5 prefix terms ("cap giay"
// → `"cap"* "giay"*`): only letters and digits survive, so no query can
// inject FTS syntax.
func SearchTerms(q string) string {
	words := strings.FieldsFunc(Fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 10 {
		words = words[:10]
	}
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}
