package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"isodt/policies"
	"isodt/qms"
	"isodt/qms/authz"
	"isodt/qms/jobs"
	"isodt/qms/qmstest"
	"isodt/qms/web"
)

// app is a real server on a real database in a temp dir, with two
// agencies A and B and one user per role in each: "a-admin", "b-staff"…
type app struct {
	t     *testing.T
	db    web.StoreUnderTest
	path  string // the database's name for openApp and second
	srv   *web.Server
	clock *qmstest.Clock // the store's and the pages' clock
	users map[string]*qms.User
	// proxies are web.Config.TrustedProxies of the server wire builds.
	proxies []string
	// log receives the server's log when set (else it is discarded).
	log io.Writer
}

func newApp(t *testing.T) *app {
	t.Helper()
	return newAppNamed(t, "Sở ", "Người ")
}

// givenNames tell newApp's users of one agency apart.
var givenNames = map[qms.Role]string{qms.RoleQualityOfficer: "Lan", qms.RoleLeader: "Minh", qms.RoleStaff: "Hoa", qms.RoleAuditor: "Tuan"}

// newAppNamed is newApp with the agencies named agencyPrefix+code and the
// users userPrefix+code (the admin), or with a given name after it.
func newAppNamed(t *testing.T, agencyPrefix, userPrefix string) *app {
	t.Helper()
	a := openApp(t, filepath.Join(t.TempDir(), "qms.db"), qmstest.NewClock(time.Now().UTC()))
	ctx := context.Background()
	sys := qms.WithActor(ctx, qms.SystemActor("test"))
	for _, code := range []string{"A", "B"} {
		if err := a.db.CreateAgency(sys, &qms.Agency{Code: code, Name: agencyPrefix + code}); err != nil {
			t.Fatal(err)
		}
		for _, r := range qms.Roles {
			// Full names differ within an agency, as the store requires:
			// the admin's is the prefix and code alone, the others' add a
			// given name (ASCII, for the English pages' test).
			name := strings.TrimSpace(userPrefix + code + " " + givenNames[r])
			u := &qms.User{Username: strings.ToLower(code) + "-" + strings.ReplaceAll(string(r), "_", "-"), FullName: name,
				Memberships: []qms.Membership{{AgencyCode: code, Role: r}}}
			if err := a.db.CreateUser(sys, u, "ngua-o-123"); err != nil {
				t.Fatal(err)
			}
			a.users[u.Username] = u
		}
	}
	a.users["admin"], _ = a.db.FindUserByUsername(ctx, "admin")
	a.wire()
	return a
}

// openApp opens (creating if need be) the database at path on clk and
// bootstraps it; wire then builds the server on it. The store is the one
// QMS_TEST_STORE names (web.OpenStoreUnderTest): on PostgreSQL, path
// names the database rather than holding it.
func openApp(t *testing.T, path string, clk *qmstest.Clock) *app {
	t.Helper()
	ctx := context.Background()
	db := web.OpenStoreUnderTest(t, path, clk.Now)
	rules, _ := policies.Default()
	if _, err := db.Bootstrap(ctx, rules); err != nil {
		t.Fatal(err)
	}
	return &app{t: t, db: db, path: path, clock: clk, users: map[string]*qms.User{}}
}

// second opens another handle on a's database, on the wall clock: another
// server or the qms CLI writing while this one runs.
func (a *app) second() web.StoreUnderTest {
	a.t.Helper()
	return web.OpenStoreUnderTest(a.t, a.path, time.Now)
}

// sqliteOnly skips t on PostgreSQL: for what only a SQLite file has.
func sqliteOnly(t *testing.T, reason string) {
	t.Helper()
	if web.PostgresUnderTest() {
		t.Skip("SQLite-only: " + reason)
	}
}

// wire builds the policy, the scheduler and the server on a's database,
// as cmd/qms serve does.
func (a *app) wire() {
	a.t.Helper()
	db := a.db
	az, err := authz.New(context.Background(), policies.Model, db)
	if err != nil {
		a.t.Fatal(err)
	}
	sched := jobs.New(jobs.Config{Recorder: db, Logger: slog.New(slog.DiscardHandler)})
	sched.Add(jobs.Job{Name: "compliance", Title: "Quét tuân thủ", Spec: "0 6 * * *", Run: func(ctx context.Context) (map[string]int, error) {
		res, err := db.RunChecks(qms.WithActor(ctx, qms.SystemActor("job")), qms.CheckScope{})
		return map[string]int{"opened": res.Opened}, err
	}})
	logTo := a.log
	if logTo == nil {
		logTo = io.Discard
	}
	a.srv = web.New(web.Config{Logger: slog.New(slog.NewTextHandler(logTo, nil)), Now: a.clock.Now, TrustedProxies: a.proxies},
		web.Deps{Agencies: db, Users: db, Auth: db, Audit: db, Procedures: db, Dossiers: db, Forms: db, Public: db, Calendar: db, Settings: db, Compliance: db, NCs: db, Objectives: db, Feedback: db, Audits: db, Reviews: db, Notifications: db, Dashboard: db, Risks: db, Jobs: sched, JobRuns: db, Authz: az, Ready: db.Ping,
			Distribution: db,
			Competence:   db,
			Declarations: db,
			Providers:    db,
			Context:      db,
			Satisfaction: db,
			Restructure:  db,
			Signatures:   db})
}

// addUser adds a user holding role in agency besides newApp's one per
// role, and lets the policy know.
func (a *app) addUser(username, agency string, role qms.Role) *qms.User {
	a.t.Helper()
	u := &qms.User{Username: username, FullName: "Người " + username, Memberships: []qms.Membership{{AgencyCode: agency, Role: role}}}
	if err := a.db.CreateUser(qms.WithActor(a.t.Context(), qms.SystemActor("test")), u, "ngua-o-123"); err != nil {
		a.t.Fatal(err)
	}
	a.users[u.Username] = u
	a.srv.Authz.Reload()
	return u
}

// session is a signed-in browser: its cookie and CSRF token.
type session struct{ cookie, csrf string }

// login starts a session for username straight through the store.
func (a *app) login(username string) session {
	a.t.Helper()
	u := a.users[username]
	ctx := qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Username: u.Username, AgencyCode: u.Agencies()[0]})
	tok, s, err := a.db.CreateSession(ctx, u.ID, u.Agencies()[0])
	if err != nil {
		a.t.Fatal(err)
	}
	return session{cookie: tok, csrf: s.CSRFToken}
}

// token issues an API token for username.
func (a *app) token(username string) string {
	a.t.Helper()
	u := a.users[username]
	secret, _, err := a.db.CreateAPIToken(qms.WithActor(context.Background(), qms.SystemActor("test")), u.ID, "test", 0)
	if err != nil {
		a.t.Fatal(err)
	}
	return secret
}

// clerk is the token of a second staff user of A, "a-clerk", who handles
// a dossier up to its leader's step: "a-staff", who did not handle it,
// may then be delegated that step (qms.CheckIndependentSigner).
func (a *app) clerk() string {
	a.t.Helper()
	if _, ok := a.users["a-clerk"]; !ok {
		a.addUser("a-clerk", "A", qms.RoleStaff)
	}
	return a.token("a-clerk")
}

// do sends a request through Fiber. form values are posted urlencoded;
// the session's CSRF token is added unless form already has _csrf.
func (a *app) do(method, target string, s *session, form url.Values) *http.Response {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		if s != nil && !form.Has("_csrf") {
			form.Set("_csrf", s.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s != nil {
		req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
	}
	return a.send(req)
}

// api sends a JSON request with a Bearer token ("" for none).
func (a *app) api(method, target, token, jsonBody string) *http.Response {
	a.t.Helper()
	var body io.Reader
	if jsonBody != "" {
		body = strings.NewReader(jsonBody)
	}
	req := httptest.NewRequest(method, target, body)
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.send(req)
}

func (a *app) send(req *http.Request) *http.Response {
	a.t.Helper()
	resp, err := a.srv.App().Test(req, -1)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A template error is rendered into the page by the layout engine
	// rather than failing the request: catch it in every test that reads a page.
	if strings.Contains(string(b), "template: ") && strings.Contains(string(b), "executing") {
		t.Fatalf("template error in page:\n%s", b)
	}
	return string(b)
}

func decode(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// auditCount counts the entries of one action.
func (a *app) auditCount(action string) int {
	_, n, err := a.db.FindAuditEntries(context.Background(), qms.AuditFilter{Action: &action})
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

func newReq(method, target, token string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func auditFilterAction(action string) qms.AuditFilter { return qms.AuditFilter{Action: &action} }

// newMultipart writes a multipart body with fields and one file; it
// returns the content type.
func newMultipart(body *bytes.Buffer, csrf string, fields map[string]string, fileField, name string, data []byte) string {
	w := multipart.NewWriter(body)
	w.WriteField("_csrf", csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(fileField, name)
	fw.Write(data)
	w.Close()
	return w.FormDataContentType()
}

func newSessionRequest(method, target string, s *session, body io.Reader) *http.Request {
	req := httptest.NewRequest(method, target, body)
	req.AddCookie(&http.Cookie{Name: "qms_session", Value: s.cookie})
	return req
}
