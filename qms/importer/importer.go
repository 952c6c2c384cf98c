package importer

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"isodt/qms"
)

// Options tune an import. The zero value is usable.
type Options struct {
	// AgencyCode is copied into every imported TTHC; a dossier history's
	// codes must be ones the agency may choose (qms.CheckClientCode).
	AgencyCode string

	// Sheet names the XLSX worksheet to read (case-insensitive); empty means
	// the first sheet. Ignored for CSV.
	Sheet string

	// KnownFields, when non-nil, is the catalogue of fields (lĩnh vực): a TTHC
	// whose field is not in it is rejected. Matching ignores case and Unicode
	// normalization, and the imported TTHC takes the catalogue's spelling.
	KnownFields []string

	// KnownTTHC, when set, reports whether a TTHC code is in the agency's
	// catalogue; dossier rows that refer to other codes are rejected.
	KnownTTHC func(code string) bool

	// TimeLimit, when set, gives a TTHC's legal time limit in working days:
	// a dossier history's appointment far beyond it is rejected
	// (qms.FarthestHistoricDue).
	TimeLimit func(code string) (days int, ok bool)

	// Now, when set, is the moment of the import: a dossier history's
	// row received or completed after it (qms.InFuture) is rejected.
	Now time.Time

	// Limits bound what the import reads; a zero field keeps the parser's
	// default (CatalogueLimits, DossierLimits).
	Limits Limits

	// MaxRows, when positive, overrides Limits.Rows.
	MaxRows int

	// MaxBytes, when positive, overrides Limits.FileBytes.
	MaxBytes int64

	// Progress, when set, is called as rows are checked: about every 1% of
	// the rows (at most every 500) and once at the end with done == total.
	// total is the exact number of data rows; the file is read first.
	Progress func(done, total int)
}

// progress returns a function to call after each checked row. It keeps the
// callback to about a hundred calls so that a progress bar does not slow
// the import down.
func (o Options) progress(total int) func(done int) {
	if o.Progress == nil {
		return func(int) {}
	}
	step := min(500, max(1, total/100))
	o.Progress(0, total)
	return func(done int) {
		if done%step == 0 || done == total {
			o.Progress(done, total)
		}
	}
}

// readAll reads the whole input, refusing more than limit bytes. Both
// formats need it in memory: XLSX is a ZIP whose directory is at the end, and
// CSV is sniffed for its delimiter. What is read from it is bounded by the
// other Limits.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read import file: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, qms.Errorf(qms.EINVALID, "Tệp lớn hơn giới hạn %s. Hãy chia thành nhiều tệp nhỏ hơn.", formatBytes(limit))
	}
	return data, nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d byte", n)
}

type format int

const (
	formatUnsupported format = iota
	formatCSV
	formatXLSX
)

const (
	zipMagic = "PK\x03\x04"
	oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" // legacy .xls and .doc, password-protected .xlsx
	pdfMagic = "%PDF-"
)

// detectFormat trusts a .csv or .xlsx extension, rejects the extensions of
// other office formats by name so the message is immediate, and otherwise
// looks at the content (uploads from some browsers and the CLI's stdin
// carry no useful name).
func detectFormat(name string, data []byte) format {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsAny(name[i:], `/\`) {
		ext = strings.ToLower(name[i:])
	}
	switch ext {
	case ".xlsx":
		return formatXLSX
	case ".csv":
		if looksBinary(data) {
			return formatUnsupported
		}
		return formatCSV
	case ".xls", ".xlsm", ".xlsb", ".ods", ".pdf", ".doc", ".docx", ".odt", ".zip", ".rar":
		return formatUnsupported
	}
	switch {
	case bytes.HasPrefix(data, []byte(zipMagic)):
		return formatXLSX
	case looksBinary(data):
		return formatUnsupported
	}
	return formatCSV
}

// looksBinary reports whether data is certainly not CSV text: a ZIP or OLE
// container, a PDF, UTF-16 text (Excel's "Unicode Text") or a NUL byte in the
// first few kilobytes. Invalid UTF-8 is not enough: it is reported by row,
// which names the rows to fix in a mostly good file.
func looksBinary(data []byte) bool {
	for _, magic := range []string{zipMagic, oleMagic, pdfMagic, "\xFF\xFE", "\xFE\xFF"} {
		if bytes.HasPrefix(data, []byte(magic)) {
			return true
		}
	}
	return bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0
}
