package web_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// sendIn sends req with the page language lang.
func (a *app) sendIn(lang string, req *http.Request) *http.Response {
	a.t.Helper()
	req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
	return a.send(req)
}

// postIn posts form to target in lang, as a.do does.
func (a *app) postIn(lang, target string, s *session, form url.Values) *http.Response {
	a.t.Helper()
	form.Set("_csrf", s.csrf)
	req := newSessionRequest("POST", target, s, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.sendIn(lang, req)
}

// uploadIn uploads a file to target in lang, as a.upload does.
func (a *app) uploadIn(lang, target string, s *session, name string, content []byte) *http.Response {
	a.t.Helper()
	return a.sendIn(lang, uploadRequest(target, s, name, content))
}

// shownTexts are the texts of the nodes of body that match.
func shownTexts(t *testing.T, body string, match func(*html.Node) bool) []string {
	t.Helper()
	var out []string
	for _, n := range find(parsePage(t, body).root, match) {
		out = append(out, strings.Join(strings.Fields(textOf(n)), " "))
	}
	return out
}

// refusalTexts are the alerts and field errors of a page.
func refusalTexts(t *testing.T, body string) []string {
	return shownTexts(t, body, func(n *html.Node) bool {
		return attr(n, "role") == "alert" || strings.Contains(attr(n, "class"), "field-error")
	})
}

// checkShown fails unless one of texts holds each of want, and, for an
// English page, when one of them has a Vietnamese letter.
func checkShown(t *testing.T, lang string, texts []string, want ...string) {
	t.Helper()
	all := strings.Join(texts, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("%s page lacks %q; it shows:\n%s", lang, w, all)
		}
	}
	if lang == "en" && strings.IndexFunc(all, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
		t.Errorf("Vietnamese on the English page:\n%s", all)
	}
}

// brokenFlowchartForm is a draft whose last step cannot be reached and
// whose longest path is over TTHC 1.000001's 5 days, its steps named in
// ASCII so that any Vietnamese on an English page is the message's.
func brokenFlowchartForm() url.Values {
	return url.Values{
		"purpose":          {"Licence"},
		"step_id":          {"s", "check", "sign", "e"},
		"step_name":        {"Receive", "Check", "Sign", "Return"},
		"step_kind":        {"start", "task", "task", "end"},
		"step_responsible": {"Desk", "Staff", "Leader", "Desk"},
		"step_hours":       {"0", "100.5", "8", "0"},
		"step_forms":       {"", "", "", ""},
		"step_records":     {"", "", "", ""},
		"edge_from":        {"s", "check"},
		"edge_to":          {"check", "sign"},
		"edge_label":       {"", ""},
	}
}

// TestEnglishFlowchartProblems: a draft's flowchart problems, and the
// refusal of its submission, in English on an English page and as they
// were on a Vietnamese one; hours are written the page's way.
func TestEnglishFlowchartProblems(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	if resp := a.do("POST", path, &s, brokenFlowchartForm()); resp.StatusCode != 303 {
		t.Fatalf("save the draft: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	want := map[string][]string{
		"en": {"The end step cannot be reached from step “Sign” (sign).",
			"Step “Return” (e) cannot be reached from the start step.",
			"The longest path takes 108.5 hours in all, over the time limit of 40 hours (5 working days). The longest path: “Receive” (s) → “Check” (check) → “Sign” (sign)."},
		"vi": {"Từ bước “Sign” (sign) không đi tới được bước kết thúc.",
			"Bước “Return” (e) không đi tới được từ bước bắt đầu.",
			"Tổng thời gian theo đường dài nhất là 108,5 giờ, vượt thời hạn giải quyết 40 giờ (5 ngày làm việc). Đường dài nhất: “Receive” (s) → “Check” (check) → “Sign” (sign)."},
	}
	for _, lang := range []string{"en", "vi"} {
		t.Run(lang, func(t *testing.T) {
			req := newSessionRequest("GET", path, &s, nil)
			body := bodyOf(t, a.sendIn(lang, req))
			problems := shownTexts(t, body, func(n *html.Node) bool { return n.Data == "li" && attr(n.Parent, "id") == "flowchart-problems" })
			checkShown(t, lang, problems, want[lang]...)

			resp := a.postIn(lang, path+"/submit", &s, signing(nil))
			if resp.StatusCode != 400 {
				t.Fatalf("submit: %d, want 400", resp.StatusCode)
			}
			lead := map[string]string{"en": "The flowchart is not valid: ", "vi": "Lưu đồ không hợp lệ: "}[lang]
			checkShown(t, lang, refusalTexts(t, bodyOf(t, resp)), lead+want[lang][1], want[lang][2])
		})
	}
}

// TestEnglishBPMNImportErrors: a file that is not BPMN, and one whose
// flowchart breaks a size rule (a message quoting another, with a field
// named in it), refused in English on an English page.
func TestEnglishBPMNImportErrors(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	path := a.createProcedure(&s)
	notBPMN, err := os.ReadFile("../bpmn/testdata/not-bpmn.xml")
	if err != nil {
		t.Fatal(err)
	}
	longName := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="P"><startEvent id="s" name="Start"/>
<task id="t" name="` + strings.Repeat("x", 600) + `"/><endEvent id="e" name="End"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/></process></definitions>`)
	tests := []struct {
		name, lang string
		file       []byte
		want       string
	}{
		{"not BPMN, en", "en", notBPMN, "The file is not BPMN 2.0: its root element is <project> (namespace http://maven.apache.org/POM/4.0.0), where <definitions> of namespace http://www.omg.org/spec/BPMN/20100524/MODEL is needed."},
		{"not BPMN, vi", "vi", notBPMN, "Tệp không phải BPMN 2.0: phần tử gốc là <project> (không gian tên http://maven.apache.org/POM/4.0.0), cần <definitions> thuộc không gian tên http://www.omg.org/spec/BPMN/20100524/MODEL."},
		{"a name too long, en", "en", longName, "The flowchart cannot be imported: The name of step 2 (code t) is 600 characters long; at most 500 are allowed."},
		{"a name too long, vi", "vi", longName, "Không nhập được lưu đồ: Tên của bước thứ 2 (mã t) dài 600 ký tự, tối đa 500 ký tự."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.uploadIn(tc.lang, path+"/bpmn", &s, "file.bpmn", tc.file)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			checkShown(t, tc.lang, refusalTexts(t, bodyOf(t, resp)), tc.want)
		})
	}
}

// TestEnglishCatalogueImportProblems: the rows of a refused catalogue
// file, one a rule of the importer's and one a domain rule's refusal,
// in English on an English page and as they were on a Vietnamese one.
func TestEnglishCatalogueImportProblems(t *testing.T) {
	a := newApp(t)
	s := a.login("a-quality-officer")
	bad := string(sampleCSV(t)) + "1.000099,No limit,Văn hóa,abc,0,,,,active\n,No code,Văn hóa,5,0,,,,active\n"
	want := map[string][]string{
		"en": {`row 10: time_limit_days: time limit "abc" must be a number of days in digits, such as 15`, "row 11: code: the administrative procedure code is missing"},
		"vi": {`row 10: time_limit_days: thời hạn giải quyết "abc" phải là số ngày viết bằng chữ số, như 15`, "row 11: code: thiếu mã thủ tục"},
	}
	for _, lang := range []string{"en", "vi"} {
		t.Run(lang, func(t *testing.T) {
			resp := a.uploadIn(lang, "/tthc/import", &s, "bad.csv", []byte(bad))
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			rows := shownTexts(t, bodyOf(t, resp), func(n *html.Node) bool { return n.Data == "li" && attr(n.Parent, "class") == "problems" })
			if len(rows) != 2 {
				t.Fatalf("%d rows shown, want 2: %q", len(rows), rows)
			}
			checkShown(t, lang, rows, want[lang]...)
		})
	}
}
