package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
	"isodt/qms/sqlite"
)

// effectiveProcedure gives agency A TTHC 1.000001 (5 days) under an
// effective procedure: receive → check → decision (Đạt → sign; Không đạt
// → notice) → return.
func (a *app) effectiveProcedure() { a.effectiveProcedureOf("A") }

// effectiveProcedureOf is effectiveProcedure for agency A or B.
func (a *app) effectiveProcedureOf(agency string) {
	a.t.Helper()
	as := func(role string) context.Context {
		u := a.users[strings.ToLower(agency)+"-"+role]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
	}
	if _, _, err := a.db.ImportTTHC(as("quality-officer"), agency, []qms.TTHC{{Code: "1.000001", Name: "Cấp giấy phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}}); err != nil {
		a.t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: agency, Code: "QT-01", Title: "Cấp phép", TTHCCodes: []string{"1.000001"}}
	if err := a.db.CreateProcedure(as("quality-officer"), p); err != nil {
		a.t.Fatal(err)
	}
	v, _ := a.db.CreateVersion(as("quality-officer"), p.ID)
	v.Flowchart = flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Tiếp nhận", Kind: flowchart.KindStart, Responsible: "Một cửa"},
			{ID: "check", Name: "Thẩm định", Kind: flowchart.KindTask, Hours: 8, Responsible: "Chuyên viên"},
			{ID: "ok", Name: "Hồ sơ đạt?", Kind: flowchart.KindDecision, Hours: 1, Responsible: "Chuyên viên"},
			{ID: "sign", Name: "Ký giấy phép", Kind: flowchart.KindTask, Hours: 8, Responsible: "Lãnh đạo Sở"},
			{ID: "notice", Name: "Thông báo không đạt", Kind: flowchart.KindTask, Hours: 4, Responsible: "Chuyên viên"},
			{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Một cửa"},
		},
		Edges: []flowchart.Edge{{From: "s", To: "check"}, {From: "check", To: "ok"}, {From: "ok", To: "sign", Label: "Đạt"},
			{From: "ok", To: "notice", Label: "Không đạt"}, {From: "sign", To: "e"}, {From: "notice", To: "e"}},
	}
	if err := a.db.UpdateVersion(as("quality-officer"), v); err != nil {
		a.t.Fatal(err)
	}
	a.db.TransitionVersion(as("quality-officer"), p.ID, 1, qms.ActionSubmit, "")
	if _, err := a.db.TransitionVersion(as("leader"), p.ID, 1, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
}

func TestDossierOverHTTP(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff, leader := a.login("a-staff"), a.login("a-leader")
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {""}, "channel": {"counter"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "Nhập tên người nộp") {
		t.Fatalf("missing applicant: %d", resp.StatusCode)
	}
	resp = a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Nguyễn Văn An"}, "applicant_id": {"001099012345"},
		"applicant_phone": {"0912345678"}, "channel": {"counter"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/dossiers/A-") {
		t.Fatalf("receive: %d %s", resp.StatusCode, loc)
	}
	code := strings.TrimSuffix(strings.TrimPrefix(loc, "/dossiers/"), "?msg=received")
	if body := bodyOf(t, a.do("GET", "/tasks", &staff, nil)); !strings.Contains(body, code) || !strings.Contains(body, "Thẩm định") {
		t.Fatal("task list lacks the new dossier")
	}
	if body := bodyOf(t, a.do("GET", "/tasks", &leader, nil)); strings.Contains(body, code) {
		t.Fatal("the leader sees a staff step")
	}
	path := "/dossiers/" + code
	steps := []struct {
		who  *session
		form url.Values
		want int
	}{
		{&staff, url.Values{"step_id": {"check"}, "note": {"Đủ thành phần"}}, 303},
		{&staff, url.Values{"step_id": {"ok"}, "exit": {"Chưa chắc"}}, 400},
		{&staff, url.Values{"step_id": {"ok"}, "exit": {"Đạt"}}, 303},
		{&leader, url.Values{"step_id": {"sign"}}, 303},
		{&staff, url.Values{"step_id": {"e"}}, 303},
	}
	for i, s := range steps {
		if resp := a.do("POST", path+"/steps", s.who, s.form); resp.StatusCode != s.want {
			t.Fatalf("step %d (%s): %d, want %d: %s", i, s.form.Get("step_id"), resp.StatusCode, s.want, bodyOf(t, resp))
		}
	}
	body := bodyOf(t, a.do("GET", path, &staff, nil))
	if !strings.Contains(body, `id="dossier-result">Trước hạn`) && !strings.Contains(body, `id="dossier-result">Đúng hạn`) {
		t.Fatal("completed dossier not classified early or on time")
	}
	slip := bodyOf(t, a.do("GET", path+"/control-slip", &staff, nil))
	for _, want := range []string{"PHIẾU KIỂM SOÁT QUÁ TRÌNH", "Thẩm định", "Ký giấy phép", "a-leader", "Đạt"} {
		if !strings.Contains(slip, want) {
			t.Errorf("control slip lacks %q", want)
		}
	}
	// The public page shows the status but no personal data.
	pub := bodyOf(t, a.do("GET", "/public/A?code="+code, nil, nil))
	if !strings.Contains(pub, `id="lookup-result"`) || strings.Contains(pub, "Nguyễn Văn An") || strings.Contains(pub, "0912345678") {
		t.Fatal("public lookup wrong or shows personal data")
	}
	if pub := bodyOf(t, a.do("GET", "/public/B?code="+code, nil, nil)); !strings.Contains(pub, "Không tìm thấy hồ sơ") {
		t.Fatal("public page of B finds A's dossier")
	}
	// Other agency: not found.
	b := a.login("b-staff")
	if code := a.do("GET", path, &b, nil).StatusCode; code != 404 {
		t.Fatalf("B reads A's dossier: %d", code)
	}
	if code := a.do("POST", path+"/pause", &b, url.Values{"reason": {"x"}}).StatusCode; code != 404 {
		t.Fatalf("B pauses A's dossier: %d", code)
	}
	// Report page, XLSX and API agree.
	rep := bodyOf(t, a.do("GET", "/reports/ontime", &leader, nil))
	if !strings.Contains(rep, `id="timely-rate">100.00%`) {
		t.Fatal("report page rate")
	}
	x := a.do("GET", "/reports/ontime.xlsx?group_by=tthc", &leader, nil)
	f, err := excelize.OpenReader(x.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Báo cáo", "D5"); v != "1" {
		t.Fatalf("xlsx completed total = %q", v)
	}
	if code := a.do("GET", "/reports/ontime?from=31-02-2026", &leader, nil).StatusCode; code != 400 {
		t.Fatalf("bad report date: %d", code)
	}
}

func TestDossierAPI(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	tok := a.token("a-staff")
	var d struct {
		Code   string
		DueAt  time.Time `json:"due_at"`
		Status string
		Steps  []struct {
			StepID string `json:"step_id"`
		}
	}
	resp := a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"Trần Thị B"},"channel":"online"}`)
	decode(t, resp, &d)
	if resp.StatusCode != 201 || d.Status != "received" || len(d.Steps) != 1 || d.DueAt.IsZero() {
		t.Fatalf("receive: %d %+v", resp.StatusCode, d)
	}
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/steps", `{"step_id":"check"}`, 200},
		{"POST", "/pause", `{"reason":"Bổ sung giấy tờ"}`, 200},
		{"POST", "/steps", `{"step_id":"ok","exit":"Đạt"}`, 400}, // paused
		{"POST", "/resume", ``, 200},
		{"POST", "/complete", ``, 400}, // not at the end yet
		{"POST", "/steps", `{"step_id":"ok","exit":"Không đạt"}`, 200},
		{"POST", "/steps", `{"step_id":"notice"}`, 200},
		{"POST", "/apology", `{"reason":"x"}`, 400}, // no new date
		{"POST", "/complete", ``, 200},
		{"POST", "/steps", `{"step_id":"e"}`, 400}, // finished
	}
	for _, tt := range tests {
		if resp := a.api(tt.method, "/api/v1/dossiers/"+d.Code+tt.path, tok, tt.body); resp.StatusCode != tt.want {
			t.Fatalf("%s %s: %d, want %d: %s", tt.method, tt.path, resp.StatusCode, tt.want, bodyOf(t, resp))
		}
	}
	var list struct {
		Dossiers []qms.Dossier
		Total    int
	}
	decode(t, a.api("GET", "/api/v1/dossiers?status=completed", tok, ""), &list)
	if list.Total != 1 || list.Dossiers[0].Result == "" {
		t.Fatalf("completed list: %+v", list)
	}
	var rep struct{ Total qms.OnTimeReport }
	decode(t, a.api("GET", "/api/v1/reports/ontime", a.token("a-leader"), ""), &rep)
	if rep.Total.Completed != 1 || rep.Total.Received != 1 {
		t.Fatalf("report: %+v", rep.Total)
	}
	if resp := a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"9.999999","applicant":{"name":"X"}}`); resp.StatusCode != 400 {
		t.Fatalf("unknown TTHC: %d", resp.StatusCode)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"tthc_code":"1.000001","applicant":{"name":"X"},"received_at":"2099-01-01T00:00:00Z"}`)
	if resp := a.api("POST", "/api/v1/dossiers", tok, buf.String()); resp.StatusCode != 400 {
		t.Fatalf("future receipt: %d", resp.StatusCode)
	}
}

func TestAgencyClockSettings(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	admin := a.login("a-admin")
	resp := a.do("POST", "/admin/agencies/A/settings", &admin, url.Values{"clock_mode": {"restart"}, "working_hours": {"25:00-26:00"}})
	if resp.StatusCode != 400 {
		t.Fatalf("bad hours: %d", resp.StatusCode)
	}
	if code := a.do("POST", "/admin/agencies/A/settings", &admin, url.Values{"clock_mode": {"restart"}, "working_hours": {"07:00-11:00,13:00-17:00"}}).StatusCode; code != 303 {
		t.Fatalf("save settings: %d", code)
	}
	if body := bodyOf(t, a.do("GET", "/admin/agencies/A", &admin, nil)); !strings.Contains(body, `value="07:00-11:00,13:00-17:00"`) {
		t.Fatal("settings not shown")
	}
	if code := a.do("POST", "/admin/agencies/B/settings", &admin, url.Values{"clock_mode": {"resume"}, "working_hours": {"07:00-11:00"}}).StatusCode; code != 404 {
		t.Fatalf("A's admin sets B: %d", code)
	}
	// Restart mode: after a pause the full time limit counts again.
	tok := a.token("a-staff")
	var d struct {
		Code  string
		DueAt time.Time `json:"due_at"`
	}
	decode(t, a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"X"}}`), &d)
	a.api("POST", "/api/v1/dossiers/"+d.Code+"/pause", tok, `{"reason":"Bổ sung"}`)
	a.clock.Add(48 * time.Hour)
	var after struct {
		DueAt time.Time `json:"due_at"`
	}
	decode(t, a.api("POST", "/api/v1/dossiers/"+d.Code+"/resume", tok, ""), &after)
	if !after.DueAt.After(d.DueAt) {
		t.Fatalf("due %v did not move after a restart (was %v)", after.DueAt, d.DueAt)
	}
}

func TestStepEvidenceFiles(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"An"}, "channel": {"counter"}})
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	var body bytes.Buffer
	ct := newMultipart(&body, staff.csrf, map[string]string{"step_id": "check", "note": "Có biên bản"}, "evidence", "bien-ban.pdf", []byte("%PDF-1.4 biên bản"))
	req := newSessionRequest("POST", path+"/steps", &staff, &body)
	req.Header.Set("Content-Type", ct)
	if code := a.send(req).StatusCode; code != 303 {
		t.Fatalf("step with evidence: %d", code)
	}
	page := bodyOf(t, a.do("GET", path, &staff, nil))
	i := strings.Index(page, path+"/files/")
	if i < 0 {
		t.Fatal("evidence link missing")
	}
	link := page[i : i+len(path)+7+64]
	got := a.do("GET", link, &staff, nil)
	if data, _ := io.ReadAll(got.Body); string(data) != "%PDF-1.4 biên bản" {
		t.Fatalf("evidence bytes: %q", data)
	}
	for _, bad := range []string{path + "/files/" + strings.Repeat("0", 64), path + "/files/..%2F..%2Fetc%2Fpasswd"} {
		if code := a.do("GET", bad, &staff, nil).StatusCode; code != 404 {
			t.Errorf("GET %s: %d", bad, code)
		}
	}
}

// The task list pages by 50, most urgent first: the dossier received
// first (due first) opens page 1, the 51st is on page 2.
func TestTaskListPages(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	token := a.token("a-staff")
	var codes []string
	for i := 0; i < 51; i++ {
		var d qms.Dossier
		decode(t, a.api("POST", "/api/v1/dossiers", token, `{"tthc_code":"1.000001","channel":"online","applicant":{"name":"An"}}`), &d)
		codes = append(codes, d.Code)
	}
	staff := a.login("a-staff")
	first := bodyOf(t, a.do("GET", "/tasks", &staff, nil))
	if n := strings.Count(first, `<a href="/dossiers/A-`); n != 50 || !strings.Contains(first, "/tasks?page=2") || !strings.Contains(first, "Việc 1–50") {
		t.Fatalf("page 1: %d rows, pager missing", n)
	}
	second := bodyOf(t, a.do("GET", "/tasks?page=2", &staff, nil))
	if n := strings.Count(second, `<a href="/dossiers/A-`); n != 1 || strings.Contains(second, "/tasks?page=3") || !strings.Contains(second, "/tasks?page=1") {
		t.Fatalf("page 2: %d rows", n)
	}
	if !strings.Contains(first, codes[0]) {
		t.Fatalf("the earliest due dossier %s is not on page 1", codes[0])
	}
}

// The dossier list counts no further than its cap: past 1,000 it says
// "hơn 1.000", and the pager still finds the next page and keeps the
// filter. The API's total stays exact.
func TestDossierListPage(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	base := time.Date(2025, 1, 6, 1, 0, 0, 0, time.UTC)
	var rows []sqlite.DossierImport
	for i := 0; i < 1060; i++ {
		received := base.Add(time.Duration(i) * time.Minute)
		done := received.Add(time.Hour)
		rows = append(rows, sqlite.DossierImport{Code: fmt.Sprintf("A-HIST-%04d", i), TTHCCode: "1.000001", ReceivedAt: received, DueAt: received.Add(48 * time.Hour),
			CompletedAt: &done, Status: qms.DossierCompleted})
	}
	if _, err := a.db.ImportDossiers(sys, "A", rows); err != nil {
		t.Fatal(err)
	}
	staff := a.login("a-staff")
	// Three just received, newer than the imported ones; the applicant's
	// name is shown escaped.
	for _, name := range []string{"Trần Thị Bình", "Lê Văn Cường", `<script>alert("x")</script>`} {
		if resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {name}, "channel": {"counter"}}); resp.StatusCode != 303 {
			t.Fatalf("receive %s: %d", name, resp.StatusCode)
		}
	}
	for _, tc := range []struct {
		name, path string
		rows       int
		want       []string // in the page
		not        []string // not in the page
	}{
		{"all, first page", "/dossiers", 50,
			[]string{`<strong id="dossier-total">hơn 1.000</strong> hồ sơ, đang xem 1–50.`, `href="/dossiers?&amp;page=2"`, "<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td>", "<td>Mới tiếp nhận</td><td></td></tr>",
				"<td>Đã trả kết quả</td><td>Trước hạn</td></tr>"},
			[]string{"<script>alert", "Trang trước"}},
		{"a short list counts exactly", "/dossiers?status=received", 3,
			[]string{`<strong id="dossier-total">3</strong> hồ sơ, đang xem 1–3.`, "Trần Thị Bình"},
			[]string{"Trang sau", "Trang trước", "A-HIST-"}},
		{"past the cap", "/dossiers?status=completed&page=21", 50,
			[]string{`<strong id="dossier-total">hơn 1.000</strong> hồ sơ, đang xem 1.001–1.050.`, "A-HIST-0059", "A-HIST-0010",
				`<option value="completed" selected>Đã trả kết quả</option><option value="in_progress">Đang giải quyết</option>`,
				`href="/dossiers?status=completed&amp;page=20"`, `href="/dossiers?status=completed&amp;page=22"`},
			[]string{"A-HIST-0060", "A-HIST-0009"}},
		{"last page", "/dossiers?status=completed&page=22", 10,
			[]string{"đang xem 1.051–1.060.", "A-HIST-0000", `href="/dossiers?status=completed&amp;page=21"`},
			[]string{"Trang sau"}},
		{"beyond the last page", "/dossiers?status=completed&page=30", 0,
			[]string{"Không có hồ sơ nào khớp bộ lọc.", `<strong id="dossier-total">hơn 1.000</strong> hồ sơ.`},
			[]string{"Trang sau", "đang xem"}},
		{"nothing matches", "/dossiers?status=refused", 0,
			[]string{`<strong id="dossier-total">0</strong> hồ sơ.`},
			[]string{"Trang sau", "Trang trước"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("GET", tc.path, &staff, nil)
			body := bodyOf(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("%d", resp.StatusCode)
			}
			if n := strings.Count(body, `<tr><td><a href="/dossiers/A-`); n != tc.rows {
				t.Errorf("%d rows, want %d", n, tc.rows)
			}
			checkPage(t, body, tc.want, tc.not)
		})
	}
	var list struct {
		Dossiers []qms.Dossier `json:"dossiers"`
		Total    int           `json:"total"`
	}
	token := a.token("a-staff")
	decode(t, a.api("GET", "/api/v1/dossiers?status=completed", token, ""), &list)
	if list.Total != 1060 || len(list.Dossiers) != 50 {
		t.Fatalf("API: total %d, %d dossiers; want 1060, 50", list.Total, len(list.Dossiers))
	}
	// and its dossiers are whole, flow included.
	decode(t, a.api("GET", "/api/v1/dossiers?status=received", token, ""), &list)
	if list.Total != 3 || len(list.Dossiers) != 3 || len(list.Dossiers[0].Flow.Open) == 0 {
		t.Fatalf("API: total %d, %+v", list.Total, list.Dossiers)
	}
}

// Tasks past their due time (by the wall clock) are marked late.
func TestTaskListRows(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	staff := a.login("a-staff")
	// Received a month ago: its step is long overdue by the wall clock.
	a.clock.Add(-30 * 24 * time.Hour)
	if resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"An"}, "channel": {"counter"}}); resp.StatusCode != 303 {
		t.Fatalf("receive: %d", resp.StatusCode)
	}
	a.clock.Add(30 * 24 * time.Hour)
	if resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Bình"}, "channel": {"counter"}}); resp.StatusCode != 303 {
		t.Fatalf("receive: %d", resp.StatusCode)
	}
	body := bodyOf(t, a.do("GET", "/tasks", &staff, nil))
	late := strings.Count(body, `<tr class="late-row"><td><a href="/dossiers/A-`)
	onTime := strings.Count(body, `<tr><td><a href="/dossiers/A-`)
	if late != 1 || onTime != 1 || strings.Count(body, `<span class="tag warn">quá hạn</span>`) != 1 {
		t.Fatalf("%d late rows, %d on time; want 1 and 1", late, onTime)
	}
	if !strings.Contains(body, "<td>Cấp giấy phép karaoke</td><td>Thẩm định</td><td>Chuyên viên</td>") || !strings.Contains(body, "Việc 1–2.") {
		t.Fatal("task row lacks its TTHC, step or responsible")
	}
}

// The main menu, rendered once per language and set of permissions, shows
// each caller the links of their own roles in their own language.
func TestMainMenu(t *testing.T) {
	a := newApp(t)
	admin, staff := a.login("admin"), a.login("a-staff")
	get := func(s session, path, lang string) string {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		if lang != "" {
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		}
		return bodyOf(t, a.send(req))
	}
	for _, tc := range []struct {
		name       string
		who        session
		path, lang string
		want, not  []string
	}{
		{"admin, home", admin, "/", "", []string{`<a href="/admin/users">Người dùng</a>`, `<a href="/" class="active">Tổng quan</a>`}, nil},
		{"staff, home", staff, "/", "", []string{`<a href="/tasks">Việc cần xử lý</a>`, `<a href="/" class="active">`}, []string{`href="/admin/users"`}},
		{"staff, tasks", staff, "/tasks", "", []string{`<a href="/tasks">Việc cần xử lý</a>`, `<a href="/" >Tổng quan</a>`}, []string{`href="/admin/users"`, `class="active"`}},
		{"staff, in English", staff, "/tasks", "en", []string{`<a href="/tasks">My tasks</a>`}, []string{"Việc cần xử lý</a>", `href="/admin/users"`}},
		{"admin, in English", admin, "/tasks", "en", []string{`<a href="/admin/users">Users</a>`}, []string{`class="active"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := get(tc.who, tc.path, tc.lang)
			checkPage(t, body, tc.want, tc.not)
		})
	}
}

// checkPage reports each of want the page lacks and each of not it has.
func checkPage(t *testing.T, body string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, w := range not {
		if strings.Contains(body, w) {
			t.Errorf("page has %q", w)
		}
	}
}
