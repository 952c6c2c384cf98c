package formschema_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/formschema"
)

func TestParseValid(t *testing.T) {
	in := `{"fields": [
		{"name": "so_bo", "label": "Số bộ", "type": "number", "required": true, "integer": true, "min": 1, "max": 99, "help": "Số bộ hồ sơ"},
		{"name": "noi_dung", "label": "Nội dung", "type": "text", "multiline": true, "max_length": 2000},
		{"name": "ket_qua", "label": "Kết quả", "type": "select", "options": ["Phù hợp", "Không phù hợp"]},
		{"name": "ngay", "label": "Ngày", "type": "date"},
		{"name": "dong_y", "label": "Đồng ý", "type": "checkbox"},
		{"name": "tep", "label": "Tệp", "type": "file"}
	]}`
	s, err := formschema.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := formschema.Field{Name: "so_bo", Label: "Số bộ", Type: formschema.TypeNumber, Required: true, Help: "Số bộ hồ sơ", Integer: true, Min: ptr(1), Max: ptr(99)}
	if len(s.Fields) != 6 || !reflect.DeepEqual(s.Fields[0], want) {
		t.Errorf("Parse = %+v", s)
	}
	if f, ok := s.Field("noi_dung"); !ok || f.TextLimit() != 2000 || !f.Multiline {
		t.Errorf("Field(noi_dung) = %+v, %v", f, ok)
	}
	if _, ok := s.Field("khong_co"); ok {
		t.Error("Field found a missing name")
	}
}

func TestParseErrors(t *testing.T) {
	field := func(extra string) string {
		return `{"fields": [{"name": "a", "label": "A", "type": "text"}, {"name": "b", "label": "B", "type": "text"}, ` + extra + `]}`
	}
	many := func(n int, f string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(f, i)
		}
		return strings.Join(parts, ",")
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty input", ``, "cắt cụt"},
		{"syntax", `{"fields": [`, "cắt cụt"},
		{"bad syntax", `{"fields": x}`, "cú pháp"},
		{"not an object", `[]`, "phải là một đối tượng"},
		{"field not an object", `{"fields": [1]}`, "trường thứ 1: giá trị phải là một đối tượng"},
		{"min not a number", `{"fields": [{"name": "a", "label": "A", "type": "number", "min": "1"}]}`, `trường thứ 1 ("a"): khóa "min" phải là một số`},
		{"trailing data", `{"fields": [{"name": "a", "label": "A", "type": "text"}]} {}`, "dữ liệu thừa"},
		{"unknown top key", `{"fields": [], "title": "x"}`, `khóa không được phép "title"`},
		{"duplicate top key", `{"fields": [], "fields": []}`, `"fields" bị lặp lại`},
		{"no fields", `{"fields": []}`, "ít nhất một trường"},
		{"null", `null`, "ít nhất một trường"},
		{"unknown field key", field(`{"name": "so_bo", "label": "Số bộ", "type": "number", "requried": true}`), `trường thứ 3: khóa không được phép "requried"`},
		{"duplicate field key", field(`{"name": "so_bo", "label": "Số bộ", "label": "X", "type": "number"}`), `trường thứ 3: khóa "label" bị lặp lại`},
		{"wrong value type", field(`{"name": "so_bo", "label": "Số bộ", "type": "number", "required": "yes"}`), `trường thứ 3 ("so_bo"): khóa "required" phải là true hoặc false`},
		{"missing label", field(`{"name": "so_bo", "type": "number"}`), `trường thứ 3 ("so_bo"): thiếu nhãn`},
		{"blank label", field(`{"name": "so_bo", "label": "  ", "type": "number"}`), `trường thứ 3 ("so_bo"): thiếu nhãn`},
		{"label with newline", field(`{"name": "so_bo", "label": "A\nB", "type": "number"}`), "nhãn chứa ký tự điều khiển"},
		{"label with an isolate", field(`{"name": "so_bo", "label": "A\u2066B", "type": "number"}`), "nhãn chứa ký tự điều khiển"},
		{"long label", field(`{"name": "so_bo", "label": "` + strings.Repeat("ạ", 501) + `", "type": "number"}`), "nhãn dài 501 ký tự"},
		{"long help", field(`{"name": "so_bo", "label": "X", "help": "` + strings.Repeat("x", 1001) + `", "type": "number"}`), "hướng dẫn dài"},
		{"bad name upper", field(`{"name": "SoBo", "label": "X", "type": "number"}`), "trường thứ 3: tên máy"},
		{"bad name digit", field(`{"name": "1a", "label": "X", "type": "number"}`), "tên máy"},
		{"bad name unicode", field(`{"name": "số", "label": "X", "type": "number"}`), "tên máy"},
		{"bad name long", field(`{"name": "a` + strings.Repeat("b", 64) + `", "label": "X", "type": "number"}`), "tên máy"},
		{"empty name", field(`{"label": "X", "type": "number"}`), "trường thứ 3: tên máy"},
		{"duplicate name", field(`{"name": "a", "label": "X", "type": "number"}`), `trường thứ 3 ("a"): trùng tên với trường thứ 1`},
		{"unknown type", field(`{"name": "c", "label": "X", "type": "email"}`), `kiểu "email" không hợp lệ`},
		{"missing type", field(`{"name": "c", "label": "X"}`), `kiểu "" không hợp lệ`},
		{"select without options", field(`{"name": "c", "label": "X", "type": "select"}`), "phải có danh sách lựa chọn"},
		{"select empty options", field(`{"name": "c", "label": "X", "type": "select", "options": []}`), "phải có danh sách lựa chọn"},
		{"duplicate option", field(`{"name": "c", "label": "X", "type": "select", "options": ["A", "A"]}`), `lựa chọn "A" bị trùng`},
		{"blank option", field(`{"name": "c", "label": "X", "type": "select", "options": ["A", " "]}`), "lựa chọn thứ 2 trống"},
		{"padded option", field(`{"name": "c", "label": "X", "type": "select", "options": [" A"]}`), "lựa chọn thứ 1 trống hoặc có khoảng trắng"},
		{"too many options", field(`{"name": "c", "label": "X", "type": "select", "options": [` + many(201, `"o%d"`) + `]}`), "201 lựa chọn"},
		{"options on text", field(`{"name": "c", "label": "X", "type": "text", "options": ["A"]}`), "chỉ trường kiểu select"},
		{"multiline on number", field(`{"name": "c", "label": "X", "type": "number", "multiline": true}`), "chỉ dùng cho trường kiểu text"},
		{"max_length on date", field(`{"name": "c", "label": "X", "type": "date", "max_length": 5}`), "chỉ dùng cho trường kiểu text"},
		{"negative max_length", field(`{"name": "c", "label": "X", "type": "text", "max_length": -1}`), "max_length phải từ 1"},
		{"huge max_length", field(`{"name": "c", "label": "X", "type": "text", "max_length": 100001}`), "max_length phải từ 1"},
		{"min on text", field(`{"name": "c", "label": "X", "type": "text", "min": 1}`), "chỉ dùng cho trường kiểu number"},
		{"integer on checkbox", field(`{"name": "c", "label": "X", "type": "checkbox", "integer": true}`), "chỉ dùng cho trường kiểu number"},
		{"min above max", field(`{"name": "c", "label": "X", "type": "number", "min": 5, "max": 1}`), "min lớn hơn max"},
		{"no integer in range", field(`{"name": "c", "label": "X", "type": "number", "integer": true, "min": 1.2, "max": 1.8}`), "không có số nguyên"},
		{"too many fields", `{"fields": [` + many(201, `{"name": "f%d", "label": "X", "type": "text"}`) + `]}`, "201 trường"},
		{"too deep", `{"fields": [{"name": "a", "label": "A", "type": "text", "options": [[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]}]}`, "lồng quá sâu"},
		{"too large", `{"fields": [` + strings.Repeat(" ", 1<<20) + `]}`, "quá lớn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := formschema.Parse([]byte(tt.in))
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			wantCode(t, err, qms.EINVALID)
			if qms.ErrorField(err) != "schema" {
				t.Errorf("Field = %q, want schema", qms.ErrorField(err))
			}
			if msg := qms.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
		})
	}
}

func TestValidateLimits(t *testing.T) {
	s := formschema.Schema{}
	for i := range formschema.MaxFields {
		s.Fields = append(s.Fields, formschema.Field{Name: fmt.Sprintf("f%d", i), Label: strings.Repeat("ạ", formschema.MaxLabelLen), Type: formschema.TypeText})
	}
	if err := s.Validate(); err != nil {
		t.Errorf("schema at the limits: %v", err)
	}
	opts := make([]string, formschema.MaxOptions)
	for i := range opts {
		opts[i] = fmt.Sprint(i)
	}
	s = formschema.Schema{Fields: []formschema.Field{{Name: "a", Label: "A", Type: formschema.TypeSelect, Options: opts}}}
	if err := s.Validate(); err != nil {
		t.Errorf("select with %d options: %v", len(opts), err)
	}
	// JSON decoding replaces invalid UTF-8; a Go caller can still pass it.
	bad := formschema.Schema{Fields: []formschema.Field{{Name: "a", Label: "\xff", Type: formschema.TypeText}}}
	if err := bad.Validate(); !strings.Contains(qms.ErrorMessage(err), "UTF-8") {
		t.Errorf("invalid UTF-8 label: %v", err)
	}
	if err := allTypes().Validate(); err != nil {
		t.Errorf("allTypes: %v", err)
	}
}

// A schema survives JSON both ways: what Parse reads, json.Marshal writes.
func TestSchemaJSONRoundTrip(t *testing.T) {
	b, err := jsonMarshal(allTypes())
	if err != nil {
		t.Fatal(err)
	}
	s, err := formschema.Parse(b)
	if err != nil {
		t.Fatalf("Parse(%s): %v", b, err)
	}
	if !reflect.DeepEqual(s, allTypes()) {
		t.Errorf("round trip changed the schema:\n%+v\n%+v", s, allTypes())
	}
}
