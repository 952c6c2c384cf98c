package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/qmstest"
)

// TestApprovedProcedureScopeNeedsApprover: once a version is in force, a
// procedure's title, owner unit and TTHCs are part of what the leader
// approved: the quality officer may not change them (API or form), only
// its review interval, until the leader withdraws the version. A
// procedure with drafts only is the quality officer's to shape.
func TestApprovedProcedureScopeNeedsApprover(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	ps, err := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) != 1 {
		t.Fatalf("procedures: %v %v", ps, err)
	}
	path := "/api/v1/procedures/" + strconv.FormatInt(ps[0].ID, 10)
	qo, leader := a.token("a-quality-officer"), a.token("a-leader")
	body := func(title, tthc string, months int) string {
		return `{"title":"` + title + `","owner_unit":"","tthc_codes":["` + tthc + `"],"review_interval_months":` + strconv.Itoa(months) + `}`
	}
	for _, c := range []struct {
		name, token, body string
		want              int
	}{
		{"the officer renames it", qo, body("Tên khác", "1.000001", 12), 403},
		{"the officer adds no TTHC but drops one", qo, `{"title":"Cấp phép","tthc_codes":[],"review_interval_months":12}`, 403},
		{"the officer plans its review", qo, body("Cấp phép", "1.000001", 24), 200},
		{"the review interval alone", qo, `{"review_interval_months":18}`, 200},
		{"the review interval alone, others null", qo, `{"title":null,"tthc_codes":null,"review_interval_months":24}`, 200},
	} {
		resp := a.api("PUT", path, c.token, c.body)
		if resp.StatusCode != c.want {
			t.Fatalf("%s: %d, want %d: %s", c.name, resp.StatusCode, c.want, bodyOf(t, resp))
		}
		resp.Body.Close()
	}
	// The code is not renamed in silence; a body that changes nothing
	// writes no audit entry.
	checkAPI(t, "another code", a.api("PUT", path, qo, `{"code":"QT-99"}`), 400, "code", nil)
	checkAPI(t, "a review interval of 0", a.api("PUT", path, qo, `{"review_interval_months":0}`), 400, "review_interval_months", nil)
	updates := func() int {
		action := "procedure.update"
		_, n, err := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Action: &action})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n := updates()
	checkAPI(t, "nothing to change", a.api("PUT", path, qo, `{"code":"qt-01","title":"Cấp phép"}`), 200, "", nil)
	if updates() != n {
		t.Fatal("a PUT that changed nothing was audited as a change")
	}
	if p, _ := a.db.FindProcedure(context.Background(), "A", ps[0].ID); p.Title != "Cấp phép" || p.ReviewMonths != 24 || len(p.TTHCCodes) != 1 {
		t.Fatalf("stored %q every %d months, TTHCs %v", p.Title, p.ReviewMonths, p.TTHCCodes)
	}
	// The page shows the scope as it stands, not editable, and says why.
	s0 := a.login("a-quality-officer")
	resp0 := a.do("GET", "/procedures/"+strconv.FormatInt(ps[0].ID, 10), &s0, nil)
	page := parsePage(t, bodyOf(t, resp0))
	if !strings.Contains(page.text("scope-locked"), "Lần ban hành 01") {
		t.Fatalf("the page does not say the scope is locked: %q", page.text("scope-locked"))
	}
	// The form says the same to the officer, on the procedure's page.
	s := a.login("a-quality-officer")
	resp := a.do("POST", "/procedures/"+strconv.FormatInt(ps[0].ID, 10), &s, url.Values{"title": {"Tên khác"}, "tthc_codes": {"1.000001"}, "review_interval_months": {"24"}})
	if resp.StatusCode != 403 {
		t.Fatalf("the officer's form: %d", resp.StatusCode)
	}
	resp.Body.Close()

	// Withdrawn by the leader, it can be renamed, and submitted again.
	checkAPI(t, "withdraw", a.api("POST", path+"/versions/1/withdraw", leader, `{"reason":"Đổi tên theo quyết định mới"}`), 200, "", nil)
	checkAPI(t, "renamed once withdrawn", a.api("PUT", path, qo, body("Cấp phép biểu diễn", "1.000001", 24)), 200, "", nil)

	// Drafts only: the officer shapes it.
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	draft := &qms.Procedure{AgencyCode: "A", Code: "QT-02", Title: "Dự thảo"}
	if err := a.db.CreateProcedure(officer, draft); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.CreateVersion(officer, draft.ID); err != nil {
		t.Fatal(err)
	}
	checkAPI(t, "a draft's procedure renamed", a.api("PUT", "/api/v1/procedures/"+strconv.FormatInt(draft.ID, 10), qo, body("Dự thảo mới", "1.000001", 12)), 200, "", nil)
}

// TestSignedIssueKeepsItsSubject: what a version's approval covers (the
// procedure's title, owner unit and TTHCs) is kept in the version when it
// is submitted and signed with it. Renamed after the leader withdrew it,
// the procedure's old issue still prints, and its dossiers' slips still
// read, as it was approved; a new issue covers the new name. A TTHC is
// governed by one procedure at a time: another procedure cannot take it
// on (form and API) nor submit or approve a version with it while a
// version governing it is submitted or in force.
func TestSignedIssueKeepsItsSubject(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedureOf("A")
	ctx := context.Background()
	ps, err := a.db.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: ptr("A")})
	if err != nil || len(ps) != 1 {
		t.Fatalf("procedures: %v %v", ps, err)
	}
	id := strconv.FormatInt(ps[0].ID, 10)
	path := "/api/v1/procedures/" + id
	qo, leader, staff := a.token("a-quality-officer"), a.token("a-leader"), a.token("a-staff")
	var got struct {
		Code string `json:"code"`
	}
	checkAPI(t, "receipt on issue 01", a.receiveAPI(staff, ""), 201, "", &got)

	var shown struct {
		Version qms.ProcedureVersion `json:"version"`
	}
	checkAPI(t, "issue 01", a.api("GET", path+"/versions/1", qo, ""), 200, "", &shown)
	if s := shown.Version.Subject; s == nil || s.Title != "Cấp phép" || len(s.TTHCCodes) != 1 || s.TTHCCodes[0] != "1.000001" {
		t.Fatalf("issue 01 keeps no subject: %+v", s)
	}

	sl := a.login("a-leader")
	if stops := parsePage(t, bodyOf(t, a.do("GET", "/procedures/"+id+"/versions/1", &sl, nil))).text("withdraw-stops"); !strings.Contains(stops, "1.000001") {
		t.Fatalf("the leader is not told which receipts a withdrawal stops: %q", stops)
	}
	checkAPI(t, "withdraw", a.api("POST", path+"/versions/1/withdraw", leader, `{"reason":"Đổi tên theo quyết định mới"}`), 200, "", nil)
	checkAPI(t, "rename", a.api("PUT", path, qo, `{"title":"Tên mới của quy trình","owner_unit":"Phòng Văn hóa","tthc_codes":["1.000001"],"review_interval_months":12}`), 200, "", nil)

	s := a.login("a-quality-officer")
	for _, c := range []struct{ name, target, id string }{
		{"issue 01's print", "/procedures/" + id + "/versions/1/print", ""},
		{"issue 01's page", "/procedures/" + id + "/versions/1", ""},
		{"issue 01's BPMN", "/procedures/" + id + "/versions/1/flowchart.bpmn", ""},
		{"the dossier's control slip", "/dossiers/" + got.Code + "/control-slip", "slip-internal-procedure"},
		{"the dossier's page", "/dossiers/" + got.Code, "dossier-tthc"},
	} {
		resp := a.do("GET", c.target, &s, nil)
		body := bodyOf(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", c.name, resp.StatusCode)
		}
		text := body
		if c.id != "" {
			text = parsePage(t, body).text(c.id)
		}
		if !strings.Contains(text, "Cấp phép") || strings.Contains(text, "Tên mới") {
			t.Fatalf("%s does not show the approved title: %q", c.name, text)
		}
	}

	// Issue 02 covers the new name once approved.
	checkAPI(t, "issue 02", a.api("POST", path+"/versions", qo, ""), 201, "", nil)
	checkAPI(t, "submit 02", a.api("POST", path+"/versions/2/submit", qo, `{"password":"`+signPassword+`"}`), 200, "", nil)
	checkAPI(t, "issue 02 submitted", a.api("GET", path+"/versions/2", qo, ""), 200, "", &shown)
	if s := shown.Version.Subject; s == nil || s.Title != "Tên mới của quy trình" || s.OwnerUnit != "Phòng Văn hóa" {
		t.Fatalf("issue 02's subject: %+v", s)
	}
	for _, target := range []string{"/procedures/" + id + "/versions/2", "/procedures/" + id + "/versions/2/print"} {
		body := bodyOf(t, a.do("GET", target, &s, nil))
		page := parsePage(t, body)
		if shown := page.text("version-owner-unit") + page.text("print-subject"); !strings.Contains(shown, "Phòng Văn hóa") {
			t.Fatalf("%s does not show the owner unit the leader signs: %q", target, shown)
		}
	}
	// Returned to draft, it drops the subject with the lock.
	checkAPI(t, "return 02", a.api("POST", path+"/versions/2/reject", leader, `{"reason":"Sửa lại"}`), 200, "", nil)
	shown.Version = qms.ProcedureVersion{}
	checkAPI(t, "issue 02 returned", a.api("GET", path+"/versions/2", qo, ""), 200, "", &shown)
	if shown.Version.Subject != nil {
		t.Fatalf("a returned draft keeps a subject: %+v", shown.Version.Subject)
	}
	checkAPI(t, "submit 02 again", a.api("POST", path+"/versions/2/submit", qo, `{"password":"`+signPassword+`"}`), 200, "", nil)

	checkAPI(t, "approve 02", a.api("POST", path+"/versions/2/approve", leader, `{"password":"`+signPassword+`"}`), 200, "", nil)
	// The print names the approver as they signed, not as renamed since.
	signedAs := a.users["a-leader"].FullName
	renamedAs := "Tên mới của lãnh đạo"
	if _, err := a.db.UpdateUser(qms.WithActor(ctx, qms.SystemActor("test")), a.users["a-leader"].ID, qms.UserUpdate{FullName: &renamedAs}); err != nil {
		t.Fatal(err)
	}
	if signoff := parsePage(t, bodyOf(t, a.do("GET", "/procedures/"+id+"/versions/2/print", &s, nil))).text("signoff"); !strings.Contains(signoff, signedAs) || strings.Contains(signoff, renamedAs) {
		t.Fatalf("the print's approver is not as signed (%q): %q", signedAs, signoff)
	}

	// QT-02 may propose to govern 1.000001: its draft says it would take
	// it over, and the leader's approval moves it, audited.
	var qt2 struct {
		ID int64 `json:"id"`
	}
	checkAPI(t, "QT-02 with the TTHC", a.api("POST", "/api/v1/procedures", qo, `{"code":"QT-02","title":"Quy trình khác","tthc_codes":["1.000001"]}`), 201, "", &qt2)
	path2 := "/api/v1/procedures/" + strconv.FormatInt(qt2.ID, 10)
	officer := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	v, err := a.db.CreateVersion(officer, qt2.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Flowchart = qmstest.DecisionChart()
	if err := a.db.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	checkAPI(t, "submit QT-02's 01", a.api("POST", path2+"/versions/1/submit", qo, `{"password":"`+signPassword+`"}`), 200, "", nil)
	resp := a.do("GET", "/procedures/"+strconv.FormatInt(qt2.ID, 10)+"/versions/1", &sl, nil)
	if moves := parsePage(t, bodyOf(t, resp)).text("tthc-moves"); !strings.Contains(moves, "1.000001") || !strings.Contains(moves, "QT-01") {
		t.Fatalf("the leader is not told what the approval moves: %q", moves)
	}
	checkAPI(t, "approve QT-02's 01", a.api("POST", path2+"/versions/1/approve", leader, `{"password":"`+signPassword+`"}`), 200, "", nil)
	if p, _ := a.db.FindProcedure(ctx, "A", ps[0].ID); len(p.TTHCCodes) != 0 {
		t.Fatalf("QT-01 still governs %v", p.TTHCCodes)
	}
	if v2, _ := a.db.FindVersion(ctx, ps[0].ID, 2); v2.Subject == nil || len(v2.Subject.TTHCCodes) != 1 {
		t.Fatalf("QT-01's issue 02 lost what it was approved for: %+v", v2.Subject)
	}
	moved := "procedure.tthc_moved"
	es, _, err := a.db.FindAuditEntries(ctx, qms.AuditFilter{Action: &moved})
	if err != nil || len(es) != 1 || es[0].ObjectID != strconv.FormatInt(ps[0].ID, 10) || !strings.Contains(es[0].Reason, "QT-02") {
		t.Fatalf("the move is not audited under QT-01: %+v, %v", es, err)
	}
	var d struct {
		ProcedureID int64 `json:"procedure_id"`
	}
	checkAPI(t, "receipt after the move", a.receiveAPI(staff, ""), 201, "", &d)
	if d.ProcedureID != qt2.ID {
		t.Fatalf("received on procedure %d, want QT-02 (%d)", d.ProcedureID, qt2.ID)
	}

	qt2Page := "/procedures/" + strconv.FormatInt(qt2.ID, 10) + "/versions/1"
	if stops := parsePage(t, bodyOf(t, a.do("GET", qt2Page, &sl, nil))).text("withdraw-stops"); !strings.Contains(stops, "1.000001") {
		t.Fatalf("QT-02 alone serves 1.000001, yet: %q", stops)
	}
	// As a merger leaves it, QT-01 names the TTHC again: withdrawing
	// either issue leaves the other to receive it, so neither page says
	// its receipts stop.
	if _, err := rawOf(t, a).Exec(`INSERT INTO procedure_tthc (procedure_id, tthc_code) VALUES (` + id + `, '1.000001')`); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/procedures/" + id + "/versions/2", qt2Page} {
		if stops := parsePage(t, bodyOf(t, a.do("GET", target, &sl, nil))).text("withdraw-stops"); stops != "" {
			t.Errorf("%s says receipts stop, another procedure in force serves them: %q", target, stops)
		}
	}
}
