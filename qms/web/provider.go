package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// providerRoutes are the register of externally provided processes and
// services (ISO 9001:2015 8.4, issue #16 item 8).
func (s *Server) providerRoutes() {
	s.route(fiber.MethodGet, "/providers", "provider", "read", s.providerList)
	s.route(fiber.MethodPost, "/providers", "provider", "write", s.providerCreate)
	s.route(fiber.MethodGet, "/providers/:id", "provider", "read", s.providerShow)
	s.route(fiber.MethodPost, "/providers/:id", "provider", "write", s.providerUpdate)
	s.route(fiber.MethodPost, "/providers/:id/status", "provider", "write", s.providerStatus)
	s.route(fiber.MethodPost, "/providers/:id/evaluations", "provider", "evaluate", s.providerEvaluate)
	s.route(fiber.MethodPost, "/providers/:id/ncs", "provider", "write", s.providerLinkNC)
	s.route(fiber.MethodGet, "/api/v1/providers", "provider", "read", s.apiProviderList)
}

func init() {
	apiDocs["GET /api/v1/providers"] = struct {
		Summary       string
		Request, Resp any
	}{"Nhà cung cấp dịch vụ bên ngoài của đơn vị (8.4), với lần đánh giá gần nhất", nil, []qms.Provider{}}
}

func providerPath(id int64) string { return "/providers/" + itoa(id) }

// providerForm reads the fields of the add and edit forms; criteria are
// typed one a line.
func providerForm(c *fiber.Ctx) (qms.ProviderUpdate, error) {
	u := qms.ProviderUpdate{Name: c.FormValue("name"), Service: c.FormValue("service"), ContractRef: c.FormValue("contract_ref"),
		Contact: c.FormValue("contact"), Criteria: strings.Split(strings.ReplaceAll(c.FormValue("criteria"), "\r", ""), "\n")}
	v := strings.TrimSpace(c.FormValue("period_months"))
	n, err := strconv.Atoi(v)
	if err != nil {
		return u, qms.FieldError("period_months", "Chu kỳ đánh giá %q không phải là số tháng.", v)
	}
	u.PeriodMonths = n
	return u, nil
}

// providerRegisterPage is the data of the register of external providers.
type providerRegisterPage struct {
	page
	Providers []*qms.Provider
	Today     time.Time
	CanWrite  bool
}

func (s *Server) providerListPage(c *fiber.Ctx, formErr error) error {
	ps, err := s.Providers.FindProviders(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	data := &providerRegisterPage{page: s.page(c), Providers: ps, Today: qms.CivilDate(s.cfg.Now()), CanWrite: s.can(c, "provider", "write")}
	return s.renderPage(c, "providers", &data.page, data, formErr)
}

func (s *Server) providerList(c *fiber.Ctx) error { return s.providerListPage(c, nil) }

func (s *Server) providerCreate(c *fiber.Ctx) error {
	u, err := providerForm(c)
	p := &qms.Provider{AgencyCode: callerOf(c).agency, Name: u.Name, Service: u.Service, ContractRef: u.ContractRef, Contact: u.Contact,
		Criteria: u.Criteria, PeriodMonths: u.PeriodMonths}
	if err == nil {
		err = s.Providers.CreateProvider(c.UserContext(), p)
	}
	if err != nil {
		return s.providerListPage(c, err)
	}
	return c.Redirect(providerPath(p.ID)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) findProvider(c *fiber.Ctx) (*qms.Provider, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy nhà cung cấp.")
	}
	return s.Providers.FindProvider(c.UserContext(), callerOf(c).agency, id)
}

// providerDetailPage is the data of an external provider's page.
type providerDetailPage struct {
	page
	Provider    *qms.Provider
	Evaluations []*qms.ProviderEvaluation
	Links       []qms.ProviderNC     // the nonconformities that name it
	Linkable    []*qms.Nonconformity // those the link form offers
	Today       time.Time
	TodayText   string   // today as the evaluation form's date
	Marks       []string // the marks a criterion may get
	Results     []string // the results an evaluation may have
	Criteria    string   // the criteria one a line, as the edit form shows them
	CanWrite    bool
	CanEvaluate bool
}

// providerPage shows a provider, its evaluations, the nonconformities
// that name it, and the forms to evaluate, link, edit and end it.
func (s *Server) providerPage(c *fiber.Ctx, p *qms.Provider, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	evs, err := s.Providers.ProviderEvaluations(ctx, agency, p.ID)
	if err != nil {
		return err
	}
	links, err := s.Providers.ProviderNCs(ctx, agency, p.ID)
	if err != nil {
		return err
	}
	canWrite := s.can(c, "provider", "write")
	var linkable []*qms.Nonconformity
	if canWrite && s.can(c, "nc", "read") {
		ncs, err := s.NCs.FindNCs(ctx, agency)
		if err != nil {
			return err
		}
		linked := map[int64]bool{}
		for _, l := range links {
			linked[l.NCID] = true
		}
		for _, n := range ncs {
			if !linked[n.ID] {
				linkable = append(linkable, n)
			}
		}
	}
	today := qms.CivilDate(s.cfg.Now())
	data := &providerDetailPage{page: s.page(c), Provider: p, Evaluations: evs, Links: links, Linkable: linkable, Today: today,
		TodayText: today.Format("02/01/2006"), Marks: qms.CriterionMarks, Results: []string{qms.EvalPass, qms.EvalConditional, qms.EvalFail}, Criteria: strings.Join(p.Criteria, "\n"),
		CanWrite: canWrite, CanEvaluate: s.can(c, "provider", "evaluate")}
	return s.renderPage(c, "provider", &data.page, data, formErr)
}

func (s *Server) providerShow(c *fiber.Ctx) error {
	p, err := s.findProvider(c)
	if err != nil {
		return err
	}
	return s.providerPage(c, p, nil)
}

// providerStep applies one change and goes back to the provider's page,
// or shows it again with the error.
func (s *Server) providerStep(c *fiber.Ctx, act func(p *qms.Provider) error) error {
	p, err := s.findProvider(c)
	if err != nil {
		return err
	}
	if err := act(p); err != nil {
		return s.providerPage(c, p, err)
	}
	return c.Redirect(providerPath(p.ID)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) providerUpdate(c *fiber.Ctx) error {
	return s.providerStep(c, func(p *qms.Provider) error {
		u, err := providerForm(c)
		if err != nil {
			return err
		}
		_, err = s.Providers.UpdateProvider(c.UserContext(), p.AgencyCode, p.ID, u)
		return err
	})
}

func (s *Server) providerStatus(c *fiber.Ctx) error {
	return s.providerStep(c, func(p *qms.Provider) error {
		_, err := s.Providers.SetProviderStatus(c.UserContext(), p.AgencyCode, p.ID, c.FormValue("status"), c.FormValue("reason"))
		return err
	})
}

// providerEvaluate reads one mark a criterion (fields mark_0, mark_1… in
// the order of the provider's criteria).
func (s *Server) providerEvaluate(c *fiber.Ctx) error {
	return s.providerStep(c, func(p *qms.Provider) error {
		on, err := formDay(c, "evaluated_on", "Ngày đánh giá")
		if err != nil {
			return err
		}
		e := &qms.ProviderEvaluation{EvaluatedOn: on, Result: c.FormValue("result"), Note: c.FormValue("note")}
		for i, crit := range p.Criteria {
			if m := strings.TrimSpace(c.FormValue("mark_" + strconv.Itoa(i))); m != "" {
				e.Scores = append(e.Scores, qms.CriterionScore{Criterion: crit, Mark: m})
			}
		}
		return s.Providers.EvaluateProvider(c.UserContext(), p.AgencyCode, p.ID, e)
	})
}

func (s *Server) providerLinkNC(c *fiber.Ctx) error {
	return s.providerStep(c, func(p *qms.Provider) error {
		id, ok := atoi64(c.FormValue("nc_id"))
		if !ok {
			return qms.FieldError("nc_id", "Chọn phiếu sự không phù hợp cần liên kết.")
		}
		return s.Providers.LinkProviderNC(c.UserContext(), p.AgencyCode, p.ID, id)
	})
}

func (s *Server) apiProviderList(c *fiber.Ctx) error {
	ps, err := s.Providers.FindProviders(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"providers": orEmpty(ps)})
}
