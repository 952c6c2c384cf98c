package qms

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/text/unicode/norm"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// MinPasswordScore is the least zxcvbn score of a new password: 2 means
// at least a million guesses. Below it are the passwords every guessing
// list starts with ("12345678", "password1", "admin123", "P@ssw0rd"), and
// the address lock (30 wrong passwords) would let a guesser try them.
const MinPasswordScore = 2

// PasswordText is the form of a password that is hashed and compared:
// Unicode NFC. A Vietnamese keyboard (Unikey's "Unicode tổ hợp", a macOS
// terminal) may type "ự" as u, a horn and a dot below, another as one
// character; both are the same password to the person typing it.
func PasswordText(p string) string { return norm.NFC.String(p) }

// ValidatePassword checks a new password (in PasswordText form); known
// (the username, the full name) are words a guesser would try first.
// Checked in order: the length, what no login form can take back
// (control characters, bytes that are not UTF-8, spaces at the ends),
// a password made only of the account's names or of words a guesser
// tries first on Vietnamese accounts (guessable), and last zxcvbn's
// estimate, run only on what passed the length checks: its matching
// grows faster than the length, and 72 bytes bound it.
func ValidatePassword(p string, known ...string) error {
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		return FieldError("password", "Mật khẩu phải có ít nhất %d ký tự.", MinPasswordLength)
	case len(p) > 72: // bcrypt reads no further
		return FieldError("password", "Mật khẩu dài quá: tối đa 72 byte (chữ không dấu 1 byte, chữ có dấu 2–3 byte mỗi chữ).")
	case !utf8.ValidString(p):
		// The web's form check refuses these before; the CLI reads the
		// password from stdin, where a file or a pipe may carry them.
		return FieldError("password", "Mật khẩu chứa byte không phải văn bản UTF-8 hợp lệ: hãy gõ lại mật khẩu.")
	case passwordControlChar(p) >= 0:
		// Nobody can type it at the login form (which refuses it, and
		// where tab and Enter do something else).
		return FieldError("password", "Mật khẩu chứa ký tự điều khiển (U+%04X), không gõ được khi đăng nhập: hãy chọn mật khẩu khác.", passwordControlChar(p))
	case strings.TrimSpace(p) != p:
		// A pasted password with a space at an end is one its owner
		// cannot type again; eight spaces are no password.
		return FieldError("password", "Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")
	}
	if err := guessable(p, known); err != nil {
		return err
	}
	if zxcvbn.PasswordStrength(p, guessWords(known)).Score < MinPasswordScore {
		return FieldError("password", "Mật khẩu quá dễ đoán (như 12345678, password, admin123, P@ssw0rd): hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	return nil
}

// passwordControlChar is the first character of p that no password may
// hold (qms.ControlChar, and tab, newline and carriage return too), or -1.
func passwordControlChar(p string) rune {
	for _, r := range p {
		if unicode.IsControl(r) {
			return r
		}
	}
	if r, ok := ControlChar(p); ok {
		return r
	}
	return -1
}

// vietnameseGuesses are words a guesser tries first on a Vietnamese
// office's accounts and that zxcvbn's dictionaries (English, names of
// the US census, television) do not hold: "matkhau123" scores as random
// letters there. Unaccented, lower case, as people type them at a login.
var vietnameseGuesses = []string{
	"matkhau", "mk", "pass", "xinchao", "chao", "anhyeuem", "emyeuanh", "yeu", "toi", "em", "anh", "ban",
	"vietnam", "hanoi", "saigon", "hochiminh", "tphcm", "danang", "haiphong", "cantho",
	"hue", "nhatrang", "dalat", "quangninh", "nghean", "thanhhoa",
	"ubnd", "uyban", "so", "noivu", "motcua", "iso", "dientu", "tthc",
	"hoso", "quantri", "quanly", "canbo", "congchuc", "nhanvien", "lanhdao", "giamdoc",
	"baomat", "bimat", "hethong", "admin", "abc", "abcd", "qwerty",
	// the most common family and given names
	"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly",
	"van", "thi", "huu", "duc", "minh", "an", "linh", "lan", "hoa", "hung", "dung", "tuan", "thanh", "huong", "trang", "ngoc", "quang", "nam", "long", "mai", "ha", "hai", "son", "tu", "binh", "phuong", "thao", "hien", "hang", "nga", "cuong",
}

// guessWords are the words zxcvbn matches a password against besides its
// own: known (the username, the full name) as typed, each unaccented and
// run together ("Lê Văn Cường" is also "levancuong") and word by word,
// and vietnameseGuesses.
func guessWords(known []string) []string {
	words := append([]string(nil), vietnameseGuesses...)
	for _, k := range known {
		if k == "" {
			continue
		}
		plain := unaccented(k)
		words = append(words, k, strings.Join(nameWords(plain), ""))
		words = append(words, nameWords(plain)...)
	}
	return words
}

// guessable refuses a password whose letters, unaccented and in lower
// case, are only words of the account's names or of vietnameseGuesses,
// in any order, with any digits and symbols around them: "Matkhau@123",
// "Hanoi@2024", "le.van.cuong", "Cuong@1990" or "cuonglevan" for Lê Văn
// Cường. zxcvbn scores some of these above its threshold, a capital and
// a symbol counting as a guesser's extra work; they are the first a
// Vietnamese guesser tries.
func guessable(p string, known []string) error {
	var letters strings.Builder
	for _, r := range unaccented(p) {
		if unicode.IsLetter(r) {
			letters.WriteRune(r)
		}
	}
	core := letters.String()
	if core == "" {
		return nil // digits and symbols only: zxcvbn judges them
	}
	names := map[string]bool{}
	for _, k := range known {
		for _, w := range nameWords(unaccented(k)) {
			names[w] = true
		}
	}
	if madeOf(core, names) {
		return FieldError("password", "Mật khẩu chỉ gồm tên đăng nhập hoặc họ tên của bạn (kể cả viết không dấu, đảo thứ tự, thêm số hay ký hiệu): người đoán mật khẩu thử những cách này đầu tiên. Hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	for _, w := range vietnameseGuesses {
		names[w] = true
	}
	if madeOf(core, names) {
		return FieldError("password", "Mật khẩu chỉ ghép những từ hay bị đoán trước (như matkhau, xinchao, hanoi, anhyeuem, họ tên thông dụng) với số hay ký hiệu: hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	return nil
}

// madeOf reports whether s is a sequence of words, each at least two
// letters (one letter is any string's piece).
func madeOf(s string, words map[string]bool) bool {
	ends := make([]bool, len(s)+1) // ends[i]: s[:i] is made of words
	ends[0] = true
	for i := 2; i <= len(s); i++ {
		for j := 0; j <= i-2 && !ends[i]; j++ {
			ends[i] = ends[j] && words[s[j:i]]
		}
	}
	return ends[len(s)]
}

// nameWords are the letter runs of s, at least two letters each.
func nameWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 2 {
			out = append(out, w)
		}
	}
	return out
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
