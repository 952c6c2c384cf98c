package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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
		return nil, &Error{Code: ERead, Message: "Không đọc được tệp tải lên.", Err: err}
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
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	var root *elem
	var stack []*elem
	count := 0
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
		return &Error{Code: ENotXML, Message: fmt.Sprintf("Tệp không phải XML hợp lệ (dòng %d): %s.", syn.Line, syn.Msg), Err: err}
	}
	return &Error{Code: ENotXML, Message: "Tệp không phải XML hợp lệ: " + err.Error() + ".", Err: err}
}

// charsetReader accepts the encodings besides UTF-8 that BPMN files are
// found in: ASCII (a subset) and Latin-1 (one byte per code point).
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1", "l1":
		data, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		buf := make([]byte, 0, len(data)*2)
		for _, c := range data {
			buf = utf8.AppendRune(buf, rune(c))
		}
		return bytes.NewReader(buf), nil
	}
	return nil, errorf(EEncoding, "Tệp dùng bảng mã %q chưa được hỗ trợ: hãy lưu tệp BPMN ở dạng UTF-8.", label)
}
