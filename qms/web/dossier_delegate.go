package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// delegatePage is the data of a dossier's delegation page (ủy quyền
// bước): the open steps the caller may hand over and the other users of
// the agency. It is a page of its own, linked from the dossier's page for
// each step the caller may hand over, rather than a form there: an agency has a
// hundred people, and the dossier's page, the busiest page there is,
// would list them all for every open step on every view, for an action
// taken now and then.
type delegatePage struct {
	page
	Code      string
	Steps     []delegateStep
	Delegates []delegateOption
	// Given are the caller's delegations of this dossier not used yet,
	// each with its revoke button.
	Given []givenDelegation
}

// givenDelegation is one of the caller's unused delegations.
type givenDelegation struct {
	ID                int64
	StepName, To      string
	Reason, CreatedAt string
}

// delegateStep is an open step offered for delegation.
type delegateStep struct {
	ID, Name string
	Selected bool
}

// delegateOption is a user one may delegate to, by full name.
type delegateOption struct {
	Username, FullName string
	Selected           bool
}

// dossierDelegateForm shows the delegation page, the step of ?step_id
// chosen.
func (s *Server) dossierDelegateForm(c *fiber.Ctx) error {
	return s.delegateForm(c, c.Query("step_id"), nil)
}

// dossierDelegate records the caller's delegation of a step to another
// user of the agency; refused, the delegation page again with the message
// next to the field and what was typed.
func (s *Server) dossierDelegate(c *fiber.Ctx) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	stepID := c.FormValue("step_id")
	if _, err := s.delegateStep(c, d, qms.StepDelegation{StepID: stepID, To: c.FormValue("to"), Reason: c.FormValue("reason")}); err != nil {
		return s.delegateForm(c, stepID, err)
	}
	return c.Redirect("/dossiers/"+d.Code+"?msg=delegated", fiber.StatusSeeOther)
}

// dossierRevokeDelegation withdraws one of the caller's unused
// delegations from the delegation page; refused, the page again with the
// message.
func (s *Server) dossierRevokeDelegation(c *fiber.Ctx) error {
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	id, err := delegationID(c)
	if err == nil {
		_, err = s.Dossiers.RevokeDelegation(c.UserContext(), d.AgencyCode, d.Code, id)
	}
	if err != nil {
		if qms.ErrorCode(err) == qms.EINTERNAL {
			return err
		}
		return s.delegateForm(c, "", err)
	}
	return c.Redirect("/dossiers/"+d.Code+"/delegate?msg=delegation_revoked", fiber.StatusSeeOther)
}

// delegationID reads the delegation's number from the path.
func delegationID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return 0, qms.Errorf(qms.ENOTFOUND, "Không có ủy quyền số %q.", c.Params("id"))
	}
	return id, nil
}

// delegateStep records a delegation, from the page or the API. The
// delegate must be someone the policy lets record dossiers in the agency
// (Casbin's question, as when they complete the step): a step handed to
// an auditor would wait for someone who can never complete it.
func (s *Server) delegateStep(c *fiber.Ctx, d *qms.Dossier, del qms.StepDelegation) (*qms.StepDelegation, error) {
	to := strings.ToLower(strings.TrimSpace(del.To))
	if to != "" {
		if ok, err := s.Authz.Allowed(to, d.AgencyCode, "dossier", "record"); err != nil {
			return nil, err
		} else if !ok {
			return nil, qms.FieldError("to", "Tài khoản %q không có quyền xử lý hồ sơ tại đơn vị %s: chỉ ủy quyền được cho người thực hiện được bước.", to, d.AgencyCode)
		}
	}
	return s.Dossiers.DelegateStep(c.UserContext(), d.AgencyCode, d.Code, del)
}

// mayDelegate reports whether the caller may hand step st over: the rule
// DelegateStep applies (qms.CheckDelegator).
func mayDelegate(cl *caller, st flowchart.Step) bool {
	return qms.CheckDelegator(st, cl.user.Username, rolesIn(cl)) == nil
}

// delegableSteps are the open steps of d the caller may hand over;
// records are d's step records.
func (s *Server) delegableSteps(c *fiber.Ctx, d *qms.Dossier, records []*qms.StepRecord) ([]flowchart.Step, error) {
	if d.ProcedureID == 0 || d.Status.Finished() || len(d.Flow.Open) == 0 {
		return nil, nil
	}
	fc, err := s.Dossiers.PinnedFlowchart(c.UserContext(), d.ProcedureID, d.VersionNumber)
	if err != nil {
		return nil, err
	}
	cl := callerOf(c)
	handled := handledBy(records, cl.user.Username)
	var out []flowchart.Step
	for _, o := range d.Flow.Open {
		// Not a step the caller may not do themselves (DelegateStep's
		// check of the delegator, qms.CheckIndependentSigner).
		if st, ok := flowchart.FindStep(fc, o.StepID); ok && mayDelegate(cl, st) && qms.CheckIndependentSigner(st, cl.user.Username, handled) == nil {
			out = append(out, st)
		}
	}
	return out, nil
}

func (s *Server) delegateForm(c *fiber.Ctx, stepID string, formErr error) error {
	ctx := c.UserContext()
	cl := callerOf(c)
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	data := &delegatePage{page: s.page(c), Code: d.Code}
	// The steps offered are the open ones the caller may hand over: the
	// step's role or a leader (the rule DelegateStep applies).
	records, err := s.Dossiers.StepRecords(ctx, d.ID)
	if err != nil {
		return err
	}
	if steps, err := s.delegableSteps(c, d, records); err != nil {
		return err
	} else {
		for _, st := range steps {
			data.Steps = append(data.Steps, delegateStep{ID: st.ID, Name: st.Name, Selected: st.ID == stepID})
		}
	}
	given, err := s.Dossiers.GivenDelegations(ctx, d.AgencyCode, d.Code, cl.user.Username)
	if err != nil {
		return err
	}
	if len(given) > 0 {
		fc, err := s.Dossiers.PinnedFlowchart(ctx, d.ProcedureID, d.VersionNumber)
		if err != nil {
			return err
		}
		for _, g := range given {
			name := g.StepID
			if st, ok := flowchart.FindStep(fc, g.StepID); ok {
				name = st.Name
			}
			data.Given = append(data.Given, givenDelegation{ID: g.ID, StepName: name, To: g.To, Reason: g.Reason, CreatedAt: formatDateTime(g.CreatedAt)})
		}
		delegates := make([]string, len(given))
		for i, g := range given {
			delegates[i] = g.To
		}
		data.People.load(delegates...) // one query for all their names
	}
	if len(data.Steps) > 0 {
		people, err := s.Users.MemberNames(ctx, d.AgencyCode)
		if err != nil {
			return err
		}
		to := c.FormValue("to")
		for _, p := range people {
			if p.Username == cl.user.Username {
				continue
			}
			// Only those who can complete a step on it (delegateStep).
			if ok, err := s.Authz.Allowed(p.Username, d.AgencyCode, "dossier", "record"); err != nil {
				return err
			} else if !ok {
				continue
			}
			if p.FullName == "" {
				p.FullName = p.Username
			}
			data.Delegates = append(data.Delegates, delegateOption{Username: p.Username, FullName: p.FullName, Selected: p.Username == to})
		}
	}
	return s.renderPage(c, "dossier_delegate", &data.page, data, formErr)
}
