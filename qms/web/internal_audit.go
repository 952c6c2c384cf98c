package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// auditListPage is the data of the internal audits page: the programmes
// and plans, and what the plan form offers.
type auditListPage struct {
	page
	Programmes []*qms.AuditProgramme
	Plans      []*qms.AuditPlan
	Procedures []*qms.Procedure // the procedures a plan may audit
	Units      []*qms.Agency    // the agencies a plan may audit
	Clauses    []qms.Clause
	CanWrite   bool
}

func (s *Server) auditsPage(c *fiber.Ctx) error { return s.auditsView(c, nil) }

func (s *Server) auditsView(c *fiber.Ctx, formErr error) error {
	agency := callerOf(c).agency
	ctx := c.UserContext()
	progs, err := s.Audits.FindProgrammes(ctx, agency)
	if err != nil {
		return err
	}
	plans, err := s.Audits.FindPlans(ctx, agency)
	if err != nil {
		return err
	}
	// The units an agency may audit are its own and those under it, not
	// merged (qms.AuditPlan.CheckUnitsActive); the procedures offered are
	// theirs.
	procs, err := s.Procedures.FindProcedures(ctx, qms.ProcedureFilter{Within: &agency})
	if err != nil {
		return err
	}
	agencies, err := s.Agencies.FindAgencies(ctx, qms.AgencyFilter{Within: &agency, Active: true})
	if err != nil {
		return err
	}
	data := &auditListPage{page: s.page(c), Programmes: progs, Plans: plans, Procedures: procs, Units: agencies,
		Clauses: qms.ClauseLibrary, CanWrite: s.can(c, "internal_audit", "write")}
	return s.renderPage(c, "audits", &data.page, data, formErr)
}

func (s *Server) programmeCreate(c *fiber.Ctx) error {
	year, _ := strconv.Atoi(c.FormValue("year"))
	p := &qms.AuditProgramme{AgencyCode: callerOf(c).agency, Year: year, Title: c.FormValue("title"), Notes: c.FormValue("notes")}
	if err := s.Audits.CreateProgramme(c.UserContext(), p); err != nil {
		return s.auditsView(c, err)
	}
	return c.Redirect("/audits?msg=created", fiber.StatusSeeOther)
}

func (s *Server) planCreate(c *fiber.Ctx) error {
	pid, _ := strconv.ParseInt(c.FormValue("programme_id"), 10, 64)
	start, err := formDay(c, "start_on", "Ngày bắt đầu")
	if err != nil {
		return s.auditsView(c, err)
	}
	end, err := formDay(c, "end_on", "Ngày kết thúc")
	if err != nil {
		return s.auditsView(c, err)
	}
	p := &qms.AuditPlan{ProgrammeID: pid, AgencyCode: callerOf(c).agency, Title: c.FormValue("title"), StartOn: start, EndOn: end,
		Units: postValues(c, "units"), Clauses: postValues(c, "clauses"), Auditors: splitList(c.FormValue("auditors"))}
	for _, v := range postValues(c, "procedures") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			p.ProcedureIDs = append(p.ProcedureIDs, id)
		}
	}
	if err := s.Audits.CreatePlan(c.UserContext(), p); err != nil {
		return s.auditsView(c, err)
	}
	return c.Redirect("/audits/plans/"+itoa(p.ID)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) findPlan(c *fiber.Ctx) (*qms.AuditPlan, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy kế hoạch đánh giá.")
	}
	return s.Audits.FindPlan(c.UserContext(), callerOf(c).agency, id)
}

func (s *Server) planShow(c *fiber.Ctx) error {
	p, err := s.findPlan(c)
	if err != nil {
		return err
	}
	return s.planPage(c, p, nil)
}

// auditPlanPage is the data of an audit plan's page.
type auditPlanPage struct {
	page
	Plan  *qms.AuditPlan
	Tally map[string]int // the checklist's answers counted by result
	// CanWrite: the caller is on the plan's team and it is not reported.
	CanWrite   bool
	CanNC      bool // the caller may raise a nonconformity
	Signatures []signatureView
}

func (s *Server) planPage(c *fiber.Ctx, p *qms.AuditPlan, formErr error) error {
	report := dictionaries[langOf(c)]["signature.this_report"]
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedAuditReport, func(int64) string { return report }, p.ID)
	if err != nil {
		return err
	}
	data := &auditPlanPage{page: s.page(c), Plan: p, Tally: p.Tally(), CanWrite: s.can(c, "internal_audit", "write") && p.Status == qms.PlanPlanned &&
		p.CheckAuditTeam(callerOf(c).user.Username, rolesIn(callerOf(c))) == nil,
		CanNC: s.can(c, "nc", "write"), Signatures: sigs}
	return s.renderPage(c, "audit_plan", &data.page, data, formErr)
}

// planStep applies one change to a plan and shows it again.
func (s *Server) planStep(c *fiber.Ctx, act func(p *qms.AuditPlan) (*qms.AuditPlan, error)) error {
	p, err := s.findPlan(c)
	if err != nil {
		return err
	}
	if _, err := act(p); err != nil {
		return s.planPage(c, p, err)
	}
	return c.Redirect("/audits/plans/"+itoa(p.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) planChecklist(c *fiber.Ctx) error {
	return s.planStep(c, func(p *qms.AuditPlan) (*qms.AuditPlan, error) {
		return s.Audits.BuildChecklist(c.UserContext(), p.AgencyCode, p.ID)
	})
}

func (s *Server) planAnswer(c *fiber.Ctx) error {
	return s.planStep(c, func(p *qms.AuditPlan) (*qms.AuditPlan, error) {
		item, _ := strconv.ParseInt(c.Params("item"), 10, 64)
		return s.Audits.AnswerItem(c.UserContext(), p.AgencyCode, p.ID, item, c.FormValue("result"), c.FormValue("evidence"), c.FormValue("note"))
	})
}

func (s *Server) planReport(c *fiber.Ctx) error {
	return s.planStep(c, func(p *qms.AuditPlan) (*qms.AuditPlan, error) {
		if err := s.signingContext(c, c.FormValue(passwordField)); err != nil {
			return nil, err
		}
		return s.Audits.ReportPlan(c.UserContext(), p.AgencyCode, p.ID, c.FormValue("summary"), c.FormValue("conclusion"))
	})
}

// planPrint is the audit report as it prints (báo cáo đánh giá nội bộ).
func (s *Server) planPrint(c *fiber.Ctx) error {
	p, err := s.findPlan(c)
	if err != nil {
		return err
	}
	org, err := s.Agencies.FindAgencyByCode(c.UserContext(), p.AgencyCode)
	if err != nil {
		return err
	}
	l := dictionaries[langOf(c)]
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedAuditReport, func(int64) string { return l["signature.this_report"] }, p.ID)
	if err != nil {
		return err
	}
	return c.Render("audit_report", &auditReportPage{printPage: s.printPage(c, l["print.audit_report"]+" – "+p.Title, "/audits/plans/"+strconv.FormatInt(p.ID, 10)),
		Plan: p, Unit: org, Tally: p.Tally(), Signatures: sigs}, "print_layout")
}

// auditReportPage is an audit plan's report as it prints.
type auditReportPage struct {
	printPage
	Plan       *qms.AuditPlan
	Unit       *qms.Agency    // the plan's agency, named at the top
	Tally      map[string]int // the checklist's answers counted by result
	Signatures []signatureView
}

func (s *Server) apiPlans(c *fiber.Ctx) error {
	ps, err := s.Audits.FindPlans(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"plans": orEmpty(ps)})
}

func (s *Server) apiPlan(c *fiber.Ctx) error {
	p, err := s.findPlan(c)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// reviewListPage is the data of the management reviews page.
type reviewListPage struct {
	page
	Reviews  []*qms.ManagementReview
	CanWrite bool
}

func (s *Server) reviewsPage(c *fiber.Ctx) error { return s.reviewsView(c, nil) }

func (s *Server) reviewsView(c *fiber.Ctx, formErr error) error {
	rs, err := s.Reviews.FindReviews(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	data := &reviewListPage{page: s.page(c), Reviews: rs, CanWrite: s.can(c, "review", "write")}
	return s.renderPage(c, "reviews", &data.page, data, formErr)
}

func (s *Server) reviewCreate(c *fiber.Ctx) error {
	held, ok := parseDay(c.FormValue("held_on"))
	if !ok && c.FormValue("held_on") != "" {
		return s.reviewsView(c, qms.FieldError("held_on", "Ngày %q không hợp lệ: nhập dd/mm/yyyy.", c.FormValue("held_on")))
	}
	r := &qms.ManagementReview{AgencyCode: callerOf(c).agency, Title: c.FormValue("title"), HeldOn: held}
	if err := s.Reviews.CreateReview(c.UserContext(), r); err != nil {
		return s.reviewsView(c, err)
	}
	return c.Redirect("/reviews/"+itoa(r.ID)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) findReview(c *fiber.Ctx) (*qms.ManagementReview, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy cuộc họp xem xét.")
	}
	return s.Reviews.FindReview(c.UserContext(), callerOf(c).agency, id)
}

func (s *Server) reviewShow(c *fiber.Ctx) error {
	r, err := s.findReview(c)
	if err != nil {
		return err
	}
	return s.reviewPage(c, r, nil)
}

// managementReviewPage is the data of a management review's page.
type managementReviewPage struct {
	page
	Review       *qms.ManagementReview
	Users        []*qms.User // who a decision may be given to
	CanWrite     bool
	ContextKinds []string
	// CanSeeSatisfaction: the survey's results page is linked only for
	// whom it opens.
	CanSeeSatisfaction bool
}

func (s *Server) reviewPage(c *fiber.Ctx, r *qms.ManagementReview, formErr error) error {
	users, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{Within: ptrTo(callerOf(c).agency)})
	if err != nil {
		return err
	}
	data := &managementReviewPage{page: s.page(c), Review: r, Users: assignable(users, r.AgencyCode, qms.ActionOwnerRoles), CanWrite: s.can(c, "review", "write"),
		ContextKinds: qms.ContextKinds, CanSeeSatisfaction: s.can(c, "satisfaction", "read")}
	return s.renderPage(c, "review", &data.page, data, formErr)
}

func (s *Server) reviewStep(c *fiber.Ctx, act func(r *qms.ManagementReview) (*qms.ManagementReview, error)) error {
	r, err := s.findReview(c)
	if err != nil {
		return err
	}
	if _, err := act(r); err != nil {
		return s.reviewPage(c, r, err)
	}
	return c.Redirect("/reviews/"+itoa(r.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) reviewMinutes(c *fiber.Ctx) error {
	return s.reviewStep(c, func(r *qms.ManagementReview) (*qms.ManagementReview, error) {
		return s.Reviews.SaveMinutes(c.UserContext(), r.AgencyCode, r.ID, c.FormValue("minutes"))
	})
}

func (s *Server) reviewDecision(c *fiber.Ctx) error {
	return s.reviewStep(c, func(r *qms.ManagementReview) (*qms.ManagementReview, error) {
		due, ok := parseDay(c.FormValue("due_on"))
		if !ok && strings.TrimSpace(c.FormValue("due_on")) != "" {
			return nil, qms.FieldError("due_on", "Hạn %q không hợp lệ: nhập dd/mm/yyyy.", c.FormValue("due_on"))
		}
		return s.Reviews.AddDecision(c.UserContext(), r.AgencyCode, r.ID, qms.ReviewDecision{Text: c.FormValue("text"), Owner: c.FormValue("owner"), DueOn: due})
	})
}

func (s *Server) reviewDecisionDone(c *fiber.Ctx) error {
	return s.reviewStep(c, func(r *qms.ManagementReview) (*qms.ManagementReview, error) {
		d, _ := strconv.ParseInt(c.Params("d"), 10, 64)
		return s.Reviews.CompleteDecision(c.UserContext(), r.AgencyCode, r.ID, d)
	})
}

func (s *Server) apiReviews(c *fiber.Ctx) error {
	rs, err := s.Reviews.FindReviews(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"reviews": orEmpty(rs)})
}

func (s *Server) apiReview(c *fiber.Ctx) error {
	r, err := s.findReview(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
