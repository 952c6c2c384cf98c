package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// publicAgency is the page citizens see without logging in: this
// quarter's on-time figures of the agency and the status of a dossier by
// its code, without any personal data.
func (s *Server) publicAgency(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := s.Agencies.FindAgencyByCode(ctx, c.Params("agency"))
	if err != nil {
		return err
	}
	now := s.cfg.Now().In(qms.Zone)
	q := (int(now.Month()) - 1) / 3
	from := time.Date(now.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, qms.Zone)
	reps, err := s.Dossiers.OnTime(ctx, a.Code, from, from.AddDate(0, 3, 0), "")
	if err != nil {
		return err
	}
	data := fiber.Map{"A": a, "R": reps[""], "Quarter": q + 1, "Year": now.Year(), "Code": c.Query("code")}
	// A successor shows its predecessors' figures of the quarter with its
	// own: citizens see the agency as it is now.
	if m, err := s.figuresWithPredecessors(ctx, a.Code, reps[""], from, from.AddDate(0, 3, 0)); err != nil {
		return err
	} else if m != nil {
		data["R"], data["Merged"] = m.Combined, m
	}
	if code := strings.TrimSpace(c.Query("code")); code != "" {
		d, err := s.Public.FindDossierByCode(ctx, a.Code, code)
		switch {
		case qms.ErrorCode(err) == qms.ENOTFOUND:
			data["NotFound"] = true
		case err != nil:
			return err
		default:
			data["D"] = publicDossier{Code: d.Code, TTHCCode: d.TTHCCode, Status: d.Status, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
				ReturnedAt: d.ReturnedAt, NewAppointment: d.NewAppointment, Result: d.Result}
			if err := s.satisfactionLink(c, a.Code, d, data); err != nil {
				return err
			}
		}
	}
	if err := s.publicFeedback(c, a.Code, data); err != nil {
		return err
	}
	return c.Render("public", s.view(c, data), "layout")
}

// publicDossier is what anyone may know of a dossier: no applicant data.
type publicDossier struct {
	Code, TTHCCode string
	Status         qms.DossierStatus
	ReceivedAt     time.Time
	DueAt          time.Time
	ReturnedAt     *time.Time
	NewAppointment *time.Time
	Result         string
}
