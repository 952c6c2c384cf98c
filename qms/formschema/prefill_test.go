package formschema_test

import (
	"reflect"
	"testing"
	"time"

	"isodt/qms/formschema"
)

// TestProduct4Prefill: the fields the system knows are filled by machine
// name and type; another type, a value too long or an unknown fact
// leaves the field empty.
func TestProduct4Prefill(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	facts := formschema.Facts{DossierCode: "A-2026-000123", ApplicantName: "Nguyễn Văn An", ApplicantID: "001203004567",
		ApplicantPhone: "0912345678", ReceivedAt: time.Date(2026, 2, 13, 14, 30, 0, 0, ict), DueAt: time.Date(2026, 2, 24, 8, 0, 0, 0, ict)}
	s, err := formschema.Parse([]byte(`{"fields":[
		{"name":"ma_ho_so","label":"Mã hồ sơ","type":"text"},
		{"name":"ten_nguoi_nop","label":"Người nộp","type":"text","max_length":5},
		{"name":"applicant_name","label":"Applicant","type":"text"},
		{"name":"so_giay_to","label":"Số giấy tờ","type":"text"},
		{"name":"so_dien_thoai","label":"Điện thoại","type":"number"},
		{"name":"dia_chi","label":"Địa chỉ","type":"text"},
		{"name":"ngay_tiep_nhan","label":"Ngày tiếp nhận","type":"date"},
		{"name":"gio_tiep_nhan","label":"Giờ","type":"text"},
		{"name":"ngay_hen_tra","label":"Hẹn trả","type":"date"},
		{"name":"ghi_chu","label":"Ghi chú","type":"text"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := formschema.Entry{"ma_ho_so": "A-2026-000123", "applicant_name": "Nguyễn Văn An", "so_giay_to": "001203004567",
		"ngay_tiep_nhan": "2026-02-13", "gio_tiep_nhan": "14:30", "ngay_hen_tra": "2026-02-24"}
	if got := s.Prefill(facts); !reflect.DeepEqual(got, want) {
		t.Errorf("Prefill =\n%v\nwant\n%v", got, want)
	}
}
