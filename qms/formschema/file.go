package formschema

import (
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"isodt/qms"
)

// FileRef points to a file the web layer has stored (content-addressed by
// its SHA-256). The schema package never sees the bytes: it only checks
// that the ref is well formed. Whether the blob exists is the caller's
// check, since only storage knows.
type FileRef struct {
	SHA256      string `json:"sha256"` // lowercase hex, 64 characters
	Name        string `json:"name"`   // the file name as uploaded, for display
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"` // bytes
}

const maxFileNameLen = 255

// Check reports whether r is a well-formed ref, as a *qms.Error about
// field "file" (for a caller that builds refs itself).
func (r FileRef) Check() error {
	if msg := r.check(); msg != "" {
		return qms.FieldError("file", "%s", msg)
	}
	return nil
}

// check returns what is wrong with r in Vietnamese, or "".
func (r FileRef) check() string {
	if len(r.SHA256) != 64 || strings.TrimLeft(r.SHA256, "0123456789abcdef") != "" {
		return "Mã băm SHA-256 của tệp không hợp lệ."
	}
	if r.Name == "" || strings.TrimSpace(r.Name) != r.Name || !utf8.ValidString(r.Name) ||
		utf8.RuneCountInString(r.Name) > maxFileNameLen || strings.ContainsAny(r.Name, `/\`) ||
		strings.ContainsFunc(r.Name, isControl) || r.Name == "." || r.Name == ".." {
		// The name is shown and offered on download: no paths, no
		// control characters that could break a header.
		return "Tên tệp không hợp lệ."
	}
	mt, _, err := mime.ParseMediaType(r.ContentType)
	typ, sub, _ := strings.Cut(mt, "/")
	if err != nil || typ == "" || sub == "" || len(r.ContentType) > 255 {
		return "Kiểu nội dung của tệp không hợp lệ."
	}
	if r.Size < 0 {
		return "Kích thước tệp không hợp lệ."
	}
	return ""
}

// fileFromJSON reads a ref sent as a JSON object (already decoded into a
// map) or given as a FileRef by a Go caller.
func fileFromJSON(v any) (FileRef, string) {
	switch v := v.(type) {
	case FileRef:
		return v, ""
	case *FileRef:
		if v != nil {
			return *v, ""
		}
	case map[string]any:
		var r FileRef
		for k, x := range v {
			var ok bool
			switch k {
			case "sha256":
				r.SHA256, ok = x.(string)
			case "name":
				r.Name, ok = x.(string)
			case "content_type":
				r.ContentType, ok = x.(string)
			case "size":
				var f float64
				f, ok = jsonNumber(x)
				// Sizes above 2^53 do not survive a float64; no
				// upload is that large.
				ok = ok && f >= 0 && f <= 1<<53 && f == float64(int64(f))
				r.Size = int64(f)
			default:
				return FileRef{}, fmt.Sprintf("Tệp: khóa không được phép %q.", truncate(k, 40))
			}
			if !ok {
				return FileRef{}, fmt.Sprintf("Tệp: khóa %q sai kiểu.", k)
			}
		}
		return r, ""
	}
	return FileRef{}, "Tệp phải là đối tượng {sha256, name, content_type, size}."
}

// truncate cuts s to at most n runes, for echoing input in a message.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
