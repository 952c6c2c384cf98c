package formschema_test

import (
	"reflect"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/formschema"
)

func TestValidateEntryValid(t *testing.T) {
	entry, errs := allTypes().ValidateEntry(validPost(), map[string]formschema.FileRef{"dinh_kem": aRef})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := formschema.Entry{
		"ma_ho_so":     "000.00.12.H56-260216-0001",
		"thanh_phan":   "Tờ khai\nBản sao CCCD",
		"so_bo":        2.0,
		"le_phi":       1234.5,
		"ngay_hen_tra": "2026-02-16",
		"noi_tra":      "Qua bưu điện",
		"da_thu_phi":   false,
		"cam_ket":      true,
		"dinh_kem":     aRef,
	}
	if !reflect.DeepEqual(entry, want) {
		t.Errorf("entry = %#v\nwant %#v", entry, want)
	}
	if errs.Err() != nil {
		t.Errorf("Err of no errors = %v", errs.Err())
	}
}

// Each case posts validPost with one field changed (nil removes it) and
// expects either that field's value or an error containing a phrase.
func TestValidateEntryRules(t *testing.T) {
	tests := []struct {
		name  string
		field string
		post  []string
		want  any    // value in the entry; nil = absent
		err   string // phrase of the field's error; "" = no error
	}{
		{"text trimmed", "ma_ho_so", []string{"  H56  "}, "H56", ""},
		{"text required missing", "ma_ho_so", nil, nil, "Bắt buộc"},
		{"text required blank", "ma_ho_so", []string{"   "}, nil, "Bắt buộc"},
		{"text max length", "ma_ho_so", []string{strings.Repeat("ạ", 31)}, nil, "nhiều nhất 30"},
		{"text at max length", "ma_ho_so", []string{strings.Repeat("ạ", 30)}, strings.Repeat("ạ", 30), ""},
		{"text one line", "ma_ho_so", []string{"a\nb"}, nil, "một dòng"},
		{"text control char", "ma_ho_so", []string{"a\x00b"}, nil, "điều khiển"},
		{"text right-to-left override", "ma_ho_so", []string{"a\u202eb"}, nil, "điều khiển"},
		{"text invalid utf8", "ma_ho_so", []string{"a\xffb"}, nil, "UTF-8"},
		{"text multiple values", "ma_ho_so", []string{"a", "b"}, nil, "nhiều giá trị"},
		{"multiline CR", "thanh_phan", []string{"a\rb\r\n\r\nc"}, "a\nb\n\nc", ""},
		{"multiline tab", "thanh_phan", []string{"a\tb"}, "a\tb", ""},
		{"multiline optional empty", "thanh_phan", []string{""}, nil, ""},
		{"multiline default limit", "thanh_phan", []string{strings.Repeat("x", formschema.DefaultAreaLen+1)}, nil, "nhiều nhất 20000"},
		{"number integer", "so_bo", []string{"3"}, 3.0, ""},
		{"number integer with fraction", "so_bo", []string{"2,5"}, nil, "số nguyên"},
		{"number below min", "so_bo", []string{"0"}, nil, "Nhỏ nhất là 1"},
		{"number above max", "so_bo", []string{"11"}, nil, "Lớn nhất là 10"},
		{"number optional empty", "so_bo", []string{""}, nil, ""},
		{"number vn decimal comma", "le_phi", []string{"1234,5"}, 1234.5, ""},
		{"number vn grouped", "le_phi", []string{"1.234.567,89"}, 1234567.89, ""},
		{"number vn thousands", "le_phi", []string{"1.500"}, 1500.0, ""},
		{"number dot decimal", "le_phi", []string{"1234.5"}, 1234.5, ""},
		{"number leading zero dot", "le_phi", []string{"0.125"}, 0.125, ""},
		{"number short fraction dot", "le_phi", []string{"1.5"}, 1.5, ""},
		{"number english grouped", "le_phi", []string{"1,234.5"}, 1234.5, ""},
		{"number english thousands", "le_phi", []string{"1,234,567"}, 1234567.0, ""},
		{"number negative", "le_phi", []string{"-1.234,5"}, -1234.5, ""},
		{"number negative zero", "le_phi", []string{"-0"}, 0.0, ""},
		{"number spaces", "le_phi", []string{" 42 "}, 42.0, ""},
		{"number bad groups", "le_phi", []string{"1.23.456"}, nil, "Không phải số"},
		{"number two commas and dot", "le_phi", []string{"1,2,3.4"}, nil, "Không phải số"},
		{"number two decimal commas", "le_phi", []string{"1.234,5,6"}, nil, "Không phải số"},
		{"number trailing sep", "le_phi", []string{"12,"}, nil, "Không phải số"},
		{"number leading sep", "le_phi", []string{",5"}, nil, "Không phải số"},
		{"number exponent", "le_phi", []string{"1e5"}, nil, "Không phải số"},
		{"number plus", "le_phi", []string{"+5"}, nil, "Không phải số"},
		{"number inf", "le_phi", []string{"Inf"}, nil, "Không phải số"},
		{"number nan", "le_phi", []string{"NaN"}, nil, "Không phải số"},
		{"number overflow", "le_phi", []string{"1" + strings.Repeat("0", 400)}, nil, "Không phải số"},
		{"number hex", "le_phi", []string{"0x10"}, nil, "Không phải số"},
		{"number only minus", "le_phi", []string{"-"}, nil, "Không phải số"},
		{"date vn", "ngay_hen_tra", []string{"05/03/2026"}, "2026-03-05", ""},
		{"date vn loose", "ngay_hen_tra", []string{"5/3/2026"}, "2026-03-05", ""},
		{"date iso", "ngay_hen_tra", []string{"2026-03-05"}, "2026-03-05", ""},
		{"date leap day", "ngay_hen_tra", []string{"29/02/2028"}, "2028-02-29", ""},
		{"date not leap", "ngay_hen_tra", []string{"29/02/2026"}, nil, "Ngày không hợp lệ"},
		{"date mm/dd", "ngay_hen_tra", []string{"02/16/2026"}, nil, "Ngày không hợp lệ"},
		{"date two digit year", "ngay_hen_tra", []string{"16/02/26"}, nil, "Ngày không hợp lệ"},
		{"date year typo", "ngay_hen_tra", []string{"16/02/0226"}, nil, "Ngày không hợp lệ"},
		{"date with time", "ngay_hen_tra", []string{"2026-02-16T08:00"}, nil, "Ngày không hợp lệ"},
		{"date required", "ngay_hen_tra", nil, nil, "Bắt buộc"},
		{"select option", "noi_tra", []string{"Tại bộ phận một cửa"}, "Tại bộ phận một cửa", ""},
		{"select trimmed", "noi_tra", []string{" Qua bưu điện "}, "Qua bưu điện", ""},
		{"select not an option", "noi_tra", []string{"Qua email"}, nil, "lựa chọn"},
		{"select case matters", "noi_tra", []string{"qua bưu điện"}, nil, "lựa chọn"},
		{"select optional empty", "noi_tra", []string{""}, nil, ""},
		{"checkbox absent", "da_thu_phi", nil, false, ""},
		{"checkbox on", "da_thu_phi", []string{"on"}, true, ""},
		{"checkbox 1", "da_thu_phi", []string{"1"}, true, ""},
		{"checkbox true", "da_thu_phi", []string{"TRUE"}, true, ""},
		{"checkbox false", "da_thu_phi", []string{"false"}, false, ""},
		{"checkbox garbage", "da_thu_phi", []string{"yes please"}, nil, "không hợp lệ"},
		{"checkbox twice", "da_thu_phi", []string{"on", "on"}, nil, "nhiều giá trị"},
		{"required checkbox unchecked", "cam_ket", nil, nil, "Phải đánh dấu"},
		{"required checkbox off", "cam_ket", []string{"0"}, nil, "Phải đánh dấu"},
		{"file field in raw ignored", "dinh_kem", []string{"evil.exe"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := validPost()
			delete(raw, tt.field)
			if tt.post != nil {
				raw[tt.field] = tt.post
			}
			entry, errs := allTypes().ValidateEntry(raw, nil)
			if got := errs[tt.field]; tt.err == "" && got != "" || !strings.Contains(got, tt.err) {
				t.Fatalf("error = %q, want %q", got, tt.err)
			}
			if len(errs) > 1 || (tt.err == "") != (len(errs) == 0) {
				t.Errorf("errors on other fields: %v", errs)
			}
			got, ok := entry[tt.field]
			if tt.want == nil && ok {
				t.Errorf("entry has %#v, want no value", got)
			}
			if tt.want != nil && got != tt.want {
				t.Errorf("value = %#v (%T), want %#v (%T)", got, got, tt.want, tt.want)
			}
		})
	}
}

func TestValidateEntryFiles(t *testing.T) {
	s := formschema.Schema{Fields: []formschema.Field{
		{Name: "tep", Label: "Tệp", Type: formschema.TypeFile, Required: true},
	}}
	bad := func(change func(*formschema.FileRef)) formschema.FileRef {
		r := aRef
		change(&r)
		return r
	}
	tests := []struct {
		name string
		ref  *formschema.FileRef
		err  string
	}{
		{"valid", &aRef, ""},
		{"missing", nil, "Chưa chọn tệp"},
		{"zero ref", &formschema.FileRef{}, "Chưa chọn tệp"},
		{"upper hex", ptrRef(bad(func(r *formschema.FileRef) { r.SHA256 = strings.ToUpper(r.SHA256) })), "SHA-256"},
		{"short hash", ptrRef(bad(func(r *formschema.FileRef) { r.SHA256 = "abc" })), "SHA-256"},
		{"no name", ptrRef(bad(func(r *formschema.FileRef) { r.Name = "" })), "Tên tệp"},
		{"path in name", ptrRef(bad(func(r *formschema.FileRef) { r.Name = "../etc/passwd" })), "Tên tệp"},
		{"windows path", ptrRef(bad(func(r *formschema.FileRef) { r.Name = `C:\a.pdf` })), "Tên tệp"},
		{"newline in name", ptrRef(bad(func(r *formschema.FileRef) { r.Name = "a\r\nb.pdf" })), "Tên tệp"},
		{"bad content type", ptrRef(bad(func(r *formschema.FileRef) { r.ContentType = "pdf" })), "Kiểu nội dung"},
		{"negative size", ptrRef(bad(func(r *formschema.FileRef) { r.Size = -1 })), "Kích thước"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]formschema.FileRef{}
			if tt.ref != nil {
				files["tep"] = *tt.ref
			}
			entry, errs := s.ValidateEntry(nil, files)
			if got := errs["tep"]; tt.err == "" && got != "" || !strings.Contains(got, tt.err) {
				t.Fatalf("error = %q, want %q", got, tt.err)
			}
			if tt.err == "" && entry["tep"] != aRef {
				t.Errorf("entry = %#v", entry)
			}
			if tt.ref != nil && *tt.ref != (formschema.FileRef{}) {
				if err := tt.ref.Check(); (err == nil) != (tt.err == "") {
					t.Errorf("Check = %v", err)
				}
			}
		})
	}
}

func ptrRef(r formschema.FileRef) *formschema.FileRef { return &r }

func TestFieldErrorsErr(t *testing.T) {
	s := allTypes()
	_, errs := s.ValidateEntry(map[string][]string{"so_bo": {"x"}}, nil)
	want := formschema.FieldErrors{"ma_ho_so": "Bắt buộc nhập.", "so_bo": "Không phải số (ví dụ 1.234,5 hoặc 1234.5).", "ngay_hen_tra": "Bắt buộc nhập.", "cam_ket": "Phải đánh dấu ô này."}
	if !reflect.DeepEqual(errs, want) {
		t.Fatalf("errors = %v", errs)
	}

	err := s.EntryErr(errs)
	wantCode(t, err, qms.EINVALID)
	if f := qms.ErrorField(err); f != "ma_ho_so" {
		t.Errorf("EntryErr field = %q, want the first in form order", f)
	}
	msg := qms.ErrorMessage(err)
	wantMsg := "Biểu mẫu chưa hợp lệ. Mã hồ sơ: Bắt buộc nhập. Số bộ hồ sơ: Không phải số (ví dụ 1.234,5 hoặc 1234.5). Ngày hẹn trả: Bắt buộc nhập. Cam kết: Phải đánh dấu ô này."
	if msg != wantMsg {
		t.Errorf("EntryErr message = %q\nwant %q", msg, wantMsg)
	}

	err = errs.Err()
	wantCode(t, err, qms.EINVALID)
	if f := qms.ErrorField(err); f != "cam_ket" {
		t.Errorf("Err field = %q, want the first by name", f)
	}
	if !strings.HasPrefix(qms.ErrorMessage(err), "Biểu mẫu chưa hợp lệ. cam_ket: ") {
		t.Errorf("Err message = %q", qms.ErrorMessage(err))
	}

	if err := s.EntryErr(formschema.FieldErrors{"zz": "x", "so_bo": "y", "aa": "z"}); qms.ErrorMessage(err) != "Biểu mẫu chưa hợp lệ. Số bộ hồ sơ: y aa: z zz: x" {
		t.Errorf("unknown keys not last in name order: %q", qms.ErrorMessage(err))
	}
	if formschema.FieldErrors(nil).Err() != nil || s.EntryErr(nil) != nil {
		t.Error("empty errors gave an error")
	}
}

// An entry keeps every valid value even when other fields fail, so that
// the page can show them again.
func TestValidateEntryPartial(t *testing.T) {
	raw := validPost()
	raw["so_bo"] = []string{"x"}
	entry, errs := allTypes().ValidateEntry(raw, nil)
	if len(errs) != 1 || entry["ma_ho_so"] != "000.00.12.H56-260216-0001" {
		t.Errorf("entry = %v, errs = %v", entry, errs)
	}
	if _, ok := entry["so_bo"]; ok {
		t.Error("invalid value kept in the entry")
	}
}
