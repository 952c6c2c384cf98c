package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

// surveyEntryRow is how the audit-log page and the dashboard show the
// action of a survey answer in a table row.
const surveyEntryRow = `<td>Đánh giá mức độ hài lòng</td>`

// tableRows are the <tr> rows of page that contain marker.
func tableRows(page, marker string) []string {
	var out []string
	for _, row := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(page, -1) {
		if strings.Contains(row, marker) {
			out = append(out, row)
		}
	}
	return out
}

// TestSatisfactionAnswersAnonymousToStaff: a citizen answers the survey
// of a returned dossier; then the agency's admin, leader, auditor and
// quality officer read, through HTTP, whatever of it the policy lets them
// (the audit log's page and API, the dashboard, the results' page and
// API): the dossier's code, its applicant's name and its survey key are
// nowhere in them, a search of the audit log by the dossier does not find
// the answer, the comments carry no time or dossier and are not in the
// order they were given, and neither the status page nor the form tells
// anyone with the code that the dossier was rated.
func TestSatisfactionAnswersAnonymousToStaff(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.token("a-staff")
	const applicant = "Hoàng Thị Ẩn Danh"
	var d struct {
		Code      string `json:"code"`
		SurveyKey string `json:"survey_key"`
	}
	resp := a.api("POST", "/api/v1/dossiers", staff, `{"tthc_code":"1.000001","applicant":{"name":"`+applicant+`"},"channel":"counter"}`)
	decode(t, resp, &d)
	if resp.StatusCode != 201 || d.SurveyKey == "" {
		t.Fatalf("receive: %d %+v", resp.StatusCode, d)
	}
	for _, step := range []struct{ path, body string }{{"/steps", `{"step_id":"check"}`}, {"/steps", `{"step_id":"ok","exit":"Không đạt"}`},
		{"/steps", `{"step_id":"notice"}`}, {"/complete", ``}} {
		if resp := a.api("POST", "/api/v1/dossiers/"+d.Code+step.path, staff, step.body); resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", step.path, step.body, resp.StatusCode, bodyOf(t, resp))
		}
	}
	// Three more returned dossiers answered one after another, with
	// comments whose order is neither that of the dossiers nor of the
	// answers.
	others := a.returnedDossiers("A", 4) // the fourth answers last, below
	v := a.visit("/public/A")
	for i, comment := range []string{"Chậm trả kết quả.", "An ninh tốt.", "Bãi xe chật."} {
		f := a.surveyForm(others[i], "4")
		f.Set("comment", comment)
		if resp := a.post(v, "/public/A/satisfaction/"+others[i], f); resp.StatusCode != 303 {
			t.Fatalf("answer on %s: %d", others[i], resp.StatusCode)
		}
	}
	form := url.Values{"key": {d.SurveyKey}, "comment": {"Phòng chờ nóng, cần thêm quạt."}}
	for _, q := range qms.SIPAS2017.Questions {
		if !q.Optional {
			form.Set("q_"+q.Code, "2")
		}
	}
	if resp := a.post(v, "/public/A/satisfaction/"+d.Code, form); resp.StatusCode != 303 {
		t.Fatalf("answer: %d %s", resp.StatusCode, bodyOf(t, resp))
	}

	// Four answers are fewer than qms.SatisfactionMinResponses: every row
	// gives its count, no scores (a TTHC row of one answer would be that
	// citizen's); a fifth shows them.
	results := func() (rows []struct {
		Responses int     `json:"responses"`
		Index     float64 `json:"index"`
		Withheld  bool    `json:"withheld"`
		Groups    []struct {
			Answers int `json:"answers"`
		} `json:"groups"`
	}) {
		t.Helper()
		var out struct {
			Total   json.RawMessage
			ByTTHC  json.RawMessage `json:"by_tthc"`
			ByAgncy json.RawMessage `json:"by_agency"`
		}
		decode(t, a.api("GET", "/api/v1/satisfaction", a.token("a-leader"), ""), &out)
		for _, raw := range []json.RawMessage{out.Total, out.ByTTHC, out.ByAgncy} {
			if raw[0] == '{' {
				raw = append(append([]byte{'['}, raw...), ']')
			}
			part := rows[len(rows):]
			if err := json.Unmarshal(raw, &part); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, part...)
		}
		if len(rows) != 3 {
			t.Fatalf("%d rows: the total, one TTHC, one agency expected", len(rows))
		}
		return rows
	}
	for _, r := range results() {
		if !r.Withheld || r.Index != 0 || r.Responses != 4 || len(r.Groups) == 0 || r.Groups[0].Answers != 0 {
			t.Errorf("four answers: a row not withheld: %+v", r)
		}
	}
	lead := a.login("a-leader")
	if body := bodyOf(t, a.do("GET", "/satisfaction", &lead, nil)); strings.Contains(body, "Phòng chờ nóng") {
		t.Error("four answers: a comment is listed")
	}
	fifth := others[3]
	if resp := a.post(v, "/public/A/satisfaction/"+fifth, a.surveyForm(fifth, "5")); resp.StatusCode != 303 {
		t.Fatalf("fifth answer: %d", resp.StatusCode)
	}
	for _, r := range results() {
		if r.Withheld || r.Index == 0 || r.Responses != 5 {
			t.Errorf("five answers: a row withheld: %+v", r)
		}
	}

	identifying := []string{d.Code, applicant, d.SurveyKey}
	for _, code := range others {
		identifying = append(identifying, code)
	}
	leaks := func(what, body string) {
		t.Helper()
		for _, s := range identifying {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q", what, s)
			}
		}
	}
	auditReaders, resultReaders := 0, 0
	for _, user := range []string{"a-admin", "a-leader", "a-auditor", "a-quality-officer"} {
		s, tok := a.login(user), a.token(user)
		// The audit log: the answers' entries, as a page and as JSON.
		resp := a.do("GET", "/audit-log?action=satisfaction.submit", &s, nil)
		if body := bodyOf(t, resp); resp.StatusCode == 200 {
			auditReaders++
			if rows := tableRows(body, surveyEntryRow); len(rows) != 5 {
				t.Errorf("%s: the audit log shows %d answers, want 5", user, len(rows))
			}
			leaks(user+"'s audit log page", body)
		} else if resp.StatusCode != 403 {
			t.Errorf("%s: audit log %d", user, resp.StatusCode)
		}
		resp = a.api("GET", "/api/v1/audit-log?action=satisfaction.submit", tok, "")
		if body := bodyOf(t, resp); resp.StatusCode == 200 {
			if n := strings.Count(body, `"action":"satisfaction.submit"`); n != 5 {
				t.Errorf("%s: the audit API lists %d answers, want 5", user, n)
			}
			leaks(user+"'s audit API", body)
		} else if resp.StatusCode != 403 {
			t.Errorf("%s: audit API %d", user, resp.StatusCode)
		}
		// A search of the log by the dossier finds its own entries, not
		// its answer.
		byDossier := "?object_type=dossier&object_id=" + url.QueryEscape(d.Code)
		resp = a.do("GET", "/audit-log"+byDossier, &s, nil)
		if body := bodyOf(t, resp); resp.StatusCode == 200 && len(tableRows(body, surveyEntryRow)) != 0 {
			t.Errorf("%s: the audit log searched by the dossier shows its answer", user)
		}
		resp = a.api("GET", "/api/v1/audit-log"+byDossier, tok, "")
		if body := bodyOf(t, resp); resp.StatusCode == 200 && strings.Contains(body, `"action":"satisfaction.submit"`) {
			t.Errorf("%s: the audit API searched by the dossier lists its answer", user)
		}
		// The dashboard's latest entries.
		resp = a.do("GET", "/", &s, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != 200 {
			t.Errorf("%s: dashboard %d", user, resp.StatusCode)
		}
		for _, row := range tableRows(body, surveyEntryRow) {
			leaks(user+"'s dashboard", row)
		}
		// The results, as a page and as JSON.
		resp = a.do("GET", "/satisfaction", &s, nil)
		if body := bodyOf(t, resp); resp.StatusCode == 200 {
			resultReaders++
			leaks(user+"'s results page", body)
			first, second, third, fourth := strings.Index(body, "An ninh tốt."), strings.Index(body, "Bãi xe chật."), strings.Index(body, "Chậm trả kết quả."),
				strings.Index(body, "Phòng chờ nóng, cần thêm quạt.")
			if first < 0 || !(first < second && second < third && third < fourth) {
				t.Errorf("%s: the comments are not in the order of their text (%d %d %d %d)", user, first, second, third, fourth)
			}
			if strings.Contains(body, "1.000001</strong>") || strings.Contains(body, "(1.000001)") {
				t.Errorf("%s: a comment shows its TTHC", user)
			}
		} else if resp.StatusCode != 403 {
			t.Errorf("%s: results page %d", user, resp.StatusCode)
		}
		resp = a.api("GET", "/api/v1/satisfaction", tok, "")
		if body := bodyOf(t, resp); resp.StatusCode == 200 {
			leaks(user+"'s results API", body)
		} else if resp.StatusCode != 403 {
			t.Errorf("%s: results API %d", user, resp.StatusCode)
		}
	}
	if auditReaders < 3 || resultReaders < 2 {
		t.Fatalf("the log read by %d users, the results by %d", auditReaders, resultReaders)
	}

	// Whoever has a code (they are sequential) cannot tell whether its
	// dossier was rated.
	for _, page := range []string{"/public/A?code=" + d.Code, "/public/A/satisfaction/" + d.Code} {
		if body := bodyOf(t, a.do("GET", page, nil, nil)); strings.Contains(body, "đã được đánh giá") {
			t.Errorf("%s tells the dossier was rated", page)
		}
	}
}
