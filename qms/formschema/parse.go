package formschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// maxDepth bounds JSON nesting. A schema is three levels deep; anything
// much deeper is not a schema and should not cost a deep recursion.
const maxDepth = 16

// Parse reads a schema from JSON and validates it. It is strict: unknown
// or repeated keys, trailing data and wrong value types are errors, because
// a misspelt "requried" silently ignored would leave a form that accepts
// empty entries. Every error is a *qms.Error (EINVALID, Field "schema")
// with a Vietnamese message naming the field at fault.
func Parse(b []byte) (Schema, error) {
	if len(b) > maxSchemaBytes {
		return Schema{}, schemaErr("cấu trúc biểu mẫu quá lớn (%d byte, nhiều nhất %d)", len(b), maxSchemaBytes)
	}
	if err := checkKeys(b); err != nil {
		return Schema{}, err
	}
	var top struct {
		Fields []json.RawMessage `json:"fields"`
	}
	if err := decodeStrict(b, &top); err != nil {
		return Schema{}, schemaErr("cấu trúc biểu mẫu: %s", err)
	}
	if len(top.Fields) > MaxFields {
		return Schema{}, schemaErr("biểu mẫu có %d trường, nhiều nhất %d", len(top.Fields), MaxFields)
	}
	// Fields are decoded one by one so that a type error can say which
	// field it is in; encoding/json only reports a path without the index.
	s := Schema{Fields: make([]Field, len(top.Fields))}
	for i, raw := range top.Fields {
		if err := decodeStrict(raw, &s.Fields[i]); err != nil {
			return Schema{}, schemaErr("%s: %s", fieldAt(i, nameOf(raw)), err)
		}
	}
	if err := s.Validate(); err != nil {
		return Schema{}, err
	}
	return s, nil
}

// nameOf digs the name out of a field that failed to decode, for the
// error message only.
func nameOf(raw json.RawMessage) string {
	var v struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Name
}

// decodeStrict decodes one JSON value into v, refusing unknown keys and
// anything after the value. The error it returns is a Vietnamese phrase.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("có dữ liệu thừa sau giá trị JSON")
	}
	return nil
}

// jsonProblem turns an encoding/json error into a message for people.
func jsonProblem(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("JSON sai cú pháp ở byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Errorf("khóa %q phải là %s", typ.Field, JSONKind(typ.Type))
		}
		return fmt.Errorf("giá trị phải là %s", JSONKind(typ.Type))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("JSON bị cắt cụt hoặc rỗng")
	}
	if k, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("khóa không được phép %s", k)
	}
	return errors.New("JSON không hợp lệ")
}

// JSONKind says in Vietnamese what JSON value a Go type expects, for
// messages that must not show Go type names.
func JSONKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "một đối tượng {…}"
	case reflect.Slice, reflect.Array:
		return "một danh sách […]"
	case reflect.String:
		return "một chuỗi"
	case reflect.Bool:
		return "true hoặc false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "một số nguyên"
	case reflect.Float64, reflect.Float32:
		return "một số"
	case reflect.Pointer:
		return JSONKind(t.Elem())
	}
	return "giá trị khác"
}

// checkKeys walks the tokens of b and rejects repeated object keys at any
// depth (encoding/json keeps the last one silently), unknown keys at the
// top and in each field (with the field's position, which
// DisallowUnknownFields cannot give) and nesting deeper than maxDepth.
func checkKeys(b []byte) error {
	fieldKeys := jsonKeys(reflect.TypeFor[Field]())
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]bool
		field   int // position in "fields" of an object that is a field, else -1
		list    bool
		count   int // elements seen, for the array of fields
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return schemaErr("cấu trúc biểu mẫu: %s", jsonProblem(err))
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.object && top.wantKey {
			key := tok.(string) // the decoder only yields strings here
			if top.keys[key] {
				if top.field >= 0 {
					return schemaErr("trường thứ %d: khóa %q bị lặp lại", top.field+1, key)
				}
				return schemaErr("cấu trúc biểu mẫu: khóa %q bị lặp lại", key)
			}
			top.keys[key] = true
			switch {
			case top.field >= 0 && !fieldKeys[key]:
				return schemaErr("trường thứ %d: khóa không được phép %q", top.field+1, key)
			case len(stack) == 1 && key != "fields":
				return schemaErr("cấu trúc biểu mẫu: khóa không được phép %q (chỉ có \"fields\")", key)
			}
			top.wantKey = false
			continue
		}
		// tok is a value: in an object the next token is a key again.
		field := -1
		if top != nil {
			if top.object {
				top.wantKey = true
			} else {
				if top.list {
					field = top.count
				}
				top.count++
			}
		}
		d, ok := tok.(json.Delim)
		if !ok {
			continue
		}
		if len(stack) >= maxDepth {
			return schemaErr("cấu trúc biểu mẫu lồng quá sâu")
		}
		// The array under the top-level "fields" key holds the fields.
		isFields := d == '[' && len(stack) == 1 && stack[0].keys["fields"] && stack[0].object
		f := frame{object: d == '{', wantKey: d == '{', field: -1, list: isFields}
		if d == '{' {
			f.keys = map[string]bool{}
			f.field = field
		}
		stack = append(stack, f)
	}
}

// jsonKeys returns the JSON key of each exported field of struct type t.
func jsonKeys(t reflect.Type) map[string]bool {
	keys := make(map[string]bool, t.NumField())
	for sf := range t.Fields() {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" {
			name = sf.Name
		}
		keys[name] = true
	}
	return keys
}
