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

// vietnameseMarks are the combining marks of Vietnamese letters: the five
// tones (huyền, sắc, ngã, hỏi, nặng) and the vowel marks (ă; â, ê, ô; ơ, ư).
const vietnameseMarks = "\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b"

// VietnameseLetters reports whether every letter of s is written with
// the Vietnamese alphabet: ASCII letters, đ, and vowels with Vietnamese
// marks. A code typed in look-alike letters (full-width "ＱＴ-01",
// Cyrillic "Т", Greek "Ο") reads as another agency document's code but
// is not equal to it, nor found by it.
func VietnameseLetters(s string) bool {
	for _, r := range norm.NFD.String(s) {
		if r >= 0x80 && r != 'đ' && r != 'Đ' && !strings.ContainsRune(vietnameseMarks, r) {
			return false
		}
	}
	return true
}

// LatinLetters reports whether every letter of s is a letter of the Latin
// script as typed on a keyboard, marks allowed: a person's name or title
// with a Cyrillic "а" or a full-width "Ａ" draws as another person's and
// is not equal to it. Letters of other Latin alphabets (ü, ñ) pass: a
// foreign expert's name is written as it is.
func LatinLetters(s string) bool {
	for _, r := range norm.NFD.String(s) {
		if unicode.IsLetter(r) && (!unicode.Is(unicode.Latin, r) || r >= 0xFF00 && r <= 0xFFEF) {
			return false
		}
	}
	return true
}
