package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"isodt/qms"
)

// An XLSX is a ZIP of XML parts. xlsxPackage opens the parts with every
// size bounded: the ZIP's declared sizes are checked before anything is
// inflated, the bytes actually inflated are counted while reading (the
// ZIP reader itself also refuses an entry longer than it declares), and
// the XML decoder only ever sees bounded tags and nesting.
type xlsxPackage struct {
	parts    map[string]*zip.File // by lower-case name, without a leading "/"
	lim      Limits
	inflated int64
}

func errBadXLSX() error {
	return qms.Errorf(qms.EINVALID, "Tệp XLSX bị hỏng, có mật khẩu hoặc không phải XLSX. Hãy mở bằng Excel và lưu lại dạng .xlsx hoặc CSV UTF-8.")
}

func errUnzippedTooBig(limit int64) error {
	return qms.Errorf(qms.EINVALID, "Tệp XLSX khi giải nén lớn hơn giới hạn %s. Hãy xoá các trang tính, định dạng và dòng trống không cần thiết hoặc chia thành nhiều tệp nhỏ hơn.", formatBytes(limit))
}

// errPartTooBig is returned by a part's reader past its limit.
var errPartTooBig = errors.New("xlsx part over its limit")

func openXLSX(data []byte, lim Limits) (*xlsxPackage, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errBadXLSX()
	}
	if len(zr.File) > maxZipEntries {
		return nil, errBadXLSX()
	}
	p := &xlsxPackage{parts: make(map[string]*zip.File, len(zr.File)), lim: lim}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(lim.UnzippedBytes) {
			return nil, errUnzippedTooBig(lim.UnzippedBytes)
		}
		if total += f.UncompressedSize64; total > uint64(lim.UnzippedBytes) {
			return nil, errUnzippedTooBig(lim.UnzippedBytes)
		}
		p.parts[partKey(f.Name)] = f
	}
	return p, nil
}

func partKey(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// has reports whether the package has the part.
func (p *xlsxPackage) has(name string) bool {
	_, ok := p.parts[partKey(name)]
	return ok
}

// open returns a reader of the part's XML, to be closed. limit, when
// positive, bounds the part's declared size (in addition to the package's
// total).
func (p *xlsxPackage) open(name string, limit int64) (*xmlReader, error) {
	f, ok := p.parts[partKey(name)]
	if !ok {
		return nil, errBadXLSX()
	}
	if limit > 0 && f.UncompressedSize64 > uint64(limit) {
		return nil, qms.Errorf(qms.EINVALID, "Phần %s của tệp XLSX lớn hơn giới hạn %s. Hãy chia thành nhiều tệp nhỏ hơn.", clip(f.Name, quoteRunes), formatBytes(limit))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errBadXLSX()
	}
	src := &markupLimiter{r: &countingReader{r: rc, p: p}}
	return &xmlReader{d: xml.NewDecoder(src), c: rc}, nil
}

// countingReader counts the bytes inflated from every part of a package
// and fails past Limits.UnzippedBytes.
type countingReader struct {
	r io.Reader
	p *xlsxPackage
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.inflated += int64(n)
	if c.p.inflated > c.p.lim.UnzippedBytes {
		return n, errPartTooBig
	}
	return n, err
}

// markupLimiter fails when one tag, comment or declaration of the XML
// passes maxMarkupBytes. Text between tags is not limited here: the
// readers bound what they keep of it, and the part's size bounds the rest.
type markupLimiter struct {
	r     io.Reader
	inTag bool
	quote byte
	n     int
}

var errMarkupTooLong = errors.New("xml markup too long")

func (m *markupLimiter) Read(b []byte) (int, error) {
	n, err := m.r.Read(b)
	for _, c := range b[:n] {
		if !m.inTag {
			if c == '<' {
				m.inTag, m.n = true, 0
			}
			continue
		}
		m.n++
		switch {
		case m.quote != 0:
			if c == m.quote {
				m.quote = 0
			}
		case c == '"' || c == '\'':
			m.quote = c
		case c == '>':
			m.inTag = false
		}
	}
	if m.inTag && m.n > maxMarkupBytes {
		return n, errMarkupTooLong
	}
	return n, err
}

// xmlReader walks a part's tokens, bounding the nesting depth.
type xmlReader struct {
	d     *xml.Decoder
	c     io.Closer
	depth int
}

func (x *xmlReader) Close() { x.c.Close() }

// next returns the next start or end element or text; io.EOF at the end of
// the part. Any other error means the part cannot be read.
func (x *xmlReader) next() (xml.Token, error) {
	for {
		tok, err := x.d.Token()
		if err != nil {
			return nil, err
		}
		switch tok.(type) {
		case xml.StartElement:
			if x.depth++; x.depth > maxXMLDepth {
				return nil, errBadXLSX()
			}
			return tok, nil
		case xml.EndElement:
			x.depth--
			return tok, nil
		case xml.CharData:
			return tok, nil
		}
	}
}

// readErr turns an error met while reading a part into the import's error:
// the package's size limit keeps its own message, anything else is a
// damaged file.
func (p *xlsxPackage) readErr(err error) error {
	var qe *qms.Error
	switch {
	case errors.Is(err, errPartTooBig):
		return errUnzippedTooBig(p.lim.UnzippedBytes)
	case errors.As(err, &qe):
		return err
	}
	return errBadXLSX()
}

// attr returns the value of the attribute with the local name.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// boundedText collects text up to a limit while counting all of it, so
// that a huge cell costs its size once and is never copied whole.
type boundedText struct {
	b     strings.Builder
	size  int
	limit int
}

func (t *boundedText) write(s []byte) {
	t.size += len(s)
	if room := t.limit - t.b.Len(); room > 0 {
		t.b.Write(s[:min(len(s), room)])
	}
}

func (t *boundedText) reset() {
	t.b.Reset()
	t.size = 0
}

// long reports whether the text passed the limit (and so was cut).
func (t *boundedText) long() bool { return t.size > t.limit }

func (t *boundedText) String() string { return unescapeXLSX(t.b.String()) }

// unescapeXLSX decodes the _xHHHH_ escapes Excel writes for characters XML
// cannot hold (e.g. _x000D_ for a carriage return), in one pass.
func unescapeXLSX(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			var r rune
			for _, c := range s[i+2 : i+6] {
				r = r<<4 | hexVal(c)
			}
			b.WriteRune(r)
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isHex4(s string) bool {
	for _, c := range s {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c rune) rune {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return -1
}

// relTarget resolves a relationship's target against the part holding it.
func relTarget(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return target[1:]
	}
	return path.Join(path.Dir(from), target)
}

// rels reads a part's relationships: id → (type, target part).
func (p *xlsxPackage) rels(of string) (map[string][2]string, error) {
	name := "_rels/.rels" // the package's own
	if of != "" {
		name = path.Join(path.Dir(of), "_rels", path.Base(of)+".rels")
	}
	out := map[string][2]string{}
	if !p.has(name) {
		return out, nil
	}
	x, err := p.open(name, 0)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	base := path.Dir(path.Dir(name)) // relative targets start from the source part's folder
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, p.readErr(err)
		}
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "Relationship" {
			out[attr(e, "Id")] = [2]string{attr(e, "Type"), relTarget(base+"/x", attr(e, "Target"))}
		}
	}
}

// byType returns the target of the first relationship whose type ends
// with suffix, or fallback.
func byType(rels map[string][2]string, suffix, fallback string) string {
	for _, r := range rels {
		if strings.HasSuffix(r[0], suffix) {
			return r[1]
		}
	}
	return fallback
}
