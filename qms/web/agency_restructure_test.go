package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"isodt/qms"
)

// formOnCheckIn makes form BM-QT01-01 (schema) effective in agency and
// issues version 2 of its QT-01 whose check step records on it.
func (a *app) formOnCheckIn(agency, schema string) {
	a.t.Helper()
	as := func(role string) context.Context {
		u := a.users[strings.ToLower(agency)+"-"+role]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
	}
	f := &qms.Form{AgencyCode: agency, Code: "BM-QT01-01", Title: "Phiếu thẩm định " + agency}
	if err := a.db.CreateForm(as("quality-officer"), f, json.RawMessage(schema)); err != nil {
		a.t.Fatal(err)
	}
	a.db.TransitionFormVersion(as("quality-officer"), f.ID, 1, qms.ActionSubmit, "")
	if _, err := a.db.TransitionFormVersion(as("leader"), f.ID, 1, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
	ps, _ := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{AgencyCode: &agency})
	v, err := a.db.CreateVersion(as("quality-officer"), ps[0].ID)
	if err != nil {
		a.t.Fatal(err)
	}
	v.Flowchart.Steps[1].Forms = []string{"BM-QT01-01"}
	a.db.UpdateVersion(as("quality-officer"), v)
	a.db.TransitionVersion(as("quality-officer"), ps[0].ID, v.Number, qms.ActionSubmit, "")
	if _, err := a.db.TransitionVersion(as("leader"), ps[0].ID, v.Number, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
}

// B's check form asks its own field, so a page offering A's form of the
// same code shows.
const checkFormSchemaB = `{"fields":[{"name":"y_kien_b","label":"Ý kiến thẩm định","type":"text","required":true}]}`

// TestAgencyMerge1AdminPages: the merge pages are the system admin's: an
// agency's admin sees the merged agencies but no form, and is refused the
// preview and the run (by the policy, and by the store); the system
// admin previews (nothing written, the report shown) and merges (audit
// entries, agencies marked "đã sáp nhập vào" on the list and show pages).
// Then B's open dossier, whose procedure and form were renamed in the
// successor, shows and accepts B's own form on its completion page.
func TestAgencyMerge1AdminPages(t *testing.T) {
	a := newApp(t)
	for _, ag := range []string{"A", "B"} {
		a.effectiveProcedureOf(ag)
	}
	a.formOnCheckIn("A", checkFormSchema)
	a.formOnCheckIn("B", checkFormSchemaB)
	staffB := a.login("b-staff")
	resp := a.do("POST", "/dossiers", &staffB, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Trần Thị Bình"}, "channel": {"counter"}})
	dossier := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	if resp.StatusCode != 303 || !strings.HasPrefix(dossier, "/dossiers/B-") {
		t.Fatalf("receive in B: %d %s", resp.StatusCode, dossier)
	}
	// A second dossier of B whose check step is recorded before the merge.
	resp = a.do("POST", "/dossiers", &staffB, url.Values{"tthc_code": {"1.000001"}, "applicant_name": {"Lý Văn Giang"}, "channel": {"counter"}})
	recorded := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=received")
	if resp := a.do("POST", recorded+"/steps", &staffB, url.Values{"step_id": {"check"}, "form_version": {"1"}, "y_kien_b": {"Hồ sơ hợp lệ"}}); resp.StatusCode != 303 {
		t.Fatalf("step before the merge: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	// a.do adds the session's CSRF token to the values: a fresh copy each time.
	plan := func() url.Values {
		return url.Values{"from": {"A", "B"}, "into": {""}, "new_code": {"AB"}, "name": {"Sở AB"}}
	}

	adminA, sys, leaderA := a.login("a-admin"), a.login("admin"), a.login("a-leader")
	body := bodyOf(t, a.do("GET", "/admin/agency-merge", &adminA, nil))
	if strings.Contains(body, `id="merge-form"`) || !strings.Contains(body, `id="restructure-sys-only"`) {
		t.Fatal("an agency's admin is offered the merge form")
	}
	for _, path := range []string{"/admin/agency-merge/preview", "/admin/agency-merge", "/admin/agency-split/preview", "/admin/agency-split"} {
		p := plan()
		if strings.Contains(path, "split") {
			p.Set("from", "A") // a split has one agency split (a field sent twice is refused first)
		}
		if code := a.do("POST", path, &adminA, p).StatusCode; code != 403 {
			t.Errorf("POST %s by A's admin: %d, want 403", path, code)
		}
	}

	// Preview: the report, nothing written.
	body = bodyOf(t, a.do("GET", "/admin/agencies", &sys, nil))
	if !strings.Contains(body, `href="/admin/agency-merge"`) {
		t.Fatal("the agency list offers the system admin no merge")
	}
	resp = a.do("POST", "/admin/agency-merge/preview", &sys, plan())
	body = bodyOf(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="merge-report"`) || !strings.Contains(body, `<tr data-table="dossiers"><td>Hồ sơ</td><td>2</td>`) ||
		!strings.Contains(body, `id="merge-run"`) || !strings.Contains(body, "QT-01-B") {
		t.Fatalf("preview: %d\n%s", resp.StatusCode, body)
	}
	if n := a.auditCount("agency.merge.into"); n != 0 {
		t.Fatalf("the preview wrote %d merge entries", n)
	}
	if _, err := a.db.FindAgencyByCode(context.Background(), "AB"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("the preview created the successor: %v", err)
	}
	// A refused plan shows its message on the page.
	resp = a.do("POST", "/admin/agency-merge/preview", &sys, url.Values{"from": {"A"}, "into": {""}, "new_code": {"AB"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `id="restructure-error"`) || !strings.Contains(body, "cần tên") {
		t.Fatalf("plan without a name: %d", resp.StatusCode)
	}

	resp = a.do("POST", "/admin/agency-merge", &sys, plan())
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/agencies/AB?msg=merged" {
		t.Fatalf("merge: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), bodyOf(t, resp))
	}
	if a.auditCount("agency.merge.into") != 1 || a.auditCount("agency.merge.from") != 2 {
		t.Fatal("merge audit entries")
	}
	body = bodyOf(t, a.do("GET", "/admin/agencies", &sys, nil))
	if !strings.Contains(body, `data-merged-into="AB">Đã sáp nhập vào AB`) {
		t.Fatal("the agency list does not mark A merged into AB")
	}
	body = bodyOf(t, a.do("GET", "/admin/agencies/B", &sys, nil))
	if !strings.Contains(body, `id="agency-status">Đã sáp nhập vào <a href="/admin/agencies/AB">AB</a>`) || strings.Contains(body, `id="agency-name"`) {
		t.Fatal("B's page: not marked merged, or still editable")
	}
	if body := bodyOf(t, a.do("GET", "/admin/agency-merge", &sys, nil)); !strings.Contains(body, `<a href="/admin/agencies/B">B</a>`) {
		t.Fatal("the merge page does not list B as merged")
	}

	// The predecessors' reports stay readable under the successor, and
	// only there.
	if body := bodyOf(t, a.do("GET", "/reports/ontime?agency=A", &leaderA, nil)); !strings.Contains(body, `id="report-of-agency"`) || !strings.Contains(body, `<option value="B" >B`) {
		t.Fatal("the successor's report does not offer its predecessors'")
	}
	if code := a.do("GET", "/reports/ontime?agency=A", &sys, nil).StatusCode; code != 400 {
		t.Fatalf("SYS reads A's report as its predecessor: %d", code)
	}

	// B's dossier moved with its session's user: its check step offers
	// B's form (renamed BM-QT01-01-B), not A's of the same code.
	body = bodyOf(t, a.do("GET", dossier, &staffB, nil))
	if !strings.Contains(body, `name="y_kien_b"`) || strings.Contains(body, `name="ket_luan"`) {
		t.Fatalf("the completion page offers the wrong form:\n%s", body)
	}
	// The record made before the merge reads with B's form, as made.
	body = bodyOf(t, a.do("GET", recorded, &staffB, nil))
	if !strings.Contains(body, "BM-QT01-01-B – Phiếu thẩm định B") || !strings.Contains(body, "Ý kiến thẩm định") || !strings.Contains(body, "Hồ sơ hợp lệ") {
		t.Fatalf("the record made before the merge reads with the wrong form:\n%s", body)
	}
	resp = a.do("POST", dossier+"/steps", &staffB, url.Values{"step_id": {"check"}, "form_version": {"1"}, "y_kien_b": {"Đủ điều kiện"}})
	if resp.StatusCode != 303 {
		t.Fatalf("step on the moved dossier: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	d, err := a.db.FindDossier(context.Background(), "AB", strings.TrimPrefix(dossier, "/dossiers/"))
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := a.db.StepRecords(context.Background(), d.ID)
	if last := steps[len(steps)-1]; last.FormCode != "BM-QT01-01-B" || last.Entry["y_kien_b"] != "Đủ điều kiện" {
		t.Fatalf("record: %+v", last)
	}
}

// TestAgencySplit1AdminPage: the system admin chooses A, ticks its TTHC
// and procedure, previews the split into a new agency (nothing written)
// and runs it: the procedure and the open dossier move, A stays active.
func TestAgencySplit1AdminPage(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("Nguyễn Văn An")
	sys, adminA := a.login("admin"), a.login("a-admin")
	if body := bodyOf(t, a.do("GET", "/admin/agency-split?from=A", &adminA, nil)); strings.Contains(body, `id="split-form"`) {
		t.Fatal("an agency's admin is offered the split form")
	}
	body := bodyOf(t, a.do("GET", "/admin/agency-split?from=A", &sys, nil))
	if !strings.Contains(body, `name="tthc" value="1.000001"`) || !strings.Contains(body, `name="procedures" value="QT-01"`) {
		t.Fatal("the split form does not offer A's TTHC and procedures")
	}
	plan := func() url.Values {
		return url.Values{"from": {"A"}, "tthc": {"1.000001"}, "procedures": {"QT-01"}, "into": {""}, "new_code": {"AVH"}, "name": {"Phòng Văn hóa"}}
	}
	resp := a.do("POST", "/admin/agency-split/preview", &sys, plan())
	body = bodyOf(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="split-report"`) || !strings.Contains(body, `<tr data-table="dossiers"><td>Hồ sơ</td><td>1</td>`) ||
		!strings.Contains(body, d.Code) || !strings.Contains(body, `id="split-run"`) {
		t.Fatalf("preview: %d\n%s", resp.StatusCode, body)
	}
	if n := a.auditCount("agency.split.into"); n != 0 {
		t.Fatalf("the preview wrote %d split entries", n)
	}
	// A procedure without its TTHC is refused with the field named.
	resp = a.do("POST", "/admin/agency-split/preview", &sys, url.Values{"from": {"A"}, "procedures": {"QT-01"}, "into": {""}, "new_code": {"AVH"}, "name": {"Phòng Văn hóa"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, "chọn chuyển cả thủ tục này") {
		t.Fatalf("procedure without its TTHC: %d", resp.StatusCode)
	}
	resp = a.do("POST", "/admin/agency-split", &sys, plan())
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/agencies/AVH?msg=split" {
		t.Fatalf("split: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	if a.auditCount("agency.split.into") != 1 || a.auditCount("agency.split.from") != 1 {
		t.Fatal("split audit entries")
	}
	got, err := a.db.FindDossier(context.Background(), "AVH", d.Code)
	if err != nil || !got.DueAt.Equal(d.DueAt) {
		t.Fatalf("the open dossier in AVH: %+v %v", got, err)
	}
	if ag, _ := a.db.FindAgencyByCode(context.Background(), "A"); ag.IsMerged() {
		t.Fatal("A was marked merged")
	}
	// The citizen's lookup on A's public page follows the dossier.
	if pub := bodyOf(t, a.do("GET", "/public/A?code="+d.Code, nil, nil)); !strings.Contains(pub, `id="lookup-result"`) {
		t.Fatal("A's public page no longer finds the moved dossier")
	}
}

// TestAgencyMerge1API: the API merges and splits for the system admin
// only; dry_run answers the report without writing.
func TestAgencyMerge1API(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	sys, adminA := a.token("admin"), a.token("a-admin")
	merge := `{"into":"AB","name":"Sở AB","from":["A","B"],"dry_run":true}`
	split := `{"from":"A","into":"AVH","name":"Phòng Văn hóa","tthc":["1.000001"],"procedures":["QT-01"],"dry_run":true}`
	for _, path := range []string{"/api/v1/agencies/merge", "/api/v1/agencies/split"} {
		if code := a.api("POST", path, adminA, merge).StatusCode; code != 403 {
			t.Errorf("%s by A's admin: %d, want 403", path, code)
		}
	}
	var rep qms.MergeReport
	decode(t, a.api("POST", "/api/v1/agencies/merge", sys, merge), &rep)
	if !rep.DryRun || !rep.Created || rep.Count("memberships").Moved != 10 {
		t.Fatalf("merge preview: %+v", rep)
	}
	var srep qms.SplitReport
	decode(t, a.api("POST", "/api/v1/agencies/split", sys, split), &srep)
	if !srep.DryRun || srep.Count("procedures").Moved != 1 {
		t.Fatalf("split preview: %+v", srep)
	}
	if _, err := a.db.FindAgencyByCode(context.Background(), "AB"); qms.ErrorCode(err) != qms.ENOTFOUND {
		t.Fatalf("a preview wrote: %v", err)
	}
	resp := a.api("POST", "/api/v1/agencies/split", sys, strings.Replace(split, `"dry_run":true`, `"dry_run":false`, 1))
	decode(t, resp, &srep)
	if resp.StatusCode != 200 || srep.DryRun || a.auditCount("agency.split.into") != 1 {
		t.Fatalf("split: %d %+v", resp.StatusCode, srep)
	}
}
