package web

import (
	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// contextRoutes are the agency's context register: internal and external
// issues and interested parties (ISO 9001:2015 4.1, 4.2, issue #16 item
// 10). The review route comes before /context/:id, which would take it.
func (s *Server) contextRoutes() {
	s.route(fiber.MethodGet, "/context", "context", "read", s.contextList)
	s.route(fiber.MethodPost, "/context", "context", "write", s.contextCreate)
	s.route(fiber.MethodPost, "/context/review", "context", "review", s.contextReview)
	s.route(fiber.MethodPost, "/context/:id", "context", "write", s.contextUpdate)
	s.route(fiber.MethodPost, "/context/:id/retire", "context", "write", s.contextRetire)
	s.route(fiber.MethodGet, "/api/v1/context", "context", "read", s.apiContext)
}

// contextResponse is the body of GET /api/v1/context.
type contextResponse struct {
	Items   []*qms.ContextItem   `json:"items"`
	Reviews []*qms.ContextReview `json:"reviews"`
}

func init() {
	apiDocs["GET /api/v1/context"] = struct {
		Summary       string
		Request, Resp any
	}{"Sổ bối cảnh của đơn vị (4.1, 4.2): vấn đề nội bộ, bên ngoài, các bên quan tâm và các lần xem xét", nil, contextResponse{}}
}

// contextRegisterPage is the data of the context register.
type contextRegisterPage struct {
	page
	Kinds     []string
	ByKind    map[string][]*qms.ContextItem // kind → its entries in force
	Retired   []*qms.ContextItem
	Reviews   []*qms.ContextReview // the latest first
	ReviewDue bool
	CanWrite  bool
	CanReview bool
}

// contextPage shows the register by kind, the retired entries, the
// reviews, and the forms (kept filled in after an error).
func (s *Server) contextPage(c *fiber.Ctx, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	items, err := s.Context.ContextItems(ctx, agency, true)
	if err != nil {
		return err
	}
	reviews, err := s.Context.ContextReviews(ctx, agency)
	if err != nil {
		return err
	}
	byKind := map[string][]*qms.ContextItem{}
	var retired []*qms.ContextItem
	for _, i := range items {
		if i.Retired {
			retired = append(retired, i)
		} else {
			byKind[i.Kind] = append(byKind[i.Kind], i)
		}
	}
	var due bool
	if len(reviews) == 0 {
		due = len(items) > len(retired)
	} else {
		due = reviews[0].ReviewedAt.AddDate(0, qms.ContextReviewMonths, 0).Before(s.cfg.Now())
	}
	data := &contextRegisterPage{page: s.page(c), Kinds: qms.ContextKinds, ByKind: byKind, Retired: retired, Reviews: reviews, ReviewDue: due,
		CanWrite: s.can(c, "context", "write"), CanReview: s.can(c, "context", "review")}
	return s.renderPage(c, "context", &data.page, data, formErr)
}

func (s *Server) contextList(c *fiber.Ctx) error { return s.contextPage(c, nil) }

func (s *Server) contextCreate(c *fiber.Ctx) error {
	i := &qms.ContextItem{AgencyCode: callerOf(c).agency, Kind: c.FormValue("kind"), Title: c.FormValue("title"), Requirements: c.FormValue("requirements")}
	if err := s.Context.AddContextItem(c.UserContext(), i); err != nil {
		return s.contextPage(c, err)
	}
	return c.Redirect("/context?msg=created", fiber.StatusSeeOther)
}

// contextStep applies one change and goes back to the register.
func (s *Server) contextStep(c *fiber.Ctx, act func(agency string, id int64) error) error {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy mục trong sổ bối cảnh.")
	}
	if err := act(callerOf(c).agency, id); err != nil {
		if qms.ErrorCode(err) == qms.ENOTFOUND {
			return err
		}
		return s.contextPage(c, err)
	}
	return c.Redirect("/context?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) contextUpdate(c *fiber.Ctx) error {
	return s.contextStep(c, func(agency string, id int64) error {
		_, err := s.Context.UpdateContextItem(c.UserContext(), agency, id, c.FormValue("title"), c.FormValue("requirements"))
		return err
	})
}

func (s *Server) contextRetire(c *fiber.Ctx) error {
	return s.contextStep(c, func(agency string, id int64) error {
		_, err := s.Context.RetireContextItem(c.UserContext(), agency, id, c.FormValue("reason"))
		return err
	})
}

func (s *Server) contextReview(c *fiber.Ctx) error {
	if _, err := s.Context.MarkContextReviewed(c.UserContext(), callerOf(c).agency, c.FormValue("note")); err != nil {
		return s.contextPage(c, err)
	}
	return c.Redirect("/context?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) apiContext(c *fiber.Ctx) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	items, err := s.Context.ContextItems(ctx, agency, c.Query("retired") == "1")
	if err != nil {
		return err
	}
	reviews, err := s.Context.ContextReviews(ctx, agency)
	if err != nil {
		return err
	}
	return c.JSON(contextResponse{Items: items, Reviews: reviews})
}
