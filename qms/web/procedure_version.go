package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/bpmn"
	"isodt/qms/flowchart"
)

// findVersion loads a procedure of the caller's agency and one of its
// versions by number.
func (s *Server) findVersion(c *fiber.Ctx) (*qms.Procedure, *qms.ProcedureVersion, error) {
	p, err := s.findProcedure(c)
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return nil, nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy lần ban hành %q.", c.Params("n"))
	}
	v, err := s.Procedures.FindVersion(c.UserContext(), p.ID, n)
	return p, v, err
}

func versionPath(p *qms.Procedure, v *qms.ProcedureVersion) string {
	return fmt.Sprintf("/procedures/%d/versions/%d", p.ID, v.Number)
}

// limitHours is the flowchart budget: the shortest legal time limit among
// the TTHC the procedure covers (0 when it covers none).
func (s *Server) limitHours(c *fiber.Ctx, p *qms.Procedure) (float64, []*qms.TTHC, error) {
	var limit float64
	var linked []*qms.TTHC
	for _, code := range p.TTHCCodes {
		t, err := s.Procedures.FindTTHC(c.UserContext(), p.AgencyCode, code)
		if err != nil {
			return 0, nil, err
		}
		linked = append(linked, t)
		if h := qms.LimitHours(t); limit == 0 || h < limit {
			limit = h
		}
	}
	return limit, linked, nil
}

func (s *Server) versionShow(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	return s.versionPage(c, p, v, nil, nil)
}

// versionPage shows a version: its sections, flowchart and steps, the
// live validation of the flowchart, and the actions the caller may take.
func (s *Server) versionPage(c *fiber.Ctx, p *qms.Procedure, v *qms.ProcedureVersion, warnings []string, formErr error) error {
	live := p
	p = v.As(p)
	limit, linked, err := s.limitHours(c, p)
	if err != nil {
		return err
	}
	contributed := v.ContributedBy(callerOf(c).actor)
	draft, submitted := v.Status == qms.StatusDraft, v.Status == qms.StatusSubmitted
	rows, typed := c.Locals("rows").(editorRowsData)
	if !typed {
		rows = editorRows(v)
	}
	data := &versionPage{page: s.page(c), Procedure: p, Version: v, LinkedTTHCs: linked, LimitHours: limit,
		Problems:         flowchart.Validate(v.Flowchart, flowchart.ValidateOptions{LimitHours: limit}),
		LongestPathHours: flowchart.LongestPathHours(v.Flowchart),
		Warnings:         warnings,
		Rows:             rows,
		CanEdit:          draft && s.can(c, "procedure", "write"),
		CanSubmit:        draft && s.can(c, "procedure", "submit"),
		CanApprove:       submitted && s.can(c, "procedure", "approve") && !contributed,
		IsAuthor:         contributed,
		CanWithdraw:      (draft || submitted || v.Status == qms.StatusEffective) && s.can(c, "procedure", "approve"),
	}
	data.Path = versionPath(p, v)
	if data.CanWithdraw && v.Status == qms.StatusEffective {
		if data.StopsReceipts, err = s.servedByNoOther(c, live); err != nil {
			return err
		}
	}
	if data.Moves, err = s.movesOnApproval(c, p, v); err != nil {
		return err
	}
	data.Pools, _ = c.Locals("pools").([]bpmn.Participant)
	data.KeptFile, _ = c.Locals("kept_file").(string)
	issue := dictionaries[langOf(c)]["signature.this_version"] + " " + v.IssueNumber()
	if data.Signatures, err = s.signatureViews(c.UserContext(), langOf(c), qms.SignedProcedureVersion, func(int64) string { return issue }, v.ID); err != nil {
		return err
	}
	if data.Reading, err = s.readingPanelFor(c, qms.DocRef{Kind: qms.ReadProcedure, DocID: p.ID, Number: v.Number}, v.Status); err != nil {
		return err
	}
	return s.renderPage(c, "version", &data.page, data, formErr)
}

// versionPage is the data of a procedure version's page. Its Path is the
// version's, also when it shows a failed post to one of its sub-paths.
type versionPage struct {
	page
	Procedure        *qms.Procedure
	Version          *qms.ProcedureVersion
	LinkedTTHCs      []*qms.TTHC // the TTHC the procedure covers
	LimitHours       float64     // the shortest legal time limit of LinkedTTHCs
	Problems         flowchart.Problems
	LongestPathHours float64
	Warnings         []string           // what the BPMN import just done warns of
	Pools            []bpmn.Participant // the pools of a BPMN file to pick from
	KeptFile         string             // the id of the BPMN file kept for the pool picker
	Rows             editorRowsData     // the editor's tables
	Signatures       []signatureView
	Reading          *readingPanel
	CanEdit          bool
	CanSubmit        bool
	CanApprove       bool
	IsAuthor         bool // the caller contributed to the version
	CanWithdraw      bool
	// Moves are the TTHCs another procedure links that approving this
	// draft or submitted version takes over (sqlstore's takeOverTTHCs).
	Moves []tthcMove
	// StopsReceipts are the TTHCs whose dossiers can no longer be
	// received once the issue in force is withdrawn, until another is.
	StopsReceipts []string
}

// tthcMove is a TTHC an approval takes from another procedure.
type tthcMove struct {
	TTHC, From string // the TTHC's code, the other procedure's code
}

// otherClaimants are the procedures of p's agency, p apart, that name
// the TTHC code.
func (s *Server) otherClaimants(c *fiber.Ctx, p *qms.Procedure, code string) ([]*qms.Procedure, error) {
	ps, err := s.Procedures.FindProcedures(c.UserContext(), qms.ProcedureFilter{AgencyCode: &p.AgencyCode, TTHCCode: &code})
	return slices.DeleteFunc(ps, func(o *qms.Procedure) bool { return o.ID == p.ID }), err
}

// servedByNoOther lists the TTHCs of p that no other procedure of its
// agency with a version in force names: a withdrawal of p's stops their
// receipts (two procedures in force may name one after a merger).
func (s *Server) servedByNoOther(c *fiber.Ctx, p *qms.Procedure) ([]string, error) {
	var out []string
	for _, code := range p.TTHCCodes {
		others, err := s.otherClaimants(c, p, code)
		if err != nil {
			return nil, err
		}
		served := false
		for _, o := range others {
			vs, err := s.Procedures.FindVersions(c.UserContext(), o.ID)
			if err != nil {
				return nil, err
			}
			if served = slices.ContainsFunc(vs, func(v *qms.ProcedureVersion) bool { return v.Status == qms.StatusEffective }); served {
				break
			}
		}
		if !served {
			out = append(out, code)
		}
	}
	return out, nil
}

// movesOnApproval lists the TTHCs of p that another procedure of its
// agency links, for a version not yet approved.
func (s *Server) movesOnApproval(c *fiber.Ctx, p *qms.Procedure, v *qms.ProcedureVersion) ([]tthcMove, error) {
	if v.Status != qms.StatusDraft && v.Status != qms.StatusSubmitted {
		return nil, nil
	}
	var out []tthcMove
	for _, code := range p.TTHCCodes {
		others, err := s.otherClaimants(c, p, code)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			out = append(out, tthcMove{TTHC: code, From: o.Code})
		}
	}
	return out, nil
}

func (s *Server) versionCreate(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	v, err := s.Procedures.CreateVersion(c.UserContext(), p.ID)
	if err != nil {
		return s.procedurePage(c, p, err)
	}
	return c.Redirect(versionPath(p, v)+"?msg=created", fiber.StatusSeeOther)
}

// versionSave stores the draft's sections and the flowchart typed into
// the steps table.
func (s *Server) versionSave(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	edited := *v
	err = versionFromForm(c, &edited)
	if err == nil {
		err = s.Procedures.UpdateVersion(c.UserContext(), &edited)
	}
	if err != nil {
		c.Locals("rows", postedRows(c))
		return s.versionPage(c, p, &edited, nil, err)
	}
	return c.Redirect(versionPath(p, v)+"?msg=saved", fiber.StatusSeeOther)
}

// importBPMNFile replaces a draft's flowchart with one drawn in a BPMN
// modeler. When the file has several pools and none was chosen, the error
// comes with the pools that can be chosen, for the picker.
func (s *Server) importBPMNFile(c *fiber.Ctx, v *qms.ProcedureVersion, r io.Reader) (*qms.ProcedureVersion, []string, []bpmn.Participant, error) {
	res, err := bpmn.Import(r, bpmn.ImportOptions{ParticipantID: c.FormValue("participant", c.Query("participant"))})
	var be *bpmn.Error
	if errors.As(err, &be) {
		return nil, nil, be.Participants, qms.FieldError("file", "%s", be)
	} else if err != nil {
		return nil, nil, nil, err
	}
	edited := *v
	edited.Flowchart = res.Flowchart
	if err := s.Procedures.UpdateVersion(c.UserContext(), &edited); err != nil {
		return nil, nil, nil, err
	}
	return &edited, res.Warnings, nil, nil
}

func (s *Server) versionImportBPMN(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	data, name, kept, err := s.uploadedBPMN(c)
	if err != nil {
		return s.versionPage(c, p, v, nil, err)
	}
	edited, warnings, pools, err := s.importBPMNFile(c, v, bytes.NewReader(data))
	if err != nil {
		c.Locals("pools", pools)
		if len(pools) > 0 {
			s.keepBPMN(c, kept, name, data)
		}
		return s.versionPage(c, p, v, nil, err)
	}
	return s.versionPage(c, p, edited, warnings, nil)
}

// keepBPMN keeps a file with several pools on the server for the
// caller's session, so that the picker only sends the pool and the id of
// the kept file. When it cannot be kept (no session, the store's bound
// reached), the picker asks for the file again. A file that was already
// kept keeps its id.
func (s *Server) keepBPMN(c *fiber.Ctx, kept, name string, data []byte) {
	cl := callerOf(c)
	if cl == nil || cl.session == nil {
		return
	}
	if kept != "" {
		c.Locals("kept_file", kept)
		return
	}
	id, err := s.Forms.KeepUpload(c.UserContext(), cl.session.ID, name, data)
	if err != nil {
		s.log.Warn("bpmn: upload not kept for the pool picker", "err", err)
		return
	}
	c.Locals("kept_file", id)
}

// uploadedBPMN is the file chosen in the import form, with its name, or
// the one kept for the pool picker, with its id. It reads one byte past bpmn's size
// limit, so that Import refuses a larger file with its own message.
func (s *Server) uploadedBPMN(c *fiber.Ctx) (data []byte, name, kept string, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		kept = c.FormValue("kept_file")
		if kept == "" {
			return nil, "", "", qms.FieldError("file", "Chọn tệp BPMN (.bpmn hoặc .xml) để nhập.")
		}
		session := ""
		if cl := callerOf(c); cl != nil && cl.session != nil {
			session = cl.session.ID
		}
		data, err := s.Forms.KeptUpload(c.UserContext(), session, kept)
		if err != nil {
			var qe *qms.Error
			if errors.As(err, &qe) {
				return nil, "", "", qms.FieldError("file", "%s", qms.Quoted(qe))
			}
			return nil, "", "", err
		}
		return data, "", kept, nil
	}
	f, err := openUpload("file", fh, bpmnUploads)
	if err != nil {
		return nil, "", "", err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, bpmn.MaxImportBytes+1))
	return data, fh.Filename, "", err
}

func (s *Server) versionAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, v, err := s.findVersion(c)
		if err != nil {
			return err
		}
		err = s.signingContext(c, c.FormValue(passwordField))
		if err == nil {
			_, err = s.Procedures.TransitionVersion(c.UserContext(), p.ID, v.Number, action, c.FormValue("reason"))
		}
		if err != nil {
			return s.versionPage(c, p, v, nil, err)
		}
		return c.Redirect(versionPath(p, v)+"?msg="+action, fiber.StatusSeeOther)
	}
}

// versionFlowchart serves the flowchart as SVG, BPMN 2.0 or Mermaid text.
func (s *Server) versionFlowchart(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	p = v.As(p)
	name := fmt.Sprintf("%s-lan-%s", p.Code, v.IssueNumber())
	switch c.Params("ext") {
	case "svg":
		c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
		return c.Send(flowchart.SVG(v.Flowchart))
	case "bpmn":
		b, err := bpmn.Export(v.Flowchart, "Process_"+asciiFileName(p.Code), p.Title)
		var be *bpmn.Error
		if errors.As(err, &be) {
			return qms.Errorf(qms.EINVALID, "%s", be)
		} else if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
		attachment(c, name+".bpmn")
		return c.SendStream(bytes.NewReader(b), len(b))
	case "mmd":
		c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
		return c.SendString(flowchart.Mermaid(v.Flowchart))
	}
	return qms.Errorf(qms.ENOTFOUND, "Định dạng %q không có: dùng .svg, .bpmn hoặc .mmd.", c.Params("ext"))
}

func (s *Server) versionPrint(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	agency, err := s.Agencies.FindAgencyByCode(c.UserContext(), p.AgencyCode)
	if err != nil {
		return err
	}
	// An issue prints under the agency's name it was submitted under.
	if v.Subject != nil && v.Subject.Agency != "" && v.Subject.Agency != agency.Name {
		issuer := *agency
		issuer.Name = v.Subject.Agency
		agency = &issuer
	}
	vs, err := s.Procedures.FindVersions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	var history []*qms.ProcedureVersion
	for _, o := range vs {
		if o.Number <= v.Number && o.EffectiveOn != nil {
			history = append(history, o)
		}
	}
	steps := stepsInOrder(v.Flowchart)
	lang := langOf(c)
	who, err := s.signers(c.UserContext(), p.AgencyCode, lang)
	if err != nil {
		return err
	}
	l := dictionaries[lang]
	sigs, err := s.signatureViews(c.UserContext(), lang, qms.SignedProcedureVersion, func(int64) string { return l["signature.this_version"] + " " + v.IssueNumber() }, v.ID)
	if err != nil {
		return err
	}
	issued := label(l, "doc."+string(v.Status))
	if v.EffectiveOn != nil {
		issued = v.EffectiveOn.In(qms.Zone).Format("02/01/2006")
	}
	pp := &procedurePrintPage{printPage: s.printPage(c, p.Code+" – "+l["print.issue"]+" "+v.IssueNumber(), versionPath(p, v)),
		Procedure: v.As(p), Version: v, Unit: agency, History: history, Steps: steps, Chart: printChart(v.Flowchart, lang), Signatures: sigs,
		Author: who(v.Author, qms.RoleQualityOfficer), Reviewer: who(v.Reviewer, qms.RoleLeader), Approver: who(v.Approver, qms.RoleLeader)}
	// The drafter and the approver as they signed, not as their accounts
	// read now.
	for _, sg := range sigs {
		switch sg.meaning {
		case qms.MeaningApproved:
			pp.Approver = sg.signer()
		case qms.MeaningDrafted:
			pp.Author = sg.signer()
		}
	}
	pp.RunningHeader = runningHeader(agency.Name, p.Code, l["print.issue_label"]+" "+v.IssueNumber(), issued)
	return c.Render("procedure_print", pp, "print_layout")
}

// procedurePrintPage is a procedure's version as it prints.
type procedurePrintPage struct {
	printPage
	Procedure                  *qms.Procedure
	Version                    *qms.ProcedureVersion
	Unit                       *qms.Agency             // the procedure's agency, named in the header
	History                    []*qms.ProcedureVersion // the issues in force up to this one
	Steps                      []flowchart.Step        // the task and decision steps, in order
	Chart                      template.HTML
	Signatures                 []signatureView
	Author, Reviewer, Approver signer
}

// stepsInOrder lists the task and decision steps for the steps table,
// numbered in the author's order.
func stepsInOrder(fc flowchart.Flowchart) []flowchart.Step {
	var out []flowchart.Step
	for _, st := range fc.Steps {
		if st.Kind != flowchart.KindParallel {
			out = append(out, st)
		}
	}
	return out
}

func (s *Server) apiVersionCreate(c *fiber.Ctx) error {
	p, err := s.findProcedure(c)
	if err != nil {
		return err
	}
	v, err := s.Procedures.CreateVersion(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) apiVersionShow(c *fiber.Ctx) error {
	p, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	limit, _, err := s.limitHours(c, v.As(p))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"version": v, "problems": orEmpty(flowchart.Validate(v.Flowchart, flowchart.ValidateOptions{LimitHours: limit})),
		"longest_path_hours": flowchart.LongestPathHours(v.Flowchart)})
}

// versionRequest is the JSON body that saves a draft.
type versionRequest struct {
	Purpose       string              `json:"purpose"`
	Scope         string              `json:"scope"`
	References    string              `json:"references"`
	Definitions   string              `json:"definitions"`
	Flowchart     flowchart.Flowchart `json:"flowchart"`
	Forms         []string            `json:"forms"`
	Records       []qms.RecordToKeep  `json:"records"`
	ChangeSummary string              `json:"change_summary"`
	Reviewer      string              `json:"reviewer"`
}

func (s *Server) apiVersionSave(c *fiber.Ctx) error {
	_, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	var req versionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	v.Purpose, v.Scope, v.References, v.Definitions = req.Purpose, req.Scope, req.References, req.Definitions
	v.Flowchart, v.Forms, v.Records, v.ChangeSummary, v.Reviewer = req.Flowchart, req.Forms, req.Records, req.ChangeSummary, req.Reviewer
	if err := s.Procedures.UpdateVersion(c.UserContext(), v); err != nil {
		return err
	}
	return c.JSON(v)
}

// apiVersionImportBPMN takes the BPMN file as the raw request body; the
// pool is chosen with ?participant=ID. When it must be chosen, the answer
// lists the pools that can be: {"participants":[{"id","name","steps"}]}.
func (s *Server) apiVersionImportBPMN(c *fiber.Ctx) error {
	_, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	body := bytes.NewReader(c.Body())
	if _, err := checkUpload("file", "upload.bpmn", body, body.Size(), bpmnUploads); err != nil {
		return err
	}
	edited, warnings, pools, err := s.importBPMNFile(c, v, body)
	if err != nil && len(pools) > 0 {
		type pool struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			Steps int    `json:"steps"`
		}
		list := make([]pool, len(pools))
		for i, p := range pools {
			list[i] = pool{ID: p.ID, Name: p.Name, Steps: p.Steps}
		}
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{
			"error":        fiber.Map{"code": qms.EINVALID, "message": qms.ErrorMessage(err), "field": "file"},
			"participants": list,
		})
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"version": edited, "warnings": orEmpty(warnings)})
}

type actionRequest struct {
	Reason string `json:"reason"`
	// Password signs: submitting (soạn thảo) and approving (phê duyệt)
	// are refused without it.
	Password string `json:"password,omitempty"`
}

func (s *Server) apiVersionAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, v, err := s.findVersion(c)
		if err != nil {
			return err
		}
		var req actionRequest
		if len(c.Body()) > 0 {
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
		}
		if err := s.signingContext(c, req.Password); err != nil {
			return err
		}
		v, err = s.Procedures.TransitionVersion(c.UserContext(), p.ID, v.Number, action, req.Reason)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}
