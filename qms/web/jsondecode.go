package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/formschema"
)

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are errors, so a typo in a field name is not silently ignored.
func decodeJSON(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return qms.Errorf(qms.EINVALID, "Nội dung phải là JSON (Content-Type: application/json).")
	}
	body := []byte(string(c.Body()))
	// A body of null decodes into nothing without an error: a PUT of a
	// draft sent as null emptied it (outsider pass 12).
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return qms.FieldError("body", "Dữ liệu JSON không hợp lệ: nội dung phải là một đối tượng {…}, không phải null.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(err, body, reflect.TypeOf(v))
	}
	if dec.More() {
		return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: có dữ liệu thừa sau đối tượng JSON.")
	}
	return nil
}

// jsonProblem says what is wrong with a JSON body, naming the member by
// its path when the decoder knows it (a value of the wrong type) or the
// body shows it (a time that does not parse).
func jsonProblem(err error, body []byte, target reflect.Type) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	switch {
	case asErr(err, &te) && te.Field != "":
		return qms.FieldError(te.Field, "Dữ liệu JSON không hợp lệ: trường %q phải là %s, không phải %s.", te.Field, jsonKind(te.Type), jsonValueKind(te.Value))
	case asErr(err, &te):
		return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: nội dung phải là %s, không phải %s.", jsonKind(te.Type), jsonValueKind(te.Value))
	case asErr(err, &pe):
		field := "body"
		if i := bytes.Index(body, []byte(strconv.Quote(pe.Value))); i >= 0 {
			field = jsonFieldAt(body, i)
		}
		return qms.FieldError(field, "Dữ liệu JSON không hợp lệ: trường %q phải là một thời điểm có thật dạng RFC 3339, ví dụ 2026-12-05T08:00:00+07:00 (nhận được %q).", field, pe.Value)
	case strings.HasPrefix(err.Error(), "Time.UnmarshalJSON"):
		return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: thời điểm phải là chuỗi dạng RFC 3339, ví dụ \"2026-12-05T08:00:00+07:00\".")
	case asErr(err, &se) && strings.Contains(se.Error(), "exceeded max depth"):
		return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: lồng nhau quá sâu (tối đa 10.000 cấp).")
	case asErr(err, &se):
		return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: lỗi cú pháp tại byte %d.", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if path := unknownMember(body, target, name); path != "" {
			name = path
		}
		return qms.FieldError(name, "Dữ liệu JSON không hợp lệ: trường không được hỗ trợ %q.", name)
	}
	return qms.Errorf(qms.EINVALID, "Dữ liệu JSON không hợp lệ: không đọc được nội dung.")
}

// jsonKind names what a Go type takes in JSON, for people: a time is a
// string of its own shape.
func jsonKind(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "một thời điểm dạng RFC 3339 (chuỗi)"
	}
	return formschema.JSONKind(t)
}

// jsonValueKind names the kind of JSON value the decoder met.
func jsonValueKind(v string) string {
	switch {
	case v == "string":
		return "một chuỗi"
	case strings.HasPrefix(v, "number "):
		// A number the field's type cannot hold: 1e309, or 1.5 for a
		// count.
		return "số " + strings.TrimPrefix(v, "number ") + " (quá lớn, hoặc có phần thập phân)"
	case v == "number":
		return "một số"
	case v == "bool":
		return "true/false"
	case v == "array":
		return "một danh sách"
	case v == "object":
		return "một đối tượng"
	}
	return v
}

// unknownMember is the path (applicant.nam; an array's elements under
// the array's member, as walkJSON names them) of the first member of body
// named name that no field of target takes, the one encoding/json
// refused as an unknown field: its error names the member alone, which
// in a nested object does not say where it is. "" when none is found.
func unknownMember(body []byte, target reflect.Type, name string) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	path, _ := findUnknown(dec, target, "", name)
	return path
}

// findUnknown reads one JSON value from dec, decoded into t (nil: a
// value nothing is decoded into, read past), and returns the path of the
// first unknown member named name within it.
func findUnknown(dec *json.Decoder, t reflect.Type, path, name string) (string, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return "", true // stop: the decoder's own error stands
	}
	member := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", true
			}
			k, _ := kt.(string)
			var vt reflect.Type
			if t != nil && t.Kind() == reflect.Map {
				vt = t.Elem()
			} else if t != nil && t.Kind() == reflect.Struct {
				f, ok := jsonFieldOf(t, k)
				if !ok && k == name {
					return member(k), true
				}
				vt = f
			}
			if p, stop := findUnknown(dec, vt, member(k), name); stop {
				return p, true
			}
		}
		dec.Token()
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for dec.More() {
			if p, stop := findUnknown(dec, et, path, name); stop {
				return p, true
			}
		}
		dec.Token()
	}
	return "", false
}

// jsonFieldOf is the type of the field of struct t that encoding/json
// fills from member k: by its JSON name, exactly or regardless of case,
// promoted fields of embedded structs included.
func jsonFieldOf(t reflect.Type, k string) (reflect.Type, bool) {
	var folded reflect.Type
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "-" || f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			continue
		}
		n := tag
		if n == "" {
			n = f.Name
		}
		switch {
		case n == k:
			return f.Type, true
		case folded == nil && strings.EqualFold(n, k):
			folded = f.Type
		}
	}
	return folded, folded != nil
}
