package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// riskRoutes are the register of risks and opportunities (ISO 9001:2015
// 6.1): quality officers and leaders keep it, staff and auditors read it.
func (s *Server) riskRoutes() {
	s.route(fiber.MethodGet, "/risks", "risk", "read", s.riskList)
	s.route(fiber.MethodPost, "/risks", "risk", "write", s.riskCreate)
	s.route(fiber.MethodGet, "/risks/:id", "risk", "read", s.riskShow)
	s.route(fiber.MethodPost, "/risks/:id/reassess", "risk", "write", s.riskReassess)
	s.route(fiber.MethodPost, "/risks/:id/actions", "risk", "write", s.riskAddAction)
	s.route(fiber.MethodPost, "/risks/:id/actions/:aid/done", "risk", "act", s.riskActionDone)
	s.route(fiber.MethodPost, "/risks/:id/links", "risk", "write", s.riskLink)
	s.route(fiber.MethodPost, "/risks/:id/close", "risk", "write", s.riskClose)
	s.route(fiber.MethodGet, "/api/v1/risks", "risk", "read", s.apiRiskList)
	s.route(fiber.MethodPost, "/api/v1/risks", "risk", "write", s.apiRiskCreate)
	s.route(fiber.MethodGet, "/api/v1/risks/:id", "risk", "read", s.apiRiskShow)
}

func riskPath(r *qms.Risk) string { return "/risks/" + itoa(r.ID) }

func (s *Server) findRisk(c *fiber.Ctx) (*qms.Risk, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy rủi ro hoặc cơ hội.")
	}
	return s.Risks.FindRisk(c.UserContext(), callerOf(c).agency, id)
}

// riskFilter reads the list's filters: ?level=, ?procedure=, ?status=
// (open by default, "all" for both).
func riskFilter(c *fiber.Ctx) (qms.RiskFilter, error) {
	f := qms.RiskFilter{AgencyCode: callerOf(c).agency, Level: strings.TrimSpace(c.Query("level")), Status: qms.RiskOpen}
	switch st := c.Query("status"); st {
	case "", qms.RiskOpen:
	case qms.RiskClosed:
		f.Status = st
	case "all":
		f.Status = ""
	default:
		return f, qms.FieldError("status", "Trạng thái %q không hợp lệ (open, closed, all).", st)
	}
	if v := strings.TrimSpace(c.Query("procedure")); v != "" {
		id, ok := atoi64(v)
		if !ok {
			return f, qms.FieldError("procedure", "Quy trình %q không hợp lệ.", v)
		}
		f.ProcedureID = id
	}
	return f, nil
}

// riskForm reads the add form (or the API's fields by the same names).
func riskForm(c *fiber.Ctx) (*qms.Risk, error) {
	r := &qms.Risk{AgencyCode: callerOf(c).agency, Kind: c.FormValue("kind"), Description: c.FormValue("description"), Owner: c.FormValue("owner")}
	r.ProcedureID, _ = atoi64(c.FormValue("procedure_id"))
	r.Likelihood, _ = strconv.Atoi(c.FormValue("likelihood"))
	r.Impact, _ = strconv.Atoi(c.FormValue("impact"))
	review, err := formDay(c, "review_on", "Ngày xem xét lại")
	r.ReviewOn = review
	return r, err
}

// riskListPage is the data of the register of risks and opportunities.
type riskListPage struct {
	page
	Risks      []*qms.Risk
	Filter     qms.RiskFilter
	Procedures []*qms.Procedure
	Today      time.Time
	Levels     []string
	Scale      []int // the likelihood and impact one may choose
	CanWrite   bool
	// Users and Form are the add form's: its owners and what it shows
	// (only to writers).
	Users []*qms.User
	Form  *qms.Risk
}

// riskPage lists the register with its filters and the add form (kept
// filled in after an error).
func (s *Server) riskPage(c *fiber.Ctx, f qms.RiskFilter, form *qms.Risk, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	rs, err := s.Risks.FindRisks(ctx, f)
	if err != nil {
		return err
	}
	procs, err := s.Procedures.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: &agency})
	if err != nil {
		return err
	}
	data := &riskListPage{page: s.page(c), Risks: rs, Filter: f, Procedures: procs, Today: qms.CivilDate(s.cfg.Now()), Levels: qms.RiskLevels,
		Scale: []int{1, 2, 3, 4, 5}, CanWrite: s.can(c, "risk", "write")}
	if data.CanWrite {
		users, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: &agency})
		if err != nil {
			return err
		}
		if form == nil {
			form = &qms.Risk{Kind: qms.RiskKindRisk, Likelihood: 3, Impact: 3}
		}
		data.Users, data.Form = users, form
	}
	return s.renderPage(c, "risks", &data.page, data, formErr)
}

func (s *Server) riskList(c *fiber.Ctx) error {
	f, err := riskFilter(c)
	if err != nil {
		return err
	}
	return s.riskPage(c, f, nil, nil)
}

func (s *Server) riskCreate(c *fiber.Ctx) error {
	r, err := riskForm(c)
	if err == nil {
		err = s.Risks.CreateRisk(c.UserContext(), r)
	}
	if err != nil {
		return s.riskPage(c, qms.RiskFilter{AgencyCode: r.AgencyCode, Status: qms.RiskOpen}, r, err)
	}
	return c.Redirect(riskPath(r)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) riskShow(c *fiber.Ctx) error {
	r, err := s.findRisk(c)
	if err != nil {
		return err
	}
	return s.riskDetail(c, r, nil)
}

// riskTarget is an object an entry may be linked to, for the link form.
type riskTarget struct{ Value, Kind, Text string }

// riskDetailPage is the data of a risk's (or opportunity's) page.
type riskDetailPage struct {
	page
	Risk     *qms.Risk
	Today    time.Time
	Scale    []int          // the likelihood and impact one may choose
	CanWrite bool           // the caller may write and it is open
	Doable   map[int64]bool // action ID → the caller may complete it
	// Users and Targets are the forms' (only to writers): who an action
	// may be given to, what it may be linked to.
	Users   []*qms.User
	Targets []riskTarget
}

// riskDetail shows one entry: its figures and their history, the
// treatment actions, the links, and the forms that change it.
func (s *Server) riskDetail(c *fiber.Ctx, r *qms.Risk, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	canWrite := s.can(c, "risk", "write") && r.Status == qms.RiskOpen
	owners := map[int64]string{}
	for _, a := range r.Actions {
		if a.DoneAt == nil && r.Status == qms.RiskOpen {
			owners[a.ID] = a.Owner
		}
	}
	data := &riskDetailPage{page: s.page(c), Risk: r, Today: qms.CivilDate(s.cfg.Now()), Scale: []int{1, 2, 3, 4, 5}, CanWrite: canWrite,
		Doable: s.doableActions(c, "risk", owners)}
	if canWrite {
		users, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: &agency})
		if err != nil {
			return err
		}
		targets, err := s.riskTargets(c, r)
		if err != nil {
			return err
		}
		data.Users, data.Targets = assignable(users, agency, qms.ActionOwnerRoles), targets
	}
	return s.renderPage(c, "risk", &data.page, data, formErr)
}

// riskTargets are the agency's procedures, nonconformities and open
// findings not yet linked to r.
func (s *Server) riskTargets(c *fiber.Ctx, r *qms.Risk) ([]riskTarget, error) {
	ctx, agency := c.UserContext(), callerOf(c).agency
	linked := map[string]bool{}
	for _, l := range r.Links {
		linked[l.Kind+":"+itoa(l.Ref)] = true
	}
	var out []riskTarget
	add := func(kind string, id int64, text string) {
		if v := kind + ":" + itoa(id); !linked[v] {
			out = append(out, riskTarget{Value: v, Kind: kind, Text: text})
		}
	}
	procs, err := s.Procedures.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: &agency})
	if err != nil {
		return nil, err
	}
	for _, p := range procs {
		add(qms.RiskLinkProcedure, p.ID, p.Code+" – "+p.Title)
	}
	ncs, err := s.NCs.FindNCs(ctx, agency)
	if err != nil {
		return nil, err
	}
	for _, n := range ncs {
		add(qms.RiskLinkNC, n.ID, n.Code+" – "+n.Description)
	}
	open := true
	fs, err := s.Compliance.FindFindings(ctx, qms.FindingFilter{AgencyCode: &agency, Open: &open, Limit: 200})
	if err != nil {
		return nil, err
	}
	lang := langOf(c)
	w := wording(lang, dictionaries[lang])
	for _, f := range fs {
		add(qms.RiskLinkFinding, f.ID, "#"+itoa(f.ID)+" – "+f.Text(w))
	}
	return out, nil
}

// riskStep applies one change and shows the entry again.
func (s *Server) riskStep(c *fiber.Ctx, act func(r *qms.Risk) error) error {
	r, err := s.findRisk(c)
	if err != nil {
		return err
	}
	if err := act(r); err != nil {
		return s.riskDetail(c, r, err)
	}
	return c.Redirect(riskPath(r)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) riskReassess(c *fiber.Ctx) error {
	return s.riskStep(c, func(r *qms.Risk) error {
		a := qms.RiskAssessment{Note: c.FormValue("note")}
		a.Likelihood, _ = strconv.Atoi(c.FormValue("likelihood"))
		a.Impact, _ = strconv.Atoi(c.FormValue("impact"))
		var err error
		if a.ReviewOn, err = formDay(c, "review_on", "Ngày xem xét lại"); err != nil {
			return err
		}
		_, err = s.Risks.ReassessRisk(c.UserContext(), r.AgencyCode, r.ID, a)
		return err
	})
}

func (s *Server) riskAddAction(c *fiber.Ctx) error {
	return s.riskStep(c, func(r *qms.Risk) error {
		due, err := formDay(c, "due_on", "Hạn hoàn thành")
		if err != nil {
			return err
		}
		_, err = s.Risks.AddRiskAction(c.UserContext(), r.AgencyCode, r.ID, qms.RiskAction{Description: c.FormValue("description"), Owner: c.FormValue("owner"), DueOn: due})
		return err
	})
}

func (s *Server) riskActionDone(c *fiber.Ctx) error {
	return s.riskStep(c, func(r *qms.Risk) error {
		aid, _ := atoi64(c.Params("aid"))
		_, err := s.Risks.CompleteRiskAction(c.UserContext(), r.AgencyCode, r.ID, aid)
		return err
	})
}

// riskLink reads the link form's target, "kind:id".
func (s *Server) riskLink(c *fiber.Ctx) error {
	return s.riskStep(c, func(r *qms.Risk) error {
		kind, ref, _ := strings.Cut(c.FormValue("target"), ":")
		id, _ := atoi64(ref)
		_, err := s.Risks.LinkRisk(c.UserContext(), r.AgencyCode, r.ID, qms.RiskLink{Kind: kind, Ref: id})
		return err
	})
}

func (s *Server) riskClose(c *fiber.Ctx) error {
	return s.riskStep(c, func(r *qms.Risk) error {
		_, err := s.Risks.CloseRisk(c.UserContext(), r.AgencyCode, r.ID, c.FormValue("reason"))
		return err
	})
}

// riskRequest is the body of POST /api/v1/risks.
type riskRequest struct {
	Kind        string `json:"kind"` // risk, opportunity
	Description string `json:"description"`
	ProcedureID int64  `json:"procedure_id"`
	Likelihood  int    `json:"likelihood"` // 1–5
	Impact      int    `json:"impact"`     // 1–5
	Owner       string `json:"owner"`      // username
	ReviewOn    string `json:"review_on"`  // yyyy-mm-dd or dd/mm/yyyy
}

// riskListResponse is the body of GET /api/v1/risks.
type riskListResponse struct {
	Risks []*qms.Risk `json:"risks"`
}

// apiRiskList lists the agency's register: open entries unless
// ?status=closed|all, of one level (?level=) or process (?procedure=).
func (s *Server) apiRiskList(c *fiber.Ctx) error {
	f, err := riskFilter(c)
	if err != nil {
		return err
	}
	rs, err := s.Risks.FindRisks(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(riskListResponse{Risks: orEmpty(rs)})
}

func (s *Server) apiRiskShow(c *fiber.Ctx) error {
	r, err := s.findRisk(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) apiRiskCreate(c *fiber.Ctx) error {
	var req riskRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r := &qms.Risk{AgencyCode: callerOf(c).agency, Kind: req.Kind, Description: req.Description, ProcedureID: req.ProcedureID,
		Likelihood: req.Likelihood, Impact: req.Impact, Owner: req.Owner}
	if req.ReviewOn != "" {
		day, ok := parseDay(req.ReviewOn)
		if !ok {
			return qms.FieldError("review_on", dayFormat, req.ReviewOn)
		}
		r.ReviewOn = day
	}
	if err := s.Risks.CreateRisk(c.UserContext(), r); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}
