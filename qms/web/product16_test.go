package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// hanoiTime is a wall-clock time in Hà Nội.
func hanoiTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, qms.Zone)
}

// slowProcedure is effectiveProcedure with a version 2 in force whose
// last steps are slow: signing 24 working hours, the refusal notice 20.
// From the check step at least 21 working hours remain (decision 1 h and
// the quicker notice), 33 at most in all, within the 5 working days
// (37.5 h) of the TTHC.
func (a *app) slowProcedure() {
	a.t.Helper()
	a.effectiveProcedure()
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	ps, _ := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{})
	v, err := a.db.CreateVersion(as("a-quality-officer"), ps[0].ID)
	if err != nil {
		a.t.Fatal(err)
	}
	for i := range v.Flowchart.Steps {
		switch v.Flowchart.Steps[i].ID {
		case "sign":
			v.Flowchart.Steps[i].Hours = 24
		case "notice":
			v.Flowchart.Steps[i].Hours = 20
		}
	}
	if err := a.db.UpdateVersion(as("a-quality-officer"), v); err != nil {
		a.t.Fatal(err)
	}
	a.db.TransitionVersion(as("a-quality-officer"), ps[0].ID, v.Number, qms.ActionSubmit, "")
	if _, err := a.db.TransitionVersion(as("a-leader"), ps[0].ID, v.Number, qms.ActionApprove, ""); err != nil {
		a.t.Fatal(err)
	}
}

// receiveAt files a dossier for TTHC 1.000001 of A at the clock's time.
func (a *app) receiveAt(name string) *qms.Dossier {
	a.t.Helper()
	u := a.users["a-staff"]
	d := &qms.Dossier{AgencyCode: "A", TTHCCode: "1.000001", Channel: qms.ChannelCounter,
		Applicant: qms.Applicant{Name: name, IDNumber: "001099012345", Phone: "0912345678", Address: "12 Lê Lợi, Huế"}}
	if err := a.db.ReceiveDossier(qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"}), d); err != nil {
		a.t.Fatal(err)
	}
	return d
}

// TestProduct16ApologyRules: an apology slip (Mẫu số 04) is made only for
// a dossier that is late or will be by the time its remaining steps take,
// on a working day, with a new appointment on a working day; through the
// page and the API alike. The slip prints the reason and its date.
func TestProduct16ApologyRules(t *testing.T) {
	a := newApp(t)
	a.clock.Set(hanoiTime(2026, 3, 2, 9, 0)) // Monday
	a.slowProcedure()
	// Received Monday 02/03 09:00, due Monday 09/03 09:00 (5 working days).
	ds := map[string]*qms.Dossier{}
	for _, n := range []string{"on-time", "will-be-late", "day-off", "late", "sunday"} {
		ds[n] = a.receiveAt("Nguyễn Văn " + n)
	}
	if due := ds["late"].DueAt.In(qms.Zone); !due.Equal(hanoiTime(2026, 3, 9, 9, 0)) {
		t.Fatalf("due %s", due)
	}
	cases := []struct {
		name, dossier  string
		at             time.Time
		newAppointment string
		want           int
		msg            string
	}{
		// The check step is due Tuesday 03/03 09:30; 21 h after it: Friday 06/03.
		{"on time and will stay on time", "on-time", hanoiTime(2026, 3, 2, 10, 0), "10/03/2026 09:00", 400, "còn trong hạn (hẹn trả 09/03/2026 09:00)"},
		// Thursday 16:00, check not done: 21 working hours end Tuesday 10/03.
		{"will be late", "will-be-late", hanoiTime(2026, 3, 5, 16, 0), "11/03/2026 16:00", 303, ""},
		{"a Saturday", "day-off", hanoiTime(2026, 3, 7, 9, 0), "11/03/2026 16:00", 400, "hôm nay (07/03/2026) là ngày nghỉ"},
		{"late", "late", hanoiTime(2026, 3, 10, 9, 0), "12/03/2026 16:00", 303, ""},
		{"new appointment on a Sunday", "sunday", hanoiTime(2026, 3, 10, 9, 30), "15/03/2026 09:00", 400, "Ngày hẹn mới 15/03/2026 là ngày nghỉ"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.clock.Set(tc.at)
			staff := a.login("a-staff")
			d := ds[tc.dossier]
			before := a.auditCount("dossier.apology")
			resp := a.do("POST", "/dossiers/"+d.Code+"/apology", &staff, url.Values{"new_appointment": {tc.newAppointment}, "reason": {"Chờ ý kiến cơ quan công an"}})
			body := bodyOf(t, resp)
			if resp.StatusCode != tc.want || !strings.Contains(body, tc.msg) {
				t.Fatalf("apology: %d, want %d with %q: %s", resp.StatusCode, tc.want, tc.msg, body)
			}
			if tc.want != 303 {
				if a.auditCount("dossier.apology") != before {
					t.Error("a refused apology was recorded")
				}
				// The API applies the same rule.
				at, _ := time.ParseInLocation("02/01/2006 15:04", tc.newAppointment, qms.Zone)
				resp := a.api("POST", "/api/v1/dossiers/"+d.Code+"/apology", a.token("a-staff"), `{"new_appointment":"`+at.Format(time.RFC3339)+`","reason":"Chờ ý kiến"}`)
				if body := bodyOf(t, resp); resp.StatusCode != 400 || !strings.Contains(body, tc.msg) {
					t.Errorf("API apology: %d %s", resp.StatusCode, body)
				}
				if resp := a.do("GET", "/dossiers/"+d.Code+"/apology-slip", &staff, nil); resp.StatusCode != 404 || !strings.Contains(bodyOf(t, resp), "chưa có phiếu xin lỗi") {
					t.Errorf("apology slip of a dossier without one: %d", resp.StatusCode)
				}
				return
			}
			slip := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/apology-slip", &staff, nil))
			for _, want := range []string{"Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", d.Applicant.Name, "Cấp giấy phép karaoke",
				`id="apology-due">09/03/2026 09:00`, `id="apology-reason">Chờ ý kiến cơ quan công an`, `id="apology-new">` + tc.newAppointment,
				"Ngày " + tc.at.Format("02") + " tháng " + tc.at.Format("01") + " năm 2026", "THỦ TRƯỞNG CƠ QUAN", "Người A"} {
				if !strings.Contains(slip, want) {
					t.Errorf("the apology slip lacks %q", want)
				}
			}
			if page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &staff, nil)); !strings.Contains(page, `href="/dossiers/`+d.Code+`/apology-slip"`) {
				t.Error("the dossier page does not link its apology slip")
			}
		})
	}
}

// signedDossier is a dossier of A, received from "Nguyễn Thị Hoa" by
// a-staff ("Phạm Thị Chuyên"), checked on form BM-QT01-01 (a record of
// two fields), found complete, and signed by a-leader ("Hoàng Văn
// Lãnh"): waiting for its return.
func (a *app) signedDossier() *qms.Dossier {
	a.t.Helper()
	a.effectiveProcedure()
	a.formOnCheck()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	for username, name := range map[string]string{"a-staff": "Phạm Thị Chuyên", "a-leader": "Hoàng Văn Lãnh"} {
		if _, err := a.db.UpdateUser(sys, a.users[username].ID, qms.UserUpdate{FullName: &name}); err != nil {
			a.t.Fatal(err)
		}
	}
	d := a.receiveAt("Nguyễn Thị Hoa")
	staff, leader := a.login("a-staff"), a.login("a-leader")
	for _, s := range []struct {
		who  *session
		form url.Values
	}{
		{&staff, url.Values{"step_id": {"check"}, "ket_luan": {"Đạt"}, "so_trang": {"12"}, "form_version": {"1"}}},
		{&staff, url.Values{"step_id": {"ok"}, "exit": {"Đạt"}}},
		{&leader, signing(url.Values{"step_id": {"sign"}})},
	} {
		if resp := a.do("POST", "/dossiers/"+d.Code+"/steps", s.who, s.form); resp.StatusCode != 303 {
			a.t.Fatalf("step %s: %d %s", s.form.Get("step_id"), resp.StatusCode, bodyOf(a.t, resp))
		}
	}
	return d
}

// TestProduct16SlipPages: the process control slip is Mẫu số 05 with the
// procedure's name, each step's form record and its signer's full name
// and title; the receipt is Mẫu số 01 with the applicant, the procedure,
// the appointment, the fee and the receiver's full name.
func TestProduct16SlipPages(t *testing.T) {
	a := newApp(t)
	d := a.signedDossier()
	staff := a.login("a-staff")
	slip := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/control-slip", &staff, nil))
	for _, want := range []string{`id="form-no">Mẫu số 05`, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", `id="slip-procedure">Cấp giấy phép karaoke`, "QT-01 – Cấp phép",
		"Kết luận thẩm định", "Đạt", "Số trang hồ sơ", "12", "<strong>Phạm Thị Chuyên</strong><br><span class=\"role\">Chuyên viên</span>",
		"<strong>Hoàng Văn Lãnh</strong><br><span class=\"role\">Lãnh đạo</span>", `id="print-button"`, `href="/dossiers/` + d.Code + `" id="print-back"`} {
		if !strings.Contains(slip, want) {
			t.Errorf("the control slip lacks %q", want)
		}
	}
	if strings.Contains(slip, ">a-staff<") || strings.Contains(slip, ">a-leader<") {
		t.Error("the control slip names a signer by login name")
	}
	receipt := bodyOf(t, a.do("GET", "/dossiers/"+d.Code+"/receipt", &staff, nil))
	for _, want := range []string{`id="form-no">Mẫu số 01`, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", `id="slip-applicant">Nguyễn Thị Hoa`, "001099012345", "12 Lê Lợi, Huế",
		`id="slip-procedure">Cấp giấy phép karaoke`, "5 ngày làm việc", `id="slip-due">` + d.DueAt.In(qms.Zone).Format("02/01/2006 15:04"),
		`id="slip-receiver"><strong>Phạm Thị Chuyên</strong>`, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", `id="slip-survey-key">` + a.surveyForm(d.Code, "5").Get("key") + "<"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	page := bodyOf(t, a.do("GET", "/dossiers/"+d.Code, &staff, nil))
	if !strings.Contains(page, `href="/dossiers/`+d.Code+`/receipt"`) || strings.Contains(page, "/apology-slip") {
		t.Error("the dossier page links the receipt, and no apology slip before there is one")
	}
	// Another agency reads none of the slips.
	b := a.login("b-staff")
	for _, p := range []string{"/control-slip", "/receipt", "/apology-slip"} {
		if code := a.do("GET", "/dossiers/"+d.Code+p, &b, nil).StatusCode; code != 404 {
			t.Errorf("B reads A's %s: %d", p, code)
		}
	}
}
