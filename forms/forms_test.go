package forms_test

import (
	"slices"
	"strings"
	"testing"

	"isodt/forms"
	"isodt/qms/formschema"
)

func TestStandard(t *testing.T) {
	defs, err := forms.Standard()
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 13 {
		t.Fatalf("%d forms, want 13", len(defs))
	}
	var oneStop, iso []string
	for _, d := range defs {
		if err := d.Schema.Validate(); err != nil {
			t.Errorf("%s: %v", d.Code, err)
		}
		if d.Title == "" || d.LegalBasis == "" || d.Purpose == "" {
			t.Errorf("%s: missing title, legal basis or purpose", d.Code)
		}
		switch d.Kind {
		case forms.KindOneStop:
			oneStop = append(oneStop, d.Code)
			if d.LegalBasis != "Thông tư 01/2018/TT-VPCP" {
				t.Errorf("%s: legal basis %q", d.Code, d.LegalBasis)
			}
		case forms.KindISO:
			iso = append(iso, d.Code)
			if !strings.HasPrefix(d.LegalBasis, "TCVN ISO 9001:2015") {
				t.Errorf("%s: legal basis %q", d.Code, d.LegalBasis)
			}
		}
		// Every form has inputs to show.
		if len(d.Schema.Inputs(nil, nil)) == 0 {
			t.Errorf("%s has no inputs", d.Code)
		}
	}
	wantOneStop := []string{"Mẫu số 01", "Mẫu số 02", "Mẫu số 03", "Mẫu số 04", "Mẫu số 05", "Mẫu số 06"}
	wantISO := []string{"BM-ISO-01", "BM-ISO-02", "BM-ISO-03", "BM-ISO-04", "BM-ISO-05", "BM-ISO-06", "BM-ISO-07"}
	if !slices.Equal(oneStop, wantOneStop) || !slices.Equal(iso, wantISO) {
		t.Errorf("codes = %v %v", oneStop, iso)
	}
	if defs[0].Kind != forms.KindISO {
		t.Error("not sorted by kind")
	}
}

func find(t *testing.T, code string) forms.Definition {
	t.Helper()
	defs, err := forms.Standard()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.Code == code {
			return d
		}
	}
	t.Fatalf("no form %s", code)
	return forms.Definition{}
}

func TestApologyForm(t *testing.T) {
	d := find(t, "Mẫu số 04")
	if d.Title != "Phiếu xin lỗi và hẹn lại ngày trả kết quả" {
		t.Errorf("title %q", d.Title)
	}
	f, ok := d.Schema.Field("ngay_hen_tra_moi")
	if !ok || f.Type != formschema.TypeDate || !f.Required {
		t.Fatalf("new return date field = %+v, %v; want a required date", f, ok)
	}
	_, errs := d.Schema.ValidateEntry(map[string][]string{}, nil)
	if errs["ngay_hen_tra_moi"] == "" {
		t.Error("an entry without the new return date passed")
	}
}

// The receipt slip is the form the counter fills most: a realistic entry
// must pass and print the Vietnamese way.
func TestReceiptEntry(t *testing.T) {
	d := find(t, "Mẫu số 01")
	raw := map[string][]string{
		"ma_ho_so":         {"000.00.12.H56-260216-0001"},
		"don_vi_tiep_nhan": {"Bộ phận tiếp nhận và trả kết quả Sở Tư pháp"},
		"ten_nguoi_nop":    {"Nguyễn Văn A"},
		"so_giay_to":       {"001099012345"},
		"thu_tuc":          {"Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"},
		"thanh_phan_ho_so": {"Tờ khai – bản chính – 01\r\nCCCD – bản sao – 01"},
		"so_bo_ho_so":      {"1"},
		"ngay_tiep_nhan":   {"16/02/2026"},
		"ngay_hen_tra":     {"2026-02-26"},
		"noi_tra_ket_qua":  {"Qua dịch vụ bưu chính công ích"},
		"phi_le_phi":       {"200.000"},
		"nguoi_tiep_nhan":  {"Trần Thị B"},
	}
	entry, errs := d.Schema.ValidateEntry(raw, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	rows := d.Schema.Display(entry)
	got := map[string]string{}
	for _, r := range rows {
		got[r.Label] = r.Value
	}
	if got["Phí, lệ phí (đồng)"] != "200.000" || got["Ngày hẹn trả kết quả"] != "26/02/2026" {
		t.Errorf("display = %v", rows)
	}
}

func TestProcessControlSmall(t *testing.T) {
	// The rows of Mẫu số 05 come from the step log; its own schema stays small.
	if n := len(find(t, "Mẫu số 05").Schema.Fields); n > 3 {
		t.Errorf("Mẫu số 05 has %d fields", n)
	}
}
