package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const recordFormSchema = `{"fields":[
	{"name":"ma_ho_so","label":"Mã hồ sơ","type":"text","required":true},
	{"name":"ten_nguoi_nop","label":"Tên người nộp","type":"text"},
	{"name":"so_giay_to","label":"Số CCCD","type":"text"},
	{"name":"ngay_tiep_nhan","label":"Ngày tiếp nhận","type":"date"},
	{"name":"ket_luan","label":"Kết luận thẩm định","type":"select","required":true,"options":["Đạt","Không đạt"]},
	{"name":"da_du","label":"Đủ thành phần","type":"checkbox"},
	{"name":"bien_ban","label":"Biên bản thẩm định","type":"file"}]}`

// TestProduct4FormRecordShown: a step's form starts with what the system
// knows (dossier code, applicant, received date); once completed, the
// record is shown on the dossier page and on the control slip, each
// value under its field's label, the attached file as a download link.
func TestProduct4FormRecordShown(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheckSchema(recordFormSchema)
	staff := a.login("a-staff")
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Nguyễn Văn An"},
		"applicant_id": {"001099012345"}, "channel": {"counter"}})
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	code := strings.TrimPrefix(path, "/dossiers/")

	page := bodyOf(t, a.do("GET", path, &staff, nil))
	today := a.clock.Now().In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")
	for _, want := range []string{`id="f-ma_ho_so" name="ma_ho_so" value="` + code + `"`, `name="ten_nguoi_nop" value="Nguyễn Văn An"`,
		`name="so_giay_to" value="001099012345"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the step form is not prefilled: lacks %s", want)
		}
	}
	if !regexp.MustCompile(`name="ngay_tiep_nhan"[^>]* value="` + regexp.QuoteMeta(today) + `"`).MatchString(page) {
		t.Errorf("the step form is not prefilled with the received date %s (dd/mm/yyyy)", today)
	}

	// The record is evidence of this dossier: another dossier's code in
	// its code field is refused at the field, on the page and the API.
	var wrong bytes.Buffer
	wct := newMultipart(&wrong, staff.csrf, map[string]string{"step_id": "check", "form_version": "1", "ma_ho_so": "A-9999-000001",
		"ten_nguoi_nop": "Nguyễn Văn An", "ket_luan": "Đạt", "da_du": "on"}, "bien_ban", "bien-ban.pdf", []byte("%PDF-1.4 biên bản thẩm định"))
	wreq := newSessionRequest("POST", path+"/steps", &staff, &wrong)
	wreq.Header.Set("Content-Type", wct)
	if resp := a.send(wreq); resp.StatusCode != 400 || !strings.Contains(bodyOf(t, resp), "Mã hồ sơ phải là "+code) {
		t.Errorf("a record naming another dossier: %d, want 400 with the message", resp.StatusCode)
	}
	api := a.api("POST", "/api/v1"+path+"/steps", a.token("a-staff"), `{"step_id":"check","entry":{"ma_ho_so":"A-9999-000001","ket_luan":"Đạt"}}`)
	if body := bodyOf(t, api); api.StatusCode != 400 || !strings.Contains(body, "Mã hồ sơ phải là "+code) {
		t.Errorf("API, a record naming another dossier: %d %s", api.StatusCode, body)
	}

	var body bytes.Buffer
	ct := newMultipart(&body, staff.csrf, map[string]string{"step_id": "check", "form_version": "1", "ma_ho_so": code,
		"ten_nguoi_nop": "Nguyễn Văn An", "ket_luan": "Đạt", "da_du": "on"}, "bien_ban", "bien-ban.pdf", []byte("%PDF-1.4 biên bản thẩm định"))
	req := newSessionRequest("POST", path+"/steps", &staff, &body)
	req.Header.Set("Content-Type", ct)
	if resp := a.send(req); resp.StatusCode != 303 {
		t.Fatalf("complete the step: %d %s", resp.StatusCode, bodyOf(t, resp))
	}

	link := regexp.MustCompile(`<a href="(` + regexp.QuoteMeta(path) + `/files/[0-9a-f]{64})">bien-ban.pdf</a>`)
	for _, target := range []string{path, path + "/control-slip"} {
		page := bodyOf(t, a.do("GET", target, &staff, nil))
		i := strings.Index(page, `id="record-`)
		if i < 0 {
			t.Fatalf("%s shows no form record", target)
		}
		record := page[i:]
		for _, want := range []string{"BM-QT01-01", "<dt>Mã hồ sơ</dt><dd>" + code + "</dd>", "<dt>Kết luận thẩm định</dt><dd>Đạt</dd>",
			"<dt>Đủ thành phần</dt><dd>Có</dd>", "<dt>Ngày tiếp nhận</dt><dd></dd>", "<dt>Biên bản thẩm định</dt>"} {
			if !strings.Contains(record, want) {
				t.Errorf("%s: the record lacks %s", target, want)
			}
		}
		m := link.FindStringSubmatch(record)
		if m == nil {
			t.Fatalf("%s: the record has no link to its file", target)
		}
		got := a.do("GET", m[1], &staff, nil)
		if data, _ := io.ReadAll(got.Body); string(data) != "%PDF-1.4 biên bản thẩm định" {
			t.Errorf("%s: the file link serves %q", target, data)
		}
	}

	// In English the added words are English.
	req = newSessionRequest("GET", path, &staff, nil)
	req.AddCookie(&http.Cookie{Name: "qms_lang", Value: "en"})
	if page := bodyOf(t, a.send(req)); !strings.Contains(page, "<dt>Đủ thành phần</dt><dd>Yes</dd>") {
		t.Error("the English page does not say Yes for a ticked box")
	}
}
