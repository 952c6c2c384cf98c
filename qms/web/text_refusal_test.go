package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// TestTextRefusalNamesFieldInEnglish: a text the domain refuses
// (qms.CheckText: here too long for its field) reaches an English page
// naming the field by its English label, the bounds written the English
// way, with no Vietnamese left in the sentence; a Vietnamese page shows
// the domain's message as it always did.
func TestTextRefusalNamesFieldInEnglish(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("Nguyen Van A")
	staff, admin := a.login("a-staff"), a.login("admin")
	receipt := func(field, value string) url.Values {
		v := url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Tran Van B"}, "channel": {"counter"}}
		v.Set(field, value)
		return v
	}
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name, lang string
		s          *session
		target     string
		form       url.Values
		want       string
	}{
		{"a dossier's pause, en", "en", &staff, "/dossiers/" + d.Code + "/pause", url.Values{"reason": {long(2001)}},
			"“Reason” is too long: at most 2,000 characters (it has 2,001)."},
		{"a dossier's pause, vi", "vi", &staff, "/dossiers/" + d.Code + "/pause", url.Values{"reason": {long(2001)}},
			"Lý do quá dài: tối đa 2.000 ký tự (hiện có 2.001)."},
		{"a receipt's note, en", "en", &staff, "/dossiers", receipt("note", long(2001)),
			"“Note” is too long: at most 2,000 characters (it has 2,001)."},
		{"a receipt's note, vi", "vi", &staff, "/dossiers", receipt("note", long(2001)),
			"Ghi chú hồ sơ quá dài: tối đa 2.000 ký tự (hiện có 2.001)."},
		{"an applicant's address, en", "en", &staff, "/dossiers", receipt("applicant_address", long(501)),
			"“Applicant's address” is too long: at most 500 characters (it has 501)."},
		{"an applicant's address, vi", "vi", &staff, "/dossiers", receipt("applicant_address", long(501)),
			"Địa chỉ của người nộp quá dài: tối đa 500 ký tự (hiện có 501)."},
		// Another of the text rules, on a form whose "name" is labelled
		// by the form's own key (agency.name).
		{"an agency's name, en", "en", &admin, "/admin/agencies", url.Values{"code": {"Z"}, "name": {"So\u00adZ"}},
			"“Name” contains an invisible character (U+00AD) that makes it look like another name: retype it (it was usually pasted from another document or file)."},
		{"an agency's name, vi", "vi", &admin, "/admin/agencies", url.Values{"code": {"Z"}, "name": {"So\u00adZ"}},
			"Tên đơn vị chứa ký tự vô hình (U+00AD), khiến nó trông như một tên khác: hãy gõ lại (thường do dán từ tài liệu hay tệp khác)."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.form.Set("_csrf", tc.s.csrf)
			req := newSessionRequest("POST", tc.target, tc.s, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: tc.lang})
			resp := a.send(req)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			// The refusal as the page shows it: its alert and the
			// message beside the field.
			p := parsePage(t, bodyOf(t, resp))
			shown := find(p.root, func(n *html.Node) bool {
				return attr(n, "role") == "alert" || strings.Contains(attr(n, "class"), "field-error")
			})
			found := false
			for _, n := range shown {
				text := textOf(n)
				found = found || strings.Contains(text, tc.want)
				if tc.lang == "en" && strings.IndexFunc(text, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
					t.Errorf("Vietnamese in the English refusal %q", text)
				}
			}
			if !found {
				t.Errorf("no refusal shown says %q", tc.want)
				for _, n := range shown {
					t.Logf("shown: %q", textOf(n))
				}
			}
		})
	}
}
