package formschema_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/formschema"
)

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const validJSON = `{
	"ma_ho_so": "H56-0001",
	"thanh_phan": "Tờ khai",
	"so_bo": 2,
	"le_phi": "1.234,5",
	"ngay_hen_tra": "16/02/2026",
	"noi_tra": "Qua bưu điện",
	"da_thu_phi": true,
	"cam_ket": true,
	"dinh_kem": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "name": "to-khai.pdf", "content_type": "application/pdf", "size": 1234}
}`

func TestValidateJSONEntryValid(t *testing.T) {
	entry, errs := allTypes().ValidateJSONEntry(decodeJSON(t, validJSON))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := formschema.Entry{
		"ma_ho_so": "H56-0001", "thanh_phan": "Tờ khai", "so_bo": 2.0, "le_phi": 1234.5,
		"ngay_hen_tra": "2026-02-16", "noi_tra": "Qua bưu điện", "da_thu_phi": true, "cam_ket": true, "dinh_kem": aRef,
	}
	if !reflect.DeepEqual(entry, want) {
		t.Errorf("entry = %#v\nwant %#v", entry, want)
	}
}

func TestValidateJSONEntryRules(t *testing.T) {
	tests := []struct {
		name  string
		field string
		value string // JSON; "" removes the key
		want  any
		err   string
	}{
		{"null is absent", "thanh_phan", `null`, nil, ""},
		{"required null", "ma_ho_so", `null`, nil, "Bắt buộc"},
		{"required missing", "ma_ho_so", ``, nil, "Bắt buộc"},
		{"text not string", "ma_ho_so", `12`, nil, "chuỗi"},
		{"number as number", "le_phi", `1234.5`, 1234.5, ""},
		{"number as dot string", "le_phi", `"1234.5"`, 1234.5, ""},
		{"number as bool", "le_phi", `true`, nil, "Không phải số"},
		{"number empty string", "le_phi", `""`, nil, ""},
		{"number integer rule", "so_bo", `2.5`, nil, "số nguyên"},
		{"number min rule", "so_bo", `0`, nil, "Nhỏ nhất"},
		{"date iso", "ngay_hen_tra", `"2026-02-16"`, "2026-02-16", ""},
		{"date not string", "ngay_hen_tra", `20260216`, nil, "chuỗi"},
		{"date bad", "ngay_hen_tra", `"31/02/2026"`, nil, "Ngày không hợp lệ"},
		{"select bad", "noi_tra", `"X"`, nil, "lựa chọn"},
		{"checkbox false", "da_thu_phi", `false`, false, ""},
		{"checkbox missing", "da_thu_phi", ``, false, ""},
		{"checkbox string", "da_thu_phi", `"on"`, nil, "true hoặc false"},
		{"required checkbox false", "cam_ket", `false`, nil, "Phải đánh dấu"},
		{"required checkbox missing", "cam_ket", ``, nil, "Phải đánh dấu"},
		{"file missing", "dinh_kem", ``, nil, ""},
		{"file not object", "dinh_kem", `"to-khai.pdf"`, nil, "đối tượng"},
		{"file unknown key", "dinh_kem", `{"sha256": "x", "path": "/etc"}`, nil, `không được phép "path"`},
		{"file size string", "dinh_kem", `{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "name": "a.pdf", "content_type": "application/pdf", "size": "1"}`, nil, `"size" sai kiểu`},
		{"file size fraction", "dinh_kem", `{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "name": "a.pdf", "content_type": "application/pdf", "size": 1.5}`, nil, `"size" sai kiểu`},
		{"file bad hash", "dinh_kem", `{"sha256": "x", "name": "a.pdf", "content_type": "application/pdf", "size": 1}`, nil, "SHA-256"},
		{"file no name", "dinh_kem", `{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "content_type": "application/pdf", "size": 1}`, nil, "Tên tệp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := decodeJSON(t, validJSON)
			delete(v, tt.field)
			if tt.value != "" {
				var x any
				if err := json.Unmarshal([]byte(tt.value), &x); err != nil {
					t.Fatal(err)
				}
				v[tt.field] = x
			}
			entry, errs := allTypes().ValidateJSONEntry(v)
			if got := errs[tt.field]; tt.err == "" && got != "" || !strings.Contains(got, tt.err) {
				t.Fatalf("error = %q, want %q", got, tt.err)
			}
			if (tt.err == "") != (len(errs) == 0) || len(errs) > 1 {
				t.Errorf("errors on other fields: %v", errs)
			}
			got, ok := entry[tt.field]
			if tt.want == nil && ok {
				t.Errorf("entry has %#v, want no value", got)
			}
			if tt.want != nil && got != tt.want {
				t.Errorf("value = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestValidateJSONEntryUnknownKey(t *testing.T) {
	v := decodeJSON(t, validJSON)
	v["ma_hoso"] = "typo"
	_, errs := allTypes().ValidateJSONEntry(v)
	if len(errs) != 1 || !strings.Contains(errs["ma_hoso"], "không có trường") {
		t.Errorf("errors = %v", errs)
	}
}

// TestValidateJSONEntryManyUnknownKeys: an entry of many made-up members
// is answered with the first 20 by name and a count of the rest, not one
// line each (outsider pass 13: 150,000 members drew a 7 MB answer).
func TestValidateJSONEntryManyUnknownKeys(t *testing.T) {
	for _, tt := range []struct{ unknown, want int }{{1, 1}, {20, 20}, {21, 21}, {150000, 21}} {
		v := decodeJSON(t, validJSON)
		for i := range tt.unknown {
			v[fmt.Sprintf("k%06d", i)] = "v"
		}
		_, errs := allTypes().ValidateJSONEntry(v)
		if len(errs) != tt.want {
			t.Errorf("%d unknown: %d errors, want %d", tt.unknown, len(errs), tt.want)
		}
		if more := tt.unknown - 20; more > 0 && !strings.Contains(errs["entry"], fmt.Sprintf("Còn %d trường khác", more)) {
			t.Errorf("%d unknown: the rest counted as %q", tt.unknown, errs["entry"])
		}
		if _, ok := errs["k000000"]; !ok {
			t.Errorf("%d unknown: the first is not named: %v", tt.unknown, errs)
		}
	}
}

// Go callers may pass typed values, and a stored entry goes through
// unchanged: marshal, DecodeEntry, same entry.
func TestEntryRoundTrip(t *testing.T) {
	s := allTypes()
	entry, errs := s.ValidateEntry(validPost(), map[string]formschema.FileRef{"dinh_kem": aRef})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	again, errs := s.ValidateJSONEntry(entry)
	if len(errs) > 0 || !reflect.DeepEqual(again, entry) {
		t.Errorf("typed entry: %v, %v", again, errs)
	}
	b, err := json.Marshal(entry)
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.DecodeEntry(b)
	if err != nil || !reflect.DeepEqual(back, entry) {
		t.Errorf("DecodeEntry(%s) = %#v, %v", b, back, err)
	}
	if _, err := s.DecodeEntry([]byte(`{"so_bo": 2}`)); qms.ErrorField(err) != "ma_ho_so" {
		t.Errorf("DecodeEntry of an incomplete entry: %v", err)
	}
	if _, err := s.DecodeEntry([]byte(`[`)); qms.ErrorCode(err) != qms.EINVALID {
		t.Errorf("DecodeEntry of bad JSON: %v", err)
	}
}
