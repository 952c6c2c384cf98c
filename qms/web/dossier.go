package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/calendar"
	"isodt/qms/flowchart"
	"isodt/qms/formschema"
)

// PublicLookup is what the public page reads without a login, and the
// count of its lookups by code (lookedUp).
type PublicLookup interface {
	FindDossierByCode(ctx context.Context, agency, code string) (*qms.Dossier, error)
	qms.LookupService
}

// CalendarAdmin keeps the working-day calendar (qms/sqlite implements it).
type CalendarAdmin interface {
	Calendar(ctx context.Context, agency string) (*calendar.Calendar, error)
	CalendarOverrides(ctx context.Context) ([]qms.CalendarOverride, error)
	SetCalendarOverride(ctx context.Context, o qms.CalendarOverride, remove bool) error
}

// rolesIn lists the caller's roles in the agency they act for.
func rolesIn(cl *caller) []qms.Role {
	var out []qms.Role
	for _, m := range cl.user.Memberships {
		if m.AgencyCode == cl.agency {
			out = append(out, m.Role)
		}
	}
	return out
}

// taskRow is a row of the task list: a step past its due time is late.
// Its fields are its own, not those of an embedded qms.Task: a template
// looks each field up by name on every use, and a field of an embedded
// struct is found by a search that allocates. Times are written here
// rather than by a template function: every function call of a template
// is a reflective call, and a list has fifty rows.
type taskRow struct {
	DossierCode, TTHCName, StepID, StepName, Responsible string
	DueAt, DossierDue                                    string // dd/mm/yyyy hh:mm
	Late                                                 bool
	DelegatedBy                                          string // full name, on a step delegated to the caller
}

// tasksPage is the data of the task list.
type tasksPage struct {
	page
	Tasks             []taskRow
	From, To, PageNum int
	HasNext           bool
	CanRecord         bool
}

func (s *Server) taskList(c *fiber.Ctx) error {
	cl := callerOf(c)
	// A page shows what one can act on, most urgent first, so overdue
	// work is always on page 1; the rest is a click away.
	pageNum, err := pageParam(c)
	if err != nil {
		return err
	}
	tasks, err := s.Dossiers.TasksPage(c.UserContext(), cl.agency, rolesIn(cl), (pageNum-1)*tasksPerPage, tasksPerPage+1)
	if err != nil {
		return err
	}
	more := len(tasks) > tasksPerPage
	tasks = tasks[:min(len(tasks), tasksPerPage)]
	now := s.cfg.Now()
	rows := make([]taskRow, len(tasks))
	for i, t := range tasks {
		rows[i] = taskRow{DossierCode: t.DossierCode, TTHCName: t.TTHCName, StepID: t.StepID, StepName: t.StepName, Responsible: t.Responsible,
			DueAt: formatDateTime(t.DueAt), DossierDue: formatDateTime(t.DossierDue), Late: now.After(t.DueAt), DelegatedBy: t.DelegatedBy}
	}
	data := &tasksPage{page: s.page(c), Tasks: rows, From: (pageNum-1)*tasksPerPage + 1, To: (pageNum-1)*tasksPerPage + len(tasks),
		PageNum: pageNum, HasNext: more, CanRecord: s.can(c, "dossier", "record")}
	return s.renderPage(c, "tasks", &data.page, data, nil)
}

const tasksPerPage = 50

// dossierFilter reads the list filter from the query string. A status
// that is none, or a bad page number, is refused naming the parameter: a
// client's typo would otherwise read as "no dossier".
func dossierFilter(c *fiber.Ctx) (qms.DossierFilter, error) {
	agency := callerOf(c).agency
	f := qms.DossierFilter{AgencyCode: &agency, Limit: 50}
	if v, err := oneOfParam(c, "status", dossierStatusCodes...); err != nil {
		return f, err
	} else if v != "" {
		st := qms.DossierStatus(v)
		f.Status = &st
	}
	if v := strings.TrimSpace(c.Query("code")); v != "" {
		f.Code = &v
	}
	if v := strings.TrimSpace(c.Query("tthc")); v != "" {
		f.TTHCCode = &v
	}
	overdue, err := flagParam(c, "overdue")
	if err != nil {
		return f, err
	}
	if overdue {
		f.Overdue = &overdue
	}
	p, err := pageParam(c)
	f.Offset = (p - 1) * f.Limit
	return f, err
}

// dossierCountLimit caps the count of the dossier list page: past it the
// page says "more than 1.000". An exact count of a province agency's tens
// of thousands of dossiers would outweigh the page itself, and nobody
// pages that far: one narrows the filter instead.
const dossierCountLimit = 1000

// dossierStatuses are the statuses in the order the list's filter offers them.
var dossierStatuses = []qms.DossierStatus{qms.DossierReceived, qms.DossierInProgress, qms.DossierPaused,
	qms.DossierCompleted, qms.DossierRefused, qms.DossierWithdrawn}

// dossierStatusCodes are dossierStatuses as the status parameter spells them.
var dossierStatusCodes = func() []string {
	codes := make([]string, len(dossierStatuses))
	for i, st := range dossierStatuses {
		codes[i] = string(st)
	}
	return codes
}()

// dossierRow is a row of the dossier list, Late when past due unfinished;
// its own fields, times and words already written, as taskRow's.
type dossierRow struct {
	Code, TTHCCode, Applicant string
	ReceivedAt, DueAt         string // dd/mm/yyyy hh:mm
	Status, Result            string // in the page's language
	StatusCode, ResultCode    string // for the badge's class
	Late                      bool
}

// dossiersPage is the data of the dossier list.
type dossiersPage struct {
	page
	Dossiers                   []dossierRow
	Total, CountLimit, PageNum int
	From, To                   int
	HasNext, CanRecord         bool
	// QueryString is the filter for the pager's links: a template.URL,
	// as a plain string html/template would escape its "=" and "&".
	QueryString template.URL
	Statuses    []qms.DossierStatus
	Status      qms.DossierStatus // the status filtered on
	Code        string            // the code filtered on
	OnlyOverdue bool
}

func (s *Server) dossierList(c *fiber.Ctx) error {
	f, err := dossierFilter(c)
	if err != nil {
		return err
	}
	perPage := f.Limit
	// One row more than a page tells whether there is a next page, which
	// the capped total cannot once past the cap.
	f.Limit, f.CountLimit, f.Brief = perPage+1, dossierCountLimit, true
	ds, total, err := s.Dossiers.FindDossiers(c.UserContext(), f)
	if err != nil {
		return err
	}
	more := len(ds) > perPage
	ds = ds[:min(len(ds), perPage)]
	now, words := s.cfg.Now(), dictionaries[langOf(c)]
	rows := make([]dossierRow, len(ds))
	for i, d := range ds {
		rows[i] = dossierRow{Code: d.Code, TTHCCode: d.TTHCCode, Applicant: d.Applicant.Name, ReceivedAt: formatDateTime(d.ReceivedAt), DueAt: formatDateTime(d.DueAt),
			Status: dossierStatusText(words, d.Status), Result: resultText(words, d.Result), StatusCode: string(d.Status), ResultCode: d.Result, Late: d.Overdue(now)}
	}
	data := &dossiersPage{page: s.page(c), Dossiers: rows, Total: total, CountLimit: dossierCountLimit, PageNum: f.Offset/perPage + 1,
		From: f.Offset + 1, To: f.Offset + len(ds), HasNext: more, QueryString: template.URL(queryWithout(c, "page")),
		CanRecord: s.can(c, "dossier", "record"), Statuses: dossierStatuses, Status: qms.DossierStatus(c.Query("status")),
		Code: c.Query("code"), OnlyOverdue: c.Query("overdue") == "1"}
	return s.renderPage(c, "dossiers", &data.page, data, nil)
}

// receivable lists the TTHC under ISO control: only they have a flow.
func (s *Server) receivable(c *fiber.Ctx) ([]qms.Control, error) {
	cs, err := s.Procedures.ControlStatuses(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return nil, err
	}
	var out []qms.Control
	for _, ct := range cs {
		if ct.Status == qms.Controlled {
			out = append(out, ct)
		}
	}
	return out, nil
}

func (s *Server) dossierForm(c *fiber.Ctx, d *qms.Dossier, formErr error) error {
	tthcs, err := s.receivable(c)
	if err != nil {
		return err
	}
	p := &dossierFormPage{page: s.page(c), Dossier: d, TTHCs: tthcs}
	// The nonce makes a double submit of the form one receipt: a form
	// shown again after an error keeps it, since nothing was received.
	nonce := c.FormValue("nonce")
	var used *qms.KeyUsedError
	if errors.As(formErr, &used) {
		// This form was sent before and received (the user went back,
		// changed it and sent it again): lead to that dossier, and let a
		// different dossier be received from here with a new nonce.
		p.Resent, nonce, formErr = used.Dossier, "", nil
		c.Status(fiber.StatusConflict)
	}
	if nonce == "" || formErr == nil {
		b := make([]byte, 18)
		rand.Read(b)
		nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	p.Nonce = nonce
	return s.renderPage(c, "dossier_form", &p.page, p, formErr)
}

// dossierFormPage is the data of the form receiving a dossier.
type dossierFormPage struct {
	page
	Dossier *qms.Dossier  // what was typed
	TTHCs   []qms.Control // the TTHC one may receive a dossier of
	Resent  string        // the code of the dossier this form already received, if sent again
	Nonce   string        // makes a double submit one receipt
}

func (s *Server) dossierNew(c *fiber.Ctx) error {
	return s.dossierForm(c, &qms.Dossier{Channel: qms.ChannelCounter, TTHCCode: c.Query("tthc")}, nil)
}

func (s *Server) dossierReceive(c *fiber.Ctx) error {
	d := &qms.Dossier{AgencyCode: callerOf(c).agency, TTHCCode: c.FormValue("tthc_code"), Channel: qms.Channel(c.FormValue("channel")),
		Applicant: qms.Applicant{Name: c.FormValue("applicant_name"), IDNumber: c.FormValue("applicant_id"), Phone: c.FormValue("applicant_phone"), Address: c.FormValue("applicant_address")},
		Note:      c.FormValue("note")}
	if nonce := c.FormValue("nonce"); nonce != "" {
		d.IdempotencyKey = "form:" + nonce
	}
	if err := s.Dossiers.ReceiveDossier(c.UserContext(), d); err != nil {
		return s.dossierForm(c, d, err)
	}
	return c.Redirect("/dossiers/"+d.Code+"?msg=received", fiber.StatusSeeOther)
}

func (s *Server) findDossier(c *fiber.Ctx) (*qms.Dossier, error) {
	return s.Dossiers.FindDossier(c.UserContext(), callerOf(c).agency, c.Params("code"))
}

// openStepView is an open step with what its completion form needs.
type openStepView struct {
	flowchart.Step
	OpenedAt    time.Time
	Exits       []string
	FormCode    string
	FormTitle   string
	FormVersion int
	FormInputs  []formschema.Input
	Multipart   bool
	// DelegatedBy is set when the caller is offered the step on a
	// recorded delegation.
	DelegatedBy string
	// Unread are the versions the step uses that the caller has not
	// acknowledged reading (a warning, see markUnread).
	Unread []unreadDoc
	// CompetenceGaps are the competences the step requires that the
	// caller lacks (a warning, not a refusal).
	CompetenceGaps []qms.CompetenceGap
	// Signs: completing the step signs it (a leader's step), so the form
	// asks for the password.
	Signs bool
	// form is the form in force the step records on (nil for none), for
	// the warnings that look at it after the page found it.
	form *qms.Form
	// formVersion is form's version in force.
	formVersion *qms.FormVersion
}

// stepForm finds the form a step of procedureID records on, its version
// in force and its schema; ok is false for a step without a form. It asks
// EffectiveStepForm, as CompleteStep does, so that a procedure a merge
// brought is offered its own (renamed) form, the one the record is
// checked against; procedureID 0 (a procedure no merge or split moved)
// looks the form up by its code alone.
func (s *Server) stepForm(c *fiber.Ctx, procedureID int64, st flowchart.Step) (f *qms.Form, v *qms.FormVersion, sc formschema.Schema, ok bool, err error) {
	if len(st.Forms) == 0 {
		return nil, nil, sc, false, nil
	}
	if procedureID == 0 {
		f, v, err = s.Forms.EffectiveForm(c.UserContext(), callerOf(c).agency, st.Forms[0])
	} else {
		f, v, err = s.Forms.EffectiveStepForm(c.UserContext(), callerOf(c).agency, procedureID, st.Forms[0])
	}
	if err != nil {
		return nil, nil, sc, true, err
	}
	sc, err = parseSchema(v.Schema)
	return f, v, sc, true, err
}

// parsedSchemas keeps form schemas parsed, by their text: a version's
// schema never changes once it is in force, so an entry is never stale.
// The schemas are shared, for reading only. Bounded: past its size it
// starts again empty.
var parsedSchemas = struct {
	sync.Mutex
	m map[string]formschema.Schema
}{m: map[string]formschema.Schema{}}

const parsedSchemasMax = 256

func parseSchema(text []byte) (formschema.Schema, error) {
	parsedSchemas.Lock()
	sc, ok := parsedSchemas.m[string(text)]
	parsedSchemas.Unlock()
	if ok {
		return sc, nil
	}
	sc, err := formschema.Parse(text)
	if err != nil {
		return sc, err
	}
	parsedSchemas.Lock()
	if len(parsedSchemas.m) >= parsedSchemasMax {
		clear(parsedSchemas.m)
	}
	parsedSchemas.m[string(text)] = sc
	parsedSchemas.Unlock()
	return sc, nil
}

// dossierStepForm is stepForm for a step of the version a dossier pinned.
func (s *Server) dossierStepForm(c *fiber.Ctx, d *qms.Dossier, stepID string) (v *qms.FormVersion, sc formschema.Schema, ok bool, err error) {
	if d.ProcedureID == 0 {
		return nil, sc, false, nil
	}
	fc, err := s.Dossiers.PinnedFlowchart(c.UserContext(), d.ProcedureID, d.VersionNumber)
	if err != nil {
		return nil, sc, false, err
	}
	st, _ := flowchart.FindStep(fc, stepID)
	_, v, sc, ok, err = s.stepForm(c, d.ProcedureID, st)
	return v, sc, ok, err
}

func (s *Server) dossierShow(c *fiber.Ctx) error {
	p, err := s.Dossiers.DossierProgress(c.UserContext(), callerOf(c).agency, c.Params("code"))
	if err != nil {
		return err
	}
	return s.dossierPage(c, p, nil)
}

func (s *Server) dossierPage(c *fiber.Ctx, p *qms.DossierProgress, formErr error) error {
	ctx := c.UserContext()
	d, steps, pauses := p.Dossier, p.Steps, p.Pauses
	var proc *qms.Procedure
	if d.ProcedureID != 0 {
		var err error
		if proc, err = s.Procedures.FindProcedure(ctx, d.AgencyCode, d.ProcedureID); err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
			return err
		}
		// Named as the issue it follows was approved, as its slips name it.
		subject, err := s.Dossiers.PinnedSubject(ctx, d.ProcedureID, d.VersionNumber)
		if err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
			return err
		}
		proc = subject.Over(proc)
	}
	// Only a procedure a merge or split brought can record on a renamed
	// form: for the others the form is looked up by its code alone.
	var moved int64
	if proc != nil && proc.MovedFrom != "" {
		moved = d.ProcedureID
	}
	var open []openStepView
	if d.ProcedureID != 0 {
		fc, err := s.Dossiers.PinnedFlowchart(ctx, d.ProcedureID, d.VersionNumber)
		if err != nil {
			return err
		}
		for _, o := range d.Flow.Open {
			st, _ := flowchart.FindStep(fc, o.StepID)
			ov := openStepView{Step: st, OpenedAt: o.OpenedAt, Exits: qms.Exits(fc, st.ID), Signs: qms.StepSigns(qms.StepRole(st))}
			f, fv, sc, has, err := s.stepForm(c, moved, st)
			if has && err == nil {
				var entry formschema.Entry
				var errs formschema.FieldErrors
				if st.ID == c.FormValue("step_id") {
					entry, _ = c.Locals("entry").(formschema.Entry)
					errs, _ = c.Locals("entry_errors").(formschema.FieldErrors)
				}
				if entry == nil {
					entry = sc.Prefill(stepFacts(d))
				}
				ov.FormCode, ov.FormTitle, ov.FormVersion, ov.FormInputs, ov.Multipart = f.Code, f.Title, fv.Number, sc.Inputs(entry, errs), sc.HasFiles()
				ov.form, ov.formVersion = f, fv
			} else if has {
				ov.FormCode, ov.FormTitle = st.Forms[0], refusalMessage(c, err)
			}
			open = append(open, ov)
		}
	}
	views, err := s.stepViews(c, d.AgencyCode, moved, steps)
	if err != nil {
		return err
	}
	delegated, err := s.Dossiers.OpenDelegations(ctx, d.AgencyCode, d.Code, callerOf(c).user.Username)
	if err != nil {
		return err
	}
	tthc, err := s.Procedures.FindTTHC(ctx, d.AgencyCode, d.TTHCCode)
	if err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
		return err
	} else if tthc != nil {
		tthc = tthc.AsReceived(d)
	} else if d.ReceivedUnder != nil { // since taken out of the catalogue
		tthc = qms.TTHC{Code: d.TTHCCode}.AsReceived(d)
	}
	data := &dossierPage{page: s.page(c), Dossier: d, TTHC: tthc, Procedure: proc, Overdue: d.Overdue(s.cfg.Now()), Steps: views, Pauses: pauses,
		CanRecord: s.can(c, "dossier", "record") && !d.Status.Finished()}
	data.Open, data.NotSigner = completable(open, rolesIn(callerOf(c)), delegated, handledBy(steps, callerOf(c).user.Username))
	if data.CanRecord {
		delegable, err := s.delegableSteps(c, d, steps)
		if err != nil {
			return err
		}
		for _, st := range delegable {
			data.Delegable = append(data.Delegable, delegateStep{ID: st.ID, Name: st.Name})
		}
	}
	if data.CanRecord && len(data.Open) > 0 {
		if err := s.markUnread(c, d, proc, data.Open); err != nil {
			return err
		}
	}
	named := make([]string, 0, 2*len(views)+len(data.Open))
	for _, v := range views {
		if v.ActorName == "" {
			named = append(named, v.Actor)
		}
		if v.DelegatedByName == "" {
			named = append(named, v.DelegatedBy)
		}
	}
	for _, o := range data.Open {
		named = append(named, o.DelegatedBy)
	}
	data.People.load(named...)
	if err := s.markCompetenceGaps(c, d, data.Open); err != nil {
		return err
	}
	return s.renderPage(c, "dossier", &data.page, data, formErr)
}

// dossierPage is the data of a dossier's page: its facts, the forms of
// its open steps and of the dossier as a whole, its history and pauses.
type dossierPage struct {
	page
	Dossier   *qms.Dossier
	TTHC      *qms.TTHC      // nil when no longer in the catalogue
	Procedure *qms.Procedure // the procedure the dossier follows
	Overdue   bool
	Steps     []stepView
	Pauses    []qms.Pause
	Open      []openStepView
	// NotSigner are the steps the caller would complete but for having
	// done one on the other side of the leader's signature
	// (qms.CheckIndependentSigner).
	NotSigner []notSignerView
	CanRecord bool
	// Delegable are the open steps the caller may hand over (each links
	// to the delegation page): the step's role or a leader, whether or
	// not the caller can complete it.
	Delegable []delegateStep
}

// dossierAction runs one change on a dossier and shows the result: back to
// the dossier page, with the error next to the form when it failed.
func (s *Server) dossierAction(c *fiber.Ctx, msg string, act func(agency, code string) (*qms.Dossier, error)) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	if _, err := act(d.AgencyCode, d.Code); err != nil {
		p, perr := s.Dossiers.DossierProgress(c.UserContext(), d.AgencyCode, d.Code)
		if perr != nil {
			return perr
		}
		return s.dossierPage(c, p, err)
	}
	return c.Redirect("/dossiers/"+d.Code+"?msg="+msg, fiber.StatusSeeOther)
}

// dossierStep completes a step; when the step records on a form, the
// entry is validated against the schema of the form version in force and
// its files are stored by hash first.
func (s *Server) dossierStep(c *fiber.Ctx) error {
	return s.dossierAction(c, s.stepDoneMessage(c), func(agency, code string) (*qms.Dossier, error) {
		in := qms.CompleteStep{StepID: c.FormValue("step_id"), Exit: c.FormValue("exit"), Note: c.FormValue("note")}
		if err := s.readEvidence(c, &in); err != nil {
			return nil, err
		}
		if err := s.readEntry(c, agency, code, &in); err != nil {
			return nil, err
		}
		if err := s.signingContext(c, c.FormValue(passwordField)); err != nil {
			return nil, err
		}
		return s.Dossiers.CompleteStep(c.UserContext(), agency, code, in)
	})
}

// evidenceField is the step form's file input for evidence (minh chứng)
// that is not part of a controlled form.
const evidenceField = "evidence"

// readEvidence stores the evidence files of a step by their hash.
func (s *Server) readEvidence(c *fiber.Ctx, in *qms.CompleteStep) error {
	mf, err := c.MultipartForm()
	if err != nil {
		return nil
	}
	for _, fh := range mf.File[evidenceField] {
		if fh.Size == 0 {
			continue
		}
		ref, err := s.storeUpload(c, evidenceField, fh, evidenceUploads)
		if err != nil {
			return err
		}
		in.Files = append(in.Files, ref)
	}
	return nil
}

// readEntry fills in.Entry from the posted form fields of the step's form.
func (s *Server) readEntry(c *fiber.Ctx, agency, code string, in *qms.CompleteStep) error {
	d, err := s.Dossiers.FindDossier(c.UserContext(), agency, code)
	if err != nil {
		return err
	}
	fv, sc, has, err := s.dossierStepForm(c, d, in.StepID)
	if !has || err != nil {
		return err
	}
	raw := map[string][]string{}
	files := map[string]formschema.FileRef{}
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			raw[k] = vs
		}
		for k, fhs := range mf.File {
			if k == evidenceField || len(fhs) == 0 || fhs[0].Size == 0 {
				continue
			}
			fh := fhs[0]
			ref, err := s.storeUpload(c, k, fh, evidenceUploads)
			if err != nil {
				// Back to the form as typed, the message at the field.
				c.Locals("entry", formschema.Posted(raw))
				c.Locals("entry_errors", formschema.FieldErrors{k: refusalMessage(c, err)})
				return err
			}
			files[k] = formschema.FileRef{SHA256: ref.SHA256, Name: ref.Name, ContentType: ref.ContentType, Size: ref.Size}
			in.Files = append(in.Files, ref)
		}
	} else {
		c.Request().PostArgs().VisitAll(func(k, v []byte) { raw[string(k)] = append(raw[string(k)], string(v)) })
	}
	entry, errs := sc.ValidateEntry(raw, files)
	sc.CheckDossierCode(entry, d.Code, errs)
	// Kept for the page shown if this or a later check fails, so that it
	// shows what was typed rather than the prefilled start.
	c.Locals("entry", entry)
	if err := sc.EntryErr(errs); err != nil {
		// The wrong values as typed, and what only the check reads
		// (several values of one field) as it read them.
		shown := formschema.Posted(raw)
		for k, v := range entry {
			if _, ok := shown[k]; !ok {
				shown[k] = v
			}
		}
		c.Locals("entry", shown)
		c.Locals("entry_errors", errs)
		return err
	}
	formVersion, _ := strconv.Atoi(c.FormValue("form_version"))
	in.Entry, in.FormVersion = entry, formVersion
	if formVersion == 0 {
		in.FormVersion = fv.Number
	}
	return nil
}

func (s *Server) dossierPause(c *fiber.Ctx) error {
	return s.dossierAction(c, "paused", func(agency, code string) (*qms.Dossier, error) {
		return s.Dossiers.PauseDossier(c.UserContext(), agency, code, c.FormValue("reason"))
	})
}

func (s *Server) dossierResume(c *fiber.Ctx) error {
	return s.dossierAction(c, "resumed", func(agency, code string) (*qms.Dossier, error) {
		return s.Dossiers.ResumeDossier(c.UserContext(), agency, code)
	})
}

func (s *Server) dossierApology(c *fiber.Ctx) error {
	return s.dossierAction(c, "apology", func(agency, code string) (*qms.Dossier, error) {
		at, err := parseUserTime(c.FormValue("new_appointment"))
		if err != nil {
			return nil, err
		}
		return s.Dossiers.Apologize(c.UserContext(), agency, code, at, c.FormValue("reason"))
	})
}

// parseUserTime reads a date-time typed in the UI (dd/mm/yyyy hh:mm, or a
// datetime-local value) in Hà Nội time.
func parseUserTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04", "02/01/2006 15:04", "02/01/2006", "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.ParseInLocation(layout, v, qms.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, qms.FieldError("new_appointment", "Ngày hẹn %q không hợp lệ: nhập dạng dd/mm/yyyy hh:mm.", v)
}

// dossierFile serves an evidence file of one of the dossier's steps: only
// hashes recorded on this dossier are served, so a hash alone (or a path
// trick) reaches nothing else.
func (s *Server) dossierFile(c *fiber.Ctx) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	steps, err := s.Dossiers.StepRecords(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	want := c.Params("sha")
	for _, st := range steps {
		for _, f := range st.Files {
			if f.SHA256 == want {
				data, ref, err := s.Forms.GetFile(c.UserContext(), f.SHA256)
				if err != nil {
					return err
				}
				// Attachment sets a type from the name: the stored one,
				// which the bytes proved, is set after it.
				attachment(c, f.Name)
				c.Set(fiber.HeaderContentType, ref.ContentType)
				return c.Send(data)
			}
		}
	}
	return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy tệp trong hồ sơ %s.", d.Code)
}
