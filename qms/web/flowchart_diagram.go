package web

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// The diagram editor draws a draft's flowchart in the bpmn.io modeler
// (static/vendor/bpmn-js). It loads the draft from the BPMN export and
// saves through the BPMN import, so the diagram and the steps table obey
// one set of rules; the steps table stays on the version page for
// keyboard users.

// diagramPage shows the editor. xml, when not empty, is a diagram that
// was posted and refused: the editor opens it instead of the stored
// draft, so that nothing drawn is lost. A version that is no longer a
// draft shows a note and a link back instead of the editor.
func (s *Server) diagramPage(c *fiber.Ctx, p *qms.Procedure, v *qms.ProcedureVersion, xml string, formErr error) error {
	words, err := json.Marshal(diagramWords(langOf(c)))
	if err != nil {
		return err
	}
	data := &diagramPage{page: s.page(c), Procedure: p, Version: v, VersionPath: versionPath(p, v), PostedXML: xml,
		Draft: v.Status == qms.StatusDraft, Words: string(words)}
	return s.renderPage(c, "version_diagram", &data.page, data, formErr)
}

// diagramPage is the data of the diagram editor of a version.
type diagramPage struct {
	page
	Procedure   *qms.Procedure
	Version     *qms.ProcedureVersion
	VersionPath string
	PostedXML   string // a posted diagram that was refused, or ""
	Draft       bool   // the version is a draft: the editor is shown
	Words       string // the editor's words in the page's language, as JSON
}

func (s *Server) diagramShow(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	return s.diagramPage(c, p, v, "", nil)
}

// diagramSave stores the diagram the editor posts (field xml) as the
// draft's flowchart, through the same import as an uploaded .bpmn file.
func (s *Server) diagramSave(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	xml := c.FormValue("xml")
	data := []byte(xml)
	if err := checkDiagram(data); err != nil {
		return s.diagramPage(c, p, v, xml, err)
	}
	if _, _, _, err := s.importBPMNFile(c, v, bytes.NewReader(data)); err != nil {
		return s.diagramPage(c, p, v, xml, err)
	}
	return c.Redirect(versionPath(p, v)+"/diagram?msg=saved", fiber.StatusSeeOther)
}

// checkDiagram refuses an empty or oversize diagram, and bytes that are
// not XML, with the checks an uploaded .bpmn file gets.
func checkDiagram(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return qms.FieldError("xml", "Lưu đồ trống: hãy vẽ lưu đồ trước khi lưu.")
	}
	if len(data) > bpmn.MaxImportBytes {
		return tooLarge{qms.FieldError("xml", "Lưu đồ quá lớn: tối đa %d MiB.", bpmn.MaxImportBytes>>20)}
	}
	_, err := checkUpload("xml", "diagram.bpmn", bytes.NewReader(data), int64(len(data)), bpmnUploads)
	return err
}

// diagramCheck is the editor's live validation: it reads the posted BPMN
// (the request body) as the save would and answers with the problems
// flowchart.Validate finds with the options submission uses, plus the
// import's warnings:
//
//	{"problems": [{"code", "step_id", "message"}], "warnings": ["…"]}
//
// A diagram that cannot be read at all answers 400 {"error": "…"}.
func (s *Server) diagramCheck(c *fiber.Ctx) error {
	p, _, err := s.findVersion(c)
	if err != nil {
		return err
	}
	data := c.Body()
	if err := checkDiagram(data); err != nil {
		return c.Status(errStatus(err)).JSON(fiber.Map{"error": qms.ErrorMessage(err)})
	}
	res, err := bpmn.Import(bytes.NewReader(data), bpmn.ImportOptions{ParticipantID: c.Query("participant")})
	var be *bpmn.Error
	if errors.As(err, &be) {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": said(be, be.Message, langOf(c), c.Path())})
	} else if err != nil {
		return err
	}
	limit, _, err := s.limitHours(c, p)
	if err != nil {
		return err
	}
	// Submission also asks that every form a step names exists (the
	// agency's own or a standard one): the editor says so while drawing.
	forms, err := s.Forms.FindForms(c.UserContext(), p.AgencyCode)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(forms))
	for _, f := range forms {
		known[f.Code] = true
	}
	opts := flowchart.ValidateOptions{LimitHours: limit, FormExists: func(code string) bool { return known[code] }}
	return c.JSON(fiber.Map{
		"problems": orEmpty(saidProblems(flowchart.Validate(res.Flowchart, opts), langOf(c), c.Path())),
		"warnings": orEmpty(res.Warnings),
	})
}
