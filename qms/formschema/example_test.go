package formschema_test

import (
	"fmt"

	"isodt/qms"
	"isodt/qms/formschema"
)

func Example() {
	s, err := formschema.Parse([]byte(`{"fields": [
		{"name": "ma_ho_so", "label": "Mã hồ sơ", "type": "text", "required": true},
		{"name": "so_bo", "label": "Số bộ hồ sơ", "type": "number", "integer": true, "min": 1},
		{"name": "le_phi", "label": "Lệ phí (đồng)", "type": "number"},
		{"name": "ngay_hen_tra", "label": "Ngày hẹn trả kết quả", "type": "date", "required": true}
	]}`))
	if err != nil {
		fmt.Println(err)
		return
	}

	// As posted by the browser; _csrf is not a field and is ignored.
	posted := map[string][]string{"_csrf": {"t"}, "ma_ho_so": {"H56-0001"}, "so_bo": {"0"}, "le_phi": {"50.000"}, "ngay_hen_tra": {"16/02/2026"}}
	entry, errs := s.ValidateEntry(posted, nil)
	if err := s.EntryErr(errs); err != nil {
		fmt.Println(qms.ErrorField(err), "→", qms.ErrorMessage(err))
	}

	posted["so_bo"] = []string{"2"}
	entry, _ = s.ValidateEntry(posted, nil)
	for _, row := range s.Display(entry) {
		fmt.Printf("%s: %s\n", row.Label, row.Value)
	}
	// Output:
	// so_bo → Biểu mẫu chưa hợp lệ. Số bộ hồ sơ: Nhỏ nhất là 1.
	// Mã hồ sơ: H56-0001
	// Số bộ hồ sơ: 2
	// Lệ phí (đồng): 50.000
	// Ngày hẹn trả kết quả: 16/02/2026
}

func ExampleParse_error() {
	_, err := formschema.Parse([]byte(`{"fields": [
		{"name": "ma_ho_so", "label": "Mã hồ sơ", "type": "text"},
		{"name": "noi_tra", "label": "Nơi trả", "type": "text"},
		{"name": "so_bo", "type": "number"}
	]}`))
	fmt.Println(qms.ErrorMessage(err))
	// Output: trường thứ 3 ("so_bo"): thiếu nhãn
}
