package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// dashboardPage is the home page of a signed-in user.
type dashboardPage struct {
	page
	Roles            []qms.Role // held in the agency acted for
	AgencyCount      int
	UserCount        int
	TTHCCount        int
	Uncontrolled     int           // TTHC not under ISO control
	UncontrolledList []qms.Control // the first of them
	ToApprove        []*qms.ProcedureVersion
	Drafts           []*qms.ProcedureVersion
	ProcedureNames   map[int64]string // code and title by procedure id, naming ToApprove and Drafts
	Recent           []*qms.AuditEntry
	AuditCount       int
	Objectives       []objectiveTile // read by the objective_dashboard template
	Staff            *staffDash
	Leader           *leaderDash
	Quality          *qualityDash
	Auditor          *auditorDash
	Notes            []qms.Notification
	NotesUnread      int
}

// dashboard answers "what do I do now" for each role the user holds in
// the agency they act for: a section per role, each read from the current
// data (one indexed query per figure), then the notifications.
func (s *Server) dashboard(c *fiber.Ctx) error {
	cl := callerOf(c)
	ctx := c.UserContext()
	p := &dashboardPage{page: s.page(c), ToApprove: []*qms.ProcedureVersion{}, Drafts: []*qms.ProcedureVersion{}}
	roles := rolesIn(cl)
	p.Roles = roles
	if s.can(c, "agency", "read") {
		as, err := s.Agencies.FindAgencies(ctx, qms.AgencyFilter{Within: scope(cl)})
		if err != nil {
			return err
		}
		p.AgencyCount = len(as)
	}
	if s.can(c, "user", "read") {
		us, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: scope(cl)})
		if err != nil {
			return err
		}
		p.UserCount = len(us)
	}
	if s.can(c, "tthc", "read") {
		cs, err := s.Procedures.ControlStatuses(ctx, cl.agency)
		if err != nil {
			return err
		}
		var uncontrolled []qms.Control
		for _, ct := range cs {
			if ct.Status != qms.Controlled {
				uncontrolled = append(uncontrolled, ct)
			}
		}
		p.TTHCCount, p.Uncontrolled, p.UncontrolledList = len(cs), len(uncontrolled), uncontrolled[:min(len(uncontrolled), 5)]
	}
	if s.can(c, "procedure", "approve") {
		vs, err := s.Procedures.FindVersionsByStatus(ctx, cl.agency, qms.StatusSubmitted)
		if err != nil {
			return err
		}
		p.ToApprove = vs
	}
	if s.can(c, "procedure", "write") {
		vs, err := s.Procedures.FindVersionsByStatus(ctx, cl.agency, qms.StatusDraft)
		if err != nil {
			return err
		}
		p.Drafts = vs
	}
	// A version is named by its procedure's code and title.
	names := map[int64]string{}
	for _, vs := range [][]*qms.ProcedureVersion{p.ToApprove, p.Drafts} {
		for _, v := range vs {
			if _, ok := names[v.ProcedureID]; ok {
				continue
			}
			pr, err := s.Procedures.FindProcedure(ctx, cl.agency, v.ProcedureID)
			if err != nil {
				return err
			}
			names[v.ProcedureID] = pr.Code + " " + pr.Title
		}
	}
	p.ProcedureNames = names
	if s.can(c, "audit", "read") {
		es, total, err := s.findAuditEntries(c, qms.AuditFilter{Limit: 5})
		if err != nil {
			return err
		}
		p.Recent, p.AuditCount = es, total
	}
	objectives, err := s.dashboardObjectives(c)
	if err != nil {
		return err
	}
	p.Objectives = objectives
	if err := s.roleDashboards(c, p, roles); err != nil {
		return err
	}
	if s.Notifications != nil {
		ns, unread, err := s.Notifications.Notifications(ctx, cl.user.ID, 5)
		if err != nil {
			return err
		}
		p.Notes, p.NotesUnread = ns, unread
	}
	return s.renderPage(c, "dashboard", &p.page, p, nil)
}

// staffDash is what staff do now: their roles' steps overdue and due today.
type staffDash struct {
	Due   qms.StepsDue
	Tasks []qms.Task // the most urgent of them
}

// leaderDash: approvals waiting, the quarter's on-time rate against the
// objective's target, the dossiers past their due time.
type leaderDash struct {
	Quarter           string
	OnTime            *qms.OnTimeReport
	Rate, Target      string // formatted percentages; Target "" without an objective
	BelowTarget       bool
	Late              []*qms.Dossier
	LateTotal, LateOf int // LateOf is the count's cap (a total above it means "more than")
}

// qualityDash: TTHC not under ISO control (in data), management review
// due, open review decisions, findings by rule.
type qualityDash struct {
	ByRule     []qms.RuleCount
	Decisions  []qms.DecisionDue
	LastReview time.Time
	ReviewDue  bool // none held in the last twelve months
}

// auditorDash: open findings, NCs and actions falling due, the next audit.
type auditorDash struct {
	OpenFindings int
	OpenNCs      int
	Actions      []qms.ActionDue
	NextAudit    *qms.AuditPlan
}

// Horizons of the lists of what falls due.
const (
	actionsHorizon   = 14 * 24 * time.Hour
	decisionsHorizon = 30 * 24 * time.Hour
	dashListLen      = 5
)

// roleDashboards fills a section per role held, each only with what the
// policy lets the caller read.
func (s *Server) roleDashboards(c *fiber.Ctx, p *dashboardPage, roles []qms.Role) error {
	if s.Dashboard == nil {
		return nil
	}
	cl := callerOf(c)
	ctx := c.UserContext()
	now := s.cfg.Now()
	local := now.In(qms.Zone)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, qms.Zone)
	lang := langOf(c)
	has := func(r qms.Role) bool {
		for _, x := range roles {
			if x == r {
				return true
			}
		}
		return false
	}
	if has(qms.RoleStaff) && s.can(c, "dossier", "read") {
		due, err := s.Dashboard.StepsDue(ctx, cl.agency, roles, now, today.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		tasks, err := s.Dossiers.TasksPage(ctx, cl.agency, roles, 0, dashListLen)
		if err != nil {
			return err
		}
		end := today.AddDate(0, 0, 1)
		urgent := []qms.Task{}
		for _, t := range tasks {
			if t.DueAt.Before(end) {
				urgent = append(urgent, t)
			}
		}
		p.Staff = &staffDash{Due: due, Tasks: urgent}
	}
	if has(qms.RoleLeader) && s.can(c, "report", "read") {
		q := (int(local.Month())-1)/3 + 1
		from := time.Date(local.Year(), time.Month(3*q-2), 1, 0, 0, 0, 0, qms.Zone)
		reps, err := s.Dossiers.OnTime(ctx, cl.agency, from, from.AddDate(0, 3, 0), "")
		if err != nil {
			return err
		}
		ld := &leaderDash{Quarter: fmt.Sprintf("%d/%d", q, local.Year()), OnTime: reps[""], LateOf: dossierCountLimit}
		ld.Rate = formatPercent(ld.OnTime.TimelyRate, lang)
		if s.can(c, "objective", "read") {
			year := local.Year()
			objs, err := s.Objectives.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: cl.agency, Year: &year})
			if err != nil {
				return err
			}
			for _, o := range objs {
				if o.Measure == qms.MeasureTimelyRate {
					ld.Target, ld.BelowTarget = formatTarget(o.Target, lang), ld.OnTime.Completed > 0 && ld.OnTime.TimelyRate < o.Target
					break
				}
			}
		}
		overdue := true
		ld.Late, ld.LateTotal, err = s.Dossiers.FindDossiers(ctx, qms.DossierFilter{AgencyCode: &cl.agency, Overdue: &overdue,
			Limit: dashListLen, CountLimit: dossierCountLimit, Brief: true})
		if err != nil {
			return err
		}
		p.Leader = ld
	}
	var byRule []qms.RuleCount
	if (has(qms.RoleQualityOfficer) || has(qms.RoleAuditor)) && s.can(c, "compliance", "read") {
		var err error
		if byRule, err = s.Dashboard.FindingsByRule(ctx, cl.agency); err != nil {
			return err
		}
	}
	if has(qms.RoleQualityOfficer) {
		qd := &qualityDash{ByRule: byRule}
		if s.can(c, "review", "read") {
			var err error
			if qd.Decisions, err = s.Dashboard.DecisionsDue(ctx, cl.agency, today.Add(decisionsHorizon), dashListLen); err != nil {
				return err
			}
			if qd.LastReview, err = s.Dashboard.LastReview(ctx, cl.agency); err != nil {
				return err
			}
			qd.ReviewDue = qd.LastReview.IsZero() || qd.LastReview.AddDate(1, 0, 0).Before(today)
		}
		p.Quality = qd
	}
	if has(qms.RoleAuditor) {
		ad := &auditorDash{}
		for _, r := range byRule {
			ad.OpenFindings += r.Count
		}
		if s.can(c, "nc", "read") {
			var err error
			if ad.OpenNCs, err = s.Dashboard.OpenNCs(ctx, cl.agency); err != nil {
				return err
			}
			if ad.Actions, err = s.Dashboard.ActionsDue(ctx, cl.agency, today.Add(actionsHorizon), dashListLen); err != nil {
				return err
			}
		}
		if s.can(c, "internal_audit", "read") {
			var err error
			if ad.NextAudit, err = s.Dashboard.NextAudit(ctx, cl.agency, today); err != nil {
				return err
			}
		}
		p.Auditor = ad
	}
	return nil
}
