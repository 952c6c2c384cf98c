package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// seedASCII gives agency A, on a server whose agencies and users have
// ASCII names, one of everything a page shows, all named in ASCII: a TTHC,
// a form, an effective procedure whose check step records on the form, a
// dossier, a nonconformity, an objective, an audit plan, a management
// review and a citizen's feedback. It returns the concrete path of every
// route pattern with parameters.
func (a *app) seedASCII() map[string]string {
	t := a.t
	t.Helper()
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	officer, leader := as("a-quality-officer"), as("a-leader")
	if _, _, err := a.db.ImportTTHC(officer, "A", []qms.TTHC{{Code: "1.000001", Name: "Karaoke licence", Field: "Culture", TimeLimitDays: 5},
		// no procedure: the catalogue shows why it is not under control
		{Code: "1.000002", Name: "Gallery licence", Field: "Culture", TimeLimitDays: 5}}); err != nil {
		t.Fatal(err)
	}
	f := &qms.Form{AgencyCode: "A", Code: "BM-01", Title: "Review sheet"}
	schema := `{"fields":[{"name":"verdict","label":"Verdict","type":"select","required":true,"options":["Pass","Fail"]},{"name":"pages","label":"Pages","type":"number"}]}`
	if err := a.db.CreateForm(officer, f, json.RawMessage(schema)); err != nil {
		t.Fatal(err)
	}
	a.db.TransitionFormVersion(officer, f.ID, 1, qms.ActionSubmit, "")
	if _, err := a.db.TransitionFormVersion(leader, f.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	p := &qms.Procedure{AgencyCode: "A", Code: "QT-01", Title: "Licensing", TTHCCodes: []string{"1.000001"}}
	if err := a.db.CreateProcedure(officer, p); err != nil {
		t.Fatal(err)
	}
	v, _ := a.db.CreateVersion(officer, p.ID)
	v.Purpose, v.Scope = "Licensing karaoke", "Agency A"
	v.Flowchart = flowchart.Flowchart{
		Steps: []flowchart.Step{
			{ID: "s", Name: "Receive", Kind: flowchart.KindStart, Responsible: "Front desk"},
			{ID: "check", Name: "Check", Kind: flowchart.KindTask, Hours: 8, Responsible: "Officer", Forms: []string{"BM-01"}},
			{ID: "ok", Name: "Complete?", Kind: flowchart.KindDecision, Hours: 1, Responsible: "Officer"},
			{ID: "e", Name: "Return", Kind: flowchart.KindEnd, Responsible: "Front desk"},
		},
		Edges: []flowchart.Edge{{From: "s", To: "check"}, {From: "check", To: "ok"}, {From: "ok", To: "e", Label: "Yes"}, {From: "ok", To: "check", Label: "No"}},
	}
	if err := a.db.UpdateVersion(officer, v); err != nil {
		t.Fatal(err)
	}
	a.db.TransitionVersion(officer, p.ID, 1, qms.ActionSubmit, "")
	if _, err := a.db.TransitionVersion(leader, p.ID, 1, qms.ActionApprove, ""); err != nil {
		t.Fatal(err)
	}
	d := &qms.Dossier{AgencyCode: "A", TTHCCode: "1.000001", Channel: qms.ChannelCounter, Applicant: qms.Applicant{Name: "Applicant One", Phone: "0912"}}
	if err := a.db.ReceiveDossier(as("a-staff"), d); err != nil {
		t.Fatal(err)
	}
	// A first compliance check finds TTHC 1.000002 not under control; the
	// nonconformity is raised from that finding, which its page names.
	sys := qms.WithActor(t.Context(), qms.SystemActor("test"))
	if _, err := a.db.RunChecks(sys, qms.CheckScope{AgencyCode: "A", Rule: qms.RuleTTHCNotControlled}); err != nil {
		t.Fatal(err)
	}
	rule := qms.RuleTTHCNotControlled
	found, err := a.db.FindFindings(t.Context(), qms.FindingFilter{Rule: &rule})
	if err != nil || len(found) != 1 {
		t.Fatalf("findings: %v, %v", found, err)
	}
	n := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromFinding, SourceRef: itoa(found[0].ID), Description: "Late reply", Correction: "Reply now"}
	if err := a.db.CreateNC(officer, n); err != nil {
		t.Fatal(err)
	}
	risk := &qms.Risk{AgencyCode: "A", Kind: qms.RiskKindRisk, Description: "Lost paper files", ProcedureID: p.ID, Likelihood: 4, Impact: 4,
		Owner: "a-staff", ReviewOn: qms.CivilDate(a.clock.Now()).AddDate(0, 1, 0)}
	if err := a.db.CreateRisk(officer, risk); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.LinkRisk(officer, "A", risk.ID, qms.RiskLink{Kind: qms.RiskLinkNC, Ref: n.ID}); err != nil {
		t.Fatal(err)
	}
	prov := a.seedProviderContext(officer, leader, n)
	lead, auditor := a.login("a-leader"), a.login("a-auditor")
	post := func(s *session, path string, form url.Values) string {
		t.Helper()
		resp := a.do("POST", path, s, form)
		if resp.StatusCode != 303 {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, bodyOf(t, resp))
		}
		loc, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
		return loc
	}
	post(&lead, "/objectives", url.Values{"year": {"2026"}, "title": {"On time"}, "measure": {"timely_rate"}, "target": {"95"}, "period": {"quarter"}})
	post(&auditor, "/audits/programmes", url.Values{"year": {"2026"}, "title": {"Programme 2026"}})
	progs, _ := a.db.FindProgrammes(t.Context(), "A")
	// A's auditors audit A1, the unit under A (no one audits their own unit).
	if err := a.db.CreateAgency(qms.WithActor(t.Context(), qms.SystemActor("test")), &qms.Agency{Code: "A1", Name: "Unit A1", ParentCode: "A"}); err != nil {
		t.Fatal(err)
	}
	plan := post(&auditor, "/audits/plans", url.Values{"programme_id": {itoa(progs[0].ID)}, "title": {"Audit A1"}, "units": {"A1"},
		"clauses": {"8.5"}, "auditors": {"a-auditor"}, "start_on": {"04/05/2026"}, "end_on": {"05/05/2026"}})
	post(&auditor, plan+"/checklist", url.Values{})
	review := post(&lead, "/reviews", url.Values{"title": {"Review 2026"}, "held_on": {"20/12/2026"}})
	qo := a.login("a-quality-officer")
	post(&qo, "/competence/catalogue", url.Values{"code": {"ONESTOP"}, "name": {"One-stop desk"}})
	comps, _ := a.db.FindCompetences(t.Context(), "A")
	post(&qo, "/competence/requirements", url.Values{"competence_id": {itoa(comps[0].ID)}, "role": {"staff"}})
	post(&qo, "/competence/records", url.Values{"username": {"a-leader"}, "competence_id": {itoa(comps[0].ID)}, "course": {"Desk course"}, "obtained_on": {"01/01/2025"}, "expires_on": {"01/02/2025"}})
	vis := a.visit("/public/A")
	resp := a.post(vis, "/public/A/feedback", url.Values{"name": {"Citizen"}, "contact": {"0987654321"}, "content": {"Too slow"}, "dossier_code": {d.Code}})
	if resp.StatusCode != 303 {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	track, _, _ := strings.Cut(resp.Header.Get("Location"), "?")
	var fb struct{ Feedback []qms.Feedback }
	decode(t, a.api("GET", "/api/v1/feedback", a.token("a-auditor"), ""), &fb)
	if len(fb.Feedback) != 1 {
		t.Fatalf("feedback: %+v", fb)
	}
	// The apology slip (Mẫu số 04) is made for a late dossier on a working
	// day: the clock moves to the working day after d's appointment.
	cal, err := a.db.Calendar(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	late, _ := cal.AddWorkingHours(d.DueAt, 8*time.Hour)
	a.clock.Set(late)
	newAppointment, _ := cal.AddWorkingHours(late, 16*time.Hour)
	if _, err := a.db.Apologize(as("a-staff"), "A", d.Code, newAppointment, "Waiting for the fire service"); err != nil {
		t.Fatal(err)
	}
	// The scheduled compliance job has run: the jobs page shows it.
	sysAdmin := a.login("admin")
	if code := a.do("POST", "/admin/jobs/compliance/run", &sysAdmin, url.Values{}).StatusCode; code != 303 {
		t.Fatalf("run job: %d", code)
	}
	// The compliance check, on the late clock, finds what the pages list
	// as findings: their messages are written in the page's language.
	if res, err := a.db.RunChecks(sys, qms.CheckScope{AgencyCode: "A"}); err != nil || res.Open < 5 {
		t.Fatalf("compliance check: %+v, %v", res, err)
	}
	pid := itoa(p.ID)
	rated := a.returnedDossiers("A", 1)[0]
	return map[string]string{
		"/admin/agencies/:code":                      "/admin/agencies/A",
		"/admin/users/:id":                           "/admin/users/" + itoa(a.users["a-staff"].ID),
		"/procedures/:id":                            "/procedures/" + pid,
		"/procedures/:id/versions/:n":                "/procedures/" + pid + "/versions/1",
		"/procedures/:id/versions/:n/print":          "/procedures/" + pid + "/versions/1/print",
		"/procedures/:id/versions/:n/diagram":        "/procedures/" + pid + "/versions/1/diagram",
		"/procedures/:id/versions/:n/flowchart.:ext": "/procedures/" + pid + "/versions/1/flowchart.svg",
		"/forms/:id":                                 "/forms/" + itoa(f.ID),
		"/forms/:id/versions/:n":                     "/forms/" + itoa(f.ID) + "/versions/1",
		"/forms/:id/versions/:n/template":            "", // a download, never a page
		"/dossiers/:code":                            "/dossiers/" + d.Code,
		"/dossiers/:code/delegate":                   "/dossiers/" + d.Code + "/delegate",
		"/dossiers/:code/control-slip":               "/dossiers/" + d.Code + "/control-slip",
		"/dossiers/:code/receipt":                    "/dossiers/" + d.Code + "/receipt",
		"/dossiers/:code/apology-slip":               "/dossiers/" + d.Code + "/apology-slip",
		"/dossiers/:code/files/:sha":                 "", // a download, never a page
		"/competence/people/:username":               "/competence/people/a-leader",
		"/competence/records/:id/evidence":           "", // a download, never a page
		"/nonconformities/:id":                       "/nonconformities/" + itoa(n.ID),
		"/risks/:id":                                 "/risks/" + itoa(risk.ID),
		"/providers/:id":                             "/providers/" + itoa(prov.ID),
		"/audits/plans/:id":                          plan,
		"/audits/plans/:id/print":                    plan + "/print",
		"/reviews/:id":                               review,
		"/feedback/:id":                              "/feedback/" + itoa(fb.Feedback[0].ID),
		"/public/:agency":                            "/public/A?code=" + d.Code,
		"/public/:agency/feedback":                   "/public/A/feedback",
		"/public/:agency/feedback/:code":             track,
		"/public/:agency/satisfaction/:code":         "/public/A/satisfaction/" + rated,
		"/lang/:code":                                "", // switches the language, shows nothing
		"/declarations/:id/file":                     "", // a download, never a page
	}
}

// recordedData are the texts of records the test did not name: what the
// server seeds (the system agency and its administrator, the standard
// forms, the official names of holidays), what the store writes in
// Vietnamese into records (an audit plan's checklist, a review's input
// pack) and the test's job title. They are data, shown as recorded, not
// UI labels: the strings with a non-ASCII letter of these API answers.
func (a *app) recordedData(token string, paths map[string]string) []string {
	out := []string{"Quản trị hệ thống"}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			if strings.IndexFunc(v, func(r rune) bool { return r > unicode.MaxASCII }) >= 0 {
				out = append(out, v)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, api := range []string{"/api/v1/forms", "/api/v1" + paths["/audits/plans/:id"], "/api/v1" + paths["/reviews/:id"]} {
		var v any
		decode(a.t, a.api("GET", api, token, ""), &v)
		walk(v)
	}
	cal, err := a.db.Calendar(context.Background(), "A")
	if err != nil {
		a.t.Fatal(err)
	}
	for y := time.Now().Year() - 1; y <= time.Now().Year()+1; y++ {
		for _, h := range cal.Holidays(y) {
			out = append(out, h.Name)
		}
	}
	// Longest first, so that a text is removed before any part of it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// uiTexts are the texts a person reads on a page: text nodes (not scripts
// or styles) and the attributes shown as text.
func uiTexts(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); s != "" {
				out = append(out, s)
			}
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" {
				return
			}
			for _, k := range []string{"placeholder", "title", "alt", "aria-label", "data-confirm"} {
				if v := attr(n, k); v != "" {
					out = append(out, v)
				}
			}
			if n.Data == "input" && (attr(n, "type") == "submit" || attr(n, "type") == "button") {
				out = append(out, attr(n, "value"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// vietnameseOnly returns the texts with a non-ASCII letter (a Vietnamese
// diacritic) once the seeded data is taken out.
func vietnameseOnly(texts, data []string) []string {
	var out []string
	for _, s := range texts {
		for _, d := range data {
			s = strings.ReplaceAll(s, d, "")
		}
		if json.Valid([]byte(s)) && strings.HasPrefix(s, "{") {
			continue // a record's details (the audit log), data
		}
		if strings.IndexFunc(s, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) >= 0 {
			out = append(out, s)
		}
	}
	return out
}

// TestOneSource4EnglishEveryPage renders every page of the route table in
// English, on data named in ASCII, and fails on any text with a
// Vietnamese letter: a label left out of the catalogue. The pages are the
// GET routes of Server.Rules() and the public ones, so a new page is
// checked without being listed here; a route with parameters needs its
// concrete path in seedASCII.
func TestOneSource4EnglishEveryPage(t *testing.T) {
	a := newAppNamed(t, "Agency ", "User ")
	paths := a.seedASCII()
	data := a.recordedData(a.token("a-auditor"), paths)
	all := a.allRoles()
	pages := a.everyPage(paths, all, "en", func(target, body string) {
		for _, s := range vietnameseOnly(uiTexts(parsePage(t, body).root), data) {
			t.Errorf("GET %s in English shows %q", target, s)
		}
	})
	if pages < 40 {
		t.Errorf("only %d pages rendered", pages)
	}
}

// allRoles signs in "a-all", one user with every role in A, who sees
// every page.
func (a *app) allRoles() session {
	t := a.t
	t.Helper()
	u := &qms.User{Username: "a-all", FullName: "All Roles"}
	for _, r := range qms.Roles {
		u.Memberships = append(u.Memberships, qms.Membership{AgencyCode: "A", Role: r})
	}
	if err := a.db.CreateUser(qms.WithActor(context.Background(), qms.SystemActor("test")), u, "ngua-o-123"); err != nil {
		t.Fatal(err)
	}
	a.users[u.Username] = u
	if err := a.srv.Authz.Reload(); err != nil { // the policy learns the new user's roles
		t.Fatal(err)
	}
	return a.login("a-all")
}

// everyPage renders, as s in lang, every page of the route table (the GET
// routes of Server.Rules() and the public ones, so a new page is visited
// without being listed here; a route with parameters needs its concrete
// path in paths, seedASCII's) and the error page, and calls visit with
// each HTML page's path and body. It returns how many pages it visited.
func (a *app) everyPage(paths map[string]string, s session, lang string, visit func(target, body string)) int {
	t := a.t
	t.Helper()
	var routes []string
	for k := range a.srv.Rules() {
		routes = append(routes, k)
	}
	routes = append(routes, a.srv.PublicRoutes()...)
	sort.Strings(routes)
	pages := 0
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		if method != "GET" || strings.HasPrefix(pattern, "/api/") {
			continue
		}
		target := pattern
		if strings.Contains(pattern, ":") {
			p, ok := paths[pattern]
			if !ok {
				t.Errorf("%s: no concrete path for its parameters in seedASCII", route)
				continue
			}
			if p == "" {
				continue
			}
			target = p
		}
		if pattern == "/metrics" {
			continue // off unless --metrics-token or --metrics-addr is set
		}
		req := httptest.NewRequest("GET", target, nil)
		req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
		if pattern != "/login" && !strings.HasPrefix(pattern, "/public/") {
			req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
		}
		resp := a.send(req)
		body := bodyOf(t, resp)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue // an SVG, a spreadsheet, metrics, JSON
		}
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", target, resp.StatusCode)
			continue
		}
		pages++
		visit(target, body)
	}
	// The error page too.
	req := httptest.NewRequest("GET", "/no-such-page", nil)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(&http.Cookie{Name: "qms_lang", Value: lang})
	req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
	visit("/no-such-page", bodyOf(t, a.send(req)))
	return pages
}
