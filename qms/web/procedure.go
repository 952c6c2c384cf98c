package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// findProcedure loads a procedure of the caller's agency; any other
// agency's procedure is not found.
func (s *Server) findProcedure(c *fiber.Ctx) (*qms.Procedure, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quy trình.")
	}
	return s.Procedures.FindProcedure(c.UserContext(), callerOf(c).agency, id)
}

// procedureFromForm reads the metadata fields shared by create and edit.
func procedureFromForm(c *fiber.Ctx, p *qms.Procedure) error {
	p.Title, p.OwnerUnit = c.FormValue("title"), c.FormValue("owner_unit")
	p.TTHCCodes = []string{c.FormValue("tthc_codes")}
	if v := strings.TrimSpace(c.FormValue("review_interval_months")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return qms.FieldError("review_interval_months", "Chu kỳ xem xét %q phải là số tháng.", v)
		}
		p.ReviewMonths = n
	}
	return nil
}

func (s *Server) procedureList(c *fiber.Ctx) error {
	agency := callerOf(c).agency
	ps, err := s.Procedures.FindProcedures(c.UserContext(), qms.ProcedureFilter{AgencyCode: &agency})
	if err != nil {
		return err
	}
	data := &proceduresPage{page: s.page(c), Procedures: ps, CanWrite: s.can(c, "procedure", "write")}
	return s.renderPage(c, "procedures", &data.page, data, nil)
}

// proceduresPage is the data of the list of procedures.
type proceduresPage struct {
	page
	Procedures []*qms.Procedure
	CanWrite   bool
}

// procedureFormPage is the data of the new procedure's form.
type procedureFormPage struct {
	page
	Procedure *qms.Procedure // what was typed, or the defaults
	TTHCs     []*qms.TTHC    // the catalogue, for the codes' list
	TTHCCodes string         // Procedure's TTHC codes, comma separated
}

func (s *Server) procedureForm(c *fiber.Ctx, p *qms.Procedure, formErr error) error {
	tthcs, err := s.Procedures.FindTTHCs(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	data := &procedureFormPage{page: s.page(c), Procedure: p, TTHCs: tthcs, TTHCCodes: strings.Join(p.TTHCCodes, ", ")}
	return s.renderPage(c, "procedure_form", &data.page, data, formErr)
}

func (s *Server) procedureNew(c *fiber.Ctx) error {
	return s.procedureForm(c, &qms.Procedure{ReviewMonths: qms.DefaultReviewMonths}, nil)
}

func (s *Server) procedureCreate(c *fiber.Ctx) error {
	p := &qms.Procedure{AgencyCode: callerOf(c).agency, Code: c.FormValue("code")}
	err := procedureFromForm(c, p)
	if err == nil {
		err = s.Procedures.CreateProcedure(c.UserContext(), p)
	}
	if err != nil {
		return s.procedureForm(c, p, err)
	}
	return c.Redirect("/procedures/"+itoa(p.ID)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) procedureShow(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	return s.procedurePage(c, p, nil)
}

func (s *Server) procedurePage(c *fiber.Ctx, p *qms.Procedure, formErr error) error {
	vs, err := s.Procedures.FindVersions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	tthcs, err := s.Procedures.FindTTHCs(c.UserContext(), p.AgencyCode)
	if err != nil {
		return err
	}
	data := &procedurePage{page: s.page(c), Procedure: p, Versions: vs, TTHCs: tthcs, TTHCCodes: strings.Join(p.TTHCCodes, ", "),
		CanWrite: s.can(c, "procedure", "write"), ApprovedIssue: approvedIssue(vs)}
	return s.renderPage(c, "procedure", &data.page, data, formErr)
}

// procedurePage is the data of a procedure's page: its facts, its issues
// and the form that edits it.
type procedurePage struct {
	page
	Procedure *qms.Procedure
	Versions  []*qms.ProcedureVersion // its issues
	TTHCs     []*qms.TTHC             // the catalogue, for the codes' list
	TTHCCodes string                  // Procedure's TTHC codes, comma separated
	CanWrite  bool
	// ApprovedIssue is the issue submitted or in force, "" when none:
	// while there is one, the scope is shown but not editable.
	ApprovedIssue string
}

// approvedIssue is the number of the version submitted or in force, the
// one whose approval covers the procedure's scope, or "".
func approvedIssue(vs []*qms.ProcedureVersion) string {
	for _, v := range vs {
		if v.Status == qms.StatusSubmitted || v.Status == qms.StatusEffective {
			return v.IssueNumber()
		}
	}
	return ""
}

func (s *Server) procedureUpdate(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	edited := *p
	err = procedureFromForm(c, &edited)
	if err == nil {
		err = s.checkApprovedScope(c, p, &edited)
	}
	if err == nil {
		err = s.Procedures.UpdateProcedure(c.UserContext(), &edited)
	}
	if err != nil {
		return s.procedurePage(c, p, err)
	}
	return c.Redirect("/procedures/"+itoa(p.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) apiProcedureList(c *fiber.Ctx) error {
	agency := callerOf(c).agency
	f := qms.ProcedureFilter{AgencyCode: &agency}
	if v := c.Query("tthc"); v != "" {
		f.TTHCCode = &v
	}
	ps, err := s.Procedures.FindProcedures(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"procedures": orEmpty(ps)})
}

func (s *Server) apiProcedureShow(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	vs, err := s.Procedures.FindVersions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"procedure": p, "versions": orEmpty(vs)})
}

// procedureRequest is the JSON body of create and update.
type procedureRequest struct {
	Code         string   `json:"code"`
	Title        string   `json:"title"`
	OwnerUnit    string   `json:"owner_unit"`
	TTHCCodes    []string `json:"tthc_codes"`
	ReviewMonths int      `json:"review_interval_months"`
}

// procedureUpdate is the JSON body of an update: a member left out (or
// null) keeps its value. A body with the review interval alone used to
// clear the title and the TTHCs, and on an approved procedure was refused
// as a change of what the leader approved. The code never changes.
type procedureUpdate struct {
	Code         *string   `json:"code"`
	Title        *string   `json:"title"`
	OwnerUnit    *string   `json:"owner_unit"`
	TTHCCodes    *[]string `json:"tthc_codes"`
	ReviewMonths *int      `json:"review_interval_months"`
}

// keepUnlessSent sets *field to the value sent, if one was.
func keepUnlessSent[T any](field *T, sent *T) {
	if sent != nil {
		*field = *sent
	}
}

func (s *Server) apiProcedureCreate(c *fiber.Ctx) error {
	var req procedureRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p := &qms.Procedure{AgencyCode: callerOf(c).agency, Code: req.Code, Title: req.Title, OwnerUnit: req.OwnerUnit, TTHCCodes: req.TTHCCodes, ReviewMonths: req.ReviewMonths}
	if err := s.Procedures.CreateProcedure(c.UserContext(), p); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) apiProcedureUpdate(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	var req procedureUpdate
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Code != nil && !strings.EqualFold(strings.TrimSpace(*req.Code), p.Code) {
		return qms.FieldError("code", "Mã quy trình %s không đổi được: tạo quy trình mới nếu cần mã khác.", p.Code)
	}
	if req.ReviewMonths != nil && *req.ReviewMonths == 0 {
		// Sent as 0, not left out: the default would replace it unseen.
		return qms.FieldError("review_interval_months", "Chu kỳ xem xét phải từ 1 đến 60 tháng (bỏ trống để giữ %d tháng).", p.ReviewMonths)
	}
	edited := *p
	keepUnlessSent(&edited.Title, req.Title)
	keepUnlessSent(&edited.OwnerUnit, req.OwnerUnit)
	keepUnlessSent(&edited.TTHCCodes, req.TTHCCodes)
	keepUnlessSent(&edited.ReviewMonths, req.ReviewMonths)
	if err := s.checkApprovedScope(c, p, &edited); err != nil {
		return err
	}
	if err := s.Procedures.UpdateProcedure(c.UserContext(), &edited); err != nil {
		return err
	}
	return c.JSON(&edited)
}

// checkApprovedScope refuses a change of a procedure's scope
// (qms.Procedure.ScopeChanged) once a version is submitted or in force:
// it was approved, or is to be, for the procedure as it is named and
// applied. Without this a quality officer alone renamed an approved
// procedure under the leader's signature on its print, and put another
// TTHC's dossiers on it. The way to change it is the way to change what
// was approved: withdrawn by the leader, edited, submitted again.
func (s *Server) checkApprovedScope(c *fiber.Ctx, p, edited *qms.Procedure) error {
	if !p.ScopeChanged(edited) {
		return nil
	}
	vs, err := s.Procedures.FindVersions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	if issue := approvedIssue(vs); issue != "" {
		return qms.Errorf(qms.EFORBIDDEN, "Quy trình %s: lần ban hành %s %s", p.Code, issue, pageTextArg("procedure.scope_locked"))
	}
	return nil
}
