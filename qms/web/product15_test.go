package web_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// signedProcedure is an effective procedure QT-15 of agency A written by
// "Trần Thị Soạn" (quality officer), reviewed and approved by "Lê Văn
// Duyệt" (leader), long enough to print on several A4 pages: a long
// purpose and a steps table of many rows. Its sections 3, 4 and 6 are
// empty. It returns the print path and the issue date as printed.
func (a *app) signedProcedure(steps int) (string, string) {
	a.t.Helper()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	people := map[string]*qms.User{}
	for username, p := range map[string]struct {
		name string
		role qms.Role
	}{"soan": {"Trần Thị Soạn", qms.RoleQualityOfficer}, "duyet": {"Lê Văn Duyệt", qms.RoleLeader}} {
		u := &qms.User{Username: username, FullName: p.name, Memberships: []qms.Membership{{AgencyCode: "A", Role: p.role}}}
		if err := a.db.CreateUser(sys, u, "ngua-o-123"); err != nil {
			a.t.Fatal(err)
		}
		people[username] = u
	}
	as := func(username string) context.Context {
		u := people[username]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	if _, _, err := a.db.ImportTTHC(as("soan"), "A", []qms.TTHC{{Code: "1.000015", Name: "Cấp phiếu lý lịch tư pháp", Field: "Tư pháp", TimeLimitDays: 20}}); err != nil {
		a.t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: "A", Code: "QT-15", Title: "Cấp phiếu lý lịch tư pháp", TTHCCodes: []string{"1.000015"}}
	if err := a.db.CreateProcedure(as("soan"), p); err != nil {
		a.t.Fatal(err)
	}
	v, err := a.db.CreateVersion(as("soan"), p.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	v.Purpose = strings.Repeat("Quy định trình tự, thủ tục tiếp nhận, thẩm định và trả kết quả cấp phiếu lý lịch tư pháp cho công dân Việt Nam và người nước ngoài đã cư trú tại Việt Nam.\n", 12)
	v.Scope = "Áp dụng đối với Sở A và các phòng chuyên môn; công chức tiếp nhận hồ sơ tại Bộ phận Một cửa."
	v.Reviewer = "duyet"
	v.Records = []qms.RecordToKeep{{Name: "Hồ sơ đề nghị cấp phiếu", KeptAt: "Phòng Hành chính tư pháp", Retention: "05 năm"}}
	fc := flowchart.Flowchart{Steps: []flowchart.Step{{ID: "s", Name: "Tiếp nhận hồ sơ", Kind: flowchart.KindStart, Responsible: "Bộ phận một cửa"}}}
	prev := "s"
	for i := 1; i <= steps; i++ {
		id := fmt.Sprintf("b%d", i)
		fc.Steps = append(fc.Steps, flowchart.Step{ID: id, Name: fmt.Sprintf("Bước %d: thẩm tra, xác minh thông tin lý lịch và đối chiếu cơ sở dữ liệu", i),
			Kind: flowchart.KindTask, Hours: 2, Responsible: "Chuyên viên", Records: []string{fmt.Sprintf("Biên bản xác minh số %d", i)}})
		fc.Edges = append(fc.Edges, flowchart.Edge{From: prev, To: id})
		prev = id
	}
	fc.Steps = append(fc.Steps, flowchart.Step{ID: "e", Name: "Trả kết quả", Kind: flowchart.KindEnd, Responsible: "Bộ phận một cửa"})
	fc.Edges = append(fc.Edges, flowchart.Edge{From: prev, To: "e"})
	v.Flowchart = fc
	if err := a.db.UpdateVersion(as("soan"), v); err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.TransitionVersion(as("soan"), p.ID, 1, qms.ActionSubmit, ""); err != nil {
		a.t.Fatal(err)
	}
	v, err = a.db.TransitionVersion(as("duyet"), p.ID, 1, qms.ActionApprove, "")
	if err != nil {
		a.t.Fatal(err)
	}
	if v.EffectiveOn == nil {
		a.t.Fatalf("QT-15 not effective: %s", v.Status)
	}
	return fmt.Sprintf("/procedures/%d/versions/1/print", p.ID), v.EffectiveOn.In(qms.Zone).Format("02/01/2006")
}

// TestProduct15ProcedurePrintPage: the printed procedure carries its
// running header (agency, code, issue, date, with the page label) for the
// page margin, a print button and a back link, the sign-off with full
// names and titles, and "Không áp dụng" for its empty sections; the print
// font is served from our own static files under the page's CSP.
func TestProduct15ProcedurePrintPage(t *testing.T) {
	a := newApp(t)
	path, issued := a.signedProcedure(3)
	officer := a.login("a-quality-officer")
	resp := a.do("GET", path, &officer, nil)
	body := bodyOf(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("print: %d", resp.StatusCode)
	}
	back := strings.TrimSuffix(path, "/print")
	for _, want := range []string{
		`data-running-header="Sở A · QT-15 · Lần ban hành 01 · ` + issued + `"`,
		`data-page-label="Trang"`,
		`id="print-button"`, `<script src="/static/print.js"`,
		`href="` + back + `" id="print-back"`,
		"<td>Trần Thị Soạn</td><td>Lê Văn Duyệt</td><td>Lê Văn Duyệt</td>",
		`<td class="role">Cán bộ ISO</td><td class="role">Lãnh đạo</td><td class="role">Lãnh đạo</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the print lacks %q", want)
		}
	}
	// Sections 3 (references), 4 (definitions) and 6 (forms) are empty.
	for _, section := range []string{"3. Tài liệu viện dẫn", "4. Định nghĩa, viết tắt", "6. Biểu mẫu"} {
		_, after, _ := strings.Cut(body, section+"</h2>")
		if !strings.HasPrefix(strings.TrimSpace(after), `<p class="na">Không áp dụng</p>`) {
			t.Errorf("empty section %q is not marked: %.80q", section, after)
		}
	}
	if _, after, _ := strings.Cut(body, "1. Mục đích</h2>"); strings.HasPrefix(after, `<p class="na">`) {
		t.Error("a filled section is marked not applicable")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("print page CSP %q", csp)
	}
	css := bodyOf(t, a.do("GET", "/static/print.css", nil, nil))
	for _, want := range []string{"@font-face", "fonts/noto-serif-vietnamese-400-normal.woff2", "counter(pages)", "attr(data-running-header)", "break-after: avoid-page"} {
		if !strings.Contains(css, want) {
			t.Errorf("print.css lacks %q", want)
		}
	}
	for _, f := range []string{"noto-serif-latin-400-normal.woff2", "noto-serif-vietnamese-400-normal.woff2", "noto-serif-vietnamese-700-normal.woff2", "OFL.txt"} {
		resp := a.do("GET", "/static/fonts/"+f, nil, nil)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) < 1000 {
			t.Errorf("GET /static/fonts/%s: %d, %d bytes", f, resp.StatusCode, len(b))
		}
		if strings.HasSuffix(f, ".woff2") && !strings.HasPrefix(string(b), "wOF2") {
			t.Errorf("%s is not a WOFF2 file", f)
		}
	}
}
