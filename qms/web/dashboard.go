package web

import (
	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// dashboard greets the user and lists the next actions their roles allow.
func (s *Server) dashboard(c *fiber.Ctx) error {
	cl := callerOf(c)
	ctx := c.UserContext()
	data := fiber.Map{"ToApprove": []*qms.ProcedureVersion{}, "Drafts": []*qms.ProcedureVersion{}}
	var roles []qms.Role
	for _, m := range cl.user.Memberships {
		if m.AgencyCode == cl.agency {
			roles = append(roles, m.Role)
		}
	}
	data["Roles"] = roles
	if s.can(c, "agency", "read") {
		as, err := s.Agencies.FindAgencies(ctx, qms.AgencyFilter{Within: scope(cl)})
		if err != nil {
			return err
		}
		data["AgencyCount"] = len(as)
	}
	if s.can(c, "user", "read") {
		us, err := s.Users.FindUsers(ctx, qms.UserFilter{Within: scope(cl)})
		if err != nil {
			return err
		}
		data["UserCount"] = len(us)
	}
	if s.can(c, "tthc", "read") {
		cs, err := s.Procedures.ControlStatuses(ctx, cl.agency)
		if err != nil {
			return err
		}
		uncontrolled := 0
		for _, ct := range cs {
			if ct.Status != qms.Controlled {
				uncontrolled++
			}
		}
		data["TTHCCount"], data["Uncontrolled"] = len(cs), uncontrolled
	}
	if s.can(c, "procedure", "approve") {
		vs, err := s.Procedures.FindVersionsByStatus(ctx, cl.agency, qms.StatusSubmitted)
		if err != nil {
			return err
		}
		data["ToApprove"] = vs
	}
	if s.can(c, "procedure", "write") {
		vs, err := s.Procedures.FindVersionsByStatus(ctx, cl.agency, qms.StatusDraft)
		if err != nil {
			return err
		}
		data["Drafts"] = vs
	}
	// A version is named by its procedure's code and title.
	names := map[int64]string{}
	for _, key := range []string{"ToApprove", "Drafts"} {
		for _, v := range data[key].([]*qms.ProcedureVersion) {
			if _, ok := names[v.ProcedureID]; ok {
				continue
			}
			p, err := s.Procedures.FindProcedure(ctx, cl.agency, v.ProcedureID)
			if err != nil {
				return err
			}
			names[v.ProcedureID] = p.Code + " " + p.Title
		}
	}
	data["ProcedureNames"] = names
	if s.can(c, "audit", "read") {
		es, total, err := s.Audit.FindAuditEntries(ctx, qms.AuditFilter{Within: scope(cl), Limit: 5})
		if err != nil {
			return err
		}
		data["Recent"], data["AuditCount"] = es, total
	}
	if err := s.dashboardObjectives(c, data); err != nil {
		return err
	}
	return c.Render("dashboard", s.view(c, data), "layout")
}
