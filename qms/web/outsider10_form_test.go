package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// TestPostedFieldsFromTheBodyOnly: a form field a POST carries only on
// its address is not read as posted (fasthttp reads the query string
// first): a link to /dossiers?applicant_name=… did not make a form
// without that field name the applicant. The same route with the field
// in its body goes through, and a GET still reads its query string.
func TestPostedFieldsFromTheBodyOnly(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	form := url.Values{"tthc_code": {"1.000001"}, "channel": {"counter"}}
	resp := a.do("POST", "/dossiers?applicant_name=T%C3%AAn+Tr%C3%AAn+%C4%90%E1%BB%8Ba+Ch%E1%BB%89", &staff, form)
	body := bodyOf(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(body, "applicant_name") {
		t.Errorf("applicant_name only in the query: %d, want 400 naming the missing field: %.400s", resp.StatusCode, body)
	}
	if _, n, err := a.db.FindDossiers(t.Context(), qms.DossierFilter{}); err != nil || n != 0 {
		t.Fatalf("%d dossiers from a field on the address (%v)", n, err)
	}
	form.Set("applicant_name", "Tên Trong Biểu Mẫu")
	if resp = a.do("POST", "/dossiers", &staff, form); resp.StatusCode != 303 {
		t.Fatalf("the same form with the field: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	if resp = a.do("GET", "/dossiers?status=bogus", &staff, nil); resp.StatusCode != 400 {
		t.Errorf("a GET's query string is still read: %d", resp.StatusCode)
	}
}

// TestDownloadKeepsVietnameseName: an evidence file uploaded as
// "Biên bản Ảnh.pdf" downloads under that name (filename*, RFC 6266) and,
// for a client reading only filename, as the name without its marks; it
// had lost every accented letter ("Bi_n_b_n__nh.pdf").
func TestDownloadKeepsVietnameseName(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	d := a.receive("Nguyễn Văn A")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", staff.csrf)
	w.WriteField("step_id", "check")
	content := []byte("%PDF-1.4\nbiên bản\n%%EOF\n")
	fw, _ := w.CreateFormFile("evidence", "Biên bản Ảnh Đợt 1.pdf")
	fw.Write(content)
	w.Close()
	req := newSessionRequest("POST", "/dossiers/"+d.Code+"/steps", &staff, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if resp := a.send(req); resp.StatusCode != 303 {
		t.Fatalf("step with evidence: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	sum := sha256.Sum256(content)
	resp := a.do("GET", "/dossiers/"+d.Code+"/files/"+hex.EncodeToString(sum[:]), &staff, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d %.300s", resp.StatusCode, bodyOf(t, resp))
	}
	want := `attachment; filename="Bien_ban_Anh_Dot_1.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%E1%BA%A2nh%20%C4%90%E1%BB%A3t%201.pdf`
	if got := resp.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition\n got %s\nwant %s", got, want)
	}
}

// TestCalendarPageSaysWhoKeepsIt: an agency's admin reads the province's
// working calendar without a form to change it; the page says who keeps
// it and what to do about a missing day, in either language, where it
// offered nothing. The system admin gets the form instead.
func TestCalendarPageSaysWhoKeepsIt(t *testing.T) {
	a := newApp(t)
	tests := []struct {
		user, lang string
		note, form bool
		want       string
	}{
		{"a-admin", "vi", true, false, "báo quản trị hệ thống"},
		{"a-admin", "en", true, false, "tell the system administrator"},
		{"admin", "vi", false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.lang, func(t *testing.T) {
			s := a.login(tt.user)
			req := newSessionRequest("GET", "/admin/calendar", &s, nil)
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: tt.lang})
			resp := a.send(req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			p := parsePage(t, bodyOf(t, resp))
			if got := p.byID("calendar-read-only") != nil; got != tt.note || !strings.Contains(p.text("calendar-read-only"), tt.want) {
				t.Errorf("note shown %v (want %v): %q", got, tt.note, p.text("calendar-read-only"))
			}
			if got := p.byID("calendar-date") != nil; got != tt.form {
				t.Errorf("form shown %v, want %v", got, tt.form)
			}
		})
	}
}

// TestEnglishPagesTranslateRefusals: a refusal from the domain (its
// message Vietnamese, the records' language) reaches an English page in
// English, from the catalogue of refusals (i18n_errors_*.go), with no
// Vietnamese left; a Vietnamese page shows the message as it always did.
// (A refusal the catalogue lacks keeps its English lead and Vietnamese
// detail: TestTranslatedRefusal.)
func TestEnglishPagesTranslateRefusals(t *testing.T) {
	a := newApp(t)
	officer := a.login("a-quality-officer")
	post := func(lang, target string, form url.Values) (int, doc) {
		form.Set("_csrf", officer.csrf)
		req := newSessionRequest("POST", target, &officer, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		resp := a.send(req)
		return resp.StatusCode, parsePage(t, bodyOf(t, resp))
	}
	badCode := func() url.Values { return url.Values{"code": {"QT#01"}, "title": {"Cấp phép"}} }
	closed := func() url.Values { return url.Values{"status": {"closed"}} }
	tests := []struct {
		name, lang, target string
		form               url.Values
		status             int
		id, want           string
	}{
		{"field, en", "en", "/procedures", badCode(), 400, "error-code",
			`Procedure code "QT#01" is not valid: use only Vietnamese letters, digits 0–9, spaces, dots, hyphens and slashes (at most 40 characters; no full-width, Cyrillic or Greek letters that look like Latin ones).`},
		{"field, vi", "vi", "/procedures", badCode(), 400, "error-code",
			`Mã quy trình "QT#01" không hợp lệ: chỉ gồm chữ cái tiếng Việt, chữ số 0–9, dấu cách, chấm, gạch ngang, gạch chéo (tối đa 40 ký tự; không dùng chữ toàn độ rộng hay chữ Kirin, Hy Lạp trông giống chữ Latinh).`},
		{"not found, en", "en", "/nonconformities/999999", closed(), 404, "error-message", "The nonconformity was not found."},
		{"not found, vi", "vi", "/nonconformities/999999", closed(), 404, "error-message", "Không tìm thấy sự không phù hợp."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, p := post(tt.lang, tt.target, tt.form)
			if got := p.text(tt.id); status != tt.status || got != tt.want {
				t.Errorf("status %d (want %d), #%s: %q, want %q", status, tt.status, tt.id, got, tt.want)
			}
		})
	}
	// A page that shows a refusal without a form posted: the survey of
	// a dossier not yet returned, to a citizen.
	a.effectiveProcedure()
	d := a.receive("Nguyen Van A")
	survey := map[string]string{
		"en": "The result of dossier " + d.Code + " has not been returned yet: satisfaction is rated only after the result is received.",
		"vi": "Hồ sơ " + d.Code + " chưa trả kết quả: chỉ đánh giá mức độ hài lòng sau khi nhận kết quả giải quyết.",
	}
	for lang, want := range survey {
		req := httptest.NewRequest("GET", "/public/A/satisfaction/"+d.Code, nil)
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		if got := parsePage(t, bodyOf(t, a.send(req))).text("satisfaction-closed"); got != want {
			t.Errorf("survey closed, %s: %q, want %q", lang, got, want)
		}
	}
}

// TestUnknownJSONMemberNamedByPath: a member no field takes is refused
// naming it by its path, as the other JSON refusals name a member: "nam"
// inside "applicant" is applicant.nam, not a top-level "nam" the body
// does not have; one inside an array's element is named under the array.
func TestUnknownJSONMemberNamedByPath(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	tok := a.token("a-staff")
	tests := []struct{ name, body, field string }{
		{"top level", `{"tthc_code":"1.000001","applicant":{"name":"Trần Văn B"},"channel":"online","nam":"x"}`, "nam"},
		{"nested", `{"tthc_code":"1.000001","applicant":{"name":"Trần Văn B","nam":"x"},"channel":"online"}`, "applicant.nam"},
		{"nested, case folded is known", `{"tthc_code":"1.000001","applicant":{"NAME":"Trần Văn B","x":1},"channel":"online"}`, "applicant.x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkAPI(t, tt.name, a.api("POST", "/api/v1/dossiers", tok, tt.body), 400, tt.field, nil)
		})
	}
}
