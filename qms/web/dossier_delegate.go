package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// delegatePage is the data of a dossier's delegation page (ủy quyền
// bước): the open steps the caller may hand over and the other users of
// the agency. It is a page of its own, linked from each open step of the
// dossier's page, rather than a form on that page: an agency has a
// hundred people, and the dossier's page, the busiest page there is,
// would list them all for every open step on every view, for an action
// taken now and then.
type delegatePage struct {
	page
	Code      string
	Steps     []delegateStep
	Delegates []delegateOption
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
	if _, err := s.Dossiers.DelegateStep(c.UserContext(), d.AgencyCode, d.Code, qms.StepDelegation{StepID: stepID, To: c.FormValue("to"), Reason: c.FormValue("reason")}); err != nil {
		return s.delegateForm(c, stepID, err)
	}
	return c.Redirect("/dossiers/"+d.Code+"?msg=delegated", fiber.StatusSeeOther)
}

func (s *Server) delegateForm(c *fiber.Ctx, stepID string, formErr error) error {
	ctx := c.UserContext()
	cl := callerOf(c)
	d, err := s.findDossier(c)
	if err != nil {
		return err
	}
	data := &delegatePage{page: s.page(c), Code: d.Code}
	// The steps offered are those the dossier's page offers to delegate:
	// open, completable by the caller's roles, not held on a delegation.
	if d.ProcedureID != 0 && !d.Status.Finished() {
		fc, err := s.Dossiers.PinnedFlowchart(ctx, d.ProcedureID, d.VersionNumber)
		if err != nil {
			return err
		}
		roles := rolesIn(cl)
		for _, o := range d.Flow.Open {
			st, _ := flowchart.FindStep(fc, o.StepID)
			if qms.MayCompleteStep(st, roles) {
				data.Steps = append(data.Steps, delegateStep{ID: st.ID, Name: st.Name, Selected: st.ID == stepID})
			}
		}
	}
	if len(data.Steps) > 0 {
		people, err := s.Users.MemberNames(ctx, d.AgencyCode)
		if err != nil {
			return err
		}
		to := c.FormValue("to")
		people = slices.DeleteFunc(people, func(p qms.Person) bool { return p.Username == cl.user.Username })
		for _, p := range people {
			if p.FullName == "" {
				p.FullName = p.Username
			}
			data.Delegates = append(data.Delegates, delegateOption{Username: p.Username, FullName: p.FullName, Selected: p.Username == to})
		}
	}
	return s.renderPage(c, "dossier_delegate", &data.page, data, formErr)
}
