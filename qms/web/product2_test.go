package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// TestProduct2HoursShown: a step time that is a float sum (2.2+0.2) is
// shown as "2,4 giờ" (English "2.4 hours") on the version page, in the
// editor, the printed document, the SVG flowchart and the BPMN export, and
// "2.4000000000000004" appears nowhere.
func TestProduct2HoursShown(t *testing.T) {
	a := newApp(t)
	u := a.users["a-quality-officer"]
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	p := &qms.Procedure{AgencyCode: "A", Code: "QT-02", Title: "Cấp phép"}
	if err := a.db.CreateProcedure(officer, p); err != nil {
		t.Fatal(err)
	}
	v, err := a.db.CreateVersion(officer, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	part, more := 2.2, 0.2
	sum := part + more // 2.4000000000000004, as a sum of step parts gives
	v.Purpose, v.Scope = "Cấp phép", "Sở A"
	v.Flowchart = flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Tiếp nhận", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"},
			{ID: "check", Name: "Thẩm định", Kind: flowchart.KindTask, Hours: sum, Responsible: "Chuyên viên"},
			{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"},
		},
		Edges: []flowchart.Edge{{From: "s", To: "check"}, {From: "check", To: "e"}},
	}
	if sum == 2.4 {
		t.Fatal("the step time must be the float sum 2.4000000000000004")
	}
	if err := a.db.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	s := a.login("a-quality-officer")
	base := "/procedures/" + itoa(p.ID) + "/versions/1"
	checkHoursShown(t, a, &s, []hoursCase{
		{base, "vi", `value="2,4"`}, // the draft's editor input
		{base, "vi", "<strong>2,4</strong> giờ"},
		{base, "en", "<strong>2.4</strong> hours"},
	})
	a.db.TransitionVersion(officer, p.ID, 1, qms.ActionSubmit, "")
	l := a.users["a-leader"]
	leader := qms.WithActor(context.Background(), qms.Actor{UserID: l.ID, Username: l.Username, AgencyCode: "A"})
	if _, err := a.db.TransitionVersion(leader, p.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	checkHoursShown(t, a, &s, []hoursCase{
		{base, "vi", "<td>2,4 giờ</td>"}, // the steps table of the approved version
		{base, "en", "<td>2.4 hours</td>"},
		{base + "/print", "vi", "2,4 giờ"},
		{base + "/print", "en", "2.4 hours"},
		{base + "/flowchart.svg", "vi", "2,4 giờ"},
		{base + "/flowchart.bpmn", "vi", `hours="2.4"`},
		{base + "/flowchart.bpmn", "vi", "Thời gian: 2,4 giờ làm việc"},
	})
}

type hoursCase struct{ path, lang, want string }

func checkHoursShown(t *testing.T, a *app, s *session, cases []hoursCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.path+"/"+c.lang, func(t *testing.T) {
			req := newSessionRequest("GET", c.path, s, nil)
			req.AddCookie(&http.Cookie{Name: "qms_lang", Value: c.lang})
			resp := a.send(req)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
			}
			body := bodyOf(t, resp)
			if !strings.Contains(body, c.want) {
				t.Errorf("%s (%s) does not show %q", c.path, c.lang, c.want)
			}
			for _, bad := range []string{"2.4000000000000004", "2,4000000000000004"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s (%s) shows %q", c.path, c.lang, bad)
				}
			}
		})
	}
}
