package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"isodt/qms"
)

// The security scenario table: every state-changing route of the route
// table (pages and API alike) is tried as four callers —
//
//	anonymous     → sent to the login page (pages) or 401 (API), nothing written;
//	wrong role    → a user of the same agency whose roles lack the route's rule: 403, nothing written;
//	other agency  → a user of agency B holding the route's role, aimed at agency A's objects:
//	                nothing of A is written, whatever the status;
//	right role    → a user of A holding the rule: authorization lets the request through
//	                (neither 401 nor 403, never a 5xx).
//
// The rows are generated from Server.Rules(), so a new route is covered
// the day it is registered; the parameters are filled with real objects
// of agency A so that a request that slipped through would reach a
// handler able to write.

// scenarioObjects are agency A's objects behind the route parameters.
type scenarioObjects struct {
	procedureID, formID, userID, ncID, actionID, objectiveID, reviewID, decisionID string
	dossierCode                                                                    string
	riskID                                                                         string
}

// seedScenarioObjects gives agency A one object of each kind a route
// parameter names.
func (a *app) seedScenarioObjects() scenarioObjects {
	a.t.Helper()
	a.effectiveProcedure()
	a.formOnCheck()
	d := a.receive("Nguyễn Văn An")
	ctx := context.Background()
	ps, err := a.db.FindProcedures(ctx, qms.ProcedureFilter{})
	if err != nil || len(ps) == 0 {
		a.t.Fatal("procedures:", err)
	}
	forms, err := a.db.FindForms(ctx, "A")
	if err != nil || len(forms) == 0 {
		a.t.Fatal("forms:", err)
	}
	as := func(name string) context.Context {
		u := a.users[name]
		return qms.WithActor(ctx, qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: "A"})
	}
	nc := &qms.Nonconformity{AgencyCode: "A", Source: qms.NCFromOther, Description: "Hồ sơ lưu thiếu phiếu kiểm soát"}
	if err := a.db.CreateNC(as("a-quality-officer"), nc); err != nil {
		a.t.Fatal("nc:", err)
	}
	nc, err = a.db.AddAction(as("a-quality-officer"), "A", nc.ID, qms.CorrectiveAction{Description: "Bổ sung phiếu", Owner: "a-staff", DueOn: a.clock.Now().AddDate(0, 1, 0)})
	if err != nil || len(nc.Actions) == 0 {
		a.t.Fatal("nc action:", err)
	}
	obj := &qms.Objective{AgencyCode: "A", Year: time.Now().Year(), Title: "Giải quyết đúng hạn", Measure: "timely_rate", Target: 95, Period: "quarter"}
	if err := a.db.CreateObjective(as("a-leader"), obj); err != nil {
		a.t.Fatal("objective:", err)
	}
	rv := &qms.ManagementReview{AgencyCode: "A", Title: "Xem xét của lãnh đạo", HeldOn: time.Now()}
	if err := a.db.CreateReview(as("a-leader"), rv); err != nil {
		a.t.Fatal("review:", err)
	}
	rv, err = a.db.AddDecision(as("a-leader"), "A", rv.ID, qms.ReviewDecision{Text: "Rà soát quy trình", Owner: "a-quality-officer", DueOn: time.Now().AddDate(0, 1, 0)})
	if err != nil || len(rv.Decisions) == 0 {
		a.t.Fatal("review decision:", err)
	}
	risk := &qms.Risk{AgencyCode: "A", Kind: qms.RiskKindRisk, Description: "Hồ sơ thất lạc", ProcedureID: ps[0].ID, Likelihood: 3, Impact: 3,
		Owner: "a-staff", ReviewOn: qms.CivilDate(a.clock.Now()).AddDate(0, 1, 0)}
	if err := a.db.CreateRisk(as("a-quality-officer"), risk); err != nil {
		a.t.Fatal("risk:", err)
	}
	// The user behind /admin/users/:id belongs to both agencies: the
	// account is A's leader as much as B's staff, so B's admin must not
	// act on it as a whole.
	both := &qms.User{Username: "ab-leader", FullName: "Người A và B",
		Memberships: []qms.Membership{{AgencyCode: "A", Role: qms.RoleLeader}, {AgencyCode: "B", Role: qms.RoleStaff}}}
	if err := a.db.CreateUser(qms.WithActor(ctx, qms.SystemActor("test")), both, "ngua-o-123"); err != nil {
		a.t.Fatal("user in A and B:", err)
	}
	a.users[both.Username] = both
	return scenarioObjects{
		procedureID: itoa(ps[0].ID), formID: itoa(forms[0].ID), userID: itoa(both.ID),
		ncID: itoa(nc.ID), actionID: itoa(nc.Actions[0].ID), objectiveID: itoa(obj.ID),
		reviewID: itoa(rv.ID), decisionID: itoa(rv.Decisions[0].ID), dossierCode: d.Code, riskID: itoa(risk.ID),
	}
}

// fill puts A's objects into a route's parameters.
func (o scenarioObjects) fill(path string) string {
	segs := strings.Split(path, "/")
	kind := ""
	for i, seg := range segs {
		if !strings.HasPrefix(seg, ":") {
			if seg != "api" && seg != "v1" && seg != "" {
				kind = seg
			}
			continue
		}
		v := "1"
		switch seg {
		case ":code":
			v = "A"
			if kind == "dossiers" {
				v = o.dossierCode
			}
		case ":id":
			v = map[string]string{"procedures": o.procedureID, "forms": o.formID, "users": o.userID,
				"nonconformities": o.ncID, "objectives": o.objectiveID, "reviews": o.reviewID, "risks": o.riskID}[kind]
			if v == "" {
				v = "1"
			}
		case ":aid":
			v = o.actionID
		case ":d":
			v = o.decisionID
		case ":name":
			v = "compliance"
		case ":n":
			v = "1"
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// scenarioFields is a body rich enough for most handlers to act on: the
// other-agency rows must not fail only for want of a field.
var scenarioFields = map[string]string{
	"code": "A-2026-999999", "name": "Thử quyền", "title": "Thử quyền", "reason": "Thử quyền", "step_id": "check",
	"agency": "A", "username": "thu-quyen", "full_name": "Thử quyền", "role": "admin", "password": "ngua-o-thu-quyen",
	"parent": "A", "description": "Thử quyền", "owner": "a-staff", "due_on": "31/12/2030", "text": "Thử quyền",
	"status": "closed", "verdict": "effective", "tthc_code": "1.000001", "applicant_name": "Thử quyền", "channel": "counter",
	"disabled": "1", "minutes": "Thử quyền", "answer": "Thử quyền", "assignee": "a-staff", "year": "2030",
	"measure": "timely_rate", "target": "50", "period": "year", "units": "A", "auditors": "b-auditor",
}

// targetsObject reports whether a route acts on one existing object named
// by its parameters (a job's name names no object of an agency).
func targetsObject(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, ":") && seg != ":name" {
			return true
		}
	}
	return false
}

// refusedByRule is the start of the authorization middleware's refusal.
const refusedByRule = "Bạn không có quyền thực hiện thao tác này tại đơn vị"

func TestSecurityScenarioTable(t *testing.T) {
	a := newApp(t)
	objs := a.seedScenarioObjects()
	roles := []string{"admin", "quality-officer", "leader", "staff", "auditor"}

	type row struct {
		method, path, target string
		rule                 struct{ Object, Action string }
	}
	var rows []row
	for key, rule := range a.srv.Rules() {
		method, path, _ := strings.Cut(key, " ")
		if method == "GET" || method == "HEAD" {
			continue
		}
		r := row{method: method, path: path, target: objs.fill(path)}
		r.rule.Object, r.rule.Action = rule.Object, rule.Action
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].method+rows[i].path < rows[j].method+rows[j].path })
	if len(rows) < 50 {
		t.Fatalf("only %d state-changing routes in the route table: the walk is broken", len(rows))
	}

	allowed := func(user, agency string, r row) bool {
		ok, err := a.srv.Authz.Allowed(user, agency, r.rule.Object, r.rule.Action)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// caller prepares the row's request as user acting for agency, with
	// a fresh session or token (made before the audit count is taken) so
	// that a logout or a password change in one row spoils no other; send
	// sends it.
	caller := func(r row, user, agency string) (send func() *http.Response) {
		api := strings.HasPrefix(r.path, "/api/")
		jsonBody, _ := json.Marshal(scenarioFields)
		form := url.Values{}
		for k, v := range scenarioFields {
			form.Set(k, v)
		}
		switch {
		case user == "" && api:
			return func() *http.Response { return a.api(r.method, r.target, "", string(jsonBody)) }
		case user == "":
			// The CSRF cookie and field of the login page, so that only
			// authentication stands in the way.
			form.Set("_csrf", "tok")
			return func() *http.Response {
				req := httptest.NewRequest(r.method, r.target, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: "qms_csrf", Value: "tok"})
				return a.send(req)
			}
		case api:
			tok := a.token(user)
			return func() *http.Response {
				req := httptest.NewRequest(r.method, r.target, bytes.NewReader(jsonBody))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				req.Header.Set("X-Agency", agency)
				return a.send(req)
			}
		}
		u := a.users[user]
		ctx := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: agency})
		tok, s, err := a.db.CreateSession(ctx, u.ID, agency)
		if err != nil {
			t.Fatal(err)
		}
		sess := session{cookie: tok, csrf: s.CSRFToken}
		return func() *http.Response { return a.do(r.method, r.target, &sess, form) }
	}
	call := func(r row, user, agency string, before func() int) (*http.Response, int) {
		send := caller(r, user, agency)
		n := before()
		return send(), n
	}
	auditOf := func(agency string) int {
		f := qms.AuditFilter{}
		if agency != "" {
			f.Within = &agency
		}
		_, n, err := a.db.FindAuditEntries(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	total := func() int { return auditOf("") }
	ofA := func() int { return auditOf("A") }
	// auditDiff names the entries written since total was n.
	auditDiff := func(n int) string {
		after := auditOf("")
		if after == n {
			return ""
		}
		entries, _, _ := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Limit: after - n})
		var names []string
		for _, e := range entries {
			names = append(names, e.Action+" "+e.ObjectType+" "+e.ObjectID+" by "+e.Actor+" in "+e.AgencyCode)
		}
		return strings.Join(names, "; ")
	}

	// 1. Anonymous.
	t.Run("anonymous", func(t *testing.T) {
		for _, r := range rows {
			resp, before := call(r, "", "", total)
			resp.Body.Close()
			code, loc := resp.StatusCode, resp.Header.Get("Location")
			ok := code == 401 || code == 403 || (code == 303 && strings.HasPrefix(loc, "/login"))
			if strings.HasPrefix(r.path, "/api/") {
				ok = code == 401
			}
			if !ok {
				t.Errorf("%s %s anonymous: %d %s", r.method, r.target, code, loc)
			}
			if d := auditDiff(before); d != "" {
				t.Errorf("%s %s anonymous wrote: %s", r.method, r.target, d)
			}
		}
	})

	// 2. Wrong role: every role of A the policy does not grant the rule.
	t.Run("wrong role", func(t *testing.T) {
		for _, r := range rows {
			for _, role := range roles {
				user := "a-" + role
				if allowed(user, "A", r) {
					continue
				}
				resp, before := call(r, user, "A", total)
				resp.Body.Close()
				if resp.StatusCode != 403 {
					t.Errorf("%s %s as %s: %d, want 403", r.method, r.target, user, resp.StatusCode)
				}
				if d := auditDiff(before); d != "" {
					t.Errorf("%s %s as %s wrote: %s", r.method, r.target, user, d)
				}
			}
		}
	})

	// 3. Other agency: B's users who hold the rule in B, aimed at A.
	t.Run("other agency", func(t *testing.T) {
		for _, r := range rows {
			for _, role := range roles {
				user := "b-" + role
				if !allowed(user, "B", r) {
					continue
				}
				// A route aimed at one of A's objects writes nothing at all;
				// one that makes a new object may make it in B only.
				count := ofA
				if targetsObject(r.path) {
					count = total
				}
				resp, before := call(r, user, "B", count)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s as %s: %d", r.method, r.target, user, resp.StatusCode)
				}
				if after := count(); after != before {
					entries, _, _ := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Limit: 1})
					t.Errorf("%s %s as %s (agency B) wrote %d entries (last: %s %s %s in %s)", r.method, r.target, user,
						after-before, entries[0].Action, entries[0].ObjectType, entries[0].ObjectID, entries[0].AgencyCode)
				}
			}
		}
		// Acting for A (X-Agency) while holding no role there is refused outright.
		for _, r := range rows {
			if !strings.HasPrefix(r.path, "/api/") {
				continue
			}
			resp, _ := call(r, "b-admin", "A", total)
			resp.Body.Close()
			if resp.StatusCode != 403 && resp.StatusCode != 401 {
				t.Errorf("%s %s as b-admin acting for A: %d, want 403", r.method, r.target, resp.StatusCode)
			}
		}
	})

	// 4. Right role: the rule lets the request through.
	t.Run("right role", func(t *testing.T) {
		for _, r := range rows {
			user, agency := "", "A"
			for _, role := range roles {
				if allowed("a-"+role, "A", r) {
					user = "a-" + role
					break
				}
			}
			if user == "" && allowed("admin", qms.SystemAgencyCode, r) {
				user, agency = "admin", qms.SystemAgencyCode
			}
			if user == "" {
				t.Errorf("%s %s: no user may call it (%s, %s)", r.method, r.path, r.rule.Object, r.rule.Action)
				continue
			}
			resp, _ := call(r, user, agency, total)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// A 403 may be a domain rule (the author never approves);
			// the authorization middleware's own refusal may not.
			if c := resp.StatusCode; c == 401 || c >= 500 || strings.Contains(string(body), refusedByRule) {
				t.Errorf("%s %s as %s: %d %.200s", r.method, r.target, user, c, body)
			}
		}
	})
}
