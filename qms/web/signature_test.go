package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

// signPassword is the password of every test user (newAppNamed), which
// the actions that sign ask for again.
const signPassword = "ngua-o-123"

// signing adds the password to a form that signs.
func signing(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("password", signPassword)
	return out
}

// signedAt is a signature's time as the prints write it.
var signedAt = regexp.MustCompile(`class="signed-at">\d{2}/\d{2}/\d{4} \d{2}:\d{2}`)

// setTitle gives the user a title (chức vụ) through the admin page, the
// system admin's for an account that signs (qms.CheckSignerAccount).
func (a *app) setTitle(username, title string) {
	a.t.Helper()
	admin := a.login("admin")
	u := a.users[username]
	if resp := a.do("POST", "/admin/users/"+itoa(u.ID), &admin, url.Values{"full_name": {u.FullName}, "title": {title}, "email": {""}}); resp.StatusCode != 303 {
		a.t.Fatalf("set the title of %s: %d %s", username, resp.StatusCode, bodyOf(a.t, resp))
	}
	if got, _ := a.db.FindUserByID(context.Background(), u.ID); got.Title != title {
		a.t.Fatalf("title of %s: %q", username, got.Title)
	}
}

// TestSignature7VersionSignedWithPassword: submitting and approving a
// procedure or form version ask for the password again, in the page and
// in the API; a missing or wrong password changes nothing; the right one
// records the signatures (soạn thảo, phê duyệt) with the signer's full
// name and title, and the printed procedure shows them.
func TestSignature7VersionSignedWithPassword(t *testing.T) {
	for _, doc := range []string{"procedure", "form"} {
		t.Run(doc, func(t *testing.T) {
			a := newApp(t)
			a.setTitle("a-leader", "Giám đốc Sở")
			officer, leader := a.login("a-quality-officer"), a.login("a-leader")
			var path string
			if doc == "procedure" {
				path = a.createProcedure(&officer)
			} else {
				path = a.createForm(&officer)
			}
			for _, c := range []struct {
				name, password, want string
			}{
				{"no password", "", "Nhập lại mật khẩu để ký:"},
				{"wrong password", "sai-mat-khau", "Mật khẩu không đúng"},
			} {
				resp := a.do("POST", path+"/submit", &officer, url.Values{"password": {c.password}})
				if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, c.want) {
					t.Fatalf("submit, %s: %d, want 400 saying %q", c.name, resp.StatusCode, c.want)
				}
				if st := a.versionStatus(doc, path); st != qms.StatusDraft {
					t.Fatalf("submit, %s: status %s", c.name, st)
				}
			}
			if code := a.do("POST", path+"/submit", &officer, signing(nil)).StatusCode; code != 303 {
				t.Fatalf("submit: %d", code)
			}
			if page := bodyOf(t, a.do("GET", path, &leader, nil)); !strings.Contains(page, `id="approve-password"`) {
				t.Fatal("the approval form does not ask for the password")
			}
			if doc == "procedure" {
				// The API takes the password in the JSON body.
				api := "/api/v1" + path + "/approve"
				checkAPI(t, "API approval without the password", a.api("POST", api, a.token("a-leader"), `{}`), 400, "password", nil)
				resp := a.api("POST", api, a.token("a-leader"), `{"password":"`+signPassword+`"}`)
				checkAPI(t, "API approval", resp, 200, "", nil)
			} else {
				if code := a.do("POST", path+"/approve", &leader, url.Values{}).StatusCode; code != 400 {
					t.Fatalf("approval without the password: %d", code)
				}
				if code := a.do("POST", path+"/approve", &leader, signing(nil)).StatusCode; code != 303 {
					t.Fatalf("approval: %d", code)
				}
			}
			if st := a.versionStatus(doc, path); st != qms.StatusEffective {
				t.Fatalf("after approval: %s", st)
			}
			objectType, id := a.versionRowID(doc, path)
			sigs, err := a.db.FindSignatures(context.Background(), objectType, id)
			if err != nil || len(sigs) != 2 {
				t.Fatalf("signatures: %+v %v", sigs, err)
			}
			want := []struct {
				user, title string
				meaning     qms.Meaning
			}{{"a-quality-officer", "Cán bộ ISO", qms.MeaningDrafted}, {"a-leader", "Giám đốc Sở", qms.MeaningApproved}}
			for i, w := range want {
				s := sigs[i]
				if s.Username != w.user || s.UserID != a.users[w.user].ID || s.FullName != a.users[w.user].FullName || s.Title != w.title || s.Meaning != w.meaning || !s.Current {
					t.Errorf("signature %d: %+v, want %+v", i, s, w)
				}
			}
			if page := bodyOf(t, a.do("GET", path, &officer, nil)); !strings.Contains(page, `id="signature-block"`) || len(signedAt.FindAllString(page, -1)) != 2 {
				t.Error("the version's page does not show its signatures")
			}
			if n := a.auditCount("signature.sign"); n != 2 {
				t.Fatalf("%d signature audit entries, want 2", n)
			}
			if doc == "procedure" {
				print := bodyOf(t, a.do("GET", path+"/print", &officer, nil))
				for _, w := range []string{`id="signature-block"`, "Soạn thảo", "Phê duyệt", "Giám đốc Sở", "Cán bộ ISO", a.users["a-leader"].FullName} {
					if !strings.Contains(print, w) {
						t.Errorf("the print lacks %q", w)
					}
				}
				if len(signedAt.FindAllString(print, -1)) != 2 {
					t.Error("the print does not date both signatures dd/mm/yyyy HH:MM")
				}
			}
		})
	}
}

// versionRowID is the row id of version 1 at path, the object a
// signature names.
func (a *app) versionRowID(doc, path string) (string, int64) {
	a.t.Helper()
	id := mustID(a.t, strings.TrimSuffix(path, "/versions/1"))
	ctx := context.Background()
	if doc == "form" {
		v, err := a.db.FindFormVersion(ctx, id, 1)
		if err != nil {
			a.t.Fatal(err)
		}
		return qms.SignedFormVersion, v.ID
	}
	v, err := a.db.FindVersion(ctx, id, 1)
	if err != nil {
		a.t.Fatal(err)
	}
	return qms.SignedProcedureVersion, v.ID
}

// TestSignature7WrongPasswordCountsAgainstLogin: guessing the password
// of a signature counts against the login throttle: after
// MaxLoginFailures wrong signatures the account is locked at that
// address, for signing and for logging in alike.
func TestSignature7WrongPasswordCountsAgainstLogin(t *testing.T) {
	a := newApp(t)
	officer := a.login("a-quality-officer")
	path := a.createProcedure(&officer)
	for i := 1; i < qms.MaxLoginFailures; i++ {
		a.do("POST", path+"/submit", &officer, url.Values{"password": {"doan-sai"}})
	}
	// The lock is worded for a signature: both uses are locked, nothing signed.
	resp := a.do("POST", path+"/submit", &officer, url.Values{"password": {"doan-sai"}})
	if body := bodyOf(t, resp); resp.StatusCode != 429 || !strings.Contains(body, "khi ký") || !strings.Contains(body, "Chưa ký") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the locking signature: %d (Retry-After %q), want 429 with Retry-After saying signing is locked and nothing signed: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp := a.do("POST", path+"/submit", &officer, signing(nil)); resp.StatusCode != 429 {
		t.Fatalf("signing once locked: %d, want 429", resp.StatusCode)
	}
	if resp := a.api("POST", "/api/v1/auth/token", "", `{"username":"a-quality-officer","password":"`+signPassword+`"}`); resp.StatusCode != 429 {
		t.Fatalf("login once locked: %d, want 429", resp.StatusCode)
	}
	if st := a.versionStatus("procedure", path); st != qms.StatusDraft {
		t.Fatalf("status %s after refused signatures", st)
	}
}

// TestSignature7NCCloseAndAuditReport: closing a nonconformity (API) and
// issuing an audit report (page) sign with meaning "kiểm tra"; the
// signed NC takes no more changes and the printed report shows the
// signature.
func TestSignature7NCCloseAndAuditReport(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	officerCtx := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-quality-officer"].ID, Username: "a-quality-officer", AgencyCode: "A"})
	n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu phiếu kiểm soát"}
	if err := a.db.CreateNC(officerCtx, n); err != nil {
		t.Fatal(err)
	}
	got, err := a.db.UpdateNC(officerCtx, "A", n.ID, n.Description, "Bổ sung phiếu", "Chưa hướng dẫn")
	if err == nil {
		got, err = a.db.AddAction(officerCtx, "A", n.ID, qms.CorrectiveAction{Description: "Hướng dẫn", Owner: "a-staff", DueOn: qms.CivilDate(a.clock.Now()).AddDate(0, 0, 7)})
	}
	if err == nil {
		_, err = a.db.ChangeNC(officerCtx, "A", n.ID, "start", "")
	}
	if err == nil {
		// The owner records it done: the quality officer who verifies did not.
		staffCtx := qms.WithActor(ctx, qms.Actor{UserID: a.users["a-staff"].ID, Username: "a-staff", AgencyCode: "A"})
		_, err = a.db.CompleteAction(staffCtx, "A", n.ID, got.Actions[0].ID, "Đã hướng dẫn")
	}
	if err == nil {
		_, err = a.db.ChangeNC(officerCtx, "A", n.ID, "verify", qms.VerdictEffective)
	}
	if err != nil {
		t.Fatal(err)
	}
	status := "/api/v1/nonconformities/" + itoa(n.ID) + "/status"
	tok := a.token("a-quality-officer")
	checkAPI(t, "close without the password", a.api("POST", status, tok, `{"action":"close"}`), 400, "password", nil)
	checkAPI(t, "close with a wrong password", a.api("POST", status, tok, `{"action":"close","password":"sai"}`), 400, "password", nil)
	if n, _ := a.db.FindNC(ctx, "A", n.ID); n.Status != qms.NCInProgress {
		t.Fatalf("refused close changed the NC: %s", n.Status)
	}
	var closed qms.Nonconformity
	checkAPI(t, "close", a.api("POST", status, tok, `{"action":"close","password":"`+signPassword+`"}`), 200, "", &closed)
	sigs, _ := a.db.FindSignatures(ctx, qms.SignedNonconformity, n.ID)
	if closed.Status != qms.NCClosed || len(sigs) != 1 || sigs[0].Meaning != qms.MeaningReviewed || sigs[0].Username != "a-quality-officer" {
		t.Fatalf("closed NC %s, signatures %+v", closed.Status, sigs)
	}
	officer := a.login("a-quality-officer")
	if page := bodyOf(t, a.do("GET", "/nonconformities/"+itoa(n.ID), &officer, nil)); !strings.Contains(page, `id="signature-block"`) || !strings.Contains(page, "Kiểm tra") {
		t.Error("the NC's page does not show its signature")
	}
	if r := a.api("POST", "/api/v1/nonconformities/"+itoa(n.ID)+"/actions", tok, `{"description":"Thêm","owner":"a-quality-officer","due_on":"2030-01-01"}`); r.StatusCode < 400 {
		t.Fatalf("action added to a signed NC: %d", r.StatusCode)
	}

	path := a.answeredPlan()
	auditor := a.login("a-auditor")
	resp := a.do("POST", path+"/report", &auditor, url.Values{"summary": {"Tuân thủ"}, "conclusion": {"Phù hợp"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `id="error-password"`) {
		t.Fatalf("report without the password: %d", resp.StatusCode)
	}
	if resp := a.do("POST", path+"/report", &auditor, signing(url.Values{"summary": {"Tuân thủ"}, "conclusion": {"Phù hợp"}})); resp.StatusCode != 303 {
		t.Fatalf("report: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	planID := mustID(t, path)
	if sigs, _ := a.db.FindSignatures(ctx, qms.SignedAuditReport, planID); len(sigs) != 1 || sigs[0].Meaning != qms.MeaningReviewed || sigs[0].Title != "Đánh giá viên nội bộ" {
		t.Fatalf("report signatures: %+v", sigs)
	}
	p, _ := a.db.FindPlan(ctx, "A", planID)
	if _, err := a.db.AnswerItem(qms.WithActor(ctx, qms.Actor{UserID: a.users["a-auditor"].ID, Username: "a-auditor", AgencyCode: "A"}), "A", planID, p.Items[0].ID, qms.AnswerMinorNC, "Sửa sau khi ký", ""); err == nil {
		t.Fatal("a signed report's checklist changed")
	}
	print := bodyOf(t, a.do("GET", path+"/print", &auditor, nil))
	if !strings.Contains(print, `id="signature-block"`) || !strings.Contains(print, "Kiểm tra") || !signedAt.MatchString(print) {
		t.Fatal("the printed report lacks its signature")
	}
}

// TestSignature7LeaderStepSigned: a leader's dossier step asks for the
// password (page and API) and is signed "phê duyệt"; a staff step does
// not ask; the process control slip shows the signature.
func TestSignature7LeaderStepSigned(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.setTitle("a-leader", "Phó Giám đốc")
	d := a.receive("Trần Văn Bình")
	staff, leaderTok := a.token("a-staff"), a.token("a-leader")
	steps := "/api/v1/dossiers/" + d.Code + "/steps"
	checkAPI(t, "staff step, no password", a.api("POST", steps, staff, `{"step_id":"check"}`), 200, "", nil)
	checkAPI(t, "decision, no password", a.api("POST", steps, staff, `{"step_id":"ok","exit":"Đạt"}`), 200, "", nil)
	leader := a.login("a-leader")
	if page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &leader, nil)); !strings.Contains(page, `id="password-sign"`) {
		t.Fatal("the leader's step form does not ask for the password")
	}
	resp := a.do("POST", "/dossiers/"+d.Code+"/steps", &leader, url.Values{"step_id": {"sign"}})
	if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, `id="error-password"`) {
		t.Fatalf("leader's step on the page without the password: %d", resp.StatusCode)
	}
	checkAPI(t, "leader's step without the password", a.api("POST", steps, leaderTok, `{"step_id":"sign"}`), 400, "password", nil)
	checkAPI(t, "leader's step", a.api("POST", steps, leaderTok, `{"step_id":"sign","password":"`+signPassword+`"}`), 200, "", nil)
	p, _ := a.db.DossierProgress(context.Background(), "A", d.Code)
	var ids []int64
	for _, st := range p.Steps {
		ids = append(ids, st.ID)
	}
	sigs, _ := a.db.FindSignatures(context.Background(), qms.SignedDossierStep, ids...)
	if len(sigs) != 1 || sigs[0].Meaning != qms.MeaningApproved || sigs[0].Title != "Phó Giám đốc" || sigs[0].ObjectID != p.Steps[len(p.Steps)-1].ID {
		t.Fatalf("step signatures: %+v", sigs)
	}
	slip := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/control-slip", &leader, nil))
	for _, w := range []string{`id="signature-block"`, "Phê duyệt", "Phó Giám đốc", "Ký giấy phép"} {
		if !strings.Contains(slip, w) {
			t.Errorf("the control slip lacks %q", w)
		}
	}
	if !signedAt.MatchString(slip) {
		t.Error("the control slip does not date the signature")
	}
	// Renamed since, the leader is still named on the signed step's row
	// as they signed (outsider pass 7).
	signedAs, renamed := sigs[0].FullName, "Tên mới của lãnh đạo"
	if _, err := a.db.UpdateUser(qms.WithActor(context.Background(), qms.SystemActor("test")), a.users["a-leader"].ID, qms.UserUpdate{FullName: &renamed}); err != nil {
		t.Fatal(err)
	}
	row := parsePage(t, bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/control-slip", &leader, nil))).text("signer-" + itoa(sigs[0].ObjectID))
	if !strings.Contains(row, signedAs) || strings.Contains(row, renamed) {
		t.Errorf("the signed step's row names %q, want %q as signed", row, signedAs)
	}
}
