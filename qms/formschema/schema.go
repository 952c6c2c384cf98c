package formschema

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"isodt/qms"
)

// Type is the kind of value a field holds. It decides the HTML input, how a
// posted value is read and the Go type kept in an Entry.
type Type string

// The field types. The Go type each keeps in an Entry is given in brackets.
const (
	TypeText     Type = "text"     // one line or, with Multiline, a textarea [string]
	TypeNumber   Type = "number"   // [float64]
	TypeDate     Type = "date"     // civil date, no time or zone [string "2006-01-02"]
	TypeSelect   Type = "select"   // one of Options [string]
	TypeCheckbox Type = "checkbox" // [bool], always present
	TypeFile     Type = "file"     // stored by the web layer [FileRef]
)

// Valid reports whether t is one of the field types.
func (t Type) Valid() bool {
	switch t {
	case TypeText, TypeNumber, TypeDate, TypeSelect, TypeCheckbox, TypeFile:
		return true
	}
	return false
}

// Limits of a schema. They keep a form printable and an entry small enough
// to store as one JSON value; the web layer may rely on them for sizing.
const (
	MaxFields      = 200     // fields in a schema
	MaxLabelLen    = 500     // runes in a label or an option
	MaxHelpLen     = 1000    // runes in a help text
	MaxOptions     = 200     // options of a select
	MaxTextLimit   = 100_000 // largest MaxLength a text field may declare
	DefaultLineLen = 1_000   // runes in a one-line text field without MaxLength
	DefaultAreaLen = 20_000  // runes in a multiline text field without MaxLength
	maxSchemaBytes = 1 << 20 // JSON accepted by Parse
	maxNameLen     = 64
)

// Schema is the field list of a form version (biểu mẫu). It is stored as
// JSON, {"fields": [...]}, and is immutable once the version is approved:
// entries made against it are read back with the same schema.
type Schema struct {
	Fields []Field `json:"fields"`
}

// Field is one input of a form. Attributes that only make sense for one
// type (Options, Multiline, MaxLength, Min, Max, Integer) are errors on the
// others, so that a schema says exactly what the form does.
type Field struct {
	// Name is the machine name: the HTML name and the key in an entry.
	// It never changes once entries exist, so it is ASCII snake_case
	// while the Label carries the Vietnamese wording.
	Name     string `json:"name"`
	Label    string `json:"label"`
	Type     Type   `json:"type"`
	Required bool   `json:"required,omitempty"`
	Help     string `json:"help,omitempty"`

	// Options are the choices of a select, shown and stored as written.
	Options []string `json:"options,omitempty"`

	// Multiline shows a text field as a textarea. MaxLength caps a text
	// field in runes; zero means DefaultLineLen or DefaultAreaLen.
	Multiline bool `json:"multiline,omitempty"`
	MaxLength int  `json:"max_length,omitempty"`

	// Min and Max bound a number (inclusive); nil means no bound. Integer
	// refuses fractions (number of sets, issue number).
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Integer bool     `json:"integer,omitempty"`
}

// TextLimit returns the most runes a text field accepts.
func (f Field) TextLimit() int {
	switch {
	case f.MaxLength > 0:
		return f.MaxLength
	case f.Multiline:
		return DefaultAreaLen
	}
	return DefaultLineLen
}

// Field returns the field named name.
func (s Schema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Validate checks the schema and returns the first problem as a
// *qms.Error (EINVALID, Field "schema"), naming the field by position and
// name so that whoever edits the JSON can find it.
func (s Schema) Validate() error {
	if len(s.Fields) == 0 {
		// A form without inputs is a printed document; store no schema
		// for it rather than an empty one that renders an empty form.
		return schemaErr("biểu mẫu phải có ít nhất một trường")
	}
	if len(s.Fields) > MaxFields {
		return schemaErr("biểu mẫu có %d trường, nhiều nhất %d", len(s.Fields), MaxFields)
	}
	seen := make(map[string]int, len(s.Fields))
	for i, f := range s.Fields {
		at := fieldAt(i, f.Name)
		if j, dup := seen[f.Name]; dup {
			return schemaErr("%s: trùng tên với trường thứ %d", at, j+1)
		}
		seen[f.Name] = i
		if err := f.validate(); err != "" {
			return schemaErr("%s: %s", at, err)
		}
	}
	return nil
}

// validate returns what is wrong with f in Vietnamese, or "".
func (f Field) validate() string {
	if !validName(f.Name) {
		return "tên máy phải bắt đầu bằng chữ thường và chỉ gồm a-z, 0-9, _ (tối đa 64 ký tự)"
	}
	if msg := checkText(f.Label, MaxLabelLen); msg != "" || strings.TrimSpace(f.Label) == "" {
		if msg == "" {
			return "thiếu nhãn"
		}
		return "nhãn " + msg
	}
	if msg := checkText(f.Help, MaxHelpLen); msg != "" {
		return "hướng dẫn " + msg
	}
	if !f.Type.Valid() {
		return fmt.Sprintf("kiểu %q không hợp lệ (text, number, date, select, checkbox, file)", string(f.Type))
	}
	if f.Type != TypeSelect && f.Options != nil {
		return "chỉ trường kiểu select mới có danh sách lựa chọn"
	}
	if f.Type != TypeText && (f.Multiline || f.MaxLength != 0) {
		return "multiline và max_length chỉ dùng cho trường kiểu text"
	}
	if f.Type != TypeNumber && (f.Min != nil || f.Max != nil || f.Integer) {
		return "min, max và integer chỉ dùng cho trường kiểu number"
	}
	switch f.Type {
	case TypeText:
		if f.MaxLength < 0 || f.MaxLength > MaxTextLimit {
			return fmt.Sprintf("max_length phải từ 1 đến %d", MaxTextLimit)
		}
	case TypeNumber:
		for _, b := range []*float64{f.Min, f.Max} {
			if b != nil && (math.IsNaN(*b) || math.IsInf(*b, 0)) {
				return "min và max phải là số hữu hạn"
			}
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			return "min lớn hơn max"
		}
		if f.Integer && f.Min != nil && f.Max != nil && math.Floor(*f.Max) < math.Ceil(*f.Min) {
			return "không có số nguyên nào nằm giữa min và max"
		}
	case TypeSelect:
		return checkOptions(f.Options)
	}
	return ""
}

func checkOptions(opts []string) string {
	if len(opts) == 0 {
		return "trường kiểu select phải có danh sách lựa chọn"
	}
	if len(opts) > MaxOptions {
		return fmt.Sprintf("có %d lựa chọn, nhiều nhất %d", len(opts), MaxOptions)
	}
	seen := make(map[string]bool, len(opts))
	for i, o := range opts {
		if msg := checkText(o, MaxLabelLen); msg != "" {
			return fmt.Sprintf("lựa chọn thứ %d %s", i+1, msg)
		}
		// Options are compared with the trimmed posted value, so an
		// option with outer spaces could never be chosen.
		if o == "" || strings.TrimSpace(o) != o {
			return fmt.Sprintf("lựa chọn thứ %d trống hoặc có khoảng trắng ở đầu/cuối", i+1)
		}
		if seen[o] {
			return fmt.Sprintf("lựa chọn %q bị trùng", o)
		}
		seen[o] = true
	}
	return ""
}

// checkText returns a problem with a label-like string: invalid UTF-8,
// control characters (which would not print) or more than max runes.
func checkText(s string, max int) string {
	if !utf8.ValidString(s) {
		return "không phải UTF-8 hợp lệ"
	}
	if strings.ContainsFunc(s, isControl) {
		return "chứa ký tự điều khiển"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("dài %d ký tự, nhiều nhất %d", n, max)
	}
	return ""
}

// isControl reports C0/C1 controls and DEL, and the bidirectional
// embeddings, overrides and isolates that show a text in another order
// than it is stored (as qms.ControlChar). Line feed and tab are not
// included here: text values allow them, labels reject them separately.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// fieldAt names field i (0-based) as a person counts it.
func fieldAt(i int, name string) string {
	if validName(name) {
		return fmt.Sprintf("trường thứ %d (%q)", i+1, name)
	}
	return fmt.Sprintf("trường thứ %d", i+1)
}

func schemaErr(format string, args ...any) error {
	return qms.FieldError("schema", format, args...)
}
