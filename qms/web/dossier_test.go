package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"isodt/qms"
	"isodt/qms/qmstest"
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
	v.Flowchart = qmstest.DecisionChart()
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
		{&leader, signing(url.Values{"step_id": {"sign"}}), 303},
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
	for _, want := range []string{"PHIẾU KIỂM SOÁT QUÁ TRÌNH", "Thẩm định", "Ký giấy phép", "Người A", "Lãnh đạo", "Đạt"} {
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
	if !strings.Contains(rep, "id=\"timely-rate\">100,00\u00a0%") {
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
	// A mistyped year would land in a closed period (outsider finding).
	before := a.auditCount("dossier.receive")
	if resp := a.api("POST", "/api/v1/dossiers", tok, `{"tthc_code":"1.000001","applicant":{"name":"X"},"received_at":"1999-01-01T08:00:00+07:00"}`); resp.StatusCode != 400 ||
		!strings.Contains(bodyOf(t, resp), `"field":"received_at"`) {
		t.Fatalf("receipt of 1999: %d", resp.StatusCode)
	}
	if n := a.auditCount("dossier.receive"); n != before {
		t.Fatal("the receipt of 1999 was recorded")
	}
}

func TestAgencyClockSettings(t *testing.T) {
	a := newApp(t)
	// A Tuesday morning: the 48 hours of pause below end on a working day
	// whatever the day the test runs (from a Friday evening they ended on a
	// Sunday, and the restarted clock counted from the same Monday 07:00).
	a.clock.Set(hanoiTime(2026, 3, 3, 9, 0))
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
	first := parsePage(t, bodyOf(t, a.do("GET", "/tasks", &staff, nil)))
	pager := first.root
	if rows := first.rows("tasks"); len(rows) != 50 || rows[0][0] != codes[0] {
		t.Fatalf("page 1: %d rows, first %v; want 50, %s first", len(rows), rows[0], codes[0])
	}
	if got := links(pager, "Trang sau →"); len(got) != 1 || got[0] != "/tasks?page=2" {
		t.Fatalf("page 1: next links %v", got)
	}
	second := parsePage(t, bodyOf(t, a.do("GET", "/tasks?page=2", &staff, nil)))
	if rows := second.rows("tasks"); len(rows) != 1 {
		t.Fatalf("page 2: %d rows", len(rows))
	}
	if next, prev := links(second.root, "Trang sau →"), links(second.root, "← Trang trước"); len(next) != 0 || len(prev) != 1 || prev[0] != "/tasks?page=1" {
		t.Fatalf("page 2: next %v, previous %v", next, prev)
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
	xss := `<script>alert("x")</script>`
	for _, name := range []string{"Trần Thị Bình", "Lê Văn Cường", xss} {
		if resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {name}, "channel": {"counter"}}); resp.StatusCode != 303 {
			t.Fatalf("receive %s: %d", name, resp.StatusCode)
		}
	}
	// rowOf finds the row of a dossier by its code.
	rowOf := func(rows [][]string, code string) []string {
		for _, r := range rows {
			if len(r) > 0 && r[0] == code {
				return r
			}
		}
		return nil
	}
	for _, tc := range []struct {
		name, path   string
		rows         int
		total        string
		showing      string   // the range shown, "" for none
		codes, notIn []string // codes listed and not listed
		prev, next   string   // the pager's links, "" for none
		first        string   // past the end: the link to the first page
		selected     string   // the status filter's chosen option
	}{
		{name: "all, first page", path: "/dossiers", rows: 50, total: "hơn 1.000", showing: "1–50", next: "/dossiers?&page=2"},
		{name: "a short list counts exactly", path: "/dossiers?status=received", rows: 3, total: "3", showing: "1–3", notIn: []string{"A-HIST-0000"}, selected: "Mới tiếp nhận"},
		{name: "past the cap", path: "/dossiers?status=completed&page=21", rows: 50, total: "hơn 1.000", showing: "1.001–1.050",
			codes: []string{"A-HIST-0059", "A-HIST-0010"}, notIn: []string{"A-HIST-0060", "A-HIST-0009"},
			prev: "/dossiers?status=completed&page=20", next: "/dossiers?status=completed&page=22", selected: "Đã trả kết quả"},
		{name: "last page", path: "/dossiers?status=completed&page=22", rows: 10, total: "hơn 1.000", showing: "1.051–1.060",
			codes: []string{"A-HIST-0000"}, prev: "/dossiers?status=completed&page=21", selected: "Đã trả kết quả"},
		{name: "beyond the last page", path: "/dossiers?status=completed&page=30", rows: 0, total: "hơn 1.000", first: "/dossiers?status=completed", selected: "Đã trả kết quả"},
		{name: "nothing matches", path: "/dossiers?status=refused", rows: 0, total: "0", selected: "Từ chối"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("GET", tc.path, &staff, nil)
			body := bodyOf(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("%d", resp.StatusCode)
			}
			if strings.Contains(body, "<script>alert") {
				t.Fatal("an applicant's name is not escaped")
			}
			d := parsePage(t, body)
			rows := d.rows("dossiers")
			if tc.rows == 0 {
				if len(rows) != 1 || !strings.HasPrefix(rows[0][0], "Không có hồ sơ nào khớp bộ lọc.") {
					t.Errorf("rows %v, want the empty-list row", rows)
				}
			} else if len(rows) != tc.rows {
				t.Errorf("%d rows, want %d", len(rows), tc.rows)
			}
			if got := d.text("dossier-total"); got != tc.total {
				t.Errorf("total %q, want %q", got, tc.total)
			}
			if summary := textOf(d.byID("dossier-total").Parent); (tc.showing != "") != strings.Contains(summary, "đang xem "+tc.showing+".") {
				t.Errorf("summary %q, want range %q", summary, tc.showing)
			}
			for _, code := range tc.codes {
				if rowOf(rows, code) == nil {
					t.Errorf("%s not listed", code)
				}
			}
			for _, code := range tc.notIn {
				if rowOf(rows, code) != nil {
					t.Errorf("%s listed", code)
				}
			}
			for text, want := range map[string]string{"← Trang trước": tc.prev, "Trang sau →": tc.next, "← Về trang đầu (trang này đã quá trang cuối)": tc.first} {
				if got := links(d.root, text); (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
					t.Errorf("%s links %v, want %q", text, got, want)
				}
			}
			var chosen []string
			for _, o := range find(d.root, func(n *html.Node) bool { return n.Data == "option" && hasAttr(n, "selected") }) {
				chosen = append(chosen, textOf(o))
			}
			if (tc.selected == "" && len(chosen) != 0) || (tc.selected != "" && (len(chosen) != 1 || chosen[0] != tc.selected)) {
				t.Errorf("status filter chose %v, want %q", chosen, tc.selected)
			}
			if tc.name == "all, first page" {
				// Each row: code, TTHC, applicant, received, due, status, result.
				if r := rowOf(rows, "A-HIST-0059"); r != nil {
					t.Errorf("an imported dossier on the first page: %v", r)
				}
				var xssRow []string
				for _, r := range rows {
					if r[2] == xss {
						xssRow = r
					}
				}
				if xssRow == nil || xssRow[5] != "Mới tiếp nhận" || xssRow[6] != "" {
					t.Errorf("row of the new dossier: %v", xssRow)
				}
			}
			if tc.name == "last page" {
				if r := rowOf(rows, "A-HIST-0000"); r[5] != "Đã trả kết quả" || r[6] != "Trước hạn" || r[3] != "06/01/2025 08:00" {
					t.Errorf("row of a returned dossier: %v", r)
				}
			}
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

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
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
	d := parsePage(t, bodyOf(t, a.do("GET", "/tasks", &staff, nil)))
	rows, nodes := d.rows("tasks"), d.rowNodes("tasks")
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	// Most urgent first: the late one, marked, then the one on time.
	for i, late := range []bool{true, false} {
		marked := strings.HasSuffix(rows[i][4], " quá hạn")
		if marked != late || (attr(nodes[i], "class") == "late-row") != late {
			t.Errorf("row %d %v: late %v, marked %v, class %q", i, rows[i], late, marked, attr(nodes[i], "class"))
		}
		if rows[i][1] != "Cấp giấy phép karaoke" || rows[i][2] != "Thẩm định" || rows[i][3] != "Chuyên viên" {
			t.Errorf("row %d lacks its TTHC, step or responsible: %v", i, rows[i])
		}
		if got := links(nodes[i], rows[i][0]); len(got) != 1 || got[0] != "/dossiers/"+rows[i][0] {
			t.Errorf("row %d links %v", i, got)
		}
	}
	if pager := find(d.root, func(n *html.Node) bool { return attr(n, "class") == "pager" }); len(pager) != 1 || !strings.HasPrefix(textOf(pager[0]), "Việc 1–2.") {
		t.Fatal("pager does not say which tasks are shown")
	}
}

// The main menu shows each caller the links of their own roles in their
// own language.
func TestMainMenu(t *testing.T) {
	a := newApp(t)
	admin, staff := a.login("admin"), a.login("a-staff")
	get := func(s session, path, lang string) doc {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		if lang != "" {
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		}
		return parsePage(t, bodyOf(t, a.send(req)))
	}
	for _, tc := range []struct {
		name       string
		who        session
		path, lang string
		want       map[string]string // link text → href
		not        []string          // hrefs not in the menu
		active     string            // the active link's href, "" for none
	}{
		{"admin, home", admin, "/", "", map[string]string{"Người dùng": "/admin/users", "Tổng quan": "/"}, nil, "/"},
		{"staff, home", staff, "/", "", map[string]string{"Việc cần xử lý": "/tasks"}, []string{"/admin/users"}, "/"},
		{"staff, tasks", staff, "/tasks", "", map[string]string{"Việc cần xử lý": "/tasks", "Tổng quan": "/"}, []string{"/admin/users"}, "/tasks"},
		{"staff, in English", staff, "/tasks", "en", map[string]string{"My tasks": "/tasks"}, []string{"/admin/users"}, "/tasks"},
		{"admin, in English", admin, "/admin/users/new", "en", map[string]string{"Users": "/admin/users"}, nil, "/admin/users"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := get(tc.who, tc.path, tc.lang)
			navs := find(d.root, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "class") == "mainnav" })
			if len(navs) != 1 {
				t.Fatalf("%d main menus", len(navs))
			}
			for text, href := range tc.want {
				if got := links(navs[0], text); len(got) != 1 || got[0] != href {
					t.Errorf("link %q: %v, want %s", text, got, href)
				}
			}
			for _, href := range tc.not {
				if slices.Contains(hrefs(navs[0]), href) {
					t.Errorf("menu links to %s", href)
				}
			}
			var active []string
			for _, n := range find(navs[0], func(n *html.Node) bool { return attr(n, "class") == "active" }) {
				active = append(active, attr(n, "href"))
			}
			if (tc.active == "" && len(active) != 0) || (tc.active != "" && !slices.Equal(active, []string{tc.active})) {
				t.Errorf("active links %v, want %q", active, tc.active)
			}
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

// A dossier's page, read for its meaning: facts (escaped), the overdue
// mark, the form of its open step, the action bar (pause, or resume once
// paused), the history, and the CSRF token in every form. Its status
// words are the list's, the filter's and the public page's.
func TestOneSource3DossierPage(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheck()
	staff := a.login("a-staff")
	// Received a month ago: long overdue by the wall clock.
	a.clock.Add(-30 * 24 * time.Hour)
	resp := a.do("POST", "/dossiers", &staff, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"<b>An</b>"}, "applicant_phone": {"0912"}, "channel": {"counter"}})
	a.clock.Add(30 * 24 * time.Hour)
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	code := strings.TrimPrefix(path, "/dossiers/")
	body := bodyOf(t, a.do("GET", path, &staff, nil))
	if strings.Contains(body, "<b>An</b>") {
		t.Fatal("the applicant's name is not escaped")
	}
	d := parsePage(t, body)
	for id, want := range map[string]string{
		"dossier-applicant": "<b>An</b> — 0912",
		"dossier-tthc":      "1.000001 Cấp giấy phép karaoke (QT-01 Cấp phép, quy trình phiên bản 2)", // by code and name
		"dossier-overdue":   "quá hạn",
		"step-form-check":   "", // present; checked below
	} {
		if n := d.byID(id); n == nil || (want != "" && textOf(n) != want) {
			t.Errorf("#%s = %q, want %q", id, d.text(id), want)
		}
	}
	if got := d.text("dossier-due"); len(got) != len("02/01/2006 15:04") || got[2] != '/' || got[5] != '/' {
		t.Errorf("due %q is not dd/mm/yyyy hh:mm", got)
	}
	form := d.byID("step-form-check")
	if attr(form, "action") != path+"/steps" || !strings.Contains(textOf(form), "BM-QT01-01 – Phiếu thẩm định (phiên bản 2 đang có hiệu lực)") &&
		!strings.Contains(textOf(form), "BM-QT01-01 – Phiếu thẩm định (phiên bản 1 đang có hiệu lực)") {
		t.Errorf("step form %s: %q", attr(form, "action"), textOf(form))
	}
	if d.text("complete-check") != "Hoàn thành bước" || d.byID("pause") == nil || d.byID("resume") != nil {
		t.Errorf("buttons: complete %q, pause %v, resume %v", d.text("complete-check"), d.byID("pause") != nil, d.byID("resume") != nil)
	}
	checkCSRF := func(d doc, min int) {
		t.Helper()
		actions, tokens := d.forms()
		if len(actions) < min {
			t.Errorf("only %d forms: %v", len(actions), actions)
		}
		for i, tok := range tokens {
			if tok != staff.csrf {
				t.Errorf("form %s has CSRF token %q", actions[i], tok)
			}
		}
	}
	checkCSRF(d, 3)

	if resp := a.do("POST", path+"/pause", &staff, url.Values{"reason": {"Thiếu bản sao"}}); resp.StatusCode != 303 {
		t.Fatalf("pause: %d", resp.StatusCode)
	}
	d = parsePage(t, bodyOf(t, a.do("GET", path, &staff, nil)))
	if d.byID("resume") == nil || d.byID("pause") != nil || !strings.Contains(d.text("dossier-pauses"), "Thiếu bản sao") {
		t.Errorf("paused: resume %v, pause %v, pauses %q", d.byID("resume") != nil, d.byID("pause") != nil, d.text("dossier-pauses"))
	}
	// A paused dossier's step cannot be completed: the page names it and
	// says what to do first, instead of offering a form that is refused.
	if d.byID("step-form-check") != nil || !strings.Contains(d.text("paused-steps"), "“Thẩm định”") {
		t.Errorf("paused: step form shown %v, notice %q", d.byID("step-form-check") != nil, d.text("paused-steps"))
	}
	checkCSRF(d, 2)
	status := d.text("dossier-status")
	list := parsePage(t, bodyOf(t, a.do("GET", "/dossiers?status=paused", &staff, nil)))
	rows := list.rows("dossiers")
	if len(rows) != 1 || rows[0][0] != code {
		t.Fatalf("paused list: %v", rows)
	}
	var option string
	for _, o := range find(list.root, func(n *html.Node) bool { return n.Data == "option" && attr(n, "value") == "paused" }) {
		option = textOf(o)
	}
	pub := parsePage(t, bodyOf(t, a.do("GET", "/public/A?code="+code, nil, nil)))
	publicStatus := pub.text("lookup-status")
	if status == "" || rows[0][5] != status || option != status || publicStatus != status {
		t.Errorf("status words differ: page %q, list %q, filter %q, public %q", status, rows[0][5], option, publicStatus)
	}
}
