package web

import (
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"
)

// attachment offers the response as a download named name: filename*
// (RFC 6266, RFC 5987) carries the name as it was given, Vietnamese
// included ("Biên bản thẩm định.pdf"), for every current browser;
// filename, for a client reading only that, the same name without its
// marks ("Bien ban tham dinh.pdf" → "Bien_ban_tham_dinh.pdf"), where it
// used to lose each accented letter ("QT-Ảnh" read "QT-_nh").
func attachment(c *fiber.Ctx, name string) {
	name = filepath.Base(name)
	ascii := asciiFileName(name)
	c.Attachment(ascii) // its content type, from the extension
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ascii+`"; filename*=UTF-8''`+extValue(name))
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// asciiFileName is name in the letters a file name or an XML id takes
// everywhere: the tone and vowel marks dropped, đ as d, any other
// character as "_".
func asciiFileName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		default:
			b.WriteRune(r)
		}
	}
	return unsafeFileChars.ReplaceAllString(b.String(), "_")
}

// extValue writes s as an RFC 5987 value: its UTF-8 bytes, each
// percent-encoded but for letters, digits and "-._~".
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '.', ch == '_', ch == '~':
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}
