package formschema_test

import (
	"testing"

	"isodt/qms/formschema"
)

// TestInputs: each field becomes the input its type needs, with its value
// in display form, its error and the ids that tie help and error to it.
func TestInputs(t *testing.T) {
	s := allTypes()
	entry, _ := s.ValidateEntry(validPost(), map[string]formschema.FileRef{"dinh_kem": aRef})
	in := s.Inputs(entry, formschema.FieldErrors{"so_bo": "Phải là số nguyên."})
	if len(in) != len(s.Fields) {
		t.Fatalf("%d inputs for %d fields", len(in), len(s.Fields))
	}
	byName := map[string]formschema.Input{}
	for i, x := range in {
		if x.Name != s.Fields[i].Name || x.ID != "f-"+x.Name {
			t.Errorf("input %d is %s (%s), want %s in schema order", i, x.Name, x.ID, s.Fields[i].Name)
		}
		byName[x.Name] = x
	}
	for _, tt := range []struct {
		name, control, value string
		checked, required    bool
		limit                int
		mode, describedBy    string
	}{
		{"ma_ho_so", "text", "000.00.12.H56-260216-0001", false, true, 30, "", ""},
		{"thanh_phan", "textarea", "Tờ khai\nBản sao CCCD", false, false, formschema.DefaultAreaLen, "", "f-thanh_phan-help"},
		{"so_bo", "number", "2", false, false, 0, "numeric", "f-so_bo-error"},
		{"le_phi", "number", "1.234,5", false, false, 0, "decimal", ""},
		{"ngay_hen_tra", "date", "16/02/2026", false, true, 0, "", ""},
		{"da_thu_phi", "checkbox", "", false, false, 0, "", ""},
		{"cam_ket", "checkbox", "", true, true, 0, "", ""},
		// A stored file stays unless replaced: the input is optional.
		{"dinh_kem", "file", "", false, false, 0, "", ""},
	} {
		x := byName[tt.name]
		if x.Control != tt.control || x.Value != tt.value || x.Checked != tt.checked || x.Required != tt.required ||
			x.Limit != tt.limit || x.InputMode != tt.mode || x.DescribedBy != tt.describedBy {
			t.Errorf("%s = %+v, want %+v", tt.name, x, tt)
		}
	}
	if x := byName["so_bo"]; x.Error != "Phải là số nguyên." || x.ErrorID != "f-so_bo-error" {
		t.Errorf("so_bo error = %q (%s)", x.Error, x.ErrorID)
	}
	if x := byName["dinh_kem"]; x.CurrentFile != "to-khai.pdf" {
		t.Errorf("current file = %q", x.CurrentFile)
	}
	if ch := byName["noi_tra"].Choices; len(ch) != 2 || ch[0].Selected || !ch[1].Selected || ch[1].Value != "Qua bưu điện" {
		t.Errorf("choices = %+v", ch)
	}
	if empty := s.Inputs(nil, nil); empty[8].CurrentFile != "" || !s.Fields[0].Required || !empty[0].Required || empty[2].Error != "" {
		t.Errorf("empty form: %+v", empty)
	}
	if !s.HasFiles() {
		t.Error("HasFiles = false with a file field")
	}
	if noFile := (formschema.Schema{Fields: s.Fields[1:8]}); noFile.HasFiles() {
		t.Error("HasFiles = true without a file field")
	}
}

// A rejected form is shown again as typed: Posted keeps the raw strings,
// and a number in display form reads back as the same value.
func TestInputsPosted(t *testing.T) {
	s := allTypes()
	raw := validPost()
	raw["so_bo"] = []string{"hai"}
	_, errs := s.ValidateEntry(raw, nil)
	in := s.Inputs(formschema.Posted(raw), errs)
	if in[2].Value != "hai" || in[2].Error == "" || in[4].Value != "16/02/2026" || !in[7].Checked || !in[5].Choices[1].Selected {
		t.Errorf("posted form shown as %+v", in)
	}
	if e := formschema.Posted(map[string][]string{"a": {"1", "2"}}); len(e) != 0 {
		t.Errorf("Posted kept a repeated key: %v", e)
	}
	for _, n := range []float64{1500, 1.5, 0.125, 1234567.891, -0.001, 1e21, 12345678901234567890} {
		f := formschema.Schema{Fields: []formschema.Field{{Name: "n", Label: "N", Type: formschema.TypeNumber}}}
		v := f.Inputs(formschema.Entry{"n": n}, nil)[0].Value
		e, errs := f.ValidateEntry(map[string][]string{"n": {v}}, nil)
		if len(errs) > 0 || e["n"] != n {
			t.Errorf("%v shown as %q reads back as %v %v", n, v, e["n"], errs)
		}
	}
}

// TestProduct12DateInput: a date is shown dd/mm/yyyy whatever was stored,
// and a refused one comes back as typed.
func TestProduct12DateInput(t *testing.T) {
	s := formschema.Schema{Fields: []formschema.Field{{Name: "ngay", Label: "Ngày", Type: formschema.TypeDate, Required: true}}}
	for _, tt := range []struct{ value, want string }{
		{"2026-03-05", "05/03/2026"},
		{"5/3/2026", "05/03/2026"},
		{"31/02/2026", "31/02/2026"},
		{"mai", "mai"},
	} {
		if x := s.Inputs(formschema.Entry{"ngay": tt.value}, nil)[0]; x.Control != "date" || x.Value != tt.want {
			t.Errorf("%q shown as %s %q, want %q", tt.value, x.Control, x.Value, tt.want)
		}
	}
	e, errs := s.ValidateEntry(map[string][]string{"ngay": {"05/03/2026"}}, nil)
	if len(errs) > 0 || e["ngay"] != "2026-03-05" {
		t.Errorf("05/03/2026 read as %v %v", e, errs)
	}
}
