package qms

import (
	"maps"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/frequency"
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
	bad := passwordControlChar(p)
	switch {
	case utf8.RuneCountInString(p) < MinPasswordLength:
		return FieldError("password", "Mật khẩu phải có ít nhất %d ký tự.", MinPasswordLength)
	case len(p) > 72: // bcrypt reads no further
		return FieldError("password", "Mật khẩu dài quá: tối đa 72 byte (chữ không dấu 1 byte, chữ có dấu 2–3 byte mỗi chữ).")
	case !utf8.ValidString(p):
		// The web's form check refuses these before; the CLI reads the
		// password from stdin, where a file or a pipe may carry them.
		return FieldError("password", "Mật khẩu chứa byte không phải văn bản UTF-8 hợp lệ: hãy gõ lại mật khẩu.")
	case bad >= 0:
		// Nobody can type it at the login form (which refuses control
		// characters, and where tab and Enter do something else); an
		// invisible one (a byte-order mark Notepad writes, a zero-width
		// space from a pasted text) the owner does not know is there.
		return FieldError("password", "Mật khẩu chứa ký tự điều khiển hoặc ký tự vô hình (U+%04X), không gõ được khi đăng nhập (thường do dán từ tài liệu hay tệp khác): hãy gõ lại hoặc chọn mật khẩu khác.", bad)
	case strings.TrimSpace(p) != p:
		// A pasted password with a space at an end is one its owner
		// cannot type again; eight spaces are no password.
		return FieldError("password", "Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng.")
	}
	plain := Unaccent(p)
	if err := guessable(plain, known); err != nil {
		return err
	}
	// Scored also unaccented and in lower case: zxcvbn's patterns are
	// ASCII, and "đđđđđđđđ" (dd typed eight times in Telex) is no
	// repeat to it, while "dddddddd" is.
	words := guessWords(known)
	if min(zxcvbn.PasswordStrength(p, words).Score, zxcvbn.PasswordStrength(plain, words).Score) < MinPasswordScore {
		return FieldError("password", "Mật khẩu quá dễ đoán (như 12345678, password, admin123, P@ssw0rd): hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	return nil
}

// passwordControlChar is the first character of p that no password may
// hold, or -1: the control characters (tab, newline and carriage return
// too) and the invisible ones (InvisibleChar: U+FEFF, U+200B, U+00AD,
// the bidirectional controls, the Hangul filler U+3164…).
func passwordControlChar(p string) rune {
	for _, r := range p {
		if unicode.IsControl(r) {
			return r
		}
	}
	if r, ok := InvisibleChar(p); ok {
		return r
	}
	return -1
}

// vietnameseGuesses are words a guesser tries first on a Vietnamese
// office's accounts and that zxcvbn's dictionaries (English, names of
// the US census, television) do not hold: "matkhau123" scores as random
// letters there. Unaccented, lower case, as people type them at a login.
var vietnameseGuesses = []string{
	"matkhau", "mk", "doi", "moi", "xinchao", "chao", "anhyeuem", "emyeuanh", "yeu", "toi", "em", "anh", "ban", "con", "meo", "cho",
	"khong", "biet", "co", "gi", "chuc", "mung", "nam", "tet", "nguyendan", "caphe", "pho", "bun", "com",
	"vietnam", "hanoi", "saigon", "hochiminh", "tphcm", "danang", "haiphong", "cantho", "hue", "nhatrang", "dalat",
	"quangninh", "nghean", "thanhhoa", "vungtau", "baclieu", "hoangsa", "truongsa", "dienbien", "congan", "bodoi",
	"ubnd", "uyban", "so", "noivu", "motcua", "iso", "dientu", "tthc", "hoso", "quantri", "vien", "quanly", "canbo",
	"congchuc", "chuyenvien", "nhanvien", "lanhdao", "giamdoc", "ketoan", "vanthu", "baomat", "bimat", "hethong",
	// the most common family and given names, and the sample name of
	// every form (Nguyễn Văn A)
	"nguyenvana", "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly",
	"van", "thi", "huu", "duc", "minh", "an", "linh", "lan", "hoa", "hung", "dung", "tuan", "thanh", "huong", "trang", "ngoc",
	"quang", "long", "mai", "ha", "hai", "son", "tu", "binh", "phuong", "thao", "hien", "hang", "nga", "cuong",
}

// commonWords are the letter-only entries of zxcvbn's lists of common
// passwords, the commonest English words and first names: "welcome",
// "summer", "asdfgh", "dragon". Immutable, built once.
var commonWords = sync.OnceValue(func() map[string]bool {
	words := map[string]bool{}
	for list, n := range map[string]int{"passwords": 30000, "english_wikipedia": 10000, "us_tv_and_film": 5000, "male_names": 1000, "female_names": 1000, "surnames": 1000} {
		for _, w := range frequency.FrequencyLists[list][:min(n, len(frequency.FrequencyLists[list]))] {
			if len(w) >= 3 && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
				words[w] = true
			}
		}
	}
	return words
})

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
		parts := nameWords(Unaccent(k))
		words = append(append(words, k, strings.Join(parts, "")), parts...)
	}
	return words
}

// guessable refuses a password that is only words a guesser tries
// first, with digits and symbols around them, which zxcvbn scores above
// its threshold (it counts a capital, a symbol and a year as a guesser's
// extra work). The letters of plain (the password, Unaccent) are
// matched against, in order: the account's names ("le.van.cuong",
// "Cuong@1990", "cuonglevan" for Lê Văn Cường), those and
// vietnameseGuesses ("Matkhau@123", "Hanoi@2024", "toiyeuvietnam"), each
// in any number and order; and one or two commonWords with six digits
// and symbols at most ("Welcome@2025", "Summer2025!", "Asdfgh@123").
func guessable(plain string, known []string) error {
	var letters strings.Builder
	others := 0
	for _, r := range plain {
		if unicode.IsLetter(r) {
			letters.WriteRune(r)
		} else {
			others++
		}
	}
	core := letters.String()
	if core == "" {
		return nil // digits and symbols only: zxcvbn judges them
	}
	names := map[string]bool{}
	for _, k := range known {
		for _, w := range nameWords(Unaccent(k)) {
			names[w] = true
		}
	}
	vietnamese := maps.Clone(names)
	for _, w := range vietnameseGuesses {
		vietnamese[w] = true
	}
	common := commonWords()
	switch {
	case wordCount(core, func(w string) bool { return names[w] }) > 0:
		return FieldError("password", "Mật khẩu chỉ gồm tên đăng nhập, họ tên hoặc mã đơn vị của bạn (kể cả viết không dấu, đảo thứ tự, thêm số hay ký hiệu): người đoán mật khẩu thử những cách này đầu tiên. Hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	case wordCount(core, func(w string) bool { return vietnamese[w] }) > 0:
		return FieldError("password", "Mật khẩu chỉ ghép những từ hay bị đoán trước (như matkhau, xinchao, hanoi, anhyeuem, họ tên thông dụng) với số hay ký hiệu: hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	if n := wordCount(core, func(w string) bool { return vietnamese[w] || common[w] }); n > 0 && n <= 2 && others <= 6 {
		return FieldError("password", "Mật khẩu chỉ là một, hai từ thông dụng (như welcome, summer, dragon, matkhau) thêm số hay ký hiệu: người đoán mật khẩu thử những cách này đầu tiên. Hãy chọn mật khẩu khác, ví dụ ghép ba, bốn từ không liền nghĩa.")
	}
	return nil
}

// wordCount is the fewest words (isWord), each of two letters or more,
// that s is made of, or 0 when it is not made of words (one letter would
// be any string's piece).
func wordCount(s string, isWord func(string) bool) int {
	const none = 1 << 30
	fewest := make([]int, len(s)+1) // fewest[i]: words making s[:i]
	for i := 1; i <= len(s); i++ {
		fewest[i] = none
		for j := 0; j <= i-2; j++ {
			if fewest[j] < none && fewest[j]+1 < fewest[i] && isWord(s[j:i]) {
				fewest[i] = fewest[j] + 1
			}
		}
	}
	if fewest[len(s)] == none {
		return 0
	}
	return fewest[len(s)]
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

// PasswordWords are the words of an account that a guesser tries first
// in its password (ValidatePassword's known): the username, the full
// name and the codes of its agencies ("SoTTTT@2025" at STTTT).
func (u *User) PasswordWords() []string {
	words := []string{u.Username, u.FullName}
	for _, m := range u.Memberships {
		words = append(words, m.AgencyCode)
	}
	return words
}
