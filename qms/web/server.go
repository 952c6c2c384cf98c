// Package web is the HTTP face of the QMS: a Fiber app with server-rendered
// Vietnamese pages, the JSON API under /api/v1, sessions, CSRF, security
// headers, metrics, and one authorization middleware that asks qms/authz
// about every route before its handler runs.
//
//	srv := web.New(web.Config{}, web.Deps{Agencies: db, Users: db, Auth: db, Audit: db, Authz: az, Ready: db.Ping})
//	go srv.Serve(listener)
//	defer srv.Shutdown(ctx)
package web

import (
	"bytes"
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"isodt/qms"
	"isodt/static"
)

//go:embed templates/*.html
var templateFS embed.FS

// Authorizer is the permission check the server needs (qms/authz).
type Authorizer interface {
	Allowed(user, agency, obj, act string) (bool, error)
	Reload() error
}

// Config holds the settings read once in cmd/qms.
type Config struct {
	// SecureCookies sets the Secure flag: on behind HTTPS.
	SecureCookies bool
	Logger        *slog.Logger
	// BodyLimit caps request bodies (default 32 MiB).
	BodyLimit int
	// MetricsToken is the Bearer token /metrics requires. Without one,
	// /metrics on the app's address answers 404: the metrics name every
	// route and its traffic, which is no one's business but the operator's.
	MetricsToken string
	// MetricsSeparate: cmd/qms serves MetricsHandler on a listener of its
	// own (--metrics-addr), so the app's address answers /metrics with 404.
	MetricsSeparate bool
	// Now is the clock the handlers read ("now" of overdue marks, the
	// current year and quarter); default time.Now. cmd/qms passes the
	// store's clock so that pages and the store agree on the time.
	Now func() time.Time
	// AccessLog says which requests get a line in the log: AccessLogSlow
	// (the default) the failed (status ≥ 400) and slow ones, AccessLogAll
	// every request. Every request is counted in the metrics either way.
	AccessLog AccessLog
	// SlowRequest is how long a request takes to count as slow (default
	// one second).
	SlowRequest time.Duration
	// Readers is how many reading requests (GET) are served at once,
	// half as many while a write is in flight; default twice GOMAXPROCS.
	// The rest wait their turn (see admit).
	Readers int
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Real-IP header names the client. The login throttle, the
	// queue of password checks and the public forms' limits key on the
	// client's address: behind a proxy every client would otherwise share
	// the proxy's, and one person's wrong passwords would lock everyone
	// out. The header is ignored from any other peer (a client could
	// write it), and X-Forwarded-For is not read: its first address is
	// the client's own word.
	TrustedProxies []string
}

// AccessLog is which requests are logged, one line each.
type AccessLog string

const (
	// AccessLogSlow logs the requests that failed or were slow. A line
	// per request costs a write to the log under load (hundreds of
	// thousands of lines a minute) and buries the lines that matter.
	AccessLogSlow AccessLog = "slow"
	// AccessLogAll logs every request.
	AccessLogAll AccessLog = "all"
)

// ParseAccessLog reads the --access-log setting; "" is AccessLogSlow.
func ParseAccessLog(s string) (AccessLog, error) {
	switch AccessLog(s) {
	case "", AccessLogSlow:
		return AccessLogSlow, nil
	case AccessLogAll:
		return AccessLogAll, nil
	}
	return "", qms.FieldError("access-log", "Chế độ ghi nhật ký truy cập %q không hợp lệ: slow (yêu cầu lỗi hoặc chậm) hoặc all (mọi yêu cầu).", s)
}

// Deps are the services the handlers use.
type Deps struct {
	Agencies   qms.AgencyService
	Users      qms.UserService
	Auth       qms.AuthService
	Audit      qms.AuditService
	Procedures qms.ProcedureService
	Dossiers   qms.DossierService
	Forms      qms.FormService
	Public     PublicLookup
	Calendar   CalendarAdmin
	Settings   AgencySettings

	Compliance    qms.ComplianceService
	NCs           qms.NCService
	Objectives    qms.ObjectiveService
	Feedback      qms.FeedbackService
	Audits        qms.InternalAuditService
	Reviews       qms.ReviewService
	Notifications qms.NotificationService
	Jobs          JobScheduler
	JobRuns       JobHistory
	Authz         Authorizer
	Ready         func(context.Context) error
	// Unreachable tells a store error that means the database cannot be
	// reached for now from one a request caused: answered 503, not 500.
	Unreachable func(error) bool

	// Dashboard answers the role dashboards' questions; without it the
	// dashboard shows only its general part.
	Dashboard qms.DashboardService

	// Risks is the register of risks and opportunities (ISO 9001 6.1).
	Risks qms.RiskService
	// Distribution keeps who must read which version in force and who
	// acknowledged it; without it the pages show no reading panel.
	Distribution qms.DistributionService
	// Competence keeps the competence catalogue and records (7.2);
	// without it the step pages show no competence warning.
	Competence qms.CompetenceService
	// Declarations keeps the declarations of conformity.
	Declarations qms.DeclarationService
	// Providers keeps the external providers (8.4), Context the register
	// of issues and interested parties (4.1, 4.2).
	Providers qms.ProviderService
	Context   qms.ContextService
	// Satisfaction keeps citizens' answers to the satisfaction survey.
	Satisfaction qms.SatisfactionService
	// Restructure merges and splits agencies (the system admin's pages).
	Restructure AgencyRestructurer
	// Signatures reads the signatures the printed documents show.
	Signatures qms.SignatureService
}

// Store is, in one interface, every service Deps takes from the database:
// what each store (qms/sqlite, qms/postgres) provides. cmd/qms's store
// and the tests' build on it.
type Store interface {
	qms.AgencyService
	qms.UserService
	qms.AuthService
	qms.AuditService
	qms.ProcedureService
	qms.DossierService
	qms.FormService
	qms.ComplianceService
	qms.NCService
	qms.ObjectiveService
	qms.FeedbackService
	qms.InternalAuditService
	qms.ReviewService
	qms.NotificationService
	qms.DashboardService
	qms.RiskService
	qms.DistributionService
	qms.CompetenceService
	qms.DeclarationService
	qms.ProviderService
	qms.ContextService
	qms.SatisfactionService
	qms.SignatureService
	PublicLookup
	CalendarAdmin
	AgencySettings
	JobHistory
	AgencyRestructurer
}

// Server is the Fiber app and what its handlers need.
type Server struct {
	Deps
	cfg       Config
	log       *slog.Logger
	app       *fiber.App
	rules     map[string]Rule // "GET /path" → rule
	public    map[string]bool // "GET /path" → no rule, on purpose
	metrics   *metrics
	admission *admission // see admit
	bodyGate  *bodyGate  // see readBody
	refusals  refusalLog // see observe
}

// Rule names the (object, action) a route needs.
type Rule struct{ Object, Action string }

// New builds the app and registers every route.
func New(cfg Config, deps Deps) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 32 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AccessLog == "" {
		cfg.AccessLog = AccessLogSlow
	}
	if cfg.SlowRequest <= 0 {
		cfg.SlowRequest = time.Second
	}
	if cfg.Readers <= 0 {
		cfg.Readers = 2 * runtime.GOMAXPROCS(0)
	}
	sub, _ := fs.Sub(templateFS, "templates")
	vs, err := newViews(sub)
	if err != nil {
		panic(err) // the templates are compiled in: a broken one is a programming error
	}
	s := &Server{Deps: deps, cfg: cfg, log: cfg.Logger, rules: map[string]Rule{}, public: map[string]bool{}, metrics: newMetrics(), admission: newAdmission(cfg.Readers),
		bodyGate: newBodyGate()}
	s.app = fiber.New(fiber.Config{
		Views:                 vs,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// Immutable: strings from Params/Query/FormValue stay valid after
		// the handler returns (they reach the store and the audit trail).
		Immutable: true,
		// Bodies past the read-ahead are read by readBody, once the
		// caller is known, within the caller's limit.
		BodyLimit:         min(cfg.BodyLimit, bodyReadAhead),
		StreamRequestBody: true,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,

		// The client's address (c.IP) from X-Real-IP, only when the
		// peer is a trusted proxy (see Config.TrustedProxies).
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableIPValidation:      true, // a header that is no address leaves the peer's

		// Multipart bodies are parsed when first read (checkForm): parsed
		// early, a malformed one was answered before routing, without the
		// request's path, so never in the API's JSON shape.
		DisablePreParseMultipartForm: true,
	})
	s.app.Server().FormValueFunc = formValue
	s.app.Use(requestid.New(), s.observe, s.admit, recover.New(), s.securityHeaders, s.authenticate, s.readBody, s.checkForm, s.checkCSRF)
	s.routes()
	return s
}

// App exposes the Fiber app (tests call App().Test).
func (s *Server) App() *fiber.App { return s.app }

// Serve answers on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// Rules returns the authorization rule of every guarded route.
func (s *Server) Rules() map[string]Rule { return s.rules }

// PublicRoutes lists the routes anyone may call, as "METHOD /path".
func (s *Server) PublicRoutes() []string {
	out := make([]string, 0, len(s.public))
	for k := range s.public {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsPublic reports whether a route is on the explicit public list.
func (s *Server) IsPublic(method, path string) bool { return s.public[method+" "+path] }

// route registers a handler behind the authorization middleware.
func (s *Server) route(method, path, object, action string, h fiber.Handler) {
	s.rules[method+" "+path] = Rule{object, action}
	s.app.Add(method, path, s.authorize(object, action), h)
}

// publicRoute registers a handler anyone may call.
func (s *Server) publicRoute(method, path string, h fiber.Handler) {
	s.public[method+" "+path] = true
	s.app.Add(method, path, h)
}

func (s *Server) routes() {
	s.public["USE /static"] = true
	s.app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static.FS), MaxAge: 3600}))
	s.publicRoute(fiber.MethodGet, "/healthz", s.healthz)
	s.publicRoute(fiber.MethodGet, "/readyz", s.readyz)
	s.publicRoute(fiber.MethodGet, "/metrics", s.metricsPage)
	s.publicRoute(fiber.MethodGet, "/login", s.loginPage)
	s.publicRoute(fiber.MethodPost, "/login", s.login)
	s.publicRoute(fiber.MethodGet, "/lang/:code", s.setLang)
	s.publicRoute(fiber.MethodPost, "/api/v1/auth/token", s.apiToken)

	s.route(fiber.MethodGet, "/", "dashboard", "read", s.dashboard)
	s.route(fiber.MethodPost, "/logout", "self", "write", s.logout)
	s.route(fiber.MethodPost, "/session/agency", "self", "write", s.switchAgency)
	s.route(fiber.MethodGet, "/me/password", "self", "read", s.passwordForm)
	s.route(fiber.MethodPost, "/me/password", "self", "write", s.passwordChange)

	s.route(fiber.MethodGet, "/admin/agencies", "agency", "read", s.agencyList)
	s.route(fiber.MethodGet, "/admin/agencies/new", "agency", "write", s.agencyNew)
	s.route(fiber.MethodPost, "/admin/agencies", "agency", "write", s.agencyCreate)
	s.route(fiber.MethodGet, "/admin/agencies/:code", "agency", "read", s.agencyShow)
	s.route(fiber.MethodPost, "/admin/agencies/:code", "agency", "write", s.agencyUpdate)
	s.route(fiber.MethodPost, "/admin/agencies/:code/settings", "agency", "write", s.agencySettings)

	s.route(fiber.MethodGet, "/admin/users", "user", "read", s.userList)
	s.route(fiber.MethodGet, "/admin/users/new", "user", "write", s.userNew)
	s.route(fiber.MethodPost, "/admin/users", "user", "write", s.userCreate)
	s.route(fiber.MethodGet, "/admin/users/:id", "user", "read", s.userShow)
	s.route(fiber.MethodPost, "/admin/users/:id", "user", "write", s.userUpdate)
	s.route(fiber.MethodPost, "/admin/users/:id/memberships", "user", "write", s.userMembership)
	s.route(fiber.MethodPost, "/admin/users/:id/password", "user", "write", s.userPassword)
	s.route(fiber.MethodPost, "/admin/users/:id/unlock", "user", "write", s.userUnlock)
	s.route(fiber.MethodPost, "/admin/users/:id/tokens/revoke", "user", "write", s.userTokensRevoke)

	// The audit trail was /audit, next to the internal audits at /audits:
	// /audit-log names it apart; the old paths stay as aliases.
	s.route(fiber.MethodGet, "/audit-log", "audit", "read", s.auditLog)
	s.route(fiber.MethodGet, "/audit", "audit", "read", s.auditLog)

	s.route(fiber.MethodGet, "/tthc", "tthc", "read", s.tthcList)
	s.route(fiber.MethodGet, "/tthc/import", "tthc", "write", s.tthcImportPage)
	s.route(fiber.MethodPost, "/tthc/import", "tthc", "write", s.tthcImport)
	s.route(fiber.MethodGet, "/search", "procedure", "read", s.search)
	s.route(fiber.MethodGet, "/procedures", "procedure", "read", s.procedureList)
	s.route(fiber.MethodGet, "/procedures/new", "procedure", "write", s.procedureNew)
	s.route(fiber.MethodPost, "/procedures", "procedure", "write", s.procedureCreate)
	s.route(fiber.MethodGet, "/procedures/:id", "procedure", "read", s.procedureShow)
	s.route(fiber.MethodPost, "/procedures/:id", "procedure", "write", s.procedureUpdate)
	s.route(fiber.MethodPost, "/procedures/:id/versions", "procedure", "write", s.versionCreate)
	s.route(fiber.MethodGet, "/procedures/:id/versions/:n", "procedure", "read", s.versionShow)
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n", "procedure", "write", s.versionSave)
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/bpmn", "procedure", "write", s.versionImportBPMN)
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/submit", "procedure", "submit", s.versionAction(qms.ActionSubmit))
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/approve", "procedure", "approve", s.versionAction(qms.ActionApprove))
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/reject", "procedure", "approve", s.versionAction(qms.ActionReject))
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/withdraw", "procedure", "approve", s.versionAction(qms.ActionWithdraw))
	s.route(fiber.MethodGet, "/procedures/:id/versions/:n/print", "procedure", "read", s.versionPrint)
	s.route(fiber.MethodGet, "/procedures/:id/versions/:n/flowchart.:ext", "procedure", "read", s.versionFlowchart)
	s.route(fiber.MethodGet, "/procedures/:id/versions/:n/diagram", "procedure", "write", s.diagramShow)
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/diagram", "procedure", "write", s.diagramSave)
	s.route(fiber.MethodPost, "/procedures/:id/versions/:n/diagram/check", "procedure", "write", s.diagramCheck)

	s.route(fiber.MethodGet, "/api/v1/me", "self", "read", s.apiMe)
	s.route(fiber.MethodPost, "/api/v1/me/password", "self", "write", s.apiPasswordChange)
	s.route(fiber.MethodGet, "/api/v1/agencies", "agency", "read", s.apiAgencyList)
	s.route(fiber.MethodPost, "/api/v1/agencies", "agency", "write", s.apiAgencyCreate)
	s.route(fiber.MethodGet, "/api/v1/agencies/:code", "agency", "read", s.apiAgencyShow)
	s.route(fiber.MethodGet, "/api/v1/users", "user", "read", s.apiUserList)
	s.route(fiber.MethodPost, "/api/v1/users", "user", "write", s.apiUserCreate)
	s.route(fiber.MethodGet, "/api/v1/users/:id", "user", "read", s.apiUserShow)
	s.route(fiber.MethodGet, "/api/v1/audit-log", "audit", "read", s.apiAudit)
	s.route(fiber.MethodGet, "/api/v1/audit", "audit", "read", s.apiAudit)

	s.route(fiber.MethodGet, "/forms", "form", "read", s.formList)
	s.route(fiber.MethodGet, "/forms/new", "form", "write", s.formNew)
	s.route(fiber.MethodPost, "/forms", "form", "write", s.formCreate)
	s.route(fiber.MethodGet, "/forms/:id", "form", "read", s.formShow)
	s.route(fiber.MethodPost, "/forms/:id/adopt", "form", "write", s.formAdopt)
	s.route(fiber.MethodPost, "/forms/:id/versions", "form", "write", s.formVersionCreate)
	s.route(fiber.MethodGet, "/forms/:id/versions/:n", "form", "read", s.formVersionShow)
	s.route(fiber.MethodPost, "/forms/:id/versions/:n", "form", "write", s.formVersionSave)
	s.route(fiber.MethodGet, "/forms/:id/versions/:n/template", "form", "read", s.formTemplate)
	s.route(fiber.MethodPost, "/forms/:id/versions/:n/submit", "form", "submit", s.formVersionAction(qms.ActionSubmit))
	s.route(fiber.MethodPost, "/forms/:id/versions/:n/approve", "form", "approve", s.formVersionAction(qms.ActionApprove))
	s.route(fiber.MethodPost, "/forms/:id/versions/:n/reject", "form", "approve", s.formVersionAction(qms.ActionReject))
	s.route(fiber.MethodPost, "/forms/:id/versions/:n/withdraw", "form", "approve", s.formVersionAction(qms.ActionWithdraw))
	s.route(fiber.MethodGet, "/api/v1/forms", "form", "read", s.apiFormList)
	s.route(fiber.MethodGet, "/api/v1/forms/:id", "form", "read", s.apiFormShow)
	s.route(fiber.MethodGet, "/api/v1/forms/:id/versions/:n/template", "form", "read", s.formTemplate)

	s.route(fiber.MethodGet, "/tasks", "dossier", "read", s.taskList)
	s.route(fiber.MethodGet, "/dossiers", "dossier", "read", s.dossierList)
	s.route(fiber.MethodGet, "/dossiers/new", "dossier", "record", s.dossierNew)
	s.route(fiber.MethodPost, "/dossiers", "dossier", "record", s.dossierReceive)
	s.route(fiber.MethodGet, "/dossiers/:code", "dossier", "read", s.dossierShow)
	s.route(fiber.MethodPost, "/dossiers/:code/steps", "dossier", "record", s.dossierStep)
	s.route(fiber.MethodGet, "/dossiers/:code/delegate", "dossier", "record", s.dossierDelegateForm)
	s.route(fiber.MethodPost, "/dossiers/:code/delegations", "dossier", "record", s.dossierDelegate)
	s.route(fiber.MethodPost, "/dossiers/:code/delegations/:id/revoke", "dossier", "record", s.dossierRevokeDelegation)
	s.route(fiber.MethodPost, "/dossiers/:code/pause", "dossier", "record", s.dossierPause)
	s.route(fiber.MethodPost, "/dossiers/:code/resume", "dossier", "record", s.dossierResume)
	s.route(fiber.MethodPost, "/dossiers/:code/apology", "dossier", "record", s.dossierApology)
	s.route(fiber.MethodGet, "/dossiers/:code/control-slip", "dossier", "read", s.dossierControlSlip)
	s.route(fiber.MethodGet, "/dossiers/:code/receipt", "dossier", "read", s.dossierReceipt)
	s.route(fiber.MethodGet, "/dossiers/:code/apology-slip", "dossier", "read", s.dossierApologySlip)
	s.route(fiber.MethodGet, "/dossiers/:code/files/:sha", "dossier", "read", s.dossierFile)
	s.route(fiber.MethodGet, "/reports/ontime", "report", "read", s.reportOnTime)
	s.route(fiber.MethodGet, "/reports/ontime.xlsx", "report", "read", s.reportOnTimeXLSX)
	s.route(fiber.MethodGet, "/compliance", "compliance", "read", s.compliancePage)
	s.route(fiber.MethodPost, "/compliance/run", "compliance", "check", s.complianceRun)
	s.route(fiber.MethodGet, "/nonconformities", "nc", "read", s.ncList)
	s.route(fiber.MethodGet, "/nonconformities/new", "nc", "write", s.ncNew)
	s.route(fiber.MethodPost, "/nonconformities", "nc", "write", s.ncCreate)
	s.route(fiber.MethodGet, "/nonconformities/:id", "nc", "read", s.ncShow)
	s.route(fiber.MethodPost, "/nonconformities/:id", "nc", "write", s.ncUpdate)
	s.route(fiber.MethodPost, "/nonconformities/:id/actions", "nc", "write", s.ncAddAction)
	s.route(fiber.MethodPost, "/nonconformities/:id/actions/:aid/done", "nc", "act", s.ncActionDone)
	s.route(fiber.MethodPost, "/nonconformities/:id/status", "nc", "write", s.ncChange)
	s.route(fiber.MethodGet, "/api/v1/nonconformities", "nc", "read", s.apiNCList)
	s.route(fiber.MethodPost, "/api/v1/nonconformities", "nc", "write", s.apiNCCreate)
	s.route(fiber.MethodGet, "/api/v1/nonconformities/:id", "nc", "read", s.apiNCShow)
	s.route(fiber.MethodPost, "/api/v1/nonconformities/:id/actions", "nc", "write", s.apiNCAddAction)
	s.route(fiber.MethodPost, "/api/v1/nonconformities/:id/actions/:aid/done", "nc", "act", s.apiNCActionDone)
	s.route(fiber.MethodPost, "/api/v1/nonconformities/:id/status", "nc", "write", s.apiNCChange)
	s.route(fiber.MethodGet, "/audits", "internal_audit", "read", s.auditsPage)
	s.route(fiber.MethodPost, "/audits/programmes", "internal_audit", "write", s.programmeCreate)
	s.route(fiber.MethodPost, "/audits/plans", "internal_audit", "write", s.planCreate)
	s.route(fiber.MethodGet, "/audits/plans/:id", "internal_audit", "read", s.planShow)
	s.route(fiber.MethodPost, "/audits/plans/:id/checklist", "internal_audit", "write", s.planChecklist)
	s.route(fiber.MethodPost, "/audits/plans/:id/items/:item", "internal_audit", "write", s.planAnswer)
	s.route(fiber.MethodPost, "/audits/plans/:id/report", "internal_audit", "write", s.planReport)
	s.route(fiber.MethodGet, "/audits/plans/:id/print", "internal_audit", "read", s.planPrint)
	s.route(fiber.MethodGet, "/reviews", "review", "read", s.reviewsPage)
	s.route(fiber.MethodPost, "/reviews", "review", "write", s.reviewCreate)
	s.route(fiber.MethodGet, "/reviews/:id", "review", "read", s.reviewShow)
	s.route(fiber.MethodPost, "/reviews/:id/minutes", "review", "write", s.reviewMinutes)
	s.route(fiber.MethodPost, "/reviews/:id/decisions", "review", "write", s.reviewDecision)
	s.route(fiber.MethodPost, "/reviews/:id/decisions/:d/done", "review", "write", s.reviewDecisionDone)
	s.route(fiber.MethodGet, "/api/v1/audits/plans", "internal_audit", "read", s.apiPlans)
	s.route(fiber.MethodGet, "/api/v1/audits/plans/:id", "internal_audit", "read", s.apiPlan)
	s.route(fiber.MethodGet, "/api/v1/reviews", "review", "read", s.apiReviews)
	s.route(fiber.MethodGet, "/api/v1/reviews/:id", "review", "read", s.apiReview)
	s.route(fiber.MethodGet, "/admin/jobs", "job", "read", s.jobsPage)
	s.route(fiber.MethodPost, "/admin/jobs/:name/run", "job", "run", s.jobRun)
	s.route(fiber.MethodGet, "/notifications", "self", "read", s.notificationsPage)
	s.route(fiber.MethodPost, "/notifications/read", "self", "write", s.notificationsRead)
	s.route(fiber.MethodGet, "/api/v1/findings", "compliance", "read", s.apiFindings)
	s.route(fiber.MethodPost, "/api/v1/checks/run", "compliance", "check", s.apiCheckRun)
	s.route(fiber.MethodGet, "/api/v1/jobs", "job", "read", s.apiJobs)
	s.route(fiber.MethodPost, "/api/v1/jobs/:name/run", "job", "run", s.apiJobRun)
	s.route(fiber.MethodGet, "/admin/calendar", "calendar", "read", s.calendarPage)
	s.route(fiber.MethodPost, "/admin/calendar", "calendar", "write", s.calendarSave)
	s.publicRoute(fiber.MethodGet, "/public/:agency", s.publicAgency)
	s.publicRoute(fiber.MethodGet, "/public/:agency/feedback", s.feedbackIntake)
	s.publicRoute(fiber.MethodPost, "/public/:agency/feedback", s.feedbackSubmit)
	s.publicRoute(fiber.MethodGet, "/public/:agency/feedback/:code", s.feedbackTrack)
	s.route(fiber.MethodGet, "/objectives", "objective", "read", s.objectiveList)
	s.route(fiber.MethodPost, "/objectives", "objective", "write", s.objectiveCreate)
	s.route(fiber.MethodPost, "/objectives/:id", "objective", "write", s.objectiveUpdate)
	s.route(fiber.MethodPost, "/objectives/:id/withdraw", "objective", "write", s.objectiveWithdraw)
	s.route(fiber.MethodGet, "/api/v1/objectives", "objective", "read", s.apiObjectiveList)
	s.route(fiber.MethodPost, "/api/v1/objectives", "objective", "write", s.apiObjectiveCreate)
	s.route(fiber.MethodGet, "/api/v1/objectives/status", "objective", "read", s.apiObjectiveStatus)
	s.route(fiber.MethodGet, "/feedback", "feedback", "read", s.feedbackList)
	s.route(fiber.MethodGet, "/feedback/:id", "feedback", "read", s.feedbackShow)
	s.route(fiber.MethodPost, "/feedback/:id/assign", "feedback", "assign", s.feedbackAssign)
	s.route(fiber.MethodPost, "/feedback/:id/answer", "feedback", "answer", s.feedbackAnswer)
	s.route(fiber.MethodPost, "/feedback/:id/publish", "feedback", "publish", s.feedbackPublish)
	s.route(fiber.MethodGet, "/api/v1/feedback", "feedback", "read", s.apiFeedbackList)
	s.route(fiber.MethodPost, "/api/v1/feedback/:id/assign", "feedback", "assign", s.apiFeedbackAssign)
	s.route(fiber.MethodPost, "/api/v1/feedback/:id/answer", "feedback", "answer", s.apiFeedbackAnswer)
	s.route(fiber.MethodPost, "/api/v1/feedback/:id/publish", "feedback", "publish", s.apiFeedbackPublish)

	s.route(fiber.MethodGet, "/api/v1/tasks", "dossier", "read", s.apiTasks)
	s.route(fiber.MethodGet, "/api/v1/dossiers", "dossier", "read", s.apiDossierList)
	s.route(fiber.MethodPost, "/api/v1/dossiers", "dossier", "record", s.apiDossierReceive)
	s.route(fiber.MethodGet, "/api/v1/dossiers/:code", "dossier", "read", s.apiDossierShow)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/steps", "dossier", "record", s.apiDossierStep)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/delegations", "dossier", "record", s.apiDossierDelegate)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/delegations/:id/revoke", "dossier", "record", s.apiDossierRevokeDelegation)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/pause", "dossier", "record", s.apiDossierPause)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/resume", "dossier", "record", s.apiDossierResume)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/complete", "dossier", "record", s.apiDossierComplete)
	s.route(fiber.MethodPost, "/api/v1/dossiers/:code/apology", "dossier", "record", s.apiDossierApology)
	s.route(fiber.MethodGet, "/api/v1/reports/ontime", "report", "read", s.apiReportOnTime)

	s.route(fiber.MethodGet, "/api/v1/tthc", "tthc", "read", s.apiTTHCList)
	s.route(fiber.MethodGet, "/api/v1/tthc/status", "tthc", "read", s.apiTTHCStatus)
	s.route(fiber.MethodPost, "/api/v1/tthc/import", "tthc", "write", s.apiTTHCImport)
	s.route(fiber.MethodGet, "/api/v1/search", "procedure", "read", s.apiSearch)
	s.route(fiber.MethodGet, "/api/v1/procedures", "procedure", "read", s.apiProcedureList)
	s.route(fiber.MethodPost, "/api/v1/procedures", "procedure", "write", s.apiProcedureCreate)
	s.route(fiber.MethodGet, "/api/v1/procedures/:id", "procedure", "read", s.apiProcedureShow)
	s.route(fiber.MethodPut, "/api/v1/procedures/:id", "procedure", "write", s.apiProcedureUpdate)
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions", "procedure", "write", s.apiVersionCreate)
	s.route(fiber.MethodGet, "/api/v1/procedures/:id/versions/:n", "procedure", "read", s.apiVersionShow)
	s.route(fiber.MethodPut, "/api/v1/procedures/:id/versions/:n", "procedure", "write", s.apiVersionSave)
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/bpmn", "procedure", "write", s.apiVersionImportBPMN)
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/submit", "procedure", "submit", s.apiVersionAction(qms.ActionSubmit))
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/approve", "procedure", "approve", s.apiVersionAction(qms.ActionApprove))
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/reject", "procedure", "approve", s.apiVersionAction(qms.ActionReject))
	s.route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/withdraw", "procedure", "approve", s.apiVersionAction(qms.ActionWithdraw))
	s.route(fiber.MethodGet, "/api/v1/procedures/:id/versions/:n/flowchart.:ext", "procedure", "read", s.versionFlowchart)
	s.publicRoute(fiber.MethodGet, "/api/openapi.json", s.openAPI)
	s.riskRoutes()
	s.distributionRoutes()
	s.competenceRoutes()
	s.declarationRoutes()
	s.providerRoutes()
	s.contextRoutes()
	s.satisfactionRoutes()
	s.agencyRestructureRoutes()
}

func (s *Server) healthz(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) }

func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.log.Error("readiness check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "database": "unreachable"})
	}
	return c.JSON(fiber.Map{"status": "ok", "database": "ok"})
}

// clientAddr is the address a request comes from, as the login
// throttle and the public forms count it: the peer's, or, from a trusted
// proxy (Config.TrustedProxies), the one its X-Real-IP names in any
// spelling qms.ParseClientAddr reads (::ffff:203.0.113.9, a port, an
// IPv6 zone). Fiber's own c.IP drops those spellings and falls back to
// the proxy's address, so one person's wrong passwords locked everyone
// behind the proxy. Of several X-Real-IP headers the last counts: a
// proxy that adds its header rather than replacing the client's puts
// its own last. A header that names no address is logged and its text
// is the key (qms.ThrottleAddr bounds it), never the proxy's; a trusted
// proxy's request without the header is logged and keyed by the proxy,
// as it may be the proxy's own. Worked out once per request.
func (s *Server) clientAddr(c *fiber.Ctx) string {
	if a, ok := c.Locals(localClientAddr).(string); ok {
		return a
	}
	a := s.proxiedAddr(c)
	c.Locals(localClientAddr, a)
	return a
}

// localClientAddr is the c.Locals key of clientAddr's answer.
const localClientAddr = "qms.client_addr"

func (s *Server) proxiedAddr(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if len(s.cfg.TrustedProxies) == 0 || !c.IsProxyTrusted() {
		return peer
	}
	all := c.Request().Header.PeekAll("X-Real-IP")
	if len(all) == 0 || len(bytes.TrimSpace(all[len(all)-1])) == 0 {
		s.log.Warn("request from a trusted proxy without X-Real-IP; counted under the proxy's address", "peer", peer, "path", c.Path())
		return peer
	}
	h := string(all[len(all)-1])
	if ip, ok := qms.ParseClientAddr(h); ok {
		return ip.String()
	}
	key := qms.ThrottleAddr(qms.HeaderAddrPrefix + h)
	s.log.Warn("X-Real-IP from a trusted proxy names no address; counted under its text", "peer", peer, "key", key)
	return key
}

// proxyHeader is the header naming the client: none without a trusted
// proxy.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return "X-Real-IP"
}
