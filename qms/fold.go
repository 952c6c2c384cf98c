package qms

import (
	"strings"
	"unicode"
)

// Fold prepares Vietnamese text for search: lower case, đ as d. SQLite's
// unicode61 tokenizer (remove_diacritics 2) strips the tone and vowel
// marks, but đ is a letter of its own, not a d with a mark, so "dang ky"
// would miss "đăng ký" without this.
func Fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, s)
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
