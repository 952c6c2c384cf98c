package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestFormCheckRefusalNamesLabel: a text refused by the form check,
// before any handler, is named on the page by the field's label in the
// page's language, with its own limit written as the page writes
// numbers, and the page tells the browser which input to mark; the API
// keeps naming the member by its path; nothing is written.
func TestFormCheckRefusalNamesLabel(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, officer, admin := a.login("a-staff"), a.login("a-quality-officer"), a.login("a-admin")
	receipt := func(field, value string) url.Values {
		v := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Trần Văn B"}, "channel": {"counter"}}
		v.Set(field, value)
		return v
	}
	tests := []struct {
		name, lang string
		s          *session
		target     string
		form       url.Values
		field      string
		want       []string
	}{
		{"control character, vi", "vi", &staff, "/dossiers", receipt("applicant_name", "Trần\x01 Văn B"), "applicant_name",
			[]string{"Ô “Tên người nộp hồ sơ” chứa ký tự điều khiển không được phép (U+0001)"}},
		{"control character, en", "en", &staff, "/dossiers", receipt("note", "Bản sao\x0b"), "note",
			[]string{"The field “Note” holds a control character that is not allowed (U+000B)"}},
		{"over the backstop, vi", "vi", &officer, "/nonconformities", url.Values{"source": {"other"}, "description": {strings.Repeat("x", 20001)}}, "description",
			[]string{"Ô “Mô tả” quá dài: tối đa 20.000 ký tự (hiện có 20.001)."}},
		{"over the backstop, en", "en", &officer, "/nonconformities", url.Values{"source": {"other"}, "description": {strings.Repeat("x", 20001)}}, "description",
			[]string{"The field “Description” is too long: at most 20,000 characters (it has 20,001)."}},
		{"a field without a label", "vi", &staff, "/dossiers", receipt("zz_extra", "a\x00b"), "zz_extra",
			[]string{`Ô "zz_extra" chứa ký tự điều khiển`}},
		{"not UTF-8", "vi", &staff, "/dossiers", receipt("applicant_address", "Phường \xff"), "applicant_address",
			[]string{"Ô “Địa chỉ người nộp” chứa ký tự không phải văn bản UTF-8 hợp lệ"}},
		{"zero-width, vi", "vi", &staff, "/dossiers", receipt("note", "Bản\u200bsao"), "note",
			[]string{"chứa ký tự vô hình không được phép (U+200B)"}},
		// A field name several forms post is named by its own form's
		// label: "name" is a provider's name here, a day's reason on the
		// calendar (outsider pass 8 read "Tên" on a form asking "Họ và tên").
		{"zero-width in a provider's name", "vi", &officer, "/providers", url.Values{"name": {"Công ty​ A"}}, "name",
			[]string{"Ô “Tên nhà cung cấp” chứa ký tự vô hình không được phép (U+200B)"}},
		{"control character in a day's reason, en", "en", &admin, "/admin/calendar", url.Values{"date": {"01/05/2027"}, "name": {"Lễ\x01"}}, "name",
			[]string{"The field “Name / reason” holds a control character"}},
		// Each of the text rules is named as it is: a blank title was
		// said to be too long (outsider pass 6).
		{"blank, vi", "vi", &officer, "/procedures", url.Values{"code": {"QT-09"}, "title": {"\u3164 \u3164"}}, "title",
			[]string{"Ô “Tiêu đề” chỉ gồm khoảng trắng hoặc ký tự vô hình"}},
		{"blank, en", "en", &officer, "/procedures", url.Values{"code": {"QT-09"}, "title": {"\u2800"}}, "title",
			[]string{"The field “Title” holds only spaces or invisible characters"}},
	}
	apiToken := a.token("a-staff")
	before := a.auditTotal()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("_csrf", tc.s.csrf)
			req := httptest.NewRequest("POST", tc.target, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "qms_session", Value: tc.s.cookie})
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: tc.lang})
			resp := a.send(req)
			body := html.UnescapeString(bodyOf(t, resp))
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			for _, w := range append(tc.want, `data-refused-field="`+tc.field+`"`) {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q:\n%.1500s", w, body[strings.Index(body, "<main"):])
				}
			}
		})
	}
	// The API names the member by its path, in the records' language.
	resp := a.api("POST", "/api/v1/dossiers", apiToken, `{"tthc_code":"1.000001","applicant":{"name":"Tr\u0001n"},"channel":"online"}`)
	var e struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 || e.Error.Field != "applicant.name" || !strings.Contains(e.Error.Message, `Trường "applicant.name" chứa ký tự điều khiển`) {
		t.Errorf("API: %d %+v", resp.StatusCode, e.Error)
	}
	if n := a.auditTotal(); n != before {
		t.Errorf("%d audit entries written by refused submits", n-before)
	}
}
