package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// Distribution and read-and-understood (TCVN ISO 9001:2015 7.5.3): the
// "Tài liệu cần đọc" page, the "Đã đọc và hiểu" button of a version page,
// the distribution list the quality officer reads, and the warning on a
// step whose documents the caller has not acknowledged.

func (s *Server) distributionRoutes() {
	route := func(method, path, object, action string, h fiber.Handler) {
		s.route(method, path, object, action, func(c *fiber.Ctx) error {
			if s.Distribution == nil {
				return qms.Errorf(qms.ENOTFOUND, "Chức năng phân phối tài liệu chưa được bật trên máy chủ này.")
			}
			return h(c)
		})
	}
	route(fiber.MethodGet, "/reads", "reading", "read", s.readsPage)
	route(fiber.MethodPost, "/procedures/:id/versions/:n/ack", "reading", "acknowledge", s.ackVersion(qms.ReadProcedure))
	route(fiber.MethodPost, "/forms/:id/versions/:n/ack", "reading", "acknowledge", s.ackVersion(qms.ReadForm))
	route(fiber.MethodGet, "/api/v1/reads", "reading", "read", s.apiReads)
	route(fiber.MethodPost, "/api/v1/procedures/:id/versions/:n/ack", "reading", "acknowledge", s.apiAckVersion(qms.ReadProcedure))
	route(fiber.MethodPost, "/api/v1/forms/:id/versions/:n/ack", "reading", "acknowledge", s.apiAckVersion(qms.ReadForm))
	route(fiber.MethodGet, "/api/v1/procedures/:id/versions/:n/distribution", "distribution", "read", s.apiDistribution(qms.ReadProcedure))
	route(fiber.MethodGet, "/api/v1/forms/:id/versions/:n/distribution", "distribution", "read", s.apiDistribution(qms.ReadForm))
}

// refOf reads the version a route names.
func refOf(c *fiber.Ctx, kind string) (qms.DocRef, error) {
	id, ok := atoi64(c.Params("id"))
	n, err := strconv.Atoi(c.Params("n"))
	if !ok || err != nil || n <= 0 {
		return qms.DocRef{}, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản tài liệu.")
	}
	return qms.DocRef{Kind: kind, DocID: id, Number: n}, nil
}

// readsPageData is the "Tài liệu cần đọc" page: the caller's pending
// reads and, for whoever may see distribution lists, the agency's.
type readsPageData struct {
	page
	Pending   []*qms.DocumentRead
	Summaries []*qms.ReadSummary
	CanList   bool
	Basis     []qms.Basis
}

func (s *Server) readsPage(c *fiber.Ctx) error {
	cl := callerOf(c)
	data := &readsPageData{page: s.page(c), CanList: s.can(c, "distribution", "read"), Basis: ackBasis(langOf(c))}
	var err error
	if data.Pending, err = s.Distribution.PendingReads(c.UserContext(), cl.agency, cl.user.ID); err != nil {
		return err
	}
	if data.CanList {
		if data.Summaries, err = s.Distribution.ReadSummaries(c.UserContext(), cl.agency); err != nil {
			return err
		}
	}
	return s.renderPage(c, "reads", &data.page, data, nil)
}

// ackVersion records the caller's "Đã đọc và hiểu" and goes back to the
// version, or to the reading list when the button was there.
func (s *Server) ackVersion(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ref, err := refOf(c, kind)
		if err != nil {
			return err
		}
		if _, err := s.Distribution.AcknowledgeRead(c.UserContext(), callerOf(c).agency, ref); err != nil {
			return err
		}
		back := ref.Path()
		if c.FormValue("back") == "/reads" {
			back = "/reads"
		}
		return c.Redirect(back+"?msg=acknowledged", fiber.StatusSeeOther)
	}
}

func (s *Server) apiReads(c *fiber.Ctx) error {
	cl := callerOf(c)
	rs, err := s.Distribution.PendingReads(c.UserContext(), cl.agency, cl.user.ID)
	if err != nil {
		return err
	}
	return c.JSON(readsResponse{Pending: orEmpty(rs), Basis: qms.AckBasis})
}

// readsResponse is GET /api/v1/reads.
type readsResponse struct {
	Pending []*qms.DocumentRead `json:"pending"`
	Basis   []qms.Basis         `json:"basis"`
}

// distributionResponse is GET …/versions/:n/distribution.
type distributionResponse struct {
	Distribution []*qms.DocumentRead `json:"distribution"`
}

func init() {
	for key, doc := range map[string][2]any{
		"GET /api/v1/reads":                                     {"Tài liệu có hiệu lực được phân phối cho người gọi mà họ chưa xác nhận đã đọc và hiểu, kèm hạn xác nhận và căn cứ", readsResponse{}},
		"POST /api/v1/procedures/{id}/versions/{n}/ack":         {"Xác nhận đã đọc và hiểu phiên bản quy trình có hiệu lực (lần hai không thay đổi gì)", qms.DocumentRead{}},
		"POST /api/v1/forms/{id}/versions/{n}/ack":              {"Xác nhận đã đọc và hiểu phiên bản biểu mẫu có hiệu lực (lần hai không thay đổi gì)", qms.DocumentRead{}},
		"GET /api/v1/procedures/{id}/versions/{n}/distribution": {"Danh sách phân phối một phiên bản quy trình: ai đã, ai chưa xác nhận đã đọc, thời điểm", distributionResponse{}},
		"GET /api/v1/forms/{id}/versions/{n}/distribution":      {"Danh sách phân phối một phiên bản biểu mẫu: ai đã, ai chưa xác nhận đã đọc, thời điểm", distributionResponse{}},
	} {
		d := apiDocs[key]
		d.Summary, d.Resp = doc[0].(string), doc[1]
		apiDocs[key] = d
	}
}

func (s *Server) apiAckVersion(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ref, err := refOf(c, kind)
		if err != nil {
			return err
		}
		r, err := s.Distribution.AcknowledgeRead(c.UserContext(), callerOf(c).agency, ref)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

func (s *Server) apiDistribution(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ref, err := refOf(c, kind)
		if err != nil {
			return err
		}
		rs, err := s.Distribution.DistributionList(c.UserContext(), callerOf(c).agency, ref)
		if err != nil {
			return err
		}
		return c.JSON(distributionResponse{Distribution: orEmpty(rs)})
	}
}

// readingPanel is the version page's section on distribution: the
// caller's own read and button, and the list for those who may see it.
type readingPanel struct {
	Path, CSRF   string
	Mine         *qms.DocumentRead
	CanAck       bool
	CanList      bool
	List         []*qms.DocumentRead
	Acked, Total int
}

// readingPanelFor builds the panel of version ref with status st; nil
// when the version was never in force (drafts are read by no one).
func (s *Server) readingPanelFor(c *fiber.Ctx, ref qms.DocRef, st qms.DocStatus) (*readingPanel, error) {
	if s.Distribution == nil || (st != qms.StatusEffective && st != qms.StatusSuperseded) {
		return nil, nil
	}
	cl := callerOf(c)
	list, err := s.Distribution.DistributionList(c.UserContext(), cl.agency, ref)
	if err != nil {
		return nil, err
	}
	p := &readingPanel{Path: ref.Path(), CSRF: csrfOf(c), CanList: s.can(c, "distribution", "read"), Total: len(list)}
	for _, r := range list {
		if r.UserID == cl.user.ID {
			p.Mine = r
		}
		if !r.Pending() {
			p.Acked++
		}
	}
	p.CanAck = st == qms.StatusEffective && (p.Mine == nil || p.Mine.Pending()) && s.can(c, "reading", "acknowledge")
	if p.CanList {
		p.List = list
	}
	return p, nil
}

// unreadDoc is a document version a step uses that the caller has not
// acknowledged, for the step's warning.
type unreadDoc struct {
	qms.DocRef
	Code string
}

// markUnread sets, on each step the caller is offered, the versions it
// uses (the dossier's pinned procedure version, the form version in
// force it records on) that the caller has not acknowledged. It warns;
// it does not block.
func (s *Server) markUnread(c *fiber.Ctx, d *qms.Dossier, proc *qms.Procedure, open []openStepView) error {
	if s.Distribution == nil || d.ProcedureID == 0 || len(open) == 0 {
		return nil
	}
	for i := range open {
		docs := []unreadDoc{procedureDoc(d, proc)}
		// The page has found the step's form already (its own, or the
		// one a merge renamed): the same one is checked.
		if f, fv := open[i].form, open[i].formVersion; f != nil && f.AgencyCode == d.AgencyCode {
			docs = append(docs, unreadDoc{DocRef: qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: fv.Number}, Code: f.Code})
		}
		var err error
		if open[i].Unread, err = s.unread(c, docs); err != nil {
			return err
		}
	}
	return nil
}

// procedureDoc is the pinned version of the procedure dossier d follows.
func procedureDoc(d *qms.Dossier, proc *qms.Procedure) unreadDoc {
	code := ""
	if proc != nil {
		code = proc.Code
	}
	return unreadDoc{DocRef: qms.DocRef{Kind: qms.ReadProcedure, DocID: d.ProcedureID, Number: d.VersionNumber}, Code: code}
}

// stepDocs are the versions step st of dossier d works on.
func (s *Server) stepDocs(c *fiber.Ctx, d *qms.Dossier, proc *qms.Procedure, st flowchart.Step) ([]unreadDoc, error) {
	docs := []unreadDoc{procedureDoc(d, proc)}
	if len(st.Forms) > 0 {
		f, fv, err := s.Forms.EffectiveStepForm(c.UserContext(), d.AgencyCode, d.ProcedureID, st.Forms[0])
		if err == nil && f.AgencyCode == d.AgencyCode {
			docs = append(docs, unreadDoc{DocRef: qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: fv.Number}, Code: f.Code})
		} else if err != nil && qms.ErrorCode(err) == qms.EINTERNAL {
			return nil, err
		}
	}
	return docs, nil
}

// unread keeps the docs the caller has not acknowledged.
func (s *Server) unread(c *fiber.Ctx, docs []unreadDoc) ([]unreadDoc, error) {
	refs := make([]qms.DocRef, len(docs))
	for i, d := range docs {
		refs[i] = d.DocRef
	}
	left, err := s.Distribution.UnreadAmong(c.UserContext(), callerOf(c).user.ID, refs)
	if err != nil {
		return nil, err
	}
	var out []unreadDoc
	for _, d := range docs {
		for _, r := range left {
			if r == d.DocRef {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// stepDoneMessage is the flash after completing a step: with a reminder
// when the caller completed it on a version they have not acknowledged.
func (s *Server) stepDoneMessage(c *fiber.Ctx) string {
	const done = "step_done"
	if s.Distribution == nil {
		return done
	}
	d, err := s.findDossier(c)
	if err != nil || d.ProcedureID == 0 {
		return done
	}
	fc, err := s.Dossiers.PinnedFlowchart(c.UserContext(), d.ProcedureID, d.VersionNumber)
	if err != nil {
		return done
	}
	st, ok := flowchart.FindStep(fc, c.FormValue("step_id"))
	if !ok {
		return done
	}
	docs, err := s.stepDocs(c, d, nil, st)
	if err != nil {
		return done
	}
	if left, err := s.unread(c, docs); err == nil && len(left) > 0 {
		return "step_done_unread"
	}
	return done
}
