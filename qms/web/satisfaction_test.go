package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// returnedDossiers loads n dossiers of agency returned yesterday and
// returns their codes.
func (a *app) returnedDossiers(agency string, n int) []string {
	a.t.Helper()
	at := a.clock.Now().Add(-24 * time.Hour)
	var rows []sqlite.DossierImport
	var codes []string
	for i := range n {
		code := fmt.Sprintf("%s-KS-%03d", agency, i+1)
		codes = append(codes, code)
		rows = append(rows, sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: at.Add(-72 * time.Hour), DueAt: at.Add(48 * time.Hour),
			CompletedAt: &at, Status: qms.DossierCompleted})
	}
	if _, err := a.db.ImportDossiers(qms.WithActor(context.Background(), qms.SystemActor("test")), agency, rows); err != nil {
		a.t.Fatal(err)
	}
	return codes
}

// returnedHere is the code of a dossier of A received here through the
// API and returned (its procedure's short path: checked, found lacking,
// notified), as a citizen holding its slip would rate it.
func (a *app) returnedHere(applicant string) string {
	a.t.Helper()
	staff := a.token("a-staff")
	var d struct {
		Code string `json:"code"`
	}
	checkAPI(a.t, "receive", a.api("POST", "/api/v1/dossiers", staff, `{"tthc_code":"1.000001","applicant":{"name":"`+applicant+`"},"channel":"counter"}`), 201, "", &d)
	for _, step := range []struct{ path, body string }{{"/steps", `{"step_id":"check"}`}, {"/steps", `{"step_id":"ok","exit":"Không đạt"}`},
		{"/steps", `{"step_id":"notice"}`}, {"/complete", ``}} {
		checkAPI(a.t, step.path+" "+step.body, a.api("POST", "/api/v1/dossiers/"+d.Code+step.path, staff, step.body), 200, "", nil)
	}
	return d.Code
}

// surveyForm answers every required SIPAS question with v, with the
// survey key of the dossier code's receipt slip.
func (a *app) surveyForm(code, v string) url.Values {
	a.t.Helper()
	d, err := a.db.FindDossier(context.Background(), "A", code)
	if err != nil {
		a.t.Fatal(err)
	}
	f := url.Values{"comment": {"Cán bộ <b>nhiệt tình</b>"}, "key": {d.SurveyKey}}
	for _, q := range qms.SIPAS2017.Questions {
		if !q.Optional {
			f.Set("q_"+q.Code, v)
		}
	}
	return f
}

// TestSatisfaction9PublicSurvey: the survey through HTTP as a citizen
// without an account: offered on the status page once the result is
// returned, refused before, CSRF-guarded, bounded, taken once per dossier,
// throttled per address, audited as "public"; then the results for the
// quality officer and the leader only.
func TestSatisfaction9PublicSurvey(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	open := a.receive("Nguyễn Văn An")
	codes := a.returnedDossiers("A", qms.SatisfactionThrottleMax+1)
	done := a.returnedHere("Trần Văn Trả")
	path := "/public/A/satisfaction/" + done

	// The status page offers the survey on a returned dossier only, one
	// received here: an imported history dossier's key is on no slip.
	if body := bodyOf(t, a.do("GET", "/public/A?code="+done, nil, nil)); !strings.Contains(body, `id="satisfaction-invite"`) || !strings.Contains(body, path) {
		t.Fatal("no invitation on a returned dossier")
	}
	if body := bodyOf(t, a.do("GET", "/public/A?code="+codes[0], nil, nil)); strings.Contains(body, "satisfaction-invite") {
		t.Fatal("invitation on an imported history dossier")
	}
	if body := bodyOf(t, a.do("GET", "/public/A?code="+open.Code, nil, nil)); strings.Contains(body, "satisfaction-invite") {
		t.Fatal("invitation on a dossier in progress")
	}
	// Before return: the page says why, with no form; a post is refused.
	resp := a.do("GET", "/public/A/satisfaction/"+open.Code, nil, nil)
	if body := bodyOf(t, resp); resp.StatusCode != 200 || !strings.Contains(body, `id="satisfaction-closed"`) || !strings.Contains(body, "chưa trả kết quả") ||
		strings.Contains(body, `id="satisfaction-form"`) {
		t.Fatalf("survey of a dossier in progress: %d", resp.StatusCode)
	}
	form := bodyOf(t, a.do("GET", path, nil, nil))
	if !strings.Contains(form, `id="satisfaction-form"`) || !strings.Contains(form, "2640/QĐ-BNV") || !strings.Contains(form, `name="q_GY4"`) ||
		!strings.Contains(form, "Công chức có thái độ giao tiếp lịch sự") {
		t.Fatal("survey form")
	}
	// A link that carries the key fills it in; the form asks for it first.
	if form := bodyOf(t, a.do("GET", path+"?key=ab12", nil, nil)); !strings.Contains(form, `id="satisfaction-key" value="ab12"`) {
		t.Fatal("the key from the link is not filled in")
	}
	v := a.visit("/public/A")
	tests := []struct {
		name    string
		visitor visitor
		target  string
		form    url.Values
		want    int
		message string
	}{
		{"no CSRF token", visitor{cookie: v.cookie}, path, a.surveyForm(done, "5"), 403, ""},
		{"wrong CSRF token", visitor{cookie: v.cookie, token: "x" + v.token}, path, a.surveyForm(done, "5"), 403, ""},
		{"before return", v, "/public/A/satisfaction/" + open.Code, a.surveyForm(open.Code, "5"), 409, "chỉ đánh giá mức độ hài lòng sau khi nhận kết quả"},
		{"unknown dossier", v, "/public/A/satisfaction/A-2026-999999", a.surveyForm(done, "5"), 404, ""},
		{"another agency's page", v, "/public/B/satisfaction/" + done, a.surveyForm(done, "5"), 404, ""},
		{"no survey key", v, path, func() url.Values { f := a.surveyForm(done, "4"); f.Del("key"); return f }(), 400, "Nhập mã khảo sát"},
		{"another dossier's survey key", v, path, func() url.Values {
			f := a.surveyForm(done, "4")
			f.Set("key", a.surveyForm(codes[1], "4").Get("key"))
			return f
		}(), 400,
			"Mã khảo sát không đúng với hồ sơ " + done},
		{"a question left out", v, path, func() url.Values { f := a.surveyForm(done, "4"); f.Del("q_CC2"); return f }(), 400, "Chưa chọn mức độ hài lòng cho câu 11"},
		{"off the scale", v, path, func() url.Values { f := a.surveyForm(done, "4"); f.Set("q_TT3", "9"); return f }(), 400, "chọn mức từ 1 đến 5"},
		{"not a number", v, path, func() url.Values { f := a.surveyForm(done, "4"); f.Set("q_TT3", "rất tốt"); return f }(), 400, "chọn mức từ 1 đến 5"},
		{"comment too long", v, path, func() url.Values {
			f := a.surveyForm(done, "4")
			f.Set("comment", strings.Repeat("a", qms.SatisfactionMaxComment+1))
			return f
		}(), 400, "tối đa 2.000 ký tự"},
	}
	for _, tt := range tests {
		resp := a.post(tt.visitor, tt.target, tt.form)
		if body := bodyOf(t, resp); resp.StatusCode != tt.want || !strings.Contains(body, tt.message) {
			t.Errorf("%s: %d, want %d with %q", tt.name, resp.StatusCode, tt.want, tt.message)
		}
	}
	if n := a.auditCount("satisfaction.submit"); n != 0 {
		t.Fatalf("refused responses audited: %d", n)
	}
	// Accepted: back to the page with thanks; audited as "public" on A.
	resp = a.post(v, path, a.surveyForm(done, "5"))
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != path+"?sent=1" {
		t.Fatalf("submit: %d → %q", resp.StatusCode, loc)
	}
	if body := bodyOf(t, a.do("GET", path+"?sent=1", nil, nil)); !strings.Contains(body, `id="satisfaction-sent"`) || strings.Contains(body, `id="satisfaction-form"`) {
		t.Fatal("thanks page")
	}
	es, _, _ := a.db.FindAuditEntries(t.Context(), auditFilterAction("satisfaction.submit"))
	if len(es) != 1 || es[0].Actor != qms.PublicActorName || es[0].AgencyCode != "A" || es[0].ObjectType != qms.SatisfactionObject || es[0].ObjectID == done {
		t.Fatalf("audit %+v", es)
	}
	// A second response on the same dossier is refused, with its key and
	// every question answered, and then the form closes; the status page
	// and the form do not say it was rated (to anyone with the code only).
	resp = a.post(v, path, a.surveyForm(done, "1"))
	if body := bodyOf(t, resp); resp.StatusCode != 409 || !strings.Contains(body, "mỗi hồ sơ chỉ được đánh giá một lần") || strings.Contains(body, `id="satisfaction-form"`) {
		t.Fatalf("second response: %d", resp.StatusCode)
	}
	if body := bodyOf(t, a.do("GET", "/public/A?code="+done, nil, nil)); !strings.Contains(body, `id="satisfaction-invite"`) || strings.Contains(body, "đã được đánh giá") {
		t.Fatal("status page after the response tells it was rated")
	}
	if body := bodyOf(t, a.do("GET", path, nil, nil)); !strings.Contains(body, `id="satisfaction-form"`) || strings.Contains(body, "đã được đánh giá") {
		t.Fatal("the survey after the response tells it was rated")
	}
	// Five responses per address in ten minutes, as the feedback form.
	for _, code := range codes[1:qms.SatisfactionThrottleMax] {
		if resp := a.post(v, "/public/A/satisfaction/"+code, a.surveyForm(code, "3")); resp.StatusCode != 303 {
			t.Fatalf("response on %s: %d", code, resp.StatusCode)
		}
	}
	last := "/public/A/satisfaction/" + codes[qms.SatisfactionThrottleMax]
	resp = a.post(v, last, a.surveyForm(codes[qms.SatisfactionThrottleMax], "3"))
	if body := bodyOf(t, resp); resp.StatusCode != 429 || !strings.Contains(body, "Vui lòng thử lại sau") {
		t.Fatalf("past the throttle: %d", resp.StatusCode)
	}
	a.clock.Add(qms.SatisfactionThrottleWindow)
	if resp := a.post(v, last, a.surveyForm(codes[qms.SatisfactionThrottleMax], "3")); resp.StatusCode != 303 {
		t.Fatalf("after the window: %d", resp.StatusCode)
	}

	// The results: quality officers and leaders only.
	responses := qms.SatisfactionThrottleMax + 1
	for _, tt := range []struct {
		user string
		want int
	}{{"", 303}, {"a-staff", 403}, {"a-auditor", 403}, {"a-admin", 403}, {"a-quality-officer", 200}, {"a-leader", 200}} {
		var s *session
		if tt.user != "" {
			ss := a.login(tt.user)
			s = &ss
		}
		resp := a.do("GET", "/satisfaction", s, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != tt.want {
			t.Errorf("/satisfaction as %q: %d, want %d", tt.user, resp.StatusCode, tt.want)
		}
		// One response all 5, the others all 3: 1 of n satisfied in each group.
		if tt.want == 200 && (!strings.Contains(body, fmt.Sprintf(`<span class="num" id="satisfaction-responses">%d</span>`, responses)) ||
			!strings.Contains(body, `id="by-tthc"`) || !strings.Contains(body, "Cán bộ &lt;b&gt;nhiệt tình&lt;/b&gt;")) {
			t.Errorf("/satisfaction as %s: figures missing", tt.user)
		}
	}
	var api struct {
		Total struct {
			Responses int
			Index     float64
		}
		ByQuarter []struct{ Key string } `json:"by_quarter"`
	}
	decode(t, a.api("GET", "/api/v1/satisfaction", a.token("a-leader"), ""), &api)
	if index := 100 / float64(responses); api.Total.Responses != responses || math.Abs(api.Total.Index-index) > 0.01 || len(api.ByQuarter) != 1 || api.ByQuarter[0].Key != qms.Quarter(a.clock.Now()) {
		t.Errorf("api %+v", api)
	}
	if code := a.api("GET", "/api/v1/satisfaction", a.token("a-staff"), "").StatusCode; code != 403 {
		t.Errorf("api as staff: %d", code)
	}
	s := a.login("a-quality-officer")
	if code := a.do("GET", "/satisfaction?quarter=5", &s, nil).StatusCode; code != 400 {
		t.Errorf("quarter 5: %d", code)
	}
}

// TestSatisfaction9ReviewPack: the management review prepared after the
// responses carries the year's satisfaction, and its page shows it; a
// pack prepared on fewer than 5 answers keeps their count only, since one
// prepared after each answer would give each citizen's scores (outsider
// pass 7).
func TestSatisfaction9ReviewPack(t *testing.T) {
	a := newApp(t)
	codes := a.returnedDossiers("A", 5)
	v := a.visit("/public/A")
	lead := a.login("a-leader")
	review := func(answered int) (*qms.SatisfactionSummary, string) {
		t.Helper()
		resp := a.do("POST", "/reviews", &lead, url.Values{"title": {"Xem xét sau " + fmt.Sprint(answered) + " phiếu"}, "held_on": {a.clock.Now().In(qms.Zone).Format("02/01/2006")}})
		if resp.StatusCode != 303 {
			t.Fatalf("review: %d %s", resp.StatusCode, bodyOf(t, resp))
		}
		loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
		id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("review at %q", loc)
		}
		r, _ := a.db.FindReview(t.Context(), "A", id)
		return r.Pack.Satisfaction, bodyOf(t, a.do("GET", loc, &lead, nil))
	}
	answer := func(code, value string) {
		t.Helper()
		if resp := a.post(v, "/public/A/satisfaction/"+code, a.surveyForm(code, value)); resp.StatusCode != 303 {
			t.Fatalf("response: %d", resp.StatusCode)
		}
	}
	answer(codes[0], "5")
	answer(codes[1], "3")
	sat, body := review(2)
	if sat == nil || sat.Responses != 2 || !sat.Withheld || sat.Index != 0 || len(sat.ByGroup) != 0 || len(sat.ByQuarter) != 0 {
		t.Fatalf("pack on 2 answers %+v", sat)
	}
	if !strings.Contains(parsePage(t, body).text("review-satisfaction"), "dưới 5 phiếu") {
		t.Error("the review page does not say why it shows no index")
	}
	answer(codes[2], "5")
	answer(codes[3], "3")
	answer(codes[4], "5")
	sat, body = review(5)
	if sat == nil || sat.Responses != 5 || sat.Withheld || sat.Index != 60 || sat.Questionnaire != "SIPAS-2017" {
		t.Fatalf("pack on 5 answers %+v", sat)
	}
	if !strings.Contains(body, `id="review-satisfaction"`) || !strings.Contains(body, "60,00\u00a0%") {
		t.Error("review page shows no satisfaction")
	}
	// Figures in brackets are separated, not ended, by "; ".
	if line := parsePage(t, body).text("review-satisfaction"); strings.Contains(line, "; )") {
		t.Errorf("a stray separator: %q", line)
	}
}

// TestSatisfactionKeyOnReceipt: the receipt API gives the one-stop system
// the survey key its slip prints; the public status page and the dossier
// list never show it (the code is sequential, the key is what proves the
// slip).
func TestSatisfactionKeyOnReceipt(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.token("a-staff")
	var d struct {
		Code      string `json:"code"`
		SurveyKey string `json:"survey_key"`
	}
	checkAPI(t, "receive", a.receiveAPI(staff, ""), 201, "", &d)
	stored := a.surveyForm(d.Code, "5").Get("key")
	if len(d.SurveyKey) != qms.SurveyKeyLength || d.SurveyKey != stored {
		t.Fatalf("receipt answer's survey key %q, stored %q", d.SurveyKey, stored)
	}
	if other := a.receive("Lê Văn Cường"); other.SurveyKey == stored || len(other.SurveyKey) != qms.SurveyKeyLength {
		t.Errorf("a second dossier's key %q beside %q", other.SurveyKey, stored)
	}
	for _, page := range []struct {
		name string
		resp *http.Response
	}{
		{"public status page", a.do("GET", "/public/A?code="+d.Code, nil, nil)},
		{"dossier list (API)", a.api("GET", "/api/v1/dossiers", staff, "")},
		{"audit trail", a.api("GET", "/api/v1/audit-log", a.token("a-auditor"), "")},
	} {
		if body := bodyOf(t, page.resp); page.resp.StatusCode != 200 || strings.Contains(body, stored) {
			t.Errorf("%s: %d, shows the key: %v", page.name, page.resp.StatusCode, strings.Contains(body, stored))
		}
	}
}
