package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"isodt/qms/flowchart"
)

// elem is one XML element with its namespace resolved: space is the
// namespace URI (or, for an undeclared prefix, the prefix itself).
type elem struct {
	space, local string
	attrs        []xml.Attr
	children     []*elem
	text         []byte // character data directly inside, concatenated
}

// content returns the character data directly inside e.
func (e *elem) content() string { return string(e.text) }

// attr returns the value of an attribute without namespace (BPMN's own
// attributes, such as id, name and sourceRef, carry none).
func (e *elem) attr(local string) string {
	for _, a := range e.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// is reports whether e is the element local in namespace space.
func (e *elem) is(space, local string) bool { return e.space == space && e.local == local }

// child returns the first child local in namespace space, or nil.
func (e *elem) child(space, local string) *elem {
	for _, c := range e.children {
		if c.is(space, local) {
			return c
		}
	}
	return nil
}

// parseTree reads a whole document into a tree, with the limits of this
// package, which apply to every part of the document. The diagram part
// (bpmndi:BPMNDiagram) is read without being stored: Import lays steps out
// itself, and the diagram is most of a file.
func parseTree(r io.Reader) (*elem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, wrapErrorf(err, ERead, "Không đọc được tệp tải lên.")
	}
	if len(data) > MaxImportBytes {
		return nil, errorf(ETooLarge, "Tệp BPMN quá lớn: tối đa %d MiB.", MaxImportBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(ENotXML, "Tệp rỗng, không phải tệp BPMN.")
	}
	// Files saved on Windows often start with a UTF-8 byte order mark,
	// which encoding/xml would read as text before the root.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data, wasUTF16, err := fromUTF16(data)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		return charsetReader(label, input, wasUTF16)
	}
	var root *elem
	var stack []*elem
	count, flows := 0, 0
	// skip is the depth inside the diagram part, which is read but not
	// stored: its elements count against the limits like any other, or a
	// file could hide millions of them there.
	skip := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(err)
		}
		if skip > 0 {
			switch tok.(type) {
			case xml.StartElement:
				if err := countElement(&count, len(stack)+skip); err != nil {
					return nil, err
				}
				skip++
			case xml.EndElement:
				skip--
			}
			continue
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errorf(ENotXML, "Tệp không phải XML hợp lệ: có nhiều hơn một phần tử gốc.")
			}
			if err := countElement(&count, len(stack)); err != nil {
				return nil, err
			}
			if len(stack) == 1 && t.Name.Space == NSDI && t.Name.Local == "BPMNDiagram" {
				skip = 1
				continue
			}
			// A process over the flowchart's flow limit is refused while
			// reading, before its elements are held in memory.
			switch {
			case len(stack) == 1:
				flows = 0
			case len(stack) == 2 && t.Name.Space == NSModel && t.Name.Local == "sequenceFlow" && stack[1].local == "process":
				if flows++; flows > flowchart.MaxEdges {
					return nil, errorf(ETooLarge, "Lưu đồ có hơn %d luồng, tối đa %d luồng (quy trình “%s” của tệp).", flowchart.MaxEdges, flowchart.MaxEdges, stack[1].attr("id"))
				}
			}
			// Deeper down (inside extension elements) an undeclared
			// prefix only loses another tool's data, which is reported.
			if len(stack) <= 2 && undeclaredPrefix(t.Name.Space) {
				return nil, errorf(ENamespace, "Tiền tố không gian tên “%s” (ở phần tử <%s:%s>) chưa được khai báo: tệp thiếu xmlns:%s=\"…\" ở phần tử gốc, nên không đọc được các phần tử BPMN. Hãy lưu lại tệp từ công cụ vẽ hoặc thêm khai báo, ví dụ xmlns:%s=\"%s\".",
					t.Name.Space, t.Name.Space, t.Name.Local, t.Name.Space, t.Name.Space, NSModel)
			}
			e := &elem{space: t.Name.Space, local: t.Name.Local, attrs: t.Attr}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.Directive:
			// encoding/xml expands no entity, but a file that declares
			// some (XXE, "billion laughs") deserves a plain answer, not
			// the parser's complaint about an unknown entity further on.
			if bytes.Contains(t, []byte("ENTITY")) {
				return nil, errorf(ENotXML, "Tệp khai báo thực thể XML (<!ENTITY …>): không được chấp nhận vì lý do an toàn. Công cụ vẽ BPMN không tạo ra khai báo này; hãy lưu lại tệp từ công cụ vẽ.")
			}
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.text = append(top.text, t...)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errorf(ENotXML, "Tệp không phải XML: có văn bản nằm ngoài phần tử gốc.")
			}
		}
	}
	if root == nil {
		return nil, errorf(ENotXML, "Tệp không phải XML: không có phần tử nào.")
	}
	return root, nil
}

// undeclaredPrefix reports whether an element's namespace is a prefix
// that no xmlns declaration resolved: encoding/xml then leaves the prefix
// itself in its place. A namespace name is a URI, which has a colon
// ("http:", "urn:"); a prefix cannot have one.
func undeclaredPrefix(space string) bool {
	return space != "" && !strings.Contains(space, ":")
}

// countElement counts one more element, opened at the given depth (the
// number of elements around it), against the limits of the document.
func countElement(count *int, depth int) error {
	if *count++; *count > MaxImportElements {
		return errorf(ETooLarge, "Tệp BPMN có quá nhiều phần tử: tối đa %d phần tử XML (kể cả phần sơ đồ).", MaxImportElements)
	}
	if depth >= MaxImportDepth {
		return errorf(ETooDeep, "Tệp BPMN lồng các phần tử quá sâu (quá %d cấp).", MaxImportDepth)
	}
	return nil
}

func xmlError(err error) *Error {
	var enc *Error
	if errors.As(err, &enc) {
		return enc // from charsetReader
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		if strings.HasPrefix(syn.Msg, "invalid character entity") {
			return wrapErrorf(err, ENotXML, "Tệp không phải XML hợp lệ (dòng %d): dùng thực thể XML không được định nghĩa (%s).", syn.Line, strings.TrimPrefix(syn.Msg, "invalid character entity "))
		}
		return wrapErrorf(err, ENotXML, "Tệp không phải XML hợp lệ (dòng %d): %s.", syn.Line, syn.Msg)
	}
	return wrapErrorf(err, ENotXML, "Tệp không phải XML hợp lệ: %s.", err.Error())
}

// fromUTF16 decodes a UTF-16 document (Notepad's "Unicode"), found by its
// byte order mark or by the zero byte next to its first "<", into UTF-8,
// which encoding/xml reads.
func fromUTF16(data []byte) ([]byte, bool, error) {
	var e encoding.Encoding
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		e = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		e = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case len(data) >= 2 && data[0] == '<' && data[1] == 0:
		e = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case len(data) >= 2 && data[0] == 0 && data[1] == '<':
		e = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		return data, false, nil
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return nil, false, wrapErrorf(err, EEncoding, "Tệp có dạng UTF-16 nhưng không giải mã được: hãy lưu tệp BPMN ở dạng UTF-8.")
	}
	return out, true, nil
}

// charsetReader accepts the encodings besides UTF-8 that BPMN files are
// found in: ASCII (a subset), the Windows code pages for Vietnamese
// (1258) and Western European (1252) text, ISO-8859-1 read as
// windows-1252 (as browsers do: files so labelled hold 1252's quotes and
// dashes in 0x80–0x9F), and UTF-16 once fromUTF16 has decoded it.
func charsetReader(label string, input io.Reader, wasUTF16 bool) (io.Reader, error) {
	var cm *charmap.Charmap
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf8", "us-ascii", "ascii":
		return input, nil
	case "utf-16", "utf16", "utf-16le", "utf-16be", "unicode":
		if wasUTF16 {
			return input, nil
		}
		return nil, errorf(EEncoding, "Tệp khai báo bảng mã %q nhưng không được lưu ở dạng UTF-16: hãy lưu lại tệp BPMN ở dạng UTF-8.", label)
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
		"windows-1252", "cp1252", "x-cp1252":
		cm = charmap.Windows1252
	case "windows-1258", "cp1258", "x-cp1258":
		cm = charmap.Windows1258
	default:
		return nil, errorf(EEncoding, "Tệp dùng bảng mã %q chưa được hỗ trợ: hãy lưu tệp BPMN ở dạng UTF-8 (các bảng mã đọc được: UTF-8, UTF-16, windows-1258, windows-1252, ISO-8859-1).", label)
	}
	return cm.NewDecoder().Reader(input), nil
}
