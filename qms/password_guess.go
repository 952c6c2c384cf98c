package qms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// vietnameseGuesses are words a guesser tries first on a Vietnamese
// office's accounts and that zxcvbn's dictionaries (English, names of
// the US census, television) do not hold: "matkhau123" scores as random
// letters there. Unaccented, lower case, as people type them at a login.
var vietnameseGuesses = []string{
	"matkhau", "mk", "xinchao", "chao", "anhyeuem", "emyeuanh", "yeuem", "yeuanh",
	"vietnam", "hanoi", "saigon", "hochiminh", "tphcm", "danang", "haiphong", "cantho",
	"hue", "nhatrang", "dalat", "quangninh", "nghean", "thanhhoa",
	"ubnd", "uyban", "sonoivu", "motcua", "iso", "isodientu", "dientu", "tthc",
	"hoso", "quantri", "quanly", "canbo", "congchuc", "nhanvien", "lanhdao", "giamdoc",
	"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly",
	"van", "thi", "huu", "duc", "minh", "anh", "linh", "lan", "hoa", "hung", "dung", "tuan", "thanh", "huong", "trang", "ngoc", "quang", "nam", "long",
	"baomat", "bimat", "hethong", "admin", "abc", "abcd",
}

// guessWords are the words a password is matched against besides
// zxcvbn's own: known (the username, the full name) as typed, each
// unaccented and without spaces ("Lê Văn Cường" is also "levancuong")
// and word by word, and vietnameseGuesses.
func guessWords(known []string) []string {
	words := append([]string(nil), vietnameseGuesses...)
	for _, k := range known {
		if k == "" {
			continue
		}
		plain := unaccented(k)
		words = append(words, k, strings.Join(strings.Fields(plain), ""))
		words = append(words, strings.FieldsFunc(plain, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	}
	return words
}

// unaccented is s in lower case without Vietnamese tone and vowel marks
// (đ as d), as a name is typed where marks cannot be: "Cường" → "cuong".
func unaccented(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(Fold(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
