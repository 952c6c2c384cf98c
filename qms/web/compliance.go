package web

import (
	"context"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// JobScheduler is the running scheduler (qms/jobs, wired in cmd/qms); the
// web layer sees only this, not the scheduler or its cron library.
type JobScheduler interface {
	List() []qms.JobInfo
	RunNow(ctx context.Context, name string) (qms.JobRun, error)
}

// JobHistory reads recorded job runs.
type JobHistory interface {
	JobRuns(ctx context.Context, job string, limit int) ([]qms.JobRun, error)
}

// ruleCodes are the codes of qms.Rules, which a findings filter names.
var ruleCodes = func() []string {
	codes := make([]string, len(qms.Rules))
	for i, r := range qms.Rules {
		codes[i] = r.Code
	}
	return codes
}()

// findingScope: the system agency sees every agency's findings, others
// their own.
func findingScope(c *fiber.Ctx) (qms.FindingFilter, error) {
	f := qms.FindingFilter{Limit: 1000}
	if cl := callerOf(c); cl.agency != qms.SystemAgencyCode {
		a := cl.agency
		f.AgencyCode = &a
	} else if v := strings.ToUpper(c.Query("agency")); v != "" {
		f.AgencyCode = &v
	}
	rule, err := oneOfParam(c, "rule", ruleCodes...)
	if err != nil {
		return f, err
	}
	if rule != "" {
		f.Rule = &rule
	}
	severity, err := oneOfParam(c, "severity", qms.SeverityLow, qms.SeverityMedium, qms.SeverityHigh, qms.SeverityCritical)
	if err != nil {
		return f, err
	}
	if severity != "" {
		f.Severity = &severity
	}
	// Open findings unless open=0 asks for the closed ones too.
	all, err := oneOfParam(c, "open", "1", "0")
	open := all != "0"
	f.Open = &open
	return f, err
}

// ruleSummary counts open findings of a rule.
type ruleSummary struct {
	qms.Rule
	Count int
}

func (s *Server) compliancePage(c *fiber.Ctx) error {
	return s.complianceView(c, nil)
}

func (s *Server) complianceView(c *fiber.Ctx, result *qms.CheckResult) error {
	f, err := findingScope(c)
	if err != nil {
		return err
	}
	fs, err := s.Compliance.FindFindings(c.UserContext(), f)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	agencies := map[string]int{}
	for _, x := range fs {
		counts[x.Rule]++
		agencies[x.AgencyCode]++
	}
	var summary []ruleSummary
	for _, r := range qms.Rules {
		summary = append(summary, ruleSummary{r, counts[r.Code]})
	}
	var agencyList []string
	for a := range agencies {
		agencyList = append(agencyList, a)
	}
	sort.Strings(agencyList)
	ncs, err := s.openNCLinks(c, fs)
	if err != nil {
		return err
	}
	p := &compliancePage{page: s.page(c), Findings: fs, OpenNCs: ncs, Summary: summary, Agencies: agencyList, AgencyCounts: agencies,
		Result: result, CanRun: s.can(c, "compliance", "check"), CanNC: s.can(c, "nc", "write"),
		Query: findingQuery{Rule: c.Query("rule"), Severity: c.Query("severity"), Open: c.Query("open", "1")}}
	return s.renderPage(c, "compliance", &p.page, p, nil)
}

// compliancePage is the data of the compliance page.
type compliancePage struct {
	page
	Findings      []*qms.Finding
	OpenNCs       map[int64]*openNCLink // finding ID → its open nonconformity
	Summary       []ruleSummary
	Agencies      []string         // the agencies with findings listed
	AgencyCounts  map[string]int   // agency code → its findings listed
	Result        *qms.CheckResult // the checks just run, if any
	CanRun, CanNC bool
	Query         findingQuery
}

// findingQuery is the findings' filter, as asked.
type findingQuery struct {
	Rule, Severity, Open string
}

// openNCLink is the open nonconformity of a finding, shown instead of
// "Lập phiếu không phù hợp"; Href is empty for another agency's (the
// system agency sees every agency's findings, not their nonconformities).
type openNCLink struct {
	Code, Href string
}

func (s *Server) openNCLinks(c *fiber.Ctx, fs []*qms.Finding) (map[int64]*openNCLink, error) {
	ids := make([]int64, 0, len(fs))
	for _, f := range fs {
		if f.ClosedAt == nil {
			ids = append(ids, f.ID)
		}
	}
	ncs, err := s.NCs.OpenNCsOfFindings(c.UserContext(), ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*openNCLink, len(ncs))
	for id, n := range ncs {
		l := &openNCLink{Code: n.Code}
		if n.AgencyCode == callerOf(c).agency {
			l.Href = ncPath(n)
		}
		out[id] = l
	}
	return out, nil
}

// complianceRun runs the checks of the caller's agency (all agencies for
// the system agency) now, as the daily job would.
func (s *Server) complianceRun(c *fiber.Ctx) error {
	scope := qms.CheckScope{Rule: c.FormValue("rule")}
	if cl := callerOf(c); cl.agency != qms.SystemAgencyCode {
		scope.AgencyCode = cl.agency
	}
	res, err := s.Compliance.RunChecks(c.UserContext(), scope)
	if err != nil {
		return err
	}
	return s.complianceView(c, &res)
}

type checkRequest struct {
	Rule string `json:"rule"`
}

func (s *Server) apiFindings(c *fiber.Ctx) error {
	f, err := findingScope(c)
	if err != nil {
		return err
	}
	fs, err := s.Compliance.FindFindings(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"findings": orEmpty(fs)})
}

func (s *Server) apiCheckRun(c *fiber.Ctx) error {
	var req checkRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	scope := qms.CheckScope{Rule: req.Rule}
	if cl := callerOf(c); cl.agency != qms.SystemAgencyCode {
		scope.AgencyCode = cl.agency
	}
	res, err := s.Compliance.RunChecks(c.UserContext(), scope)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// visibleRuns returns the job runs the caller may see. Every job today
// works on the whole province and its run has no agency: its counts and
// errors (paths, other agencies' numbers) are the deployment's, so only
// the system agency sees them; another agency's admin or auditor sees
// the schedule without the runs.
func (s *Server) visibleRuns(c *fiber.Ctx) ([]qms.JobRun, bool, error) {
	if callerOf(c).agency != qms.SystemAgencyCode {
		return []qms.JobRun{}, true, nil
	}
	runs, err := s.JobRuns.JobRuns(c.UserContext(), "", 50)
	return runs, false, err
}

func (s *Server) jobsPage(c *fiber.Ctx) error {
	runs, hidden, err := s.visibleRuns(c)
	if err != nil {
		return err
	}
	list := s.Jobs.List()
	rows := make([]jobRow, len(list))
	for i, j := range list {
		rows[i] = jobRow{JobInfo: j, Schedule: scheduleText(langOf(c), j.When, j.Spec)}
	}
	// The button shows only to whom runJob would let through: Casbin's
	// (job, run), as the route asks, and the system agency.
	canRun := s.can(c, "job", "run") && s.mayRunJobs(c) == nil
	p := &jobsPage{page: s.page(c), Jobs: rows, Runs: runs, RunsHidden: hidden, CanRun: canRun}
	return s.renderPage(c, "jobs", &p.page, p, nil)
}

// jobsPage is the data of the jobs page.
type jobsPage struct {
	page
	Jobs       []jobRow
	Runs       []qms.JobRun
	RunsHidden bool // the runs are the system agency's to see
	CanRun     bool
}

// jobRow is a job on the jobs page, its schedule in words.
type jobRow struct {
	qms.JobInfo
	Schedule string
}

// mayRunJobs is runJob's own check beyond the route's rule. Jobs cover
// the whole deployment, so only the system agency's admins and auditors
// may start them.
func (s *Server) mayRunJobs(c *fiber.Ctx) error {
	if callerOf(c).agency != qms.SystemAgencyCode {
		return qms.Errorf(qms.EFORBIDDEN, "Chỉ quản trị và đánh giá viên của đơn vị SYS được chạy tác vụ của toàn hệ thống.")
	}
	return nil
}

// jobRun runs a job at once (mayRunJobs says who may).
func (s *Server) jobRun(c *fiber.Ctx) error {
	if _, err := s.runJob(c); err != nil {
		return err
	}
	return c.Redirect("/admin/jobs?msg=job_done", fiber.StatusSeeOther)
}

func (s *Server) runJob(c *fiber.Ctx) (qms.JobRun, error) {
	if err := s.mayRunJobs(c); err != nil {
		return qms.JobRun{}, err
	}
	return s.Jobs.RunNow(c.UserContext(), c.Params("name"))
}

func (s *Server) apiJobs(c *fiber.Ctx) error {
	runs, _, err := s.visibleRuns(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"jobs": s.Jobs.List(), "runs": runs})
}

func (s *Server) apiJobRun(c *fiber.Ctx) error {
	r, err := s.runJob(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) notificationsPage(c *fiber.Ctx) error {
	ns, unread, err := s.Notifications.Notifications(c.UserContext(), callerOf(c).user.ID, 100)
	if err != nil {
		return err
	}
	p := &notificationsPage{page: s.page(c), Notifications: ns, Unread: unread}
	return s.renderPage(c, "notifications", &p.page, p, nil)
}

// notificationsPage is the data of the caller's notifications.
type notificationsPage struct {
	page
	Notifications []qms.Notification
	Unread        int // how many are unread
}

func (s *Server) notificationsRead(c *fiber.Ctx) error {
	if err := s.Notifications.MarkNotificationsRead(c.UserContext(), callerOf(c).user.ID); err != nil {
		return err
	}
	return c.Redirect("/notifications", fiber.StatusSeeOther)
}
