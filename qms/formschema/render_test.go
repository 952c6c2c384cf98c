package formschema_test

import (
	"strings"
	"testing"

	"isodt/qms/formschema"
)

func TestRenderFields(t *testing.T) {
	s := allTypes()
	entry, _ := s.ValidateEntry(validPost(), map[string]formschema.FileRef{"dinh_kem": aRef})
	html := string(s.Render(entry, formschema.FieldErrors{"so_bo": "Phải là số nguyên."}))
	for _, want := range []string{
		`<div class="field">` + "\n" + `<label for="f-ma_ho_so">Mã hồ sơ <span class="required" title="Bắt buộc">*</span></label>` + "\n" +
			`<input type="text" id="f-ma_ho_so" name="ma_ho_so" value="000.00.12.H56-260216-0001" maxlength="30" required>`,
		`<textarea id="f-thanh_phan" name="thanh_phan" rows="4" maxlength="20000" aria-describedby="f-thanh_phan-help">` + "\nTờ khai\nBản sao CCCD</textarea>",
		`<p class="field-help" id="f-thanh_phan-help">Mỗi giấy tờ một dòng</p>`,
		`<input type="text" id="f-so_bo" name="so_bo" inputmode="numeric" value="2" aria-invalid="true" aria-describedby="f-so_bo-error">`,
		`<p class="field-error" id="f-so_bo-error">Phải là số nguyên.</p>`,
		`<input type="text" id="f-le_phi" name="le_phi" inputmode="decimal" value="1.234,5">`,
		`<input type="text" id="f-ngay_hen_tra" name="ngay_hen_tra" inputmode="numeric" autocomplete="off" maxlength="10" pattern="\d{1,2}/\d{1,2}/\d{4}" placeholder="dd/mm/yyyy" title="dd/mm/yyyy" value="16/02/2026" required>`,
		`<select id="f-noi_tra" name="noi_tra">` + "\n" + `<option value="">— Chọn —</option>` + "\n" +
			`<option value="Tại bộ phận một cửa">Tại bộ phận một cửa</option>` + "\n" + `<option value="Qua bưu điện" selected>Qua bưu điện</option>` + "\n</select>",
		`<input type="checkbox" id="f-da_thu_phi" name="da_thu_phi" value="on">` + "\n" + `<label for="f-da_thu_phi">Đã thu phí</label>`,
		`<input type="checkbox" id="f-cam_ket" name="cam_ket" value="on" checked required>`,
		`<p class="field-file">Tệp hiện có: to-khai.pdf</p>` + "\n" + `<input type="file" id="f-dinh_kem" name="dinh_kem">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s\nin:\n%s", want, html)
		}
	}
	if n := strings.Count(html, `<div class="field">`); n != len(s.Fields) {
		t.Errorf("%d field blocks, want %d", n, len(s.Fields))
	}
	if strings.Contains(html, "style") || strings.Contains(html, "<script") || strings.Contains(html, " on") {
		t.Error("inline style, script or event handler in the output")
	}
	if again := string(s.Render(entry, formschema.FieldErrors{"so_bo": "Phải là số nguyên."})); again != html {
		t.Error("Render is not deterministic")
	}
}

func TestRenderEmpty(t *testing.T) {
	s := formschema.Schema{Fields: []formschema.Field{
		{Name: "tep", Label: "Tệp", Type: formschema.TypeFile, Required: true},
		{Name: "ngay", Label: "Ngày", Type: formschema.TypeDate},
	}}
	html := string(s.Render(nil, nil))
	for _, want := range []string{`<input type="file" id="f-tep" name="tep" required>`, `<input type="text" id="f-ngay" name="ngay" inputmode="numeric" autocomplete="off" maxlength="10" pattern="\d{1,2}/\d{1,2}/\d{4}" placeholder="dd/mm/yyyy" title="dd/mm/yyyy" value="">`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in %s", want, html)
		}
	}
	if strings.Contains(html, "field-error") || strings.Contains(html, "field-file") {
		t.Errorf("error or current file shown for an empty form:\n%s", html)
	}
	if !s.HasFiles() || allTypes().HasFiles() != true {
		t.Error("HasFiles = false")
	}
	noFile := formschema.Schema{Fields: s.Fields[1:]}
	if noFile.HasFiles() {
		t.Error("HasFiles = true without a file field")
	}
}

func TestRenderEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>`
	s := formschema.Schema{Fields: []formschema.Field{
		{Name: "a", Label: evil, Type: formschema.TypeText, Help: evil},
		{Name: "b", Label: "B", Type: formschema.TypeText, Multiline: true},
		{Name: "c", Label: "C", Type: formschema.TypeSelect, Options: []string{evil, `a"b`}},
		{Name: "d", Label: "D", Type: formschema.TypeFile},
	}}
	ref := aRef
	ref.Name = `<img src=x onerror=alert(1)>.pdf`
	entry := formschema.Entry{"a": `"><script>alert(1)</script>`, "b": "</textarea><script>", "c": `a"b`, "d": ref}
	html := string(s.Render(entry, formschema.FieldErrors{"a": evil}))
	if strings.Contains(html, "<script") || strings.Contains(html, "<img") || strings.Contains(html, `"><`) {
		t.Fatalf("unescaped input:\n%s", html)
	}
	for _, want := range []string{
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,
		`value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`,
		"&lt;/textarea&gt;&lt;script&gt;</textarea>",
		`<option value="a&#34;b" selected>a&#34;b</option>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
}

// A rejected form is shown again as typed: Posted keeps the raw strings,
// and a Vietnamese number written by Render posts back as the same value.
func TestRenderPosted(t *testing.T) {
	s := allTypes()
	raw := validPost()
	raw["so_bo"] = []string{"hai"}
	raw["ngay_hen_tra"] = []string{"16/02/2026"}
	_, errs := s.ValidateEntry(raw, nil)
	html := string(s.Render(formschema.Posted(raw), errs))
	for _, want := range []string{`name="so_bo" inputmode="numeric" value="hai" aria-invalid="true"`, `value="16/02/2026"`, `name="cam_ket" value="on" checked`, `value="Qua bưu điện" selected`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	if e := formschema.Posted(map[string][]string{"a": {"1", "2"}}); len(e) != 0 {
		t.Errorf("Posted kept a repeated key: %v", e)
	}

	for _, n := range []float64{1500, 1.5, 0.125, 1234567.891, -0.001, 1e21, 12345678901234567890} {
		f := formschema.Schema{Fields: []formschema.Field{{Name: "n", Label: "N", Type: formschema.TypeNumber}}}
		html := string(f.Render(formschema.Entry{"n": n}, nil))
		_, v, _ := strings.Cut(html, `value="`)
		v, _, _ = strings.Cut(v, `"`)
		e, errs := f.ValidateEntry(map[string][]string{"n": {v}}, nil)
		if len(errs) > 0 || e["n"] != n {
			t.Errorf("%v rendered as %q reads back as %v %v", n, v, e["n"], errs)
		}
	}
}

// TestProduct12DateInput: a date is a dd/mm/yyyy text box whatever the
// browser's locale: a stored ISO date is shown as dd/mm/yyyy, and a
// refused one comes back as typed.
func TestProduct12DateInput(t *testing.T) {
	s := formschema.Schema{Fields: []formschema.Field{{Name: "ngay", Label: "Ngày", Type: formschema.TypeDate, Required: true}}}
	for _, tt := range []struct{ value, want string }{
		{"2026-03-05", `value="05/03/2026"`},
		{"5/3/2026", `value="05/03/2026"`},
		{"31/02/2026", `value="31/02/2026"`},
		{"mai", `value="mai"`},
	} {
		html := string(s.Render(formschema.Entry{"ngay": tt.value}, nil))
		if !strings.Contains(html, `<input type="text" id="f-ngay"`) || !strings.Contains(html, `placeholder="dd/mm/yyyy"`) || !strings.Contains(html, tt.want) {
			t.Errorf("%q renders as %s", tt.value, html)
		}
	}
	e, errs := s.ValidateEntry(map[string][]string{"ngay": {"05/03/2026"}}, nil)
	if len(errs) > 0 || e["ngay"] != "2026-03-05" {
		t.Errorf("05/03/2026 read as %v %v", e, errs)
	}
}
