package web_test

import (
	"context"
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
		chromedp.SendKeys(id("prop-forms"), "BM-QT01-02"),
		chromedp.Click(id("prop-name")), // leaving the field commits it
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, clickAndWaitNewPage(id("save-diagram")),
		chromedp.WaitVisible(chromedp.CSS(`#diagram-canvas[data-ready="true"]`)))
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
		len(added.Forms) != 1 || added.Forms[0] != "BM-QT01-02" {
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
