package formschema_test

import (
	"reflect"
	"testing"

	"isodt/qms/formschema"
)

func TestDisplay(t *testing.T) {
	s := allTypes()
	entry, errs := s.ValidateEntry(validPost(), map[string]formschema.FileRef{"dinh_kem": aRef})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []formschema.DisplayRow{
		{"Mã hồ sơ", "000.00.12.H56-260216-0001"},
		{"Thành phần hồ sơ", "Tờ khai\nBản sao CCCD"},
		{"Số bộ hồ sơ", "2"},
		{"Lệ phí (đồng)", "1.234,5"},
		{"Ngày hẹn trả", "16/02/2026"},
		{"Nơi trả kết quả", "Qua bưu điện"},
		{"Đã thu phí", "Không"},
		{"Cam kết", "Có"},
		{"Tệp đính kèm", "to-khai.pdf"},
	}
	if got := s.Display(entry); !reflect.DeepEqual(got, want) {
		t.Errorf("Display =\n%v\nwant\n%v", got, want)
	}
	empty := s.Display(nil)
	if len(empty) != len(s.Fields) || empty[0].Value != "" || empty[6].Value != "Không" {
		t.Errorf("Display(nil) = %v", empty)
	}
}

func TestDisplayNumbers(t *testing.T) {
	s := formschema.Schema{Fields: []formschema.Field{{Name: "n", Label: "N", Type: formschema.TypeNumber}}}
	for n, want := range map[float64]string{
		0: "0", 7: "7", 999: "999", 1000: "1.000", -1234.5: "-1.234,5", 1234567.25: "1.234.567,25",
		0.1: "0,1", -0.001: "-0,001", 95.95: "95,95", 1e21: "1.000.000.000.000.000.000.000",
	} {
		if got := s.Display(formschema.Entry{"n": n})[0].Value; got != want {
			t.Errorf("%v displays as %q, want %q", n, got, want)
		}
	}
}
