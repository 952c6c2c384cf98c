package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// dossierJSON is a dossier with its step log and pauses.
type dossierJSON struct {
	*qms.Dossier
	// SurveyKey is printed on the receipt slip; a one-stop system that
	// prints its own slip or texts the citizen takes it from here. ""
	// once the dossier is finished, and for anyone but the officer who
	// received it (surveyKeyFor).
	SurveyKey string            `json:"survey_key"`
	Steps     []*qms.StepRecord `json:"steps"`
	Pauses    []qms.Pause       `json:"pauses"`
}

func (s *Server) dossierOut(c *fiber.Ctx, d *qms.Dossier) error {
	steps, err := s.Dossiers.StepRecords(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	pauses, err := s.Dossiers.Pauses(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	return c.JSON(dossierJSON{Dossier: d, SurveyKey: s.surveyKeyFor(c, d, steps), Steps: orEmpty(steps), Pauses: pauses})
}

// surveyKeyFor is the dossier's survey key as the caller may read it:
// only the officer who received it (the actor of its first step, who
// prints the slip or whose one-stop system texts the citizen), while they
// still may record dossiers, and only until the dossier is finished; ""
// otherwise. Whoever else read it could answer the anonymous survey in the
// citizen's name, or learn whether the citizen had answered: an auditor
// or an admin (outsider pass 6), and as much a colleague or a leader, who
// are the ones the survey rates (outsider pass 10).
func (s *Server) surveyKeyFor(c *fiber.Ctx, d *qms.Dossier, steps []*qms.StepRecord) string {
	if d.Status.Finished() || len(steps) == 0 || !strings.EqualFold(steps[0].Actor, callerOf(c).user.Username) || !s.can(c, "dossier", "record") {
		return ""
	}
	return d.SurveyKey
}

// apiTasks lists the caller's tasks, all of them, or with ?page= the
// page of tasksPerPage the task list page shows.
func (s *Server) apiTasks(c *fiber.Ctx) error {
	cl := callerOf(c)
	var tasks []qms.Task
	var err error
	if c.Query("page") == "" {
		tasks, err = s.Dossiers.Tasks(c.UserContext(), cl.agency, rolesIn(cl))
	} else {
		var page int
		if page, err = pageParam(c); err != nil {
			return err
		}
		tasks, err = s.Dossiers.TasksPage(c.UserContext(), cl.agency, rolesIn(cl), (page-1)*tasksPerPage, tasksPerPage)
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tasks": orEmpty(tasks)})
}

func (s *Server) apiDossierList(c *fiber.Ctx) error {
	f, err := dossierFilter(c)
	if err != nil {
		return err
	}
	ds, total, err := s.Dossiers.FindDossiers(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"dossiers": orEmpty(ds), "total": total})
}

func (s *Server) apiDossierShow(c *fiber.Ctx) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	return s.dossierOut(c, d)
}

// receiveRequest is the one-stop system's receipt of a dossier.
type receiveRequest struct {
	Code       string        `json:"code"` // optional: the one-stop system's code, beginning with the agency's code and "-"; generated when empty
	TTHCCode   string        `json:"tthc_code"`
	Applicant  qms.Applicant `json:"applicant"`
	Channel    qms.Channel   `json:"channel"`
	ReceivedAt *time.Time    `json:"received_at"` // optional, RFC 3339; now when empty
	Note       string        `json:"note"`
}

func (s *Server) apiDossierReceive(c *fiber.Ctx) error {
	var req receiveRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d := &qms.Dossier{Code: req.Code, AgencyCode: callerOf(c).agency, TTHCCode: req.TTHCCode, Applicant: req.Applicant, Channel: req.Channel, Note: req.Note,
		IdempotencyKey: strings.Clone(strings.TrimSpace(c.Get("Idempotency-Key")))}
	if req.ReceivedAt != nil {
		if err := qms.CheckReceivedAt(*req.ReceivedAt, s.cfg.Now()); err != nil {
			return err
		}
		d.ReceivedAt = *req.ReceivedAt
	}
	if d.Channel == "" {
		d.Channel = qms.ChannelOnline
	}
	if err := s.Dossiers.ReceiveDossier(c.UserContext(), d); err != nil {
		return err
	}
	if d.Replayed {
		// The same Idempotency-Key was used before: the first result.
		c.Set("Idempotent-Replayed", "true")
	}
	c.Status(fiber.StatusCreated)
	return s.dossierOut(c, d)
}

type stepRequest struct {
	StepID string         `json:"step_id"`
	Exit   string         `json:"exit"`
	Entry  map[string]any `json:"entry"`
	Note   string         `json:"note"`
	// FormVersion is the version of the step's form the entry was made
	// on; omitted, the version in force now. An entry made on an older
	// version is refused, as in the web form.
	FormVersion int `json:"form_version,omitempty"`
	// DelegatedBy (a username), when given, must be the delegator of the
	// delegation recorded beforehand (POST …/delegations) for the caller
	// and this step; someone without the step's role completes it only on
	// such a delegation (qms.CheckStepActor). DelegationReason is kept for
	// compatibility: the recorded delegation's reason is the one kept.
	DelegatedBy      string `json:"delegated_by,omitempty"`
	DelegationReason string `json:"delegation_reason,omitempty"`
	// Password signs a leader's step (phê duyệt); such a step is refused
	// without it.
	Password string `json:"password,omitempty"`
}

// delegationRequest is the body of POST /api/v1/dossiers/{code}/delegations:
// the caller, who may complete step_id, hands it to the user "to".
type delegationRequest struct {
	StepID string `json:"step_id"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

func (s *Server) apiDossierDelegate(c *fiber.Ctx) error {
	var req delegationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	del, err := s.delegateStep(c, d, qms.StepDelegation{StepID: req.StepID, To: req.To, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(del)
}

// apiDossierRevokeDelegation withdraws an unused delegation (by the one
// who gave it or a leader) and answers with it.
func (s *Server) apiDossierRevokeDelegation(c *fiber.Ctx) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	id, err := delegationID(c)
	if err != nil {
		return err
	}
	del, err := s.Dossiers.RevokeDelegation(c.UserContext(), d.AgencyCode, d.Code, id)
	if err != nil {
		return err
	}
	return c.JSON(del)
}

// apiStep applies a change and answers with the dossier.
func (s *Server) apiStep(c *fiber.Ctx, act func(d *qms.Dossier) (*qms.Dossier, error)) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	if d, err = act(d); err != nil {
		return err
	}
	return s.dossierOut(c, d)
}

func (s *Server) apiDossierStep(c *fiber.Ctx) error {
	var req stepRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	return s.apiStep(c, func(d *qms.Dossier) (*qms.Dossier, error) {
		in := qms.CompleteStep{StepID: req.StepID, Exit: req.Exit, Entry: req.Entry, Note: req.Note, FormVersion: req.FormVersion,
			DelegatedBy: req.DelegatedBy, DelegationReason: req.DelegationReason}
		// A step recorded on a controlled form gets its entry checked
		// against that form's schema, field by field, as the web form is.
		fv, sc, has, err := s.dossierStepForm(c, d, req.StepID)
		if err != nil {
			return nil, err
		}
		if has && req.Entry != nil {
			entry, errs := sc.ValidateJSONEntry(req.Entry)
			sc.CheckDossierCode(entry, d.Code, errs)
			if err := sc.EntryErr(errs); err != nil {
				return nil, err
			}
			in.Entry = entry
			if in.FormVersion == 0 {
				in.FormVersion = fv.Number
			}
		}
		if err := s.signingContext(c, req.Password); err != nil {
			return nil, err
		}
		return s.Dossiers.CompleteStep(c.UserContext(), d.AgencyCode, d.Code, in)
	})
}

type reasonRequest struct {
	Reason         string     `json:"reason"`
	NewAppointment *time.Time `json:"new_appointment,omitempty"`
}

func (s *Server) optionalReason(c *fiber.Ctx) (reasonRequest, error) {
	var req reasonRequest
	if len(c.Body()) == 0 {
		return req, nil
	}
	return req, decodeJSON(c, &req)
}

func (s *Server) apiDossierPause(c *fiber.Ctx) error {
	req, err := s.optionalReason(c)
	if err != nil {
		return err
	}
	return s.apiStep(c, func(d *qms.Dossier) (*qms.Dossier, error) {
		return s.Dossiers.PauseDossier(c.UserContext(), d.AgencyCode, d.Code, req.Reason)
	})
}

func (s *Server) apiDossierResume(c *fiber.Ctx) error {
	return s.apiStep(c, func(d *qms.Dossier) (*qms.Dossier, error) {
		return s.Dossiers.ResumeDossier(c.UserContext(), d.AgencyCode, d.Code)
	})
}

// apiDossierComplete returns the result: it completes the open end step.
func (s *Server) apiDossierComplete(c *fiber.Ctx) error {
	req, err := s.optionalReason(c)
	if err != nil {
		return err
	}
	return s.apiStep(c, func(d *qms.Dossier) (*qms.Dossier, error) {
		fc, err := s.Dossiers.PinnedFlowchart(c.UserContext(), d.ProcedureID, d.VersionNumber)
		if err != nil {
			return nil, err
		}
		for _, o := range d.Flow.Open {
			for _, st := range fc.Steps {
				if st.ID == o.StepID && st.Kind == "end" {
					return s.Dossiers.CompleteStep(c.UserContext(), d.AgencyCode, d.Code, qms.CompleteStep{StepID: st.ID, Note: req.Reason})
				}
			}
		}
		return nil, qms.Errorf(qms.EINVALID, "Hồ sơ %s chưa đến bước trả kết quả: hoàn thành các bước đang chờ trước.", d.Code)
	})
}

func (s *Server) apiDossierApology(c *fiber.Ctx) error {
	req, err := s.optionalReason(c)
	if err != nil {
		return err
	}
	if req.NewAppointment == nil {
		return qms.FieldError("new_appointment", "Cần ngày hẹn trả kết quả mới (new_appointment, RFC 3339).")
	}
	return s.apiStep(c, func(d *qms.Dossier) (*qms.Dossier, error) {
		return s.Dossiers.Apologize(c.UserContext(), d.AgencyCode, d.Code, *req.NewAppointment, req.Reason)
	})
}
