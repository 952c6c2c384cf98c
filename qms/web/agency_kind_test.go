package web_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"isodt/qms"
	"isodt/qms/sqlite"
	"isodt/qms/web"
)

// TestAgencyKinds2AdminAndAPI: the system admin's pages and the API show
// and take an agency's kind; a district kind is refused for a new agency,
// with the message next to the field, and nothing is written. (Another
// agency's admin creates subordinate units only:
// TestOutsider11AdminCreatesSubunits.)
func TestAgencyKinds2AdminAndAPI(t *testing.T) {
	a := newApp(t)
	s := a.login("admin")
	for _, tc := range []struct {
		name, kind string
		status     int
		msg        string
	}{
		{"district refused", "ubnd_huyen", 400, "không thể tạo mới"},
		{"unknown refused", "bo_nganh", 400, "Loại đơn vị"},
		{"commune", "ubnd_xa", 303, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := a.auditCount("agency.create")
			resp := a.do("POST", "/admin/agencies", &s, url.Values{"code": {"K" + strings.ToUpper(tc.kind[:2])}, "name": {"Đơn vị " + tc.name}, "parent": {"A"}, "kind": {tc.kind}})
			body := bodyOf(t, resp)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.msg) {
				t.Fatalf("status %d, want %d with %q:\n%s", resp.StatusCode, tc.status, tc.msg, body)
			}
			if created := a.auditCount("agency.create") - before; created != map[bool]int{true: 1, false: 0}[tc.status == 303] {
				t.Fatalf("%d agencies created", created)
			}
		})
	}
	page := bodyOf(t, a.do("GET", "/admin/agencies/KUB", &s, nil))
	if !strings.Contains(page, `<dd id="agency-kind-name">UBND xã, phường, đặc khu</dd>`) || strings.Contains(page, `value="ubnd_huyen"`) {
		t.Fatalf("agency page does not show the kind, or offers a district kind:\n%s", page)
	}
	list := bodyOf(t, a.do("GET", "/admin/agencies", &s, nil))
	if !strings.Contains(list, "<td>UBND xã, phường, đặc khu</td>") {
		t.Fatal("agency list does not show the kind")
	}
	// Edit: a commune becomes a subordinate unit; it cannot become a district.
	if resp := a.do("POST", "/admin/agencies/KUB", &s, url.Values{"name": {"Đơn vị K"}, "parent": {"A"}, "kind": {"truc_thuoc"}}); resp.StatusCode != 303 {
		t.Fatalf("edit: status %d", resp.StatusCode)
	}
	if resp := a.do("POST", "/admin/agencies/KUB", &s, url.Values{"name": {"Đơn vị K"}, "parent": {"A"}, "kind": {"ubnd_huyen"}}); resp.StatusCode != 400 {
		t.Fatalf("edit to a district kind: status %d", resp.StatusCode)
	}
	// An agency that was a district keeps its kind, and its page offers it.
	raw := rawOf(t, a)
	if _, err := raw.Exec(`UPDATE agencies SET kind = 'ubnd_huyen' WHERE code = 'B'`); err != nil {
		t.Fatal(err)
	}
	sys := s
	if page := bodyOf(t, a.do("GET", "/admin/agencies/B", &sys, nil)); !strings.Contains(page, `value="ubnd_huyen" selected`) {
		t.Fatal("a district's page does not keep its kind selected")
	}
	if resp := a.do("POST", "/admin/agencies/B", &sys, url.Values{"name": {"UBND huyện B"}, "kind": {"ubnd_huyen"}}); resp.StatusCode != 303 {
		t.Fatalf("renaming a district: status %d", resp.StatusCode)
	}
	// The API takes and gives "kind".
	tok := a.token("admin")
	resp := a.api("POST", "/api/v1/agencies", tok, `{"code":"KAPI","name":"UBND phường K","parent":"A","kind":"ubnd_xa"}`)
	var got qms.Agency
	decode(t, resp, &got)
	if resp.StatusCode != 201 || got.Kind != qms.AgencyKindCommune {
		t.Fatalf("API create: status %d, kind %q", resp.StatusCode, got.Kind)
	}
	if body := bodyOf(t, a.api("GET", "/api/v1/agencies/KAPI", tok, "")); !strings.Contains(body, `"kind":"ubnd_xa"`) {
		t.Fatalf("API show: %s", body)
	}
	if resp := a.api("POST", "/api/v1/agencies", tok, `{"code":"KAPI2","name":"UBND huyện K","parent":"A","kind":"ubnd_huyen"}`); resp.StatusCode != 400 || !strings.Contains(bodyOf(t, resp), "không thể tạo mới") {
		t.Fatalf("API create with a district kind: status %d", resp.StatusCode)
	}
}

// TestAgencyKinds2PredecessorFigures: once A merged into B, B's public
// page and on-time report show A's figures under B's with the note
// "gồm số liệu của Sở A đã sáp nhập ngày …", and the totals include them.
func TestAgencyKinds2PredecessorFigures(t *testing.T) {
	a := newApp(t)
	now := a.clock.Now()
	day := 24 * time.Hour
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	done := func(code string, late bool) sqlite.DossierImport {
		at := now.Add(-2 * day)
		if late {
			at = now.Add(-day / 2)
		}
		return sqlite.DossierImport{Code: code, TTHCCode: "1.000001", ReceivedAt: now.Add(-10 * day).Truncate(time.Hour), DueAt: now.Add(-day), CompletedAt: &at, Status: qms.DossierCompleted}
	}
	if _, err := a.db.ImportDossiers(sys, "A", []sqlite.DossierImport{done("A-1", false), done("A-2", true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.ImportDossiers(sys, "B", []sqlite.DossierImport{done("B-1", false)}); err != nil {
		t.Fatal(err)
	}
	// Dates of the current quarter that cover the dossiers.
	from, to := now.Add(-20*day).In(qms.Zone).Format("02/01/2006"), now.In(qms.Zone).Format("02/01/2006")
	report := "/reports/ontime?" + url.Values{"from": {from}, "to": {to}}.Encode()
	s := a.login("b-leader")
	if strings.Contains(bodyOf(t, a.do("GET", report, &s, nil)), "merged-note") {
		t.Fatal("note before any merger")
	}
	if _, err := a.db.MergeAgencies(sys, qms.MergePlan{Into: "B", From: []string{"A"}}, false); err != nil {
		t.Fatal(err)
	}
	note := "Gồm số liệu của Sở A đã sáp nhập ngày " + now.In(qms.Zone).Format("02/01/2006")
	page := bodyOf(t, a.do("GET", report, &s, nil))
	for _, want := range []string{note, `<td>Sở A (đã sáp nhập)</td><td>2</td>`, `<tr class="total"><td>Tổng cộng, gồm đơn vị đã sáp nhập</td><td>3</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	x := a.do("GET", "/reports/ontime.xlsx?"+url.Values{"from": {from}, "to": {to}}.Encode(), &s, nil)
	f, err := excelize.OpenReader(x.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Báo cáo")
	var cells []string
	for _, r := range rows {
		cells = append(cells, strings.Join(r, "|"))
	}
	sheet := strings.Join(cells, "\n")
	if !strings.Contains(sheet, note) || !strings.Contains(sheet, "Tổng cộng, gồm đơn vị đã sáp nhập|3|") {
		t.Errorf("spreadsheet lacks the predecessor:\n%s", sheet)
	}
	var out struct {
		Total        qms.OnTimeReport
		Predecessors []struct {
			Agency qms.Agency
			Report qms.OnTimeReport
		}
		WithPredecessors qms.OnTimeReport `json:"total_with_predecessors"`
	}
	decode(t, a.api("GET", "/api/v1/reports/ontime?"+url.Values{"from": {from}, "to": {to}}.Encode(), a.token("b-leader"), ""), &out)
	if out.Total.Completed != 1 || len(out.Predecessors) != 1 || out.Predecessors[0].Agency.Code != "A" || out.Predecessors[0].Report.Completed != 2 || out.WithPredecessors.Completed != 3 {
		t.Fatalf("API report %+v", out)
	}
	pub := bodyOf(t, a.do("GET", "/public/B", nil, nil))
	if !strings.Contains(pub, note) || !strings.Contains(pub, `<span class="num">3</span>`) {
		t.Fatalf("public page lacks the predecessor's figures:\n%s", pub)
	}
	// The predecessor's own page still shows its own figures only.
	if strings.Contains(bodyOf(t, a.do("GET", "/public/A", nil, nil)), "merged-note") {
		t.Fatal("the predecessor's page shows a note")
	}
}

// rawOf opens a's database without the store, to set up a row the
// store would refuse (an agency of a former kind).
func rawOf(t *testing.T, a *app) *sql.DB {
	t.Helper()
	return web.OpenRawUnderTest(t, a.path)
}
