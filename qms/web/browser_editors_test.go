package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// draftVersion makes QT-01 effective (effectiveProcedure) and opens its
// version 2 as a draft with the same flowchart.
func (a *app) draftVersion() (*qms.Procedure, *qms.ProcedureVersion) {
	a.t.Helper()
	a.effectiveProcedure()
	u := a.users["a-quality-officer"]
	officer := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	ps, _ := a.db.FindProcedures(context.Background(), qms.ProcedureFilter{})
	v, err := a.db.CreateVersion(officer, ps[0].ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return ps[0], v
}

// consoleProblems collects, for the test's browser, every console entry
// about a Content-Security-Policy violation and every uncaught exception;
// the returned func lists them.
func consoleProblems(t *testing.T, ctx context.Context) func() []string {
	var mu sync.Mutex
	var seen []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			if strings.Contains(e.Entry.Text, "Content Security Policy") {
				seen = append(seen, e.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			seen = append(seen, "exception: "+e.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// clickAndWaitNewPage clicks sel and waits until the page it was on is
// gone: a page that looks like the next one cannot pass for it.
func clickAndWaitNewPage(sel chromedp.ID) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.body.setAttribute('data-left', 'no')`),
		chromedp.Click(sel),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-left]`)),
	)
}

// TestProduct11BrowserDiagramEditor: a quality officer opens the draft's
// flowchart in the bpmn.io modeler, inserts a step before the end (through
// the modeler's API, as a drag would), gives it its hours in the side
// panel and saves: the draft's flowchart on the server has the step, in
// place, and is still valid. A step left without an exit shows the
// validation message at once, before any save. No CSP violation on the way.
func TestProduct11BrowserDiagramEditor(t *testing.T) {
	a := newApp(t)
	p, v := a.draftVersion()
	ctx, base := browser(t, a)
	violations := consoleProblems(t, ctx)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := browserLogin(ctx, base, "a-quality-officer"); err != nil {
		t.Fatal(err)
	}
	version := base + "/procedures/" + itoa(p.ID) + "/versions/" + itoa(int64(v.Number))
	err := chromedp.Do(ctx,
		chromedp.Navigate(version),
		chromedp.WaitVisible(id("diagram-link")),
		chromedp.Click(id("diagram-link")),
		chromedp.WaitVisible(chromedp.CSS(`#diagram-canvas[data-ready="true"]`)),
		chromedp.WaitVisible(id("diagram-ok")),
		chromedp.WaitVisible(chromedp.CSS(".bjs-powered-by")), // the bpmn.io watermark stays
	)
	if err != nil {
		t.Fatal(err)
	}
	palette, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.djs-palette [data-action="create.task"]').getAttribute('aria-label')`))
	if palette != "Thêm bước công việc" {
		t.Errorf("the modeler's palette speaks %q", palette)
	}
	// Insert "Kiểm tra thực địa" between "Ký giấy phép" and the end.
	insert := `(function () {
		var m = window.modeler, modeling = m.get('modeling'), reg = m.get('elementRegistry');
		var flow = reg.filter(function (e) { return e.type === 'bpmn:SequenceFlow' && e.source.businessObject.name === 'Ký giấy phép'; })[0];
		var src = flow.source, end = flow.target;
		modeling.removeConnection(flow);
		var task = modeling.appendShape(src, { type: 'bpmn:UserTask' }, { x: src.x + src.width / 2, y: src.y + src.height + 80 }, src.parent);
		modeling.updateLabel(task, 'Kiểm tra thực địa');
		modeling.connect(task, end);
		m.get('selection').select(task);
		return task.id;
	})()`
	taskID, err := chromedp.Run(ctx, chromedp.Evaluate[string](insert))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(id("prop-hours")),
		chromedp.SendKeys(id("prop-hours"), "4,5"),
		chromedp.SendKeys(id("prop-forms"), "BM-ISO-05"),
		chromedp.Click(id("prop-name")), // leaving the field commits it
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, clickAndWaitNewPage(id("save-diagram")),
		chromedp.WaitVisible(chromedp.CSS(`#diagram-canvas[data-ready="true"]`)),
		chromedp.WaitVisible(id("diagram-ok"))) // the saved diagram, checked again
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/diagram?msg=saved") {
		msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById('diagram-error') || {}).textContent || ''`))
		t.Errorf("after save at %q: %s", loc, msg)
	}
	saved, err := a.db.FindVersion(context.Background(), p.ID, v.Number)
	if err != nil {
		t.Fatal(err)
	}
	var added *flowchart.Step
	for i, s := range saved.Flowchart.Steps {
		if s.Name == "Kiểm tra thực địa" {
			added = &saved.Flowchart.Steps[i]
		}
	}
	if added == nil || added.ID != taskID || added.Kind != flowchart.KindTask || added.Hours != 4.5 ||
		len(added.Forms) != 1 || added.Forms[0] != "BM-ISO-05" {
		t.Fatalf("the drawn step on the server: %+v (steps %+v)", added, saved.Flowchart.Steps)
	}
	edges := map[string]bool{}
	for _, e := range saved.Flowchart.Edges {
		edges[e.From+">"+e.To] = true
	}
	if !edges["sign>"+taskID] || !edges[taskID+">e"] || edges["sign>e"] {
		t.Errorf("the step is not in place: %+v", saved.Flowchart.Edges)
	}
	if ps := flowchart.Validate(saved.Flowchart, flowchart.ValidateOptions{}); len(ps) > 0 {
		t.Errorf("the saved flowchart is not valid: %v", ps)
	}

	// A step with no way out: the message shows while drawing.
	dangling := `(function () {
		var m = window.modeler, reg = m.get('elementRegistry');
		var src = reg.filter(function (e) { return e.businessObject.name === 'Thẩm định' && e.type !== 'label'; })[0];
		var task = m.get('modeling').appendShape(src, { type: 'bpmn:UserTask' }, { x: src.x + src.width / 2 + 250, y: src.y + src.height / 2 }, src.parent);
		m.get('modeling').updateLabel(task, 'Bước cụt');
		return task.id;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](dangling)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(id("diagram-problems"))); err != nil {
		t.Fatal(err)
	}
	problems, _ := chromedp.Run(ctx, chromedp.Text(id("diagram-problems")))
	if !strings.Contains(problems, "Bước cụt") {
		t.Errorf("live validation: %q", problems)
	}
	ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('diagram-ok').hidden`))
	if !ok {
		t.Error("the diagram still says it is valid")
	}
	if v := violations(); len(v) > 0 {
		t.Errorf("console: %q", v)
	}
}

// TestProduct12BrowserFormBuilder: a quality officer builds a form without
// typing JSON: three fields (a choice list with its options, a required
// date, a text), one moved up, saved; the server's schema is what was
// built, in the built order, and the builder shows it again on the
// version page. Then a staff member fills the form on a dossier: the date
// is a dd/mm/yyyy text box whatever the browser's locale, 05/03/2026 is
// taken as 5 March 2026, and the record shows it as 05/03/2026.
func TestProduct12BrowserFormBuilder(t *testing.T) {
	a := newApp(t)
	a.effectiveProcedure()
	ctx, base := browser(t, a)
	problems := consoleProblems(t, ctx)
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	if err := browserLogin(ctx, base, "a-quality-officer"); err != nil {
		t.Fatal(err)
	}
	setType := func(i, typ string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(function () { var s = document.getElementById('fb-type-` + i + `');
			s.value = '` + typ + `'; s.dispatchEvent(new Event('change')); })()`)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/forms/new"),
		chromedp.WaitVisible(id("fb-add")),
		chromedp.SendKeys(id("form-code"), "BM-QT01-09"),
		chromedp.SendKeys(id("form-title"), "Phiếu kiểm tra thực địa"),
		// Start from no field: the page offers an example schema.
		chromedp.Evaluate[chromedp.Void](`(function () { var a = document.getElementById('form-schema'); a.value = ''; a.dispatchEvent(new Event('change')); })()`),
		chromedp.Click(id("fb-add")),
		chromedp.SendKeys(id("fb-label-0"), "Kết luận"),
		setType("0", "select"),
		chromedp.WaitVisible(id("fb-options-0")),
		chromedp.SendKeys(id("fb-options-0"), "Đạt\nKhông đạt"),
		chromedp.Click(id("fb-required-0")),
		chromedp.Click(id("fb-add")),
		chromedp.SendKeys(id("fb-label-1"), "Ngày kiểm tra"),
		setType("1", "date"),
		chromedp.Click(id("fb-required-1")),
		chromedp.Click(id("fb-add")),
		chromedp.SendKeys(id("fb-label-2"), "Ghi chú"),
		chromedp.Click(id("fb-up-1")), // the date first
		clickAndWaitNewPage(id("create-form")),
		chromedp.WaitVisible(id("fb-fields")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('p.error') || {}).textContent || ''`)); msg != "" {
		t.Fatalf("create form: %s", msg)
	}
	forms, err := a.db.FindForms(context.Background(), "A")
	if err != nil {
		t.Fatal(err)
	}
	var built *qms.Form
	for _, f := range forms {
		if f.Code == "BM-QT01-09" {
			built = f
		}
	}
	if built == nil {
		t.Fatal("the built form was not created")
	}
	fv, err := a.db.FindFormVersion(context.Background(), built.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Fields []struct {
			Name, Label, Type string
			Required          bool
			Options           []string
		}
	}
	if err := json.Unmarshal(fv.Schema, &schema); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(schema.Fields)
	want := `[{"Name":"ngay_kiem_tra","Label":"Ngày kiểm tra","Type":"date","Required":true,"Options":null},` +
		`{"Name":"ket_luan","Label":"Kết luận","Type":"select","Required":true,"Options":["Đạt","Không đạt"]},` +
		`{"Name":"ghi_chu","Label":"Ghi chú","Type":"text","Required":false,"Options":null}]`
	if string(got) != want {
		t.Fatalf("schema on the server:\n%s\nwant\n%s", got, want)
	}
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[0, 1, 2].map(function (i) { return document.getElementById('fb-name-' + i).value; }).join(',')`))
	if shown != "ngay_kiem_tra,ket_luan,ghi_chu" {
		t.Errorf("the version page's builder shows %q", shown)
	}

	// The same schema on the check step of QT-01, filled by a staff member.
	a.formOnCheckSchema(string(fv.Schema))
	if err := chromedp.Do(ctx, chromedp.Click(id("logout")), chromedp.WaitVisible(id("username"))); err != nil {
		t.Fatal(err)
	}
	if err := browserLogin(ctx, base, "a-staff"); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/dossiers/new"),
		chromedp.WaitVisible(id("applicant_name")),
		chromedp.SendKeys(id("applicant_name"), "Nguyễn Thị Hoa"),
		clickAndWaitNewPage(id("receive-dossier")),
		chromedp.WaitVisible(id("f-ngay_kiem_tra")),
	)
	if err != nil {
		t.Fatal(err)
	}
	input, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () { var d = document.getElementById('f-ngay_kiem_tra'); return d.type + ' ' + d.placeholder; })()`))
	if input != "text dd/mm/yyyy" {
		t.Errorf("the date input is %q, want a dd/mm/yyyy text box", input)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(id("f-ngay_kiem_tra"), "05/03/2026"),
		chromedp.SetValue(id("f-ket_luan"), "Đạt"),
		chromedp.SendKeys(id("f-ghi_chu"), "Cơ sở đủ điều kiện"),
		clickAndWaitNewPage(id("complete-check")),
		chromedp.WaitVisible(id("complete-ok")),
		chromedp.WaitVisible(chromedp.CSS(`td[id^="record-"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	record, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`td[id^="record-"]`)))
	if !strings.Contains(record, "Ngày kiểm tra") || !strings.Contains(record, "05/03/2026") {
		t.Errorf("the record shows %q", record)
	}
	ds, _, _ := a.db.FindDossiers(context.Background(), qms.DossierFilter{})
	steps, _ := a.db.StepRecords(context.Background(), ds[0].ID)
	if len(steps) != 2 || steps[1].Entry["ngay_kiem_tra"] != "2026-03-05" || steps[1].Entry["ket_luan"] != "Đạt" {
		t.Fatalf("stored entry: %+v", steps)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("console: %q", p)
	}
}
