package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Declarations of conformity (issue #16 item 3): quality officers and
// leaders record the agency's decision declaring its QMS conforms to
// TCVN ISO 9001:2015, with its scope and the signed decision; auditors
// read them. One page: the current declaration, what changed since
// (the open findings of the two rules), the history, and the form.

// declarationUploads are the files a signed decision may be: a PDF (the
// digitally signed decision) or a scan.
var declarationUploads = uploadKinds{
	".pdf": evidenceUploads[".pdf"], ".png": evidenceUploads[".png"], ".jpg": evidenceUploads[".jpg"], ".jpeg": evidenceUploads[".jpeg"],
	".tif": evidenceUploads[".tif"], ".tiff": evidenceUploads[".tiff"],
}

// basisNumbers are the numbers of the declaration's legal basis; English
// writes them without the Vietnamese Đ, as translations of the documents
// do ("19/2014/QD-TTg").
func basisNumbers(lang string) []string {
	var out []string
	for _, d := range qms.DeclarationBasis {
		n := d.Number
		if lang != "vi" {
			n = strings.NewReplacer("Đ", "D", "đ", "d").Replace(n)
		}
		out = append(out, n)
	}
	return out
}

// declarationRoutes are the pages and the API of the declarations.
func (s *Server) declarationRoutes() {
	s.route(fiber.MethodGet, "/declarations", "declaration", "read", s.declarationList)
	s.route(fiber.MethodPost, "/declarations", "declaration", "write", s.declarationCreate)
	s.route(fiber.MethodGet, "/declarations/:id/file", "declaration", "read", s.declarationFile)
	s.route(fiber.MethodGet, "/api/v1/declarations", "declaration", "read", s.apiDeclarationList)
}

func (s *Server) declarationList(c *fiber.Ctx) error { return s.declarationPage(c, nil) }

// declarationPage shows the agency's declarations; after a failed
// submit, formErr and what was typed (and ticked) are shown again.
func (s *Server) declarationPage(c *fiber.Ctx, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	ds, err := s.Declarations.FindDeclarations(ctx, agency)
	if err != nil {
		return err
	}
	tthc, procs, err := s.Declarations.DeclarationScope(ctx, agency)
	if err != nil {
		return err
	}
	var findings []*qms.Finding
	if s.Compliance != nil && s.can(c, "compliance", "read") {
		open := true
		for _, rule := range []string{qms.RuleDeclarationMissing, qms.RuleDeclarationScopeChanged} {
			fs, err := s.Compliance.FindFindings(ctx, qms.FindingFilter{AgencyCode: &agency, Rule: &rule, Open: &open})
			if err != nil {
				return err
			}
			findings = append(findings, fs...)
		}
	}
	var current *qms.Declaration
	if len(ds) > 0 && ds[0].Current() {
		current = ds[0]
	}
	p := &declarationsPage{page: s.page(c), Declarations: ds, Current: current, TTHC: tthc, Processes: procs,
		Findings: findings, Basis: basisNumbers(langOf(c)), CanWrite: s.can(c, "declaration", "write")}
	return s.renderPage(c, "declarations", &p.page, p, formErr)
}

// declarationsPage is the data of the declarations page.
type declarationsPage struct {
	page
	Declarations []*qms.Declaration // newest first
	Current      *qms.Declaration   // the one in force, if any
	// What a new declaration may cover: the agency's active TTHC and its
	// procedures in force.
	TTHC, Processes []qms.ScopeItem
	Findings        []*qms.Finding // the open findings asking to declare again
	Basis           []string       // the numbers of the legal basis
	CanWrite        bool
}

func (s *Server) declarationCreate(c *fiber.Ctx) error {
	d := &qms.Declaration{AgencyCode: callerOf(c).agency, Number: c.FormValue("number"), SignedBy: c.FormValue("signed_by"), Note: c.FormValue("note")}
	err := func() error {
		day, err := formDay(c, "decided_on", "Ngày ký quyết định công bố")
		if err != nil {
			return err
		}
		d.DecidedOn = day
		if mf, err := c.MultipartForm(); err == nil {
			d.TTHCCodes, d.Processes = mf.Value["tthc"], mf.Value["process"]
		}
		// The text fields are checked before the file is stored, so that
		// a refused form leaves no orphan upload.
		probe := *d
		probe.Normalize()
		probe.File.SHA256 = "-"
		if err := probe.Validate(qms.CivilDate(s.cfg.Now())); err != nil {
			return err
		}
		// So is the scope, against the agency's own catalogue (the store
		// checks it again in its transaction).
		tthc, procs, err := s.Declarations.DeclarationScope(c.UserContext(), d.AgencyCode)
		if err != nil {
			return err
		}
		if err := probe.CheckScope(tthc, procs); err != nil {
			return err
		}
		// A declaration supersedes the one in force at once and for good:
		// the officer confirms it knowingly (outsider finding).
		ds, err := s.Declarations.FindDeclarations(c.UserContext(), d.AgencyCode)
		if err != nil {
			return err
		}
		if len(ds) > 0 && ds[0].Current() && c.FormValue("confirm_supersede") != ds[0].Number {
			return qms.FieldError("confirm_supersede", "Đơn vị đang có bản công bố số %s còn hiệu lực: đánh dấu ô xác nhận thay thế bản này để ghi bản công bố mới.", ds[0].Number)
		}
		fh, err := c.FormFile("file")
		if err != nil || fh.Size == 0 {
			return qms.FieldError("file", "Chưa tải lên quyết định công bố đã ký (tệp PDF hoặc ảnh chụp).")
		}
		if d.File, err = s.storeUpload(c, "file", fh, declarationUploads); err != nil {
			return err
		}
		return s.Declarations.CreateDeclaration(c.UserContext(), d)
	}()
	if err != nil {
		return s.declarationPage(c, err)
	}
	return c.Redirect("/declarations?msg=created", fiber.StatusSeeOther)
}

// declarationFile serves the signed decision of one of the agency's
// declarations: only a hash recorded on it is served.
func (s *Server) declarationFile(c *fiber.Ctx) error {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy quyết định công bố.")
	}
	d, err := s.Declarations.FindDeclaration(c.UserContext(), callerOf(c).agency, id)
	if err != nil {
		return err
	}
	data, ref, err := s.Forms.GetFile(c.UserContext(), d.File.SHA256)
	if err != nil {
		return err
	}
	attachment(c, d.File.Name)
	c.Set(fiber.HeaderContentType, ref.ContentType)
	return c.Send(data)
}

func (s *Server) apiDeclarationList(c *fiber.Ctx) error {
	ds, err := s.Declarations.FindDeclarations(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agency": callerOf(c).agency, "declarations": orEmpty(ds), "legal_basis": qms.DeclarationBasis})
}

func init() {
	apiDocs["GET /api/v1/declarations"] = struct {
		Summary       string
		Request, Resp any
	}{"Các quyết định công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015 của đơn vị (mới nhất trước) và căn cứ pháp lý", nil, map[string]any{}}
}
