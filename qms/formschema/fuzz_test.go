package formschema_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"isodt/qms"
	"isodt/qms/formschema"
)

// checkEntry fails unless entry holds only fields of s, each with the Go
// type its field type promises and a value the rules allow.
func checkEntry(t *testing.T, s formschema.Schema, entry formschema.Entry) {
	t.Helper()
	for name, v := range entry {
		f, ok := s.Field(name)
		if !ok {
			t.Fatalf("entry has %q, not a field", name)
		}
		switch f.Type {
		case formschema.TypeText, formschema.TypeSelect:
			str, ok := v.(string)
			if !ok || !utf8.ValidString(str) || str == "" || utf8.RuneCountInString(str) > f.TextLimit() {
				t.Fatalf("%s: bad text %#v", name, v)
			}
			if f.Type == formschema.TypeSelect && !contains(f.Options, str) {
				t.Fatalf("%s: %q is not an option", name, str)
			}
		case formschema.TypeNumber:
			n, ok := v.(float64)
			if !ok || math.IsNaN(n) || math.IsInf(n, 0) || f.Min != nil && n < *f.Min || f.Max != nil && n > *f.Max || f.Integer && n != math.Trunc(n) {
				t.Fatalf("%s: bad number %#v", name, v)
			}
		case formschema.TypeDate:
			d, ok := v.(string)
			if !ok || len(d) != 10 || d[4] != '-' || d[7] != '-' {
				t.Fatalf("%s: bad date %#v", name, v)
			}
		case formschema.TypeCheckbox:
			if _, ok := v.(bool); !ok {
				t.Fatalf("%s: bad checkbox %#v", name, v)
			}
		case formschema.TypeFile:
			r, ok := v.(formschema.FileRef)
			if !ok || r.Check() != nil {
				t.Fatalf("%s: bad file %#v", name, v)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FuzzValidateEntry posts arbitrary strings to every field of allTypes
// (the fuzzer picks values; a value with "\x00" in it is split into two
// posted values to exercise the repeated-key rule).
func FuzzValidateEntry(f *testing.F) {
	f.Add("H56-0001", "Tờ khai\r\nBản sao", "2", "1.234,5", "16/02/2026", "Qua bưu điện", "on", "1")
	f.Add("", "", "", "", "", "", "", "")
	f.Add("  ", "\x00", "-0", "1,234.5", "2026-02-29", "x", "true", "false")
	f.Add("<script>", "a\rb", "1e9", "1.500", "5/3/2026", "Tại bộ phận một cửa", "off", "yes")
	f.Add(strings.Repeat("ạ", 40), "\xff", "11", "NaN", "31/12/2199", " Qua bưu điện ", "ON", "on\x00on")
	f.Fuzz(func(t *testing.T, ma, tp, soBo, lePhi, ngay, noiTra, daThu, camKet string) {
		s := allTypes()
		raw := map[string][]string{"_csrf": {"t"}}
		for name, v := range map[string]string{
			"ma_ho_so": ma, "thanh_phan": tp, "so_bo": soBo, "le_phi": lePhi,
			"ngay_hen_tra": ngay, "noi_tra": noiTra, "da_thu_phi": daThu, "cam_ket": camKet,
		} {
			raw[name] = strings.Split(v, "\x00")
		}
		entry, errs := s.ValidateEntry(raw, map[string]formschema.FileRef{"dinh_kem": aRef})
		checkEntry(t, s, entry)
		for name := range errs {
			if _, ok := s.Field(name); !ok {
				t.Fatalf("error on %q, not a field", name)
			}
			if _, ok := entry[name]; ok {
				t.Fatalf("%q has both a value and an error", name)
			}
		}
		if err := s.EntryErr(errs); (err == nil) != (len(errs) == 0) || err != nil && qms.ErrorCode(err) != qms.EINVALID {
			t.Fatalf("EntryErr = %v for %v", err, errs)
		}
		// What is accepted renders, displays and reads back the same.
		_ = s.Inputs(entry, errs)
		_ = s.Inputs(formschema.Posted(raw), errs)
		_ = s.Display(entry)
		if len(errs) == 0 {
			b, err := json.Marshal(entry)
			if err != nil {
				t.Fatal(err)
			}
			back, err := s.DecodeEntry(b)
			if err != nil {
				t.Fatalf("stored entry %s does not read back: %v", b, err)
			}
			if len(back) != len(entry) {
				t.Fatalf("read back %v, stored %v", back, entry)
			}
			for k, v := range entry {
				if back[k] != v {
					t.Fatalf("%s: read back %#v, stored %#v", k, back[k], v)
				}
			}
		}
	})
}

// FuzzParse feeds arbitrary bytes to Parse: it must not panic, must fail
// with EINVALID or give a schema that validates and survives JSON.
func FuzzParse(f *testing.F) {
	seed, _ := json.Marshal(allTypes())
	f.Add(seed)
	f.Add([]byte(`{"fields": [{"name": "a", "label": "A", "type": "select", "options": ["x", "y"]}]}`))
	f.Add([]byte(`{"fields": [{"name": "a", "label": "A", "type": "number", "min": 1, "max": 0}]}`))
	f.Add([]byte(`{"fields": [{"name": "a", "name": "b"}]}`))
	f.Add([]byte(`{"fields": [[[[{}]]]]}`))
	f.Add([]byte(`{"fields": null} x`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := formschema.Parse(b)
		if err != nil {
			if qms.ErrorCode(err) != qms.EINVALID || qms.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted a schema Validate rejects: %v", err)
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := formschema.Parse(again); err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		_ = s.Inputs(nil, nil)
		_, _ = s.ValidateEntry(nil, nil)
	})
}
