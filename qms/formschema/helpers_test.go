package formschema_test

import (
	"encoding/json"
	"testing"

	"isodt/qms"
	"isodt/qms/formschema"
)

func ptr(f float64) *float64 { return &f }

// allTypes is a schema with one field of every type and rule, used across
// the tests and as the fuzz seed.
func allTypes() formschema.Schema {
	return formschema.Schema{Fields: []formschema.Field{
		{Name: "ma_ho_so", Label: "Mã hồ sơ", Type: formschema.TypeText, Required: true, MaxLength: 30},
		{Name: "thanh_phan", Label: "Thành phần hồ sơ", Type: formschema.TypeText, Multiline: true, Help: "Mỗi giấy tờ một dòng"},
		{Name: "so_bo", Label: "Số bộ hồ sơ", Type: formschema.TypeNumber, Integer: true, Min: ptr(1), Max: ptr(10)},
		{Name: "le_phi", Label: "Lệ phí (đồng)", Type: formschema.TypeNumber},
		{Name: "ngay_hen_tra", Label: "Ngày hẹn trả", Type: formschema.TypeDate, Required: true},
		{Name: "noi_tra", Label: "Nơi trả kết quả", Type: formschema.TypeSelect, Options: []string{"Tại bộ phận một cửa", "Qua bưu điện"}},
		{Name: "da_thu_phi", Label: "Đã thu phí", Type: formschema.TypeCheckbox},
		{Name: "cam_ket", Label: "Cam kết", Type: formschema.TypeCheckbox, Required: true},
		{Name: "dinh_kem", Label: "Tệp đính kèm", Type: formschema.TypeFile},
	}}
}

// validPost is a complete, valid posted form for allTypes.
func validPost() map[string][]string {
	return map[string][]string{
		"_csrf":        {"token"},
		"ma_ho_so":     {" 000.00.12.H56-260216-0001 "},
		"thanh_phan":   {"Tờ khai\r\nBản sao CCCD"},
		"so_bo":        {"2"},
		"le_phi":       {"1.234,5"},
		"ngay_hen_tra": {"16/02/2026"},
		"noi_tra":      {"Qua bưu điện"},
		"cam_ket":      {"on"},
	}
}

var aRef = formschema.FileRef{
	SHA256:      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	Name:        "to-khai.pdf",
	ContentType: "application/pdf",
	Size:        1234,
}

// wantCode fails unless err is a *qms.Error with the given code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := qms.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
