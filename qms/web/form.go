package web

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/formschema"
)

// findForm loads a form of the caller's agency or a standard one.
func (s *Server) findForm(c *fiber.Ctx) (*qms.Form, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy biểu mẫu.")
	}
	return s.Forms.FindForm(c.UserContext(), callerOf(c).agency, id)
}

// ownForm refuses changes to another agency's (the standard) forms.
func (s *Server) ownForm(c *fiber.Ctx) (*qms.Form, error) {
	f, err := s.findForm(c)
	if err == nil && f.AgencyCode != callerOf(c).agency {
		return nil, qms.Errorf(qms.EFORBIDDEN, "Biểu mẫu chuẩn chỉ được áp dụng (sao về đơn vị), không sửa trực tiếp.")
	}
	return f, err
}

func (s *Server) findFormVersion(c *fiber.Ctx, f *qms.Form) (*qms.FormVersion, error) {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phiên bản %q.", c.Params("n"))
	}
	return s.Forms.FindFormVersion(c.UserContext(), f.ID, n)
}

func formPath(f *qms.Form) string { return fmt.Sprintf("/forms/%d", f.ID) }

func (s *Server) formList(c *fiber.Ctx) error {
	fs, err := s.Forms.FindForms(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	data := &formsPage{page: s.page(c), Forms: fs, CanWrite: s.can(c, "form", "write")}
	return s.renderPage(c, "forms", &data.page, data, nil)
}

// formsPage is the data of the list of forms.
type formsPage struct {
	page
	Forms    []*qms.Form
	CanWrite bool
}

// formNewPage is the data of the new form's page.
type formNewPage struct {
	page
	Form   *qms.Form
	Schema string // the fields as JSON: what was typed, or an example
}

// formNewPage shows the new form's page with f and schema as typed.
func (s *Server) formNewPage(c *fiber.Ctx, f *qms.Form, schema string, formErr error) error {
	data := &formNewPage{page: s.page(c), Form: f, Schema: schema}
	return s.renderPage(c, "form_new", &data.page, data, formErr)
}

func (s *Server) formNew(c *fiber.Ctx) error {
	// The example schema is in the page's language: its labels are what a
	// user of that language would write.
	return s.formNewPage(c, &qms.Form{}, dictionaries[langOf(c)]["form_new.example_schema"], nil)
}

func (s *Server) formCreate(c *fiber.Ctx) error {
	f := &qms.Form{AgencyCode: callerOf(c).agency, Code: c.FormValue("code"), Title: c.FormValue("title"), Kind: qms.FormLocal, Purpose: c.FormValue("purpose")}
	schema := c.FormValue("schema")
	if err := s.Forms.CreateForm(c.UserContext(), f, json.RawMessage(schema)); err != nil {
		return s.formNewPage(c, f, schema, err)
	}
	return c.Redirect(formPath(f)+"/versions/1?msg=created", fiber.StatusSeeOther)
}

// formWithVersions loads a visible form and all its versions.
func (s *Server) formWithVersions(c *fiber.Ctx) (*qms.Form, []*qms.FormVersion, error) {
	f, err := s.findForm(c)
	if err != nil {
		return nil, nil, err
	}
	vs, err := s.Forms.FindFormVersions(c.UserContext(), f.ID)
	return f, vs, err
}

func (s *Server) formShow(c *fiber.Ctx) error {
	f, vs, err := s.formWithVersions(c)
	if err != nil {
		return err
	}
	mine := f.AgencyCode == callerOf(c).agency
	data := &formPage{page: s.page(c), Form: f, Versions: vs, Mine: mine, CanWrite: s.can(c, "form", "write")}
	return s.renderPage(c, "form", &data.page, data, nil)
}

// formPage is the data of a form's page: its facts and its versions.
type formPage struct {
	page
	Form     *qms.Form
	Versions []*qms.FormVersion
	Mine     bool // the form is the caller's agency's (not a standard one)
	CanWrite bool
}

func (s *Server) formAdopt(c *fiber.Ctx) error {
	f, err := s.findForm(c)
	if err != nil {
		return err
	}
	adopted, err := s.Forms.AdoptForm(c.UserContext(), callerOf(c).agency, f.ID)
	if err != nil {
		return err
	}
	return c.Redirect(formPath(adopted)+"/versions/1?msg=created", fiber.StatusSeeOther)
}

func (s *Server) formVersionCreate(c *fiber.Ctx) error {
	f, err := s.ownForm(c)
	if err != nil {
		return err
	}
	v, err := s.Forms.CreateFormVersion(c.UserContext(), f.ID)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("%s/versions/%d?msg=created", formPath(f), v.Number), fiber.StatusSeeOther)
}

func (s *Server) formVersionShow(c *fiber.Ctx) error {
	f, err := s.findForm(c)
	if err != nil {
		return err
	}
	v, err := s.findFormVersion(c, f)
	if err != nil {
		return err
	}
	return s.formVersionPage(c, f, v, string(v.Schema), nil)
}

// formVersionPage shows a version: the entry form as staff will see it,
// the schema (editable while a draft), the template and the actions.
func (s *Server) formVersionPage(c *fiber.Ctx, f *qms.Form, v *qms.FormVersion, schemaText string, formErr error) error {
	var preview []formschema.Input
	if sc, err := formschema.Parse(v.Schema); err == nil {
		preview = sc.Inputs(nil, nil)
	}
	mine := f.AgencyCode == callerOf(c).agency
	draft, submitted := v.Status == qms.StatusDraft, v.Status == qms.StatusSubmitted
	what := fmt.Sprintf("%s – %s %d", f.Code, dictionaries[langOf(c)]["dossier.form_version"], v.Number)
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedFormVersion, func(int64) string { return what }, v.ID)
	if err != nil {
		return err
	}
	var reading *readingPanel
	if mine {
		if reading, err = s.readingPanelFor(c, qms.DocRef{Kind: qms.ReadForm, DocID: f.ID, Number: v.Number}, v.Status); err != nil {
			return err
		}
	}
	data := &formVersionPage{page: s.page(c), Form: f, Version: v, Preview: preview, SchemaText: schemaText, Signatures: sigs,
		CanEdit:     mine && draft && s.can(c, "form", "write"),
		CanSubmit:   mine && draft && s.can(c, "form", "submit"),
		CanApprove:  mine && submitted && s.can(c, "form", "approve") && !v.ContributedBy(callerOf(c).actor),
		CanWithdraw: mine && (draft || submitted || v.Status == qms.StatusEffective) && s.can(c, "form", "approve"),
		Reading:     reading}
	data.Path = fmt.Sprintf("%s/versions/%d", formPath(f), v.Number)
	return s.renderPage(c, "form_version", &data.page, data, formErr)
}

// formVersionPage is the data of a form version's page. Its Path is the
// version's, also when it shows a failed post to one of its sub-paths.
type formVersionPage struct {
	page
	Form        *qms.Form
	Version     *qms.FormVersion
	Preview     []formschema.Input // the entry form as staff will see it
	SchemaText  string             // the fields as JSON, as typed or stored
	Signatures  []signatureView
	Reading     *readingPanel // nil for a standard form
	CanEdit     bool
	CanSubmit   bool
	CanApprove  bool
	CanWithdraw bool
}

// formVersionSave stores a draft's schema and, when one is uploaded, its
// template file (DOCX, XLSX, PDF or ODT).
func (s *Server) formVersionSave(c *fiber.Ctx) error {
	f, err := s.ownForm(c)
	if err != nil {
		return err
	}
	v, err := s.findFormVersion(c, f)
	if err != nil {
		return err
	}
	edited := *v
	schema := c.FormValue("schema")
	edited.Schema, edited.ChangeSummary = json.RawMessage(schema), c.FormValue("change_summary")
	if fh, ferr := c.FormFile("template"); ferr == nil {
		ref, err := s.storeUpload(c, "template", fh, templateUploads)
		if err != nil {
			return s.formVersionPage(c, f, v, schema, err)
		}
		edited.Template = &ref
	}
	if err := s.Forms.UpdateFormVersion(c.UserContext(), &edited); err != nil {
		return s.formVersionPage(c, f, v, schema, err)
	}
	return c.Redirect(fmt.Sprintf("%s/versions/%d?msg=saved", formPath(f), v.Number), fiber.StatusSeeOther)
}

// formTemplate returns the exact stored bytes with their content type.
// Superseded versions stay downloadable; the header says so.
func (s *Server) formTemplate(c *fiber.Ctx) error {
	f, err := s.findForm(c)
	if err != nil {
		return err
	}
	v, err := s.findFormVersion(c, f)
	if err != nil {
		return err
	}
	if v.Template == nil {
		return qms.Errorf(qms.ENOTFOUND, "Phiên bản %d chưa có tệp mẫu.", v.Number)
	}
	data, ref, err := s.Forms.GetFile(c.UserContext(), v.Template.SHA256)
	if err != nil {
		return err
	}
	if !v.InForce() {
		c.Set("X-Form-Status", string(v.Status))
	}
	// Attachment sets a type from the name: the stored one,
	// which the bytes proved, is set after it.
	attachment(c, v.Template.Name)
	c.Set(fiber.HeaderContentType, ref.ContentType)
	return c.Send(data)
}

func (s *Server) formVersionAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := s.ownForm(c)
		if err != nil {
			return err
		}
		v, err := s.findFormVersion(c, f)
		if err != nil {
			return err
		}
		err = s.signingContext(c, c.FormValue(passwordField))
		if err == nil {
			_, err = s.Forms.TransitionFormVersion(c.UserContext(), f.ID, v.Number, action, c.FormValue("reason"))
		}
		if err != nil {
			return s.formVersionPage(c, f, v, string(v.Schema), err)
		}
		return c.Redirect(fmt.Sprintf("%s/versions/%d?msg=%s", formPath(f), v.Number, action), fiber.StatusSeeOther)
	}
}

func (s *Server) apiFormList(c *fiber.Ctx) error {
	fs, err := s.Forms.FindForms(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"forms": orEmpty(fs)})
}

func (s *Server) apiFormShow(c *fiber.Ctx) error {
	f, vs, err := s.formWithVersions(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"form": f, "versions": orEmpty(vs)})
}
