package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Competence (ISO 9001:2015 7.2, issue #16 item 5): the matrix of the
// agency's people × its competence catalogue, a person's records, and the
// forms that add and revoke. Quality officers and admins write, leaders
// and auditors read, everyone sees their own records (read_own).
func (s *Server) competenceRoutes() {
	s.route(fiber.MethodGet, "/competence", "competence", "read", s.competenceMatrix)
	s.route(fiber.MethodGet, "/competence/me", "competence", "read_own", s.competenceMine)
	s.route(fiber.MethodGet, "/competence/people/:username", "competence", "read", s.competencePerson)
	s.route(fiber.MethodPost, "/competence/catalogue", "competence", "write", s.competenceCreate)
	s.route(fiber.MethodPost, "/competence/requirements", "competence", "write", s.competenceRequire)
	s.route(fiber.MethodPost, "/competence/requirements/:id/withdraw", "competence", "write", s.competenceWithdraw)
	s.route(fiber.MethodPost, "/competence/records", "competence", "write", s.competenceRecordAdd)
	s.route(fiber.MethodPost, "/competence/records/:id/revoke", "competence", "write", s.competenceRecordRevoke)
	s.route(fiber.MethodGet, "/competence/records/:id/evidence", "competence", "read_own", s.competenceEvidence)
	s.route(fiber.MethodGet, "/api/v1/competence/matrix", "competence", "read", s.apiCompetenceMatrix)
}

// competencePage is the data of the competence matrix.
type competencePage struct {
	page
	Matrix *qms.CompetenceMatrix
	Gaps   int // how many required competences people lack
	Steps  []qms.StepRef
	Roles  []qms.Role
	CodeOf map[int64]string // competence ID → "code – name"
	// Username is empty: the record form (competence_record_form, shared
	// with a person's page) asks whose record it is.
	Username string
	CanWrite bool
}

// competenceMatrixPage shows the matrix, the catalogue, the requirements
// and (to writers) the forms, the failed one kept filled in.
func (s *Server) competenceMatrixPage(c *fiber.Ctx, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	m, err := s.Competence.CompetenceMatrix(ctx, agency)
	if err != nil {
		return err
	}
	steps, err := s.Competence.CompetenceSteps(ctx, agency)
	if err != nil {
		return err
	}
	codeOf := map[int64]string{}
	for _, comp := range m.Competences {
		codeOf[comp.ID] = comp.Code + " – " + comp.Name
	}
	data := &competencePage{page: s.page(c), Matrix: m, Gaps: len(m.Gaps()), Steps: steps, Roles: qms.Roles, CodeOf: codeOf,
		CanWrite: s.can(c, "competence", "write")}
	return s.renderPage(c, "competence", &data.page, data, formErr)
}

func (s *Server) competenceMatrix(c *fiber.Ctx) error { return s.competenceMatrixPage(c, nil) }

// personCompetencePage is the data of one person's competence page.
type personCompetencePage struct {
	page
	Username string
	Row      *qms.MatrixRow // the person's row of the matrix, if they are in it
	Matrix   *qms.CompetenceMatrix
	Records  []*qms.CompetenceRecord
	// Competences is the catalogue by ID.
	Competences map[int64]*qms.Competence
	Today       time.Time
	CanWrite    bool
	CanRecord   bool // CanWrite, and not the caller's own page (qms.CheckOwnRecord)
	CanRead     bool // the caller may read the matrix
}

// competencePersonPage shows one person's standing and records.
func (s *Server) competencePersonPage(c *fiber.Ctx, username string, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	m, err := s.Competence.CompetenceMatrix(ctx, agency)
	if err != nil {
		return err
	}
	var row *qms.MatrixRow
	for i := range m.Rows {
		if m.Rows[i].Username == username {
			row = &m.Rows[i]
		}
	}
	records, err := s.Competence.FindCompetenceRecords(ctx, qms.CompetenceRecordFilter{AgencyCode: agency, Username: &username, IncludeRevoked: true})
	if err != nil {
		return err
	}
	if row == nil && len(records) == 0 {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy người %q trong đơn vị.", username)
	}
	names := map[int64]*qms.Competence{}
	for _, comp := range m.Competences {
		names[comp.ID] = comp
	}
	data := &personCompetencePage{page: s.page(c), Username: username, Row: row, Matrix: m, Records: records, Competences: names,
		Today: m.Today, CanWrite: s.can(c, "competence", "write"), CanRead: s.can(c, "competence", "read")}
	// Nobody records their own competence (qms.CheckOwnRecord): one's own
	// page offers no form the store would refuse.
	data.CanRecord = data.CanWrite && qms.CheckOwnRecord(callerOf(c).actor, username) == nil
	return s.renderPage(c, "competence_person", &data.page, data, formErr)
}

func (s *Server) competencePerson(c *fiber.Ctx) error {
	return s.competencePersonPage(c, strings.Clone(c.Params("username")), nil)
}

// competenceMine is a person's own records, whoever they are.
func (s *Server) competenceMine(c *fiber.Ctx) error {
	return s.competencePersonPage(c, callerOf(c).user.Username, nil)
}

// competenceDone goes back where the form was: a person's page when it
// posted from one (back=person), else the matrix.
func (s *Server) competenceDone(c *fiber.Ctx, username string, err error) error {
	back := c.FormValue("back") == "person" && username != ""
	if err != nil {
		if back {
			return s.competencePersonPage(c, username, err)
		}
		return s.competenceMatrixPage(c, err)
	}
	if back {
		return c.Redirect("/competence/people/"+url.PathEscape(username)+"?msg=saved", fiber.StatusSeeOther)
	}
	return c.Redirect("/competence?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) competenceCreate(c *fiber.Ctx) error {
	comp := &qms.Competence{AgencyCode: callerOf(c).agency, Code: c.FormValue("code"), Name: c.FormValue("name"), Description: c.FormValue("description")}
	return s.competenceDone(c, "", s.Competence.CreateCompetence(c.UserContext(), comp))
}

func (s *Server) competenceRequire(c *fiber.Ctx) error {
	r := &qms.CompetenceRequirement{AgencyCode: callerOf(c).agency, Role: qms.Role(c.FormValue("role"))}
	id, _ := strconv.ParseInt(c.FormValue("competence_id"), 10, 64)
	r.CompetenceID = id
	if step := strings.TrimSpace(c.FormValue("step")); step != "" {
		pid, sid, _ := strings.Cut(step, "/")
		r.ProcedureID, _ = strconv.ParseInt(pid, 10, 64)
		r.StepID = sid
	}
	return s.competenceDone(c, "", s.Competence.AddRequirement(c.UserContext(), r))
}

func (s *Server) competenceWithdraw(c *fiber.Ctx) error {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy yêu cầu năng lực.")
	}
	_, err := s.Competence.WithdrawRequirement(c.UserContext(), callerOf(c).agency, id, c.FormValue("reason"))
	return s.competenceDone(c, "", err)
}

// competenceRecordAdd records a training or qualification, its evidence
// file stored by hash first.
func (s *Server) competenceRecordAdd(c *fiber.Ctx) error {
	r := &qms.CompetenceRecord{AgencyCode: callerOf(c).agency, Username: c.FormValue("username"), Course: c.FormValue("course"),
		CertificateNo: c.FormValue("certificate_no"), Issuer: c.FormValue("issuer")}
	r.CompetenceID, _ = strconv.ParseInt(c.FormValue("competence_id"), 10, 64)
	err := func() error {
		var err error
		if r.ObtainedOn, err = formDay(c, "obtained_on", "Ngày cấp"); err != nil {
			return err
		}
		exp, err := formDay(c, "expires_on", "Ngày hết hạn")
		if err != nil {
			return err
		}
		if !exp.IsZero() {
			r.ExpiresOn = &exp
		}
		if fh, ferr := c.FormFile("evidence"); ferr == nil && fh.Size > 0 {
			ref, err := s.storeUpload(c, "evidence", fh, evidenceUploads)
			if err != nil {
				return err
			}
			r.Evidence = &ref
		}
		return s.Competence.AddCompetenceRecord(c.UserContext(), r)
	}()
	return s.competenceDone(c, strings.ToLower(strings.TrimSpace(r.Username)), err)
}

func (s *Server) competenceRecordRevoke(c *fiber.Ctx) error {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy hồ sơ năng lực.")
	}
	r, err := s.Competence.RevokeCompetenceRecord(c.UserContext(), callerOf(c).agency, id, c.FormValue("reason"))
	username := strings.Clone(c.FormValue("username"))
	if r != nil {
		username = r.Username
	}
	return s.competenceDone(c, username, err)
}

// competenceEvidence sends a record's evidence file: to readers of the
// matrix, or to the person the record is about.
func (s *Server) competenceEvidence(c *fiber.Ctx) error {
	id, ok := atoi64(c.Params("id"))
	notFound := qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp minh chứng.")
	if !ok {
		return notFound
	}
	cl := callerOf(c)
	rs, err := s.Competence.FindCompetenceRecords(c.UserContext(), qms.CompetenceRecordFilter{AgencyCode: cl.agency, ID: &id, IncludeRevoked: true})
	if err != nil {
		return err
	}
	if len(rs) == 0 || rs[0].Evidence == nil || rs[0].Username != cl.user.Username && !s.can(c, "competence", "read") {
		return notFound
	}
	data, ref, err := s.Forms.GetFile(c.UserContext(), rs[0].Evidence.SHA256)
	if err != nil {
		return err
	}
	attachment(c, rs[0].Evidence.Name)
	c.Set(fiber.HeaderContentType, ref.ContentType)
	return c.Send(data)
}

// The API's one competence route, in the OpenAPI file.
func init() {
	doc := apiDocs["GET /api/v1/competence/matrix"]
	doc.Summary, doc.Resp = "Ma trận năng lực của đơn vị: người × năng lực (valid, expiring, expired, missing), kèm các trường hợp thiếu", struct {
		Matrix qms.CompetenceMatrix `json:"matrix"`
		Gaps   []qms.CompetenceGap  `json:"gaps"`
	}{}
	apiDocs["GET /api/v1/competence/matrix"] = doc
}

func (s *Server) apiCompetenceMatrix(c *fiber.Ctx) error {
	m, err := s.Competence.CompetenceMatrix(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"matrix": m, "gaps": m.Gaps()})
}

// markCompetenceGaps sets, on each open step the caller is offered, the
// required competences the caller lacks: the page warns, the store does
// not refuse (a person may be trained later; the finding tracks it).
func (s *Server) markCompetenceGaps(c *fiber.Ctx, d *qms.Dossier, open []openStepView) error {
	if s.Competence == nil || d.ProcedureID == 0 {
		return nil
	}
	for i := range open {
		gaps, err := s.Competence.StepCompetenceGaps(c.UserContext(), d.AgencyCode, callerOf(c).user.Username, d.ProcedureID, open[i].Step)
		if err != nil {
			return err
		}
		open[i].CompetenceGaps = gaps
	}
	return nil
}
