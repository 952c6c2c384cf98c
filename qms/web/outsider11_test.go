package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"isodt/qms"
)

// subunit adds a subordinate unit (kind truc_thuoc) under parent, made by
// the system (the CLI's qms agency add).
func (a *app) subunit(code, name, parent string) {
	a.t.Helper()
	sys := qms.WithActor(a.t.Context(), qms.SystemActor("test"))
	if err := a.db.CreateAgency(sys, &qms.Agency{Code: code, Name: name, ParentCode: parent, Kind: qms.AgencyKindSubunit}); err != nil {
		a.t.Fatal(err)
	}
}

// agencyOf reads an agency straight from the store.
func (a *app) agencyOf(code string) *qms.Agency {
	a.t.Helper()
	ag, err := a.db.FindAgencyByCode(a.t.Context(), code)
	if err != nil {
		a.t.Fatal(err)
	}
	return ag
}

// named are the elements of the page's forms with the attribute name.
func (d doc) named(name string) []*html.Node {
	return find(d.root, func(n *html.Node) bool { return attr(n, "name") == name })
}

// options are the values a select (by id) offers.
func (d doc) options(id string) []string {
	sel := d.byID(id)
	if sel == nil {
		d.t.Fatalf("no select #%s", id)
	}
	var out []string
	for _, o := range find(sel, func(n *html.Node) bool { return n.Data == "option" }) {
		out = append(out, attr(o, "value"))
	}
	return out
}

// TestOutsider11UnitAdminKeepsParent (outsider pass 11, finding 1): the
// admin of a unit under a department saved its own agency's edit form
// with a new name, and the form's parent select, which offered only
// "(không có)" since the department lies outside the admin's scope,
// detached the unit from the department. Moving an agency is the system
// admin's: the form of another admin shows the parent and the kind
// without a field, saving it keeps them, and a parent or kind sent anyway
// is refused with the field named, by the store for every caller.
func TestOutsider11UnitAdminKeepsParent(t *testing.T) {
	a := newApp(t)
	a.subunit("A1", "Văn phòng Sở A", "A")
	a.subunit("A2", "Chi cục A2", "A")
	a.addUser("a1-admin", "A1", qms.RoleAdmin)
	unit := a.login("a1-admin")

	// The page shows the parent, read-only, and offers no parent or kind.
	p := parsePage(t, bodyOf(t, a.do("GET", "/admin/agencies/A1", &unit, nil)))
	if got := p.text("agency-parent-fixed"); got != "A – Sở A" {
		t.Fatalf("the parent shown: %q", got)
	}
	if got := p.text("agency-kind-fixed"); got != "Đơn vị trực thuộc" {
		t.Fatalf("the kind shown: %q", got)
	}
	if len(p.named("parent")) != 0 || len(p.named("kind")) != 0 {
		t.Fatal("the unit admin's form has a parent or kind field")
	}
	if p.text("agency-parent") != "A – Sở A" {
		t.Fatalf("the facts name the parent %q", p.text("agency-parent"))
	}

	// Saving the form as it is posted (a new name) keeps the parent.
	if resp := a.do("POST", "/admin/agencies/A1", &unit, url.Values{"name": {"Văn phòng Sở A (mới)"}}); resp.StatusCode != 303 {
		t.Fatalf("rename: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	if got := a.agencyOf("A1"); got.ParentCode != "A" || got.Name != "Văn phòng Sở A (mới)" || got.Kind != qms.AgencyKindSubunit {
		t.Fatalf("after the rename: %+v", got)
	}

	// A parent or a kind sent anyway is refused, the field named, and
	// nothing is written: by the unit's admin and by the department's.
	dept := a.login("a-admin")
	updates := a.auditCount("agency.update")
	for _, tc := range []struct {
		name  string
		who   *session
		form  url.Values
		field string
	}{
		{"unit admin clears the parent (the old form)", &unit, url.Values{"name": {"Văn phòng"}, "parent": {""}}, "parent"},
		{"unit admin moves under a sibling", &unit, url.Values{"name": {"Văn phòng"}, "parent": {"A2"}}, "parent"},
		{"unit admin changes the kind", &unit, url.Values{"name": {"Văn phòng"}, "kind": {"so_nganh"}}, "kind"},
		{"department admin detaches its unit", &dept, url.Values{"name": {"Văn phòng"}, "parent": {""}}, "parent"},
		{"department admin moves its unit under another of its units", &dept, url.Values{"name": {"Văn phòng"}, "parent": {"A2"}}, "parent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("POST", "/admin/agencies/A1", tc.who, tc.form)
			pg := parsePage(t, bodyOf(t, resp))
			msg := pg.text("error-" + tc.field)
			if resp.StatusCode != 403 || !strings.Contains(msg, "chỉ quản trị hệ thống") {
				t.Fatalf("status %d, error next to %s: %q", resp.StatusCode, tc.field, msg)
			}
		})
	}
	if got := a.agencyOf("A1"); got.ParentCode != "A" || got.Kind != qms.AgencyKindSubunit || a.auditCount("agency.update") != updates {
		t.Fatalf("a refused edit changed A1: %+v", got)
	}
	// The department's admin still sees its unit, and its own page shows
	// no parent field either.
	if code := a.do("GET", "/admin/agencies/A1", &dept, nil).StatusCode; code != 200 {
		t.Fatalf("the department's admin reads A1: %d", code)
	}
	if pg := parsePage(t, bodyOf(t, a.do("GET", "/admin/agencies/A", &dept, nil))); pg.text("agency-parent-fixed") != "(không có)" || len(pg.named("parent")) != 0 {
		t.Fatal("the department admin's own form offers a parent")
	}

	// The system admin moves it: the select shows the current parent.
	sys := a.login("admin")
	pg := parsePage(t, bodyOf(t, a.do("GET", "/admin/agencies/A1", &sys, nil)))
	if sel := find(pg.byID("agency-parent-choice"), func(n *html.Node) bool { return n.Data == "option" && attr(n, "value") == "A" }); len(sel) != 1 || !hasAttr(sel[0], "selected") {
		t.Fatal("the system admin's form does not select the current parent")
	}
	if resp := a.do("POST", "/admin/agencies/A1", &sys, url.Values{"name": {"Văn phòng Sở A"}, "parent": {"A2"}, "kind": {"truc_thuoc"}}); resp.StatusCode != 303 {
		t.Fatalf("the system admin moves A1: %d", resp.StatusCode)
	}
	if got := a.agencyOf("A1"); got.ParentCode != "A2" {
		t.Fatalf("after the move: %+v", got)
	}
}

// TestOutsider11MergedChoicesNotOffered (outsider pass 11, finding 2):
// the agency forms offered merged agencies as parents (chosen, a 403
// whose message spoke of writing to the merged agency's data), and the
// internal audit plan's units offered a merged unit, which a plan then
// audited. A merged agency is offered neither as a parent nor as a unit;
// sent anyway, the parent is refused saying it was merged, and a plan
// (or the checklist of a plan made before the merger) is refused naming
// the units field, on the store's word.
func TestOutsider11MergedChoicesNotOffered(t *testing.T) {
	a := newApp(t)
	a.subunit("A1", "Chi cục A1", "A")
	a.subunit("A2", "Chi cục A2", "A")
	a.subunit("B1", "Chi cục B1", "B")
	officer := a.login("a-quality-officer")
	prog := a.programme(&officer, "A")
	before := a.do("POST", "/audits/plans", &officer, planForm(prog, []string{"A1"}, nil, "a-auditor"))
	if before.StatusCode != 303 {
		t.Fatalf("plan before the merger: %d %s", before.StatusCode, pageError.FindStringSubmatch(bodyOf(t, before)))
	}
	planPath := strings.TrimSuffix(before.Header.Get("Location"), "?msg=created")
	sysCtx := qms.WithActor(t.Context(), qms.SystemActor("test"))
	if _, err := a.db.MergeAgencies(sysCtx, qms.MergePlan{Into: "A2", From: []string{"A1"}}, false); err != nil {
		t.Fatal(err)
	}

	// The parent select of the system admin's forms.
	sys := a.login("admin")
	for path, id := range map[string]string{"/admin/agencies/B": "agency-parent-choice", "/admin/agencies/new": "agency-parent-new"} {
		opts := parsePage(t, bodyOf(t, a.do("GET", path, &sys, nil))).options(id)
		if slices.Contains(opts, "A1") || !slices.Contains(opts, "A2") {
			t.Errorf("%s offers the parents %v", path, opts)
		}
		// Nor the agency itself or one under it (a cycle).
		if path == "/admin/agencies/B" && (slices.Contains(opts, "B") || slices.Contains(opts, "B1")) {
			t.Errorf("%s offers B or an agency under it: %v", path, opts)
		}
	}
	for _, tc := range []struct{ name, path string }{
		{"move under a merged agency", "/admin/agencies/B"},
		{"create under a merged agency", "/admin/agencies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("POST", tc.path, &sys, url.Values{"code": {"N1"}, "name": {"Chi cục mới"}, "parent": {"A1"}, "kind": {"so_nganh"}})
			msg := parsePage(t, bodyOf(t, resp)).text("error-parent")
			if resp.StatusCode != 403 || !strings.Contains(msg, `"A1" đã sáp nhập vào "A2"`) || !strings.Contains(msg, "không còn nhận đơn vị trực thuộc") {
				t.Fatalf("status %d, error next to parent: %q", resp.StatusCode, msg)
			}
		})
	}
	if got := a.agencyOf("B"); got.ParentCode != "" {
		t.Fatalf("B moved: %+v", got)
	}
	checkAPI(t, "API create under a merged agency", a.api("POST", "/api/v1/agencies", a.token("admin"), `{"code":"N2","name":"Chi cục N2","parent":"A1"}`), 403, "parent", nil)

	// The audit plan's units.
	units := strings.Join(parsePage(t, bodyOf(t, a.do("GET", "/audits", &officer, nil))).options("plan-units"), ",")
	if strings.Contains(units, "A1") || !strings.Contains(units, "A2") {
		t.Fatalf("the plan offers the units %s", units)
	}
	plans := a.auditCount("internal_audit.plan")
	again := planForm(prog, []string{"A1"}, nil, "a-auditor")
	again.Set("title", "Đánh giá lại A1") // not the first plan sent again (qms.RepeatWindow)
	resp := a.do("POST", "/audits/plans", &officer, again)
	if msg := parsePage(t, bodyOf(t, resp)).text("error-units"); resp.StatusCode != 403 || !strings.Contains(msg, `"A1" đã sáp nhập vào "A2"`) {
		t.Fatalf("plan of a merged unit: %d, error next to units: %q", resp.StatusCode, msg)
	}
	if a.auditCount("internal_audit.plan") != plans {
		t.Fatal("a plan of a merged unit was written")
	}
	resp = a.do("POST", planPath+"/checklist", &officer, url.Values{})
	if body := bodyOf(t, resp); resp.StatusCode != 403 || !strings.Contains(body, "đã sáp nhập vào") {
		t.Fatalf("checklist of a plan whose unit merged: %d %q", resp.StatusCode, pageError.FindStringSubmatch(body))
	}
}

// TestOutsider11AgencyNamesUnique (outsider pass 11, finding 3): B's
// admin created under B an agency named as A, whose public page and
// feedback form then looked like A's. No two agencies that are not merged
// have one name, compared composed and regardless of case, spaces and
// punctuation (409 naming the agency that has it); letters outside the
// Vietnamese alphabet, which copy a name past that comparison, are
// refused; a merged agency's name is free again.
func TestOutsider11AgencyNamesUnique(t *testing.T) {
	a := newApp(t)
	a.subunit("A1", "Văn phòng Sở A", "A")
	b := a.login("b-admin")
	creates := a.auditCount("agency.create")
	for _, tc := range []struct {
		name, typed string
		status      int
		names       string
	}{
		{"same name", "Sở A", 409, "đơn vị A (Sở A)"},
		{"other case and spaces", "  sỞ   a ", 409, "đơn vị A (Sở A)"},
		{"decomposed accents", norm.NFD.String("Sở A"), 409, "đơn vị A (Sở A)"},
		{"punctuation", "Sở - A.", 409, "đơn vị A (Sở A)"},
		{"the system agency's name", "QUẢN TRỊ HỆ THỐNG", 409, "đơn vị SYS"},
		{"another agency's unit", "Văn phòng sở A", 409, "đơn vị A1"},
		{"a Cyrillic letter", "Sở \u0410", 400, "U+0410"},
		{"an Icelandic eth for Đ", "\u00d0ơn vị A", 400, "U+00D0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.do("POST", "/admin/agencies", &b, url.Values{"code": {"BX"}, "name": {tc.typed}, "parent": {"B"}})
			msg := parsePage(t, bodyOf(t, resp)).text("error-name")
			if resp.StatusCode != tc.status || !strings.Contains(msg, tc.names) {
				t.Fatalf("status %d, want %d; error next to the name: %q", resp.StatusCode, tc.status, msg)
			}
		})
	}
	if a.auditCount("agency.create") != creates {
		t.Fatal("a refused name was written")
	}
	checkAPI(t, "API", a.api("POST", "/api/v1/agencies", a.token("b-admin"), `{"code":"BX","name":"sở a","parent":"B"}`), 409, "name", nil)
	// The system admin is held to it too, and a rename as well.
	sys := a.login("admin")
	if resp := a.do("POST", "/admin/agencies", &sys, url.Values{"code": {"SYS2"}, "name": {"Quản trị hệ thống"}, "kind": {"so_nganh"}}); resp.StatusCode != 409 {
		t.Fatalf("the system admin copies SYS's name: %d", resp.StatusCode)
	}
	resp := a.do("POST", "/admin/agencies/A1", a.sessionOf("a-admin"), url.Values{"name": {"SỞ B"}})
	if msg := parsePage(t, bodyOf(t, resp)).text("error-name"); resp.StatusCode != 409 || !strings.Contains(msg, "đơn vị B (Sở B)") {
		t.Fatalf("rename to B's name: %d %q", resp.StatusCode, msg)
	}
	// Its own name in another case is not a clash with itself.
	if resp := a.do("POST", "/admin/agencies/A1", a.sessionOf("a-admin"), url.Values{"name": {"VĂN PHÒNG SỞ A"}}); resp.StatusCode != 303 {
		t.Fatalf("A1 re-cased: %d", resp.StatusCode)
	}
	// Once A1 merged into A, its name is free.
	if _, err := a.db.MergeAgencies(qms.WithActor(t.Context(), qms.SystemActor("test")), qms.MergePlan{Into: "A", From: []string{"A1"}}, false); err != nil {
		t.Fatal(err)
	}
	if resp := a.do("POST", "/admin/agencies", a.sessionOf("a-admin"), url.Values{"code": {"A3"}, "name": {"Văn phòng Sở A"}, "parent": {"A"}}); resp.StatusCode != 303 {
		t.Fatalf("a merged agency's name: %d", resp.StatusCode)
	}
}

// sessionOf signs username in and returns the session.
func (a *app) sessionOf(username string) *session {
	s := a.login(username)
	return &s
}

// TestOutsider11AdminCreatesSubunits (outsider pass 11, finding 3): a
// department's admin created children of any kind under it, a "sở" or an
// "UBND xã". Another agency's admin creates subordinate units: the form
// shows the kind without a choice, a new agency without a kind is one,
// and another kind is refused (403 naming "kind"), on the page and the
// API; the system admin chooses any current kind
// (TestAgencyKinds2AdminAndAPI).
func TestOutsider11AdminCreatesSubunits(t *testing.T) {
	a := newApp(t)
	s := a.login("a-admin")
	p := parsePage(t, bodyOf(t, a.do("GET", "/admin/agencies/new", &s, nil)))
	if p.text("agency-kind-fixed") != "Đơn vị trực thuộc" || len(p.named("kind")) != 0 {
		t.Fatal("the admin's new agency form offers a kind")
	}
	// Nor "(none)" as the parent, which the store refuses them (outsider
	// pass 11).
	if strings.Contains(p.text("agency-parent-new"), "không có") {
		t.Fatalf("the admin's new agency form offers no parent: %q", p.text("agency-parent-new"))
	}
	if resp := a.do("POST", "/admin/agencies", &s, url.Values{"code": {"A1"}, "name": {"Chi cục A1"}, "parent": {"A"}}); resp.StatusCode != 303 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if got := a.agencyOf("A1"); got.Kind != qms.AgencyKindSubunit {
		t.Fatalf("kind %q", got.Kind)
	}
	creates := a.auditCount("agency.create")
	for _, kind := range []string{"so_nganh", "ubnd_xa", "ubnd_tinh"} {
		resp := a.do("POST", "/admin/agencies", &s, url.Values{"code": {"A2"}, "name": {"Đơn vị A2"}, "parent": {"A"}, "kind": {kind}})
		if msg := parsePage(t, bodyOf(t, resp)).text("error-kind"); resp.StatusCode != 403 || !strings.Contains(msg, "chỉ tạo đơn vị trực thuộc") {
			t.Fatalf("%s: %d %q", kind, resp.StatusCode, msg)
		}
	}
	tok := a.token("a-admin")
	checkAPI(t, "API so_nganh", a.api("POST", "/api/v1/agencies", tok, `{"code":"A2","name":"Sở A2","parent":"A","kind":"so_nganh"}`), 403, "kind", nil)
	if a.auditCount("agency.create") != creates {
		t.Fatal("a refused kind was written")
	}
	var got qms.Agency
	checkAPI(t, "API without a kind", a.api("POST", "/api/v1/agencies", tok, `{"code":"A2","name":"Chi cục A2","parent":"A1"}`), 201, "", &got)
	if got.Kind != qms.AgencyKindSubunit || got.ParentCode != "A1" {
		t.Fatalf("API create: %+v", got)
	}
}
