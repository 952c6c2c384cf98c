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
// script as typed on a keyboard, with the common accents: a person's name
// or title with a Cyrillic "а", a full-width "Ａ", an IPA "ɑ" or a digit
// other than 0–9 draws as another person's and is not equal to it.
// Letters of other European alphabets (ü, ñ, ø) pass: a foreign expert's
// name is written as it is.
func LatinLetters(s string) bool {
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < 0x80:
		case unicode.IsLetter(r):
			// Latin-1, Latin Extended-A and Latin Extended Additional:
			// not the IPA letters ("ɑ" for "a") nor the clicks ("ǀ").
			if !(r >= 0xC0 && r <= 0x24F && r < 0x180) && !(r >= 0x1E00 && r <= 0x1EFF) {
				return false
			}
		case unicode.IsNumber(r):
			return false // a full-width "１", a bold "𝟏", a superscript "¹"
		case unicode.Is(unicode.Mn, r):
			if r < 0x300 || r > 0x36F {
				return false
			}
		}
	}
	return true
}

// TextKey is text as two sends of a form are compared for being the same
// (qms.RepeatWindow): composed, in lower case, its words single-spaced; a
// second space typed did not make a second record.
func TextKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(Composed(s))), " ")
}

// toneMarks are Vietnamese's five tone marks (huyền, sắc, ngã, hỏi, nặng),
// which old and new spelling place on different vowels ("hoá", "hóa").
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// SameName reports whether people would take names a and b for one
// another: equal regardless of case, spacing and tone marks, or drawn
// alike letter for letter (Skeleton).
func SameName(a, b string) bool {
	return toneless(TextKey(a)) == toneless(TextKey(b)) || Skeleton(a) == Skeleton(b)
}

// toneless is s without its tone marks.
func toneless(s string) string {
	return norm.NFC.String(strings.Map(func(r rune) rune {
		if strings.ContainsRune(toneMarks, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s)))
}

// Skeleton is what a name looks like, for telling apart names people
// would take for one another: TextKey without tone marks, with a capital
// "I", a small "l", "1" and "|" as one letter, and "0" as "o" (a capital
// "L" and a small "i" stay themselves: nobody takes them for the others).
// Names that share a skeleton are the same name to SameName.
func Skeleton(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.Join(strings.Fields(Composed(s)), " ")) {
		switch {
		case strings.ContainsRune(toneMarks, r):
		case r == 'I' || r == 'l' || r == '1' || r == '|':
			b.WriteRune('¦')
		case r == '0':
			b.WriteByte('o')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}
