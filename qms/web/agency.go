package web

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// findVisibleAgency loads an agency the caller may see; one outside the
// caller's scope is reported as not found, so codes cannot be probed.
func (s *Server) findVisibleAgency(c *fiber.Ctx, code string) (*qms.Agency, error) {
	a, err := s.Agencies.FindAgencyByCode(c.UserContext(), code)
	if err != nil {
		return nil, err
	}
	if ok, err := s.visible(c, a.Code); err != nil {
		return nil, err
	} else if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
	}
	return a, nil
}

// createAgency checks that the new agency sits inside the caller's scope.
// An agency's admin creates subordinate units (qms.CheckAgencyCreate,
// which the store applies to every caller).
func (s *Server) createAgency(c *fiber.Ctx, a *qms.Agency) error {
	if strings.TrimSpace(a.Kind) == "" {
		a.Kind = qms.DefaultAgencyKindFor(callerOf(c).actor)
	}
	a.Normalize()
	if sc := scope(callerOf(c)); sc != nil {
		if a.ParentCode == "" {
			return qms.FieldError("parent", "Chọn đơn vị cấp trên trong phạm vi bạn quản lý.")
		}
		if _, err := s.findVisibleAgency(c, a.ParentCode); err != nil {
			return qms.FieldError("parent", "Đơn vị cấp trên %q không thuộc phạm vi bạn quản lý.", a.ParentCode)
		}
	}
	return s.Agencies.CreateAgency(c.UserContext(), a)
}

// placesAgencies reports whether the caller decides where agencies sit
// and what kind they are: the system admin (qms.CheckAgencyUpdate).
func placesAgencies(c *fiber.Ctx) bool { return callerOf(c).actor.SystemAdmin() }

// parentChoices are the agencies the form offers as the parent of the
// agency code ("" for a new one): those of the caller's scope that are not
// merged (a merged agency takes no units, qms.MergedParentError), other
// than the agency itself and the agencies under it (a cycle).
func (s *Server) parentChoices(c *fiber.Ctx, code string) ([]*qms.Agency, error) {
	ctx := c.UserContext()
	as, err := s.Agencies.FindAgencies(ctx, qms.AgencyFilter{Within: scope(callerOf(c)), Active: true})
	if err != nil || code == "" {
		return as, err
	}
	under, err := s.Agencies.FindAgencies(ctx, qms.AgencyFilter{Within: &code})
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if !slices.ContainsFunc(under, func(u *qms.Agency) bool { return u.Code == a.Code }) {
			out = append(out, a)
		}
	}
	return out, nil
}

// agenciesPage is the list of the agencies the caller may see.
type agenciesPage struct {
	page
	Agencies       []*qms.Agency
	CanWrite       bool
	CanRestructure bool // the caller may merge and split agencies
}

func (s *Server) agencyList(c *fiber.Ctx) error {
	as, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{Within: scope(callerOf(c))})
	if err != nil {
		return err
	}
	p := &agenciesPage{page: s.page(c), Agencies: as, CanWrite: s.can(c, "agency", "write"), CanRestructure: s.mayRestructure(c)}
	return s.renderPage(c, "agencies", &p.page, p, nil)
}

// agencyFormPage is the form that creates an agency.
type agencyFormPage struct {
	page
	Form    *qms.Agency // as typed, or the defaults of a new agency
	Parents []*qms.Agency
	Kinds   []qms.AgencyKind
	// Places: the caller chooses the kind (the system admin); others
	// create subordinate units, shown as such.
	Places bool
}

func (s *Server) agencyForm(c *fiber.Ctx, a *qms.Agency, formErr error) error {
	parents, err := s.parentChoices(c, "")
	if err != nil {
		return err
	}
	p := &agencyFormPage{page: s.page(c), Form: a, Parents: parents, Kinds: qms.CurrentAgencyKinds(), Places: placesAgencies(c)}
	return s.renderPage(c, "agency_form", &p.page, p, formErr)
}

func (s *Server) agencyNew(c *fiber.Ctx) error {
	return s.agencyForm(c, &qms.Agency{ParentCode: callerOf(c).agency, Kind: qms.DefaultAgencyKindFor(callerOf(c).actor)}, nil)
}

func (s *Server) agencyCreate(c *fiber.Ctx) error {
	a := &qms.Agency{Code: c.FormValue("code"), Name: c.FormValue("name"), ParentCode: c.FormValue("parent"), Kind: c.FormValue("kind")}
	if err := s.createAgency(c, a); err != nil {
		return s.agencyForm(c, a, err)
	}
	return c.Redirect("/admin/agencies/"+a.Code+"?msg=created", fiber.StatusSeeOther)
}

func (s *Server) agencyShow(c *fiber.Ctx) error {
	a, err := s.findVisibleAgency(c, c.Params("code"))
	if err != nil {
		return err
	}
	return s.agencyPage(c, a, nil)
}

// agencyShowPage is one agency: its facts, the forms that edit it and its
// members.
type agencyShowPage struct {
	page
	Unit         *qms.Agency // the agency shown (page.Agency is the one the caller acts for)
	Members      []*qms.User
	Parents      []*qms.Agency // the parents the form offers (system admin)
	Parent       *qms.Agency   // the agency's parent, nil when it has none
	Places       bool          // the caller may change the parent and the kind
	CanWrite     bool
	ClockMode    string
	Hours        string // working hours
	Kinds        []qms.AgencyKind
	Predecessors []predecessorLink
}

// predecessorLink is an agency merged into the one shown, with where the
// reader can follow it: its own page when it lies in their scope (the
// system admin), else its audit trail, which a successor's readers read
// (qms.AuditReach), else nowhere. Its page answered 404 to the
// successor's admin.
type predecessorLink struct {
	*qms.Agency
	Href string
}

func (s *Server) agencyPage(c *fiber.Ctx, a *qms.Agency, formErr error) error {
	ctx := c.UserContext()
	code := a.Code
	members, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: &code})
	if err != nil {
		return err
	}
	places := placesAgencies(c)
	var parents []*qms.Agency
	if places {
		if parents, err = s.parentChoices(c, a.Code); err != nil {
			return err
		}
	}
	// The parent is shown to whoever reads the agency, in their scope or
	// not (a unit's admin reads the department it belongs to).
	var parent *qms.Agency
	if a.ParentCode != "" {
		if parent, err = s.Agencies.FindAgencyByCode(ctx, a.ParentCode); err != nil {
			return err
		}
	}
	mode, hours, err := s.Settings.AgencySettings(ctx, a.Code)
	if err != nil {
		return err
	}
	preds, err := qms.Predecessors(ctx, s.Agencies, a.Code)
	if err != nil {
		return err
	}
	p := &agencyShowPage{page: s.page(c), Unit: a, Members: members, Parents: parents, Parent: parent, Places: places, CanWrite: s.can(c, "agency", "write"),
		ClockMode: mode, Hours: hours, Kinds: kindChoices(a.Kind)}
	readsTrail := s.can(c, "audit", "read")
	for _, pred := range preds {
		link := predecessorLink{Agency: pred}
		if ok, err := s.visible(c, pred.Code); err != nil {
			return err
		} else if ok {
			link.Href = "/admin/agencies/" + pred.Code
		} else if readsTrail {
			link.Href = "/audit-log?agency=" + pred.Code
		}
		p.Predecessors = append(p.Predecessors, link)
	}
	return s.renderPage(c, "agency", &p.page, p, formErr)
}

// agencyUpdate saves the edit form. A field the form does not carry is
// kept: an agency admin's form shows the parent and the kind without a
// field, so that saving a new name never clears the parent.
func (s *Server) agencyUpdate(c *fiber.Ctx) error {
	a, err := s.findVisibleAgency(c, c.Params("code"))
	if err != nil {
		return err
	}
	var upd qms.AgencyUpdate
	if v, ok := postedField(c, "name"); ok {
		upd.Name = &v
	}
	if v, ok := postedField(c, "parent"); ok {
		upd.ParentCode = &v
	}
	if v, ok := postedField(c, "kind"); ok {
		upd.Kind = &v
	}
	if _, err := s.Agencies.UpdateAgency(c.UserContext(), a.Code, upd); err != nil {
		return s.agencyPage(c, a, err)
	}
	return c.Redirect("/admin/agencies/"+a.Code+"?msg=saved", fiber.StatusSeeOther)
}

// postedField is the value of a posted form field, urlencoded or
// multipart, and whether the form carried it at all.
func postedField(c *fiber.Ctx, name string) (string, bool) {
	if mf, err := c.MultipartForm(); err == nil {
		if vs, ok := mf.Value[name]; ok && len(vs) > 0 {
			return vs[0], true
		}
		return "", false
	}
	if args := c.Request().PostArgs(); args.Has(name) {
		return string(args.Peek(name)), true
	}
	return "", false
}

func (s *Server) apiAgencyList(c *fiber.Ctx) error {
	as, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{Within: scope(callerOf(c))})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agencies": orEmpty(as)})
}

func (s *Server) apiAgencyShow(c *fiber.Ctx) error {
	a, err := s.findVisibleAgency(c, c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

type agencyRequest struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Kind   string `json:"kind"`
}

func (s *Server) apiAgencyCreate(c *fiber.Ctx) error {
	var req agencyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a := &qms.Agency{Code: req.Code, Name: req.Name, ParentCode: req.Parent, Kind: req.Kind}
	if err := s.createAgency(c, a); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// kindChoices are the kinds an agency of kind current may be given: the
// kinds of today, and its own when it is one of the former district level.
func kindChoices(current string) []qms.AgencyKind {
	ks := qms.CurrentAgencyKinds()
	if k, ok := qms.AgencyKindByCode(current); ok && k.Historical() {
		ks = append(ks, k)
	}
	return ks
}

// orEmpty makes a nil list marshal as [] rather than null.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// AgencySettings keeps an agency's working hours and clock mode.
type AgencySettings interface {
	AgencySettings(ctx context.Context, agency string) (clockMode, hours string, err error)
	SetAgencySettings(ctx context.Context, agency, clockMode, hours string) error
}

// agencySettings saves how an agency counts time: its working hours and
// whether the clock resumes or restarts after a pause for supplements.
func (s *Server) agencySettings(c *fiber.Ctx) error {
	a, err := s.findVisibleAgency(c, c.Params("code"))
	if err != nil {
		return err
	}
	if err := s.Settings.SetAgencySettings(c.UserContext(), a.Code, c.FormValue("clock_mode"), strings.TrimSpace(c.FormValue("working_hours"))); err != nil {
		return s.agencyPage(c, a, err)
	}
	return c.Redirect("/admin/agencies/"+a.Code+"?msg=saved", fiber.StatusSeeOther)
}
