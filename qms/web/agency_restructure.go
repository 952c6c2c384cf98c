package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Agencies that merge and split (issue #16 item 1), in the admin UI. The
// pages list the merged agencies to whoever reads agencies; the forms,
// their dry-run preview and the run itself are for the system admin only:
// the Casbin rule (agency, merge) is granted to the admins of SYS, the
// handler checks that the caller acts for SYS, and the store refuses
// anyone else (requireSysAdmin).

// AgencyRestructurer merges and splits agencies.
type AgencyRestructurer interface {
	qms.AgencyMerger
	qms.AgencySplitter
}

func (s *Server) agencyRestructureRoutes() {
	s.route(fiber.MethodGet, "/admin/agency-merge", "agency", "read", s.mergePage)
	s.route(fiber.MethodPost, "/admin/agency-merge/preview", "agency", "merge", s.mergeRun(true))
	s.route(fiber.MethodPost, "/admin/agency-merge", "agency", "merge", s.mergeRun(false))
	s.route(fiber.MethodGet, "/admin/agency-split", "agency", "read", s.splitPage)
	s.route(fiber.MethodPost, "/admin/agency-split/preview", "agency", "merge", s.splitRun(true))
	s.route(fiber.MethodPost, "/admin/agency-split", "agency", "merge", s.splitRun(false))
	s.route(fiber.MethodPost, "/api/v1/agencies/merge", "agency", "merge", s.apiAgencyMerge)
	s.route(fiber.MethodPost, "/api/v1/agencies/split", "agency", "merge", s.apiAgencySplit)
}

// mergeRequest is the API's merge plan; dry_run previews it.
type mergeRequest struct {
	qms.MergePlan
	DryRun bool `json:"dry_run"`
}

// splitRequest is the API's split plan; dry_run previews it.
type splitRequest struct {
	qms.SplitPlan
	DryRun bool `json:"dry_run"`
}

func init() {
	type doc = struct {
		Summary       string
		Request, Resp any
	}
	apiDocs["POST /api/v1/agencies/merge"] = doc{"Sáp nhập đơn vị (quản trị hệ thống); dry_run: chỉ xem trước", mergeRequest{}, qms.MergeReport{}}
	apiDocs["POST /api/v1/agencies/split"] = doc{"Chia tách đơn vị (quản trị hệ thống); dry_run: chỉ xem trước", splitRequest{}, qms.SplitReport{}}
}

func (s *Server) apiAgencyMerge(c *fiber.Ctx) error {
	var req mergeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !s.mayRestructure(c) {
		return errNotSysAdmin()
	}
	rep, err := s.Restructure.MergeAgencies(c.UserContext(), req.MergePlan, req.DryRun)
	if err != nil {
		return err
	}
	if !rep.DryRun {
		if err := s.Authz.Reload(); err != nil {
			return err
		}
	}
	return c.JSON(rep)
}

func (s *Server) apiAgencySplit(c *fiber.Ctx) error {
	var req splitRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !s.mayRestructure(c) {
		return errNotSysAdmin()
	}
	rep, err := s.Restructure.SplitAgency(c.UserContext(), req.SplitPlan, req.DryRun)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// mayRestructure is the handlers' own check beyond the route's rule.
func (s *Server) mayRestructure(c *fiber.Ctx) bool {
	return callerOf(c).agency == qms.SystemAgencyCode && s.can(c, "agency", "merge") && s.Restructure != nil
}

func errNotSysAdmin() error {
	return qms.Errorf(qms.EFORBIDDEN, "Chỉ quản trị hệ thống (quản trị của đơn vị %s) được sáp nhập hoặc chia tách đơn vị.", qms.SystemAgencyCode)
}

// agencyChoice is an agency offered on the forms, checked when the
// posted plan names it.
type agencyChoice struct {
	*qms.Agency
	Checked bool
}

// restructureView is what both pages show: the agencies to choose from,
// the merged ones (history), the plan as posted and the report of a run.
type restructureView struct {
	Active, Merged []agencyChoice
	CanRun         bool
	MergePlan      qms.MergePlan
	SplitPlan      qms.SplitPlan
	NewAgency      bool // the plan creates its receiving agency
	MergeReport    *qms.MergeReport
	SplitReport    *qms.SplitReport
	TTHC           []codeChoice
	Procedures     []codeChoice
	Counts         []countRow // the report's tables, named in the page's language
}

// countRow is a line of a report's table: what moved of one table.
type countRow struct {
	qms.MergeCount
	Label string
}

// countRows names the report's tables in lang; a table a later
// migration adds to the moves and no label names shows as it is called.
func countRows(lang string, cs []qms.MergeCount) []countRow {
	key := strings.NewReplacer(" (", "_", ")", "")
	out := make([]countRow, len(cs))
	for i, c := range cs {
		out[i] = countRow{MergeCount: c, Label: label(dictionaries[lang], "restructure.table."+key.Replace(c.Table))}
		if strings.HasPrefix(out[i].Label, "restructure.") {
			out[i].Label = c.Table
		}
	}
	return out
}

// codeChoice is a TTHC or procedure of the split's source.
type codeChoice struct {
	Code, Name string
	Checked    bool
}

func (s *Server) restructureView(c *fiber.Ctx, checked []string) (*restructureView, error) {
	as, err := s.Agencies.FindAgencies(c.UserContext(), qms.AgencyFilter{Within: scope(callerOf(c))})
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, code := range checked {
		on[code] = true
	}
	v := &restructureView{CanRun: s.mayRestructure(c)}
	for _, a := range as {
		switch {
		case a.IsMerged():
			v.Merged = append(v.Merged, agencyChoice{Agency: a})
		case a.Code != qms.SystemAgencyCode:
			v.Active = append(v.Active, agencyChoice{Agency: a, Checked: on[a.Code]})
		}
	}
	return v, nil
}

// restructurePage is the merge or the split page.
type restructurePage struct {
	page
	Restructure *restructureView
}

// renderRestructure shows the merge or the split page (name) with v.
func (s *Server) renderRestructure(c *fiber.Ctx, name string, v *restructureView, formErr error) error {
	p := &restructurePage{page: s.page(c), Restructure: v}
	return s.renderPage(c, name, &p.page, p, formErr)
}

// receiving reads the receiving agency of a form: an existing one
// ("into") or a new one ("new_code", "name", "parent").
func receiving(c *fiber.Ctx) (into, name, parent string, isNew bool) {
	if into = strings.TrimSpace(c.FormValue("into")); into != "" {
		return into, "", "", false
	}
	return c.FormValue("new_code"), c.FormValue("name"), c.FormValue("parent"), true
}

func (s *Server) mergePage(c *fiber.Ctx) error {
	v, err := s.restructureView(c, nil)
	if err != nil {
		return err
	}
	v.NewAgency = true
	return s.renderRestructure(c, "agency_merge", v, nil)
}

// mergeRun previews (dryRun) or performs the merge posted by the form.
func (s *Server) mergeRun(dryRun bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var from []string
		for _, b := range c.Request().PostArgs().PeekMulti("from") {
			from = append(from, string(b))
		}
		into, name, parent, isNew := receiving(c)
		plan := qms.MergePlan{Into: into, Name: name, ParentCode: parent, From: from}
		v, err := s.restructureView(c, from)
		if err != nil {
			return err
		}
		v.MergePlan, v.NewAgency = plan, isNew
		if !s.mayRestructure(c) {
			return s.renderRestructure(c, "agency_merge", v, errNotSysAdmin())
		}
		rep, err := s.Restructure.MergeAgencies(c.UserContext(), plan, dryRun)
		if err != nil {
			return s.renderRestructure(c, "agency_merge", v, err)
		}
		if !dryRun {
			// Memberships moved: the policy's grouping follows them now.
			if err := s.Authz.Reload(); err != nil {
				return err
			}
			return c.Redirect("/admin/agencies/"+rep.Plan.Into+"?msg=merged", fiber.StatusSeeOther)
		}
		v.MergeReport, v.Counts = rep, countRows(langOf(c), rep.Tables)
		return s.renderRestructure(c, "agency_merge", v, nil)
	}
}

// splitView adds the source's TTHC and procedures to choose from.
func (s *Server) splitView(c *fiber.Ctx, plan qms.SplitPlan) (*restructureView, error) {
	v, err := s.restructureView(c, []string{plan.From})
	if err != nil {
		return nil, err
	}
	v.SplitPlan = plan
	if plan.From == "" {
		return v, nil
	}
	a, err := s.findVisibleAgency(c, plan.From)
	if err != nil {
		return nil, err
	}
	ctx := c.UserContext()
	on := map[string]bool{}
	for _, code := range append(append([]string{}, plan.TTHC...), plan.Procedures...) {
		on[code] = true
	}
	ts, err := s.Procedures.FindTTHCs(ctx, a.Code)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		v.TTHC = append(v.TTHC, codeChoice{Code: t.Code, Name: t.Name, Checked: on[t.Code]})
	}
	ps, err := s.Procedures.FindProcedures(ctx, qms.ProcedureFilter{AgencyCode: &a.Code})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		v.Procedures = append(v.Procedures, codeChoice{Code: p.Code, Name: p.Title, Checked: on[p.Code]})
	}
	return v, nil
}

func (s *Server) splitPage(c *fiber.Ctx) error {
	v, err := s.splitView(c, qms.SplitPlan{From: strings.ToUpper(strings.TrimSpace(c.Query("from")))})
	if err != nil {
		return err
	}
	v.NewAgency = true
	return s.renderRestructure(c, "agency_split", v, nil)
}

// splitRun previews (dryRun) or performs the split posted by the form.
func (s *Server) splitRun(dryRun bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		multi := func(key string) []string {
			var out []string
			for _, b := range c.Request().PostArgs().PeekMulti(key) {
				out = append(out, string(b))
			}
			return out
		}
		into, name, parent, isNew := receiving(c)
		plan := qms.SplitPlan{From: strings.ToUpper(strings.TrimSpace(c.FormValue("from"))), Into: into, Name: name, ParentCode: parent,
			TTHC: multi("tthc"), Procedures: multi("procedures")}
		v, err := s.splitView(c, plan)
		if err != nil {
			return err
		}
		v.NewAgency = isNew
		if !s.mayRestructure(c) {
			return s.renderRestructure(c, "agency_split", v, errNotSysAdmin())
		}
		rep, err := s.Restructure.SplitAgency(c.UserContext(), plan, dryRun)
		if err != nil {
			return s.renderRestructure(c, "agency_split", v, err)
		}
		if !dryRun {
			return c.Redirect("/admin/agencies/"+rep.Plan.Into+"?msg=split", fiber.StatusSeeOther)
		}
		v.SplitReport, v.Counts = rep, countRows(langOf(c), rep.Tables)
		return s.renderRestructure(c, "agency_split", v, nil)
	}
}
