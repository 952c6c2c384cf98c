package web

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/msg"
)

// maxUpload is the largest file the app takes, whichever the field: a
// form template, step evidence, a form's file field, a BPMN or TTHC
// catalogue import. Every file input states it and carries it as
// data-max-bytes, which static/upload.js checks before sending.
const maxUpload = qms.MaxTemplateSize

// tooLarge is a file over maxUpload: an EINVALID about its field, which
// the form shows there, answered with 413 as a body over the limit is.
type tooLarge struct{ err error }

func (e tooLarge) Error() string { return e.err.Error() }
func (e tooLarge) Unwrap() error { return e.err }

// errStatus is the HTTP status of an error from a handler.
func errStatus(err error) int {
	if errors.As(err, new(tooLarge)) {
		return fiber.StatusRequestEntityTooLarge
	}
	return statusOf[qms.ErrorCode(err)]
}

// uploadKinds are the file kinds a field accepts, by extension, with the
// content type a file is stored and served with once its bytes proved
// the kind (see checkUpload).
type uploadKinds map[string]string

var (
	templateUploads = uploadKinds(qms.TemplateTypes)
	evidenceUploads = uploadKinds{
		".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
		".webp": "image/webp", ".tif": "image/tiff", ".tiff": "image/tiff",
		".docx": qms.TemplateTypes[".docx"], ".xlsx": qms.TemplateTypes[".xlsx"],
		".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		".odt":  qms.TemplateTypes[".odt"], ".ods": "application/vnd.oasis.opendocument.spreadsheet",
		".doc": "application/msword", ".xls": "application/vnd.ms-excel",
		".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
	}
	bpmnUploads = uploadKinds{".bpmn": "application/xml", ".xml": "application/xml"}
	tthcUploads = uploadKinds{".csv": "text/csv; charset=utf-8", ".xlsx": qms.TemplateTypes[".xlsx"]}
)

// zipMembers are the entries a ZIP-based document must hold to be what
// its extension says; an OpenDocument also names its type in "mimetype".
var zipMembers = map[string]string{
	".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".pptx": "ppt/presentation.xml",
	".odt": "mimetype", ".ods": "mimetype",
}

// checkUpload decides what an uploaded file is by its bytes, not its
// name: it refuses a file over maxUpload, an extension the field does not
// take, an executable or script whatever its name, and bytes that are not
// the kind the extension claims (an .exe renamed .pdf or .docx). It
// returns the content type to store. Messages name the field and file.
func checkUpload(field, name string, r io.ReaderAt, size int64, kinds uploadKinds) (string, error) {
	if size > maxUpload {
		return "", tooLarge{qms.FieldError(field, "Tệp %q nặng %s, vượt giới hạn %s mỗi tệp: chọn tệp nhỏ hơn.", name, formatMiB(size), formatMiB(maxUpload))}
	}
	ext := strings.ToLower(filepath.Ext(name))
	ct, ok := kinds[ext]
	if !ok {
		exts := make([]string, 0, len(kinds))
		for e := range kinds {
			exts = append(exts, e)
		}
		return "", qms.FieldError(field, "Tệp %q không đúng định dạng: chỉ nhận %s.", name, strings.Join(sortStrings(exts), ", "))
	}
	head := make([]byte, 1024)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	head = head[:n]
	if what := executable(head); what.Format != "" {
		return "", qms.FieldError(field, "Tệp %q là %s, không phải tài liệu: không được tải lên.", name, what)
	}
	if why := textTrouble(ext, head); why.Format != "" {
		return "", qms.FieldError(field, "Tệp %q %s, không phải văn bản thuần: hãy lưu lại dạng %s UTF-8.", name, why, strings.ToUpper(ext[1:]))
	}
	if !looksLike(ext, head, r, size) {
		return "", qms.FieldError(field, "Nội dung tệp %q không phải định dạng %s như phần đuôi tên tệp: tệp bị đổi tên hoặc hỏng.", name, ext)
	}
	return ct, nil
}

// textTrouble says why a text file (.txt, .csv, .bpmn, .xml) is not plain
// text when it is one of the near misses a person can fix by saving it
// again: UTF-16 (Excel's "Unicode Text") or a control character in its
// first kilobyte. "" otherwise, and for other kinds.
func textTrouble(ext string, head []byte) msg.Text {
	switch ext {
	case ".txt", ".csv", ".bpmn", ".xml":
	default:
		return msg.Text{}
	}
	if bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) {
		return msg.New("được lưu dạng Unicode UTF-16 (trong Excel: “Unicode Text”)")
	}
	for i, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
			return msg.New("có ký tự điều khiển (mã %#02x) ở byte thứ %d", b, i+1)
		}
	}
	return msg.Text{}
}

// executable names what head starts as when it is a program or script:
// ELF (Linux), PE (Windows .exe/.dll), Mach-O (macOS), a #! script.
func executable(head []byte) msg.Text {
	for _, m := range []struct {
		magic string
		what  msg.Text
	}{
		{"\x7fELF", msg.New("chương trình Linux (ELF)")},
		{"MZ", msg.New("chương trình Windows (PE)")},
		{"\xfe\xed\xfa\xce", msg.New("chương trình macOS (Mach-O)")}, {"\xfe\xed\xfa\xcf", msg.New("chương trình macOS (Mach-O)")},
		{"\xce\xfa\xed\xfe", msg.New("chương trình macOS (Mach-O)")}, {"\xcf\xfa\xed\xfe", msg.New("chương trình macOS (Mach-O)")},
		{"\xca\xfe\xba\xbe", msg.New("chương trình macOS/Java")},
		{"#!", msg.New("tập lệnh (script)")},
	} {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return m.what
		}
	}
	return msg.Text{}
}

// looksLike reports whether the bytes are the kind ext names.
func looksLike(ext string, head []byte, r io.ReaderAt, size int64) bool {
	prefix := func(ms ...string) bool {
		for _, m := range ms {
			if bytes.HasPrefix(head, []byte(m)) {
				return true
			}
		}
		return false
	}
	switch ext {
	case ".pdf":
		// Readers accept "%PDF-" anywhere in the first kilobyte.
		return bytes.Contains(head, []byte("%PDF-"))
	case ".png":
		return prefix("\x89PNG\r\n\x1a\n")
	case ".jpg", ".jpeg":
		return prefix("\xff\xd8\xff")
	case ".gif":
		return prefix("GIF87a", "GIF89a")
	case ".webp":
		return len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP"
	case ".tif", ".tiff":
		return prefix("II*\x00", "MM\x00*")
	case ".doc", ".xls":
		return prefix("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") // OLE2 compound file
	case ".docx", ".xlsx", ".pptx", ".odt", ".ods":
		return prefix("PK\x03\x04") && zipHolds(r, size, ext)
	case ".txt", ".csv", ".bpmn", ".xml":
		// A NUL or other control byte was refused before (textTrouble).
		ct := http.DetectContentType(head)
		return strings.HasPrefix(ct, "text/") && !strings.HasPrefix(ct, "text/html")
	}
	return false
}

// zipHolds reports whether a ZIP holds the entry its document kind needs
// (and, for OpenDocument, the right "mimetype"). Only the central
// directory is read, plus the few bytes of "mimetype".
func zipHolds(r io.ReaderAt, size int64, ext string) bool {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return false
	}
	want := zipMembers[ext]
	for _, f := range zr.File {
		if f.Name != want {
			continue
		}
		if want != "mimetype" {
			return true
		}
		if f.UncompressedSize64 > 100 {
			return false
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(io.LimitReader(rc, 100))
		rc.Close()
		return string(b) == evidenceUploads[ext]
	}
	return false
}

// formatMiB writes a size in MiB the Vietnamese way: "20 MiB", "25,3 MiB".
func formatMiB(n int64) string {
	// Two decimals, so that a file just over the limit does not read as
	// the limit itself (20,03 MiB, not 20 MiB).
	s := fmt.Sprintf("%.2f", float64(n)/(1<<20))
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1) + " MiB"
}

// storeUpload checks an uploaded file (checkUpload) and stores it by hash
// under the content type its bytes proved.
func (s *Server) storeUpload(c *fiber.Ctx, field string, fh *multipart.FileHeader, kinds uploadKinds) (qms.FileRef, error) {
	name := filepath.Base(fh.Filename)
	f, err := fh.Open()
	if err != nil {
		return qms.FileRef{}, err
	}
	defer f.Close()
	ct, err := checkUpload(field, name, f, fh.Size, kinds)
	if err != nil {
		return qms.FileRef{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return qms.FileRef{}, err
	}
	return s.Forms.PutFile(c.UserContext(), name, ct, data)
}

// openUpload opens an uploaded file for an import after checkUpload.
func openUpload(field string, fh *multipart.FileHeader, kinds uploadKinds) (multipart.File, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	if _, err := checkUpload(field, filepath.Base(fh.Filename), f, fh.Size, kinds); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
