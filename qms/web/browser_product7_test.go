package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"isodt/qms"
)

// p7Field is one field of a form by its element id, and the value put in
// it (by SetValue, so a select takes the option's value).
type p7Field struct{ id, value string }

// p7Submit drives one form in a real browser as username: it opens path,
// fills the fields, submits with the button submit and waits for the page
// that comes back with the error. Then the message must stand next to the
// bad field (element errID, containing errWant) and every field must show
// the value that was put in.
func p7Submit(t *testing.T, a *app, username, path string, fields []p7Field, submit, errID, errWant string) {
	t.Helper()
	ctx, base := browser(t, a)
	if err := browserLogin(ctx, base, username); err != nil {
		t.Fatal(err)
	}
	actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + path), chromedp.WaitVisible(chromedp.ID(submit))}
	ids := []string{}
	for _, f := range fields {
		actions = append(actions, chromedp.SetValue(chromedp.ID(f.id), f.value))
		ids = append(ids, f.id)
	}
	actions = append(actions, chromedp.Click(chromedp.ID(submit)), chromedp.WaitVisible(chromedp.CSS(`p.error[role="alert"]`)))
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	// Read the page at once: a field missing from it reads as null
	// rather than being waited for.
	list, _ := json.Marshal(ids)
	js := `(() => { const out = {}; for (const id of ` + string(list) + `) { const e = document.getElementById(id); out[id] = e ? e.value : null; }
		const m = document.getElementById(` + strconv.Quote(errID) + `); out[""] = m ? m.textContent : null; return out; })()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]*string](js))
	if err != nil {
		t.Fatal(err)
	}
	if msg := got[""]; msg == nil || !strings.Contains(*msg, errWant) {
		t.Errorf("message next to the field (#%s) = %v, want %q in it", errID, deref(msg), errWant)
	}
	for _, f := range fields {
		if v := got[f.id]; v == nil || *v != f.value {
			t.Errorf("after the failed submit #%s = %v, want %q as typed", f.id, deref(v), f.value)
		}
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// TestProduct7BrowserFlowchart: one bad time in the steps table keeps
// every step and transition typed, the new ones and the bad value too,
// with the message at the bad row.
func TestProduct7BrowserFlowchart(t *testing.T) {
	a := newApp(t)
	qo := a.login("a-quality-officer")
	path := a.createProcedure(&qo)
	p7Submit(t, a, "a-quality-officer", path, []p7Field{
		{"step-name-1", "Thẩm định hồ sơ (sửa)"},
		{"step-hours-1", "mười"},
		{"step-id-4", "bo-sung"},
		{"step-name-4", "Bổ sung hồ sơ"},
		{"step-resp-4", "Chuyên viên"},
		{"step-hours-4", "4,5"},
		{"edge-from-3", "ky"},
		{"edge-to-3", "bo-sung"},
		{"step-id-0", "s"},
		{"step-hours-2", "8"},
		{"edge-from-1", "tham-dinh"},
		{"edge-to-2", "e"},
	}, "save-version", "error-step_hours-1", "mười")
}

// TestProduct7BrowserAuditPlan: a plan with a date that cannot be read
// keeps its title, auditors, dates and the units and clauses chosen.
func TestProduct7BrowserAuditPlan(t *testing.T) {
	a := newApp(t)
	a.childAgency("A1", "A")
	auditor := a.login("a-auditor")
	a.programme(&auditor, "A")
	p7Submit(t, a, "a-auditor", "/audits", []p7Field{
		{"plan-title", "Đánh giá nội bộ quý II"},
		{"plan-units", "A1"},
		{"plan-clauses", "8.5"},
		{"plan-auditors", "a-auditor"},
		{"plan-start", "32/13/2026"},
		{"plan-end", "05/05/2026"},
	}, "create-plan", "error-start_on", "32/13/2026")
}

// TestProduct7BrowserCorrectiveAction: an action with a bad due date
// keeps its description and owner.
func TestProduct7BrowserCorrectiveAction(t *testing.T) {
	a := newApp(t)
	n := a.openNC()
	p7Submit(t, a, "a-auditor", "/nonconformities/"+itoa(n.ID), []p7Field{
		{"action-description", "Soạn lại quy trình QT-01 và phổ biến"},
		{"action-owner", "a-quality-officer"},
		{"action-due", "31/02/2099"},
	}, "add-action", "error-due_on", "31/02/2099")
}

// TestProduct7BrowserStepNote: a step whose form holds a bad number keeps
// the note and the other fields of the form.
func TestProduct7BrowserStepNote(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	a.formOnCheck()
	d := a.receive("Nguyễn Thị Hoa")
	p7Submit(t, a, "a-staff", "/dossiers/"+d.Code, []p7Field{
		{"f-ket_luan", "Đạt"},
		{"f-so_trang", "mười hai"},
		{"note-check", "Hồ sơ đủ thành phần, đã đối chiếu bản chính"},
	}, "complete-check", "f-so_trang-error", "Không phải số")
}

// TestProduct7BrowserAuditReport: a report without its conclusion (left
// blank) keeps the summary.
func TestProduct7BrowserAuditReport(t *testing.T) {
	a := newApp(t)
	path := a.answeredPlan()
	p7Submit(t, a, "a-auditor", path, []p7Field{
		{"report-summary", "Đơn vị A1 áp dụng đúng quy trình; hồ sơ lưu đầy đủ."},
	}, "write-report", "error-conclusion", "kết luận")
}

// TestProduct7BrowserApologyReason: an apology with a date that cannot be
// read keeps its reason.
func TestProduct7BrowserApologyReason(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	d := a.receive("Nguyễn Văn An")
	p7Submit(t, a, "a-staff", "/dossiers/"+d.Code, []p7Field{
		{"apology-when", "30/02/2099 10:00"},
		{"apology-reason", "Chờ ý kiến phối hợp của Sở Xây dựng"},
	}, "apology-submit", "error-new_appointment", "30/02/2099")
}

// openNC is an open nonconformity of A raised by its auditor.
func (a *app) openNC() *qms.Nonconformity {
	a.t.Helper()
	u := a.users["a-auditor"]
	ctx := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Hồ sơ trả muộn không có phiếu xin lỗi"}
	if err := a.db.CreateNC(ctx, n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// answeredPlan is an audit plan of A over its unit A1 whose checklist is
// answered, ready for its report; it returns the plan's path.
func (a *app) answeredPlan() string {
	a.t.Helper()
	a.childAgency("A1", "A")
	auditor := a.login("a-auditor")
	plan := url.Values{"programme_id": {a.programme(&auditor, "A")}, "title": {"Đánh giá A1"}, "units": {"A1"},
		"clauses": {"8.5"}, "auditors": {"a-auditor"}, "start_on": {"04/05/2026"}, "end_on": {"05/05/2026"}}
	resp := a.do("POST", "/audits/plans", &auditor, plan)
	if resp.StatusCode != 303 {
		a.t.Fatalf("plan: %d %s", resp.StatusCode, bodyOf(a.t, resp))
	}
	path := strings.TrimSuffix(resp.Header.Get("Location"), "?msg=created")
	a.do("POST", path+"/checklist", &auditor, url.Values{})
	p, err := a.db.FindPlan(context.Background(), "A", mustID(a.t, path))
	if err != nil || len(p.Items) == 0 {
		a.t.Fatalf("checklist: %v", err)
	}
	for _, it := range p.Items {
		a.do("POST", path+"/items/"+itoa(it.ID), &auditor, url.Values{"result": {"conform"}, "evidence": {"Đã xem hồ sơ"}})
	}
	return path
}
