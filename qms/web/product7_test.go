package web_test

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
)

// p7Case is one form submitted with one bad field: the page must come
// back (no redirect) with the message next to that field and every other
// value typed.
type p7Case struct {
	name string
	user string // "" posts the public feedback form as a visitor
	// setup prepares what the form acts on and returns the path it posts to.
	setup func(a *app, s *session) string
	form  url.Values
	field string   // the bad field: its message is at id="error-FIELD"
	keep  []string // what was typed, shown again
	// file: the form is sent multipart with a file in this field, which
	// the page asks to be chosen again.
	file string
}

func TestProduct7FormsKeepInput(t *testing.T) {
	fixed := func(path string) func(*app, *session) string { return func(*app, *session) string { return path } }
	procedure := func(a *app, s *session) string {
		v := a.createProcedure(s)
		return v[:strings.Index(v, "/versions")]
	}
	dossier := func(suffix string) func(*app, *session) string {
		return func(a *app, s *session) string {
			a.effectiveProcedure()
			return "/dossiers/" + a.receive("Nguyễn Văn An").Code + suffix
		}
	}
	nc := func(suffix string) func(*app, *session) string {
		return func(a *app, s *session) string { return "/nonconformities/" + itoa(a.openNC().ID) + suffix }
	}
	review := func(a *app, s *session) string {
		resp := a.do("POST", "/reviews", s, url.Values{"title": {"Họp xem xét năm 2026"}, "held_on": {"15/12/2026"}})
		if resp.StatusCode != 303 {
			a.t.Fatalf("review: %d", resp.StatusCode)
		}
		return strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created") + "/decisions"
	}
	objective := func(a *app, s *session) string {
		resp := a.do("POST", "/objectives", s, url.Values{"year": {"2026"}, "title": {"Hồ sơ đúng hạn"}, "measure": {"timely_rate"}, "target": {"95"}, "period": {"quarter"}})
		if resp.StatusCode != 303 {
			a.t.Fatalf("objective: %d %s", resp.StatusCode, bodyOf(a.t, resp))
		}
		os, _ := a.db.FindObjectives(context.Background(), qms.ObjectiveFilter{AgencyCode: "A"})
		return "/objectives/" + itoa(os[0].ID)
	}
	planItem := func(a *app, s *session) string {
		path := a.answeredPlan()
		p, err := a.db.FindPlan(context.Background(), "A", mustID(a.t, path))
		if err != nil {
			a.t.Fatal(err)
		}
		return path + "/items/" + itoa(p.Items[0].ID)
	}
	cases := []p7Case{
		{name: "agency create", user: "admin", setup: fixed("/admin/agencies"),
			form: url.Values{"code": {"SO XAY DUNG!"}, "name": {"Sở Xây dựng tỉnh"}, "parent": {"A"}}, field: "code", keep: []string{"SO XAY DUNG!", "Sở Xây dựng tỉnh", `value="A" selected`}},
		{name: "agency edit", user: "a-admin", setup: fixed("/admin/agencies/A"),
			form: url.Values{"name": {"Sở Văn hóa mới"}, "parent": {"B"}}, field: "parent", keep: []string{"Sở Văn hóa mới"}},
		{name: "agency settings", user: "a-admin", setup: fixed("/admin/agencies/A/settings"),
			form: url.Values{"working_hours": {"25:00-99:00"}, "clock_mode": {"restart"}}, field: "working_hours", keep: []string{"25:00-99:00", `value="restart" selected`}},
		{name: "user create", user: "a-admin", setup: fixed("/admin/users"),
			form:  url.Values{"username": {"ten co dau cach"}, "full_name": {"Lê Văn Cường"}, "email": {"cuong@so.gov.vn"}, "password": {"ngua-o-dai-123"}, "agency": {"A"}, "role": {"admin"}},
			field: "username", keep: []string{"ten co dau cach", "Lê Văn Cường", "cuong@so.gov.vn", `value="admin" selected`}},
		{name: "user edit", user: "a-admin", setup: func(a *app, s *session) string { return "/admin/users/" + itoa(a.users["a-staff"].ID) },
			form: url.Values{"full_name": {"Phạm Thị Dung"}, "email": {"khong-phai-thu"}}, field: "email", keep: []string{"Phạm Thị Dung", "khong-phai-thu"}},
		{name: "procedure create", user: "a-quality-officer", setup: fixed("/procedures"),
			form:  url.Values{"code": {"QT-09"}, "title": {"Quy trình cấp phép xây dựng"}, "owner_unit": {"Phòng Quản lý xây dựng"}, "review_interval_months": {"mười hai"}},
			field: "review_interval_months", keep: []string{"QT-09", "Quy trình cấp phép xây dựng", "Phòng Quản lý xây dựng", "mười hai"}},
		{name: "procedure edit", user: "a-quality-officer", setup: procedure,
			form:  url.Values{"title": {"Quy trình karaoke sửa đổi"}, "owner_unit": {"Phòng Văn hóa"}, "tthc_codes": {"1.000001"}, "review_interval_months": {"mười hai"}},
			field: "review_interval_months", keep: []string{"Quy trình karaoke sửa đổi", "Phòng Văn hóa", "mười hai"}},
		{name: "form create", user: "a-quality-officer", setup: fixed("/forms"),
			form:  url.Values{"code": {"BM-07"}, "title": {"Phiếu tiếp nhận"}, "purpose": {"Khi nhận hồ sơ tại quầy"}, "schema": {`{"fields":[`}},
			field: "schema", keep: []string{"BM-07", "Phiếu tiếp nhận", "Khi nhận hồ sơ tại quầy", `{&#34;fields&#34;:[`}},
		{name: "form version with a file", user: "a-quality-officer", setup: func(a *app, s *session) string { return a.createForm(s) },
			form: url.Values{"schema": {`{"fields":[`}, "change_summary": {"Thêm ô số trang"}}, field: "template", file: "template",
			keep: []string{"Thêm ô số trang", `{&#34;fields&#34;:[`}},
		{name: "dossier receive", user: "a-staff", setup: func(a *app, s *session) string { a.effectiveProcedure(); return "/dossiers" },
			form: url.Values{"tthc_code": {"1.000001"}, "applicant_name": {""}, "applicant_id": {"001099012345"}, "applicant_phone": {"0912345678"},
				"applicant_address": {"12 Lê Lợi, Huế"}, "channel": {"post"}, "note": {"Đủ 3 bản sao"}},
			field: "applicant.name", keep: []string{"001099012345", "0912345678", "12 Lê Lợi, Huế", "Đủ 3 bản sao", `value="post" selected`}},
		{name: "step delegation", user: "a-staff", setup: dossier("/delegations"),
			form: url.Values{"step_id": {"check"}, "to": {"khong-co-ai"}, "reason": {"Đi công tác đến thứ sáu"}}, field: "to", keep: []string{"Đi công tác đến thứ sáu"}},
		{name: "nc create", user: "a-auditor", setup: fixed("/nonconformities"),
			form:  url.Values{"source": {"complaint"}, "description": {""}, "correction": {"Gọi điện xin lỗi người dân"}, "root_cause": {"Thiếu người trực"}},
			field: "description", keep: []string{"Gọi điện xin lỗi người dân", "Thiếu người trực", `value="complaint" selected`}},
		{name: "nc analysis", user: "a-auditor", setup: nc(""),
			form:  url.Values{"description": {""}, "correction": {"Bổ sung phiếu xin lỗi"}, "root_cause": {"Chưa có mẫu phiếu"}},
			field: "description", keep: []string{"Bổ sung phiếu xin lỗi", "Chưa có mẫu phiếu"}},
		{name: "audit programme", user: "a-auditor", setup: fixed("/audits/programmes"),
			form: url.Values{"year": {"năm nay"}, "title": {"Chương trình đánh giá 2027"}}, field: "year", keep: []string{"năm nay", "Chương trình đánh giá 2027"}},
		{name: "checklist answer", user: "a-auditor", setup: planItem,
			form: url.Values{"result": {"sai"}, "evidence": {"Sổ theo dõi hồ sơ tháng 5"}, "note": {"Thiếu chữ ký"}}, field: "result", keep: []string{"Sổ theo dõi hồ sơ tháng 5", "Thiếu chữ ký"}},
		{name: "review create", user: "a-leader", setup: fixed("/reviews"),
			form: url.Values{"title": {"Họp xem xét giữa năm"}, "held_on": {"31/06/2026"}}, field: "held_on", keep: []string{"Họp xem xét giữa năm", "31/06/2026"}},
		{name: "review decision", user: "a-leader", setup: review,
			form:  url.Values{"text": {"Bổ sung nhân lực bộ phận một cửa"}, "owner": {"a-staff"}, "due_on": {"31/02/2027"}},
			field: "due_on", keep: []string{"Bổ sung nhân lực bộ phận một cửa", "31/02/2027", `value="a-staff" selected`}},
		{name: "calendar", user: "admin", setup: fixed("/admin/calendar"),
			form: url.Values{"date": {"31/02/2026"}, "kind": {"work"}, "name": {"Làm bù ngày nghỉ lễ"}}, field: "date", keep: []string{"31/02/2026", "Làm bù ngày nghỉ lễ", `value="work" selected`}},
		{name: "objective create", user: "a-quality-officer", setup: fixed("/objectives"),
			form:  url.Values{"year": {"2026"}, "title": {"Không hồ sơ trễ hạn"}, "measure": {"timely_rate"}, "target": {"chín mươi"}, "period": {"year"}},
			field: "target", keep: []string{"Không hồ sơ trễ hạn", "chín mươi", `value="year" selected`}},
		{name: "objective edit", user: "a-quality-officer", setup: objective,
			form: url.Values{"title": {"Hồ sơ đúng hạn mọi quý"}, "target": {"chín mươi"}}, field: "target", keep: []string{"Hồ sơ đúng hạn mọi quý", "chín mươi"}},
		{name: "public feedback", setup: fixed("/public/A/feedback"),
			form:  url.Values{"name": {"Trần Thị Bình"}, "contact": {""}, "dossier_code": {"H-001"}, "content": {"Cán bộ hẹn trả nhưng chưa trả"}},
			field: "contact", keep: []string{"Trần Thị Bình", "H-001", "Cán bộ hẹn trả nhưng chưa trả"}},
		{name: "bpmn import", user: "a-quality-officer", setup: func(a *app, s *session) string { return a.createProcedure(s) + "/bpmn" },
			form: url.Values{"participant": {"Pool_Mot_Cua"}}, field: "file", file: "file", keep: []string{"Pool_Mot_Cua"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newApp(t)
			var resp *http.Response
			if tc.user == "" {
				path := tc.setup(a, nil)
				resp = a.post(a.visit(path), path, tc.form)
			} else {
				s := a.login(tc.user)
				path := tc.setup(a, &s)
				if tc.file != "" {
					resp = a.postFile(path, &s, tc.form, tc.file)
				} else {
					resp = a.do("POST", path, &s, tc.form)
				}
			}
			body := bodyOf(t, resp)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Fatalf("status %d (at %q), want the form again with 4xx", resp.StatusCode, resp.Header.Get("Location"))
			}
			id := `id="error-` + strings.ReplaceAll(tc.field, ".", "-") + `"`
			if !strings.Contains(body, id) {
				t.Errorf("no message next to %s (%s); the page says %q", tc.field, id, topError.FindStringSubmatch(body))
			}
			for _, want := range tc.keep {
				if !strings.Contains(body, want) && !strings.Contains(body, template.HTMLEscapeString(want)) {
					t.Errorf("the page lost %q", want)
				}
			}
			if tc.file != "" && !strings.Contains(body, `id="choose-again"`) {
				t.Error("the page does not ask for the file again")
			}
		})
	}
}

// topError is the summary of a failed submit at the top of a page.
var topError = regexp.MustCompile(`class="error" role="alert"[^>]*>([^<]*)<`)

// postFile posts form multipart with a file in field that no upload
// accepts (an executable), as a browser sends a form with a file input.
func (a *app) postFile(path string, s *session, form url.Values, field string) *http.Response {
	a.t.Helper()
	fields := map[string]string{}
	for k := range form {
		fields[k] = form.Get(k)
	}
	var body bytes.Buffer
	ctype := newMultipart(&body, s.csrf, fields, field, "mau.docx", []byte("MZ\x90\x00 not a document"))
	req := newSessionRequest("POST", path, s, &body)
	req.Header.Set("Content-Type", ctype)
	return a.send(req)
}
