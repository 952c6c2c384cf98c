package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

func (s *Server) findNC(c *fiber.Ctx) (*qms.Nonconformity, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy sự không phù hợp.")
	}
	return s.NCs.FindNC(c.UserContext(), callerOf(c).agency, id)
}

func ncPath(n *qms.Nonconformity) string { return "/nonconformities/" + itoa(n.ID) }

// ncListPage is the data of the list of nonconformities.
type ncListPage struct {
	page
	Nonconformities []*qms.Nonconformity
	CanWrite        bool
}

func (s *Server) ncList(c *fiber.Ctx) error {
	ns, err := s.NCs.FindNCs(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	data := &ncListPage{page: s.page(c), Nonconformities: ns, CanWrite: s.can(c, "nc", "write")}
	return s.renderPage(c, "ncs", &data.page, data, nil)
}

// ncNewPage is the data of the form that raises a nonconformity.
type ncNewPage struct {
	page
	Nonconformity *qms.Nonconformity // what the form shows: prefilled, or as posted
}

// ncNew opens the form, prefilled from a compliance finding when one is
// named (?finding=ID) so the auditor goes straight from finding to NC.
func (s *Server) ncNew(c *fiber.Ctx) error {
	n := &qms.Nonconformity{Source: qms.NCFromOther}
	if id, ok := atoi64(c.Query("finding")); ok {
		agency := callerOf(c).agency
		fs, err := s.Compliance.FindFindings(c.UserContext(), qms.FindingFilter{ID: &id, AgencyCode: &agency})
		if err != nil {
			return err
		} else if len(fs) == 0 {
			return qms.Errorf(qms.ENOTFOUND, "Không tìm thấy phát hiện.")
		}
		// A finding with an open nonconformity is worked there: no second one.
		if open, err := s.NCs.OpenNCsOfFindings(c.UserContext(), []int64{id}); err != nil {
			return err
		} else if nc := open[id]; nc != nil && nc.AgencyCode == agency {
			return c.Redirect(ncPath(nc), fiber.StatusSeeOther)
		}
		// The description begins as the finding says it, in the page's language.
		lang := langOf(c)
		n.Source, n.SourceRef = qms.NCFromFinding, itoa(id)
		n.Description = domainName(lang, "rule."+fs[0].Rule, ruleTitles[fs[0].Rule]) + ": " + fs[0].Text(wording(lang, dictionaries[lang]))
	}
	data := &ncNewPage{page: s.page(c), Nonconformity: n}
	return s.renderPage(c, "nc_new", &data.page, data, nil)
}

func (s *Server) ncCreate(c *fiber.Ctx) error {
	n := &qms.Nonconformity{AgencyCode: callerOf(c).agency, Source: c.FormValue("source"), SourceRef: c.FormValue("source_ref"),
		Description: c.FormValue("description"), Correction: c.FormValue("correction"), RootCause: c.FormValue("root_cause")}
	if err := s.NCs.CreateNC(c.UserContext(), n); err != nil {
		data := &ncNewPage{page: s.page(c), Nonconformity: n}
		return s.renderPage(c, "nc_new", &data.page, data, err)
	}
	return c.Redirect(ncPath(n)+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) ncShow(c *fiber.Ctx) error {
	n, err := s.findNC(c)
	if err != nil {
		return err
	}
	return s.ncPage(c, n, nil)
}

// nonconformityPage is the data of a nonconformity's page.
type nonconformityPage struct {
	page
	Nonconformity *qms.Nonconformity
	Users         []*qms.User // who an action may be given to
	CanWrite      bool        // the caller may write and it is not closed
	Today         time.Time
	Source        *ncSource       // what it was raised from, if known
	Providers     []*qms.Provider // the external providers it names
	Signatures    []signatureView
	Doable        map[int64]bool // action ID → the caller may complete it
	// OwnAction is an action the caller owns or recorded done, if any:
	// they do not judge the nonconformity's effectiveness
	// (qms.Nonconformity.Verify).
	OwnAction string
}

func (s *Server) ncPage(c *fiber.Ctx, n *qms.Nonconformity, formErr error) error {
	users, err := s.Users.FindUsers(c.UserContext(), qms.UserFilter{Within: ptrTo(callerOf(c).agency)})
	if err != nil {
		return err
	}
	src, err := s.ncSourceOf(c, n)
	if err != nil {
		return err
	}
	sigs, err := s.signatureViews(c.UserContext(), langOf(c), qms.SignedNonconformity, func(int64) string { return n.Code }, n.ID)
	if err != nil {
		return err
	}
	var provs []*qms.Provider
	if s.can(c, "provider", "read") {
		if provs, err = s.Providers.NCProviders(c.UserContext(), n.AgencyCode, n.ID); err != nil {
			return err
		}
	}
	owners := map[int64]string{}
	for _, a := range n.Actions {
		if a.DoneAt == nil && n.Status != qms.NCClosed {
			owners[a.ID] = a.Owner
		}
	}
	data := &nonconformityPage{page: s.page(c), Nonconformity: n, Users: assignable(users, n.AgencyCode, qms.ActionOwnerRoles),
		CanWrite: s.can(c, "nc", "write") && n.Status != qms.NCClosed, Today: s.cfg.Now(), Source: src,
		Providers: provs, Signatures: sigs, Doable: s.doableActions(c, "nc", owners)}
	if a, ok := n.ActionOf(callerOf(c).user.Username); ok {
		data.OwnAction = a.Description
	}
	return s.renderPage(c, "nc", &data.page, data, formErr)
}

// ncSource is what a nonconformity was raised from, linked from its page.
type ncSource struct {
	Kind, Ref, Href string
	// Linked: the caller may open Href; otherwise the source is named
	// without a link to a page that would answer 403.
	Linked bool
	// Rule and Text name a source finding in the page's language.
	Rule, Text string
	// FindingOpen: the source finding is still open, so closing needs a
	// reason (the close form asks for it); FixedAt is when it cleared.
	FindingOpen bool
	FixedAt     time.Time
}

func (s *Server) ncSourceOf(c *fiber.Ctx, n *qms.Nonconformity) (*ncSource, error) {
	ref := n.SourceRef
	if ref == "" {
		return nil, nil
	}
	switch n.Source {
	case qms.NCFromFinding:
		id, ok := atoi64(ref)
		if !ok {
			return nil, nil
		}
		agency := n.AgencyCode
		fs, err := s.Compliance.FindFindings(c.UserContext(), qms.FindingFilter{ID: &id, AgencyCode: &agency})
		if err != nil || len(fs) == 0 {
			return nil, err
		}
		f := fs[0]
		open := "0"
		if f.ClosedAt == nil {
			open = "1"
		}
		lang := langOf(c)
		return &ncSource{Kind: n.Source, Ref: ref, Linked: s.can(c, "compliance", "read"), Href: "/compliance?rule=" + url.QueryEscape(f.Rule) + "&open=" + open + "#finding-" + ref,
			Rule: domainName(lang, "rule."+f.Rule, ruleTitles[f.Rule]), // a rule by its name, never its code
			Text: f.Text(wording(lang, dictionaries[lang])), FindingOpen: f.ClosedAt == nil, FixedAt: derefTime(f.ClosedAt)}, nil
	case qms.NCFromAudit:
		return &ncSource{Kind: n.Source, Ref: ref, Linked: s.can(c, "internal_audit", "read"), Href: "/audits/plans/" + url.PathEscape(ref)}, nil
	case qms.NCFromDossier:
		return &ncSource{Kind: n.Source, Ref: ref, Linked: s.can(c, "dossier", "read"), Href: "/dossiers/" + url.PathEscape(ref)}, nil
	}
	return nil, nil
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func ptrTo[T any](v T) *T { return &v }

// ncStep applies one change and shows the nonconformity again.
func (s *Server) ncStep(c *fiber.Ctx, act func(n *qms.Nonconformity) (*qms.Nonconformity, error)) error {
	n, err := s.findNC(c)
	if err != nil {
		return err
	}
	if _, err := act(n); err != nil {
		return s.ncPage(c, n, err)
	}
	return c.Redirect(ncPath(n)+"?msg=saved", fiber.StatusSeeOther)
}

func (s *Server) ncUpdate(c *fiber.Ctx) error {
	return s.ncStep(c, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		return s.NCs.UpdateNC(c.UserContext(), n.AgencyCode, n.ID, c.FormValue("description"), c.FormValue("correction"), c.FormValue("root_cause"))
	})
}

// parseDay reads a date typed dd/mm/yyyy (or yyyy-mm-dd from a date input).
func parseDay(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"02/01/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *Server) ncAddAction(c *fiber.Ctx) error {
	return s.ncStep(c, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		due, ok := parseDay(c.FormValue("due_on"))
		if !ok && c.FormValue("due_on") != "" {
			return nil, qms.FieldError("due_on", "Hạn %q không hợp lệ: nhập dd/mm/yyyy.", c.FormValue("due_on"))
		}
		return s.NCs.AddAction(c.UserContext(), n.AgencyCode, n.ID, qms.CorrectiveAction{Description: c.FormValue("description"), Owner: c.FormValue("owner"), DueOn: due})
	})
}

func (s *Server) ncActionDone(c *fiber.Ctx) error {
	return s.ncStep(c, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		aid, _ := strconv.ParseInt(c.Params("aid"), 10, 64)
		return s.NCs.CompleteAction(c.UserContext(), n.AgencyCode, n.ID, aid, c.FormValue("result"))
	})
}

func (s *Server) ncChange(c *fiber.Ctx) error {
	return s.ncStep(c, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		if err := s.signingContext(c, c.FormValue(passwordField)); err != nil {
			return nil, err
		}
		return s.changeNC(c, n, c.FormValue("action"), c.FormValue("verdict"), c.FormValue("close_reason"))
	})
}

// changeNC applies start, verify or close; closing carries the reason
// asked for while the source finding is still open.
func (s *Server) changeNC(c *fiber.Ctx, n *qms.Nonconformity, action, verdict, reason string) (*qms.Nonconformity, error) {
	if action == "close" {
		return s.NCs.CloseNC(c.UserContext(), n.AgencyCode, n.ID, reason)
	}
	return s.NCs.ChangeNC(c.UserContext(), n.AgencyCode, n.ID, action, verdict)
}

type ncRequest struct {
	Source      string `json:"source"`
	SourceRef   string `json:"source_ref"`
	Description string `json:"description"`
	Correction  string `json:"correction"`
	RootCause   string `json:"root_cause"`
}

type actionInput struct {
	Description string `json:"description"`
	Owner       string `json:"owner"`
	DueOn       string `json:"due_on"` // 2026-05-31
}

type ncChangeRequest struct {
	Action  string `json:"action"`
	Verdict string `json:"verdict"`
	// CloseReason is required to close while the source finding is open.
	CloseReason string `json:"close_reason,omitempty"`
	// Password signs the close (kiểm tra); closing is refused without it.
	Password string `json:"password,omitempty"`
}

func (s *Server) apiNCList(c *fiber.Ctx) error {
	ns, err := s.NCs.FindNCs(c.UserContext(), callerOf(c).agency)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"nonconformities": orEmpty(ns)})
}

func (s *Server) apiNCShow(c *fiber.Ctx) error {
	n, err := s.findNC(c)
	if err != nil {
		return err
	}
	return c.JSON(n)
}

func (s *Server) apiNCCreate(c *fiber.Ctx) error {
	var req ncRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	n := &qms.Nonconformity{AgencyCode: callerOf(c).agency, Source: req.Source, SourceRef: req.SourceRef, Description: req.Description, Correction: req.Correction, RootCause: req.RootCause}
	if err := s.NCs.CreateNC(c.UserContext(), n); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

// apiNC applies one change and answers with the nonconformity.
func (s *Server) apiNC(c *fiber.Ctx, body any, act func(n *qms.Nonconformity) (*qms.Nonconformity, error)) error {
	n, err := s.findNC(c)
	if err != nil {
		return err
	}
	if body != nil {
		if err := decodeJSON(c, body); err != nil {
			return err
		}
	}
	if n, err = act(n); err != nil {
		return err
	}
	return c.JSON(n)
}

func (s *Server) apiNCAddAction(c *fiber.Ctx) error {
	var req actionInput
	return s.apiNC(c, &req, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		due, ok := parseDay(req.DueOn)
		if !ok && req.DueOn != "" {
			return nil, qms.FieldError("due_on", "Hạn %q không hợp lệ: dùng 31/05/2026 hoặc 2026-05-31.", req.DueOn)
		}
		return s.NCs.AddAction(c.UserContext(), n.AgencyCode, n.ID, qms.CorrectiveAction{Description: req.Description, Owner: req.Owner, DueOn: due})
	})
}

// actionDoneRequest records a corrective action done: its result, as the
// action shows it. "reason" is the name the API first took it under.
type actionDoneRequest struct {
	Result string `json:"result"`
	Reason string `json:"reason,omitempty"`
}

func (s *Server) apiNCActionDone(c *fiber.Ctx) error {
	var req actionDoneRequest
	return s.apiNC(c, &req, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		aid, _ := strconv.ParseInt(c.Params("aid"), 10, 64)
		result := req.Result
		if result == "" {
			result = req.Reason
		}
		return s.NCs.CompleteAction(c.UserContext(), n.AgencyCode, n.ID, aid, result)
	})
}

func (s *Server) apiNCChange(c *fiber.Ctx) error {
	var req ncChangeRequest
	return s.apiNC(c, &req, func(n *qms.Nonconformity) (*qms.Nonconformity, error) {
		if err := s.signingContext(c, req.Password); err != nil {
			return nil, err
		}
		return s.changeNC(c, n, req.Action, req.Verdict, req.CloseReason)
	})
}

// assignable keeps the users who hold, in agency, a role among able: the
// people a piece of work may be given to (qms.CheckAssignee refuses the
// others), for a form's list of owners.
func assignable(users []*qms.User, agency string, able []qms.Role) []*qms.User {
	var out []*qms.User
	for _, u := range users {
		if slices.ContainsFunc(able, func(r qms.Role) bool { return u.HasRole(agency, r) }) {
			out = append(out, u)
		}
	}
	return out
}

// doableActions are the ids, among the open actions owners lists (id →
// owner), of those the caller may record done: the policy lets them act
// on object and the action is theirs to record (qms.CheckActionDoer).
func (s *Server) doableActions(c *fiber.Ctx, object string, owners map[int64]string) map[int64]bool {
	out := map[int64]bool{}
	if !s.can(c, object, "act") {
		return out
	}
	cl := callerOf(c)
	for id, owner := range owners {
		out[id] = qms.CheckActionDoer(owner, cl.user.Username, rolesIn(cl)) == nil
	}
	return out
}
