package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// publicAgencyOf is the agency a public page names (:agency): any but
// the system agency, which serves no citizen (a feedback filed against
// it reached no one who answers).
func (s *Server) publicAgencyOf(c *fiber.Ctx) (*qms.Agency, error) {
	code := c.Params("agency")
	if strings.EqualFold(code, qms.SystemAgencyCode) {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy đơn vị %q.", code)
	}
	return s.Agencies.FindAgencyByCode(c.UserContext(), code)
}

// publicAgency is the page citizens see without logging in: this
// quarter's on-time figures of the agency and the status of a dossier by
// its code, without any personal data.
func (s *Server) publicAgency(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, err := s.publicAgencyOf(c)
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
	p := &publicPage{page: s.page(c), Figures: reps[""], Quarter: q + 1, Year: now.Year(), Code: c.Query("code")}
	// A successor shows its predecessors' figures of the quarter with its
	// own: citizens see the agency as it is now.
	if m, err := s.figuresWithPredecessors(ctx, a.Code, reps[""], from, from.AddDate(0, 3, 0)); err != nil {
		return err
	} else if m != nil {
		p.Figures, p.Merged = m.Combined, m
	}
	if code := strings.TrimSpace(c.Query("code")); code != "" {
		d, err := s.Public.FindDossierByCode(ctx, a.Code, code)
		switch err := s.lookedUp(c, err); {
		case qms.ErrorCode(err) == qms.ETOOMANY:
			// The page stays (the figures, the feedback form), without
			// the lookup's result.
			setErrorStatus(c, err)
			p.Refused = refusalMessage(c, err)
		case qms.ErrorCode(err) == qms.ENOTFOUND:
			p.NotFound = true
		case err != nil:
			return err
		default:
			p.Dossier = &publicDossier{Code: d.Code, TTHCCode: d.TTHCCode, Status: d.Status, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
				ReturnedAt: d.ReturnedAt, NewAppointment: d.NewAppointment, Result: d.Result}
			p.SurveyLink = satisfactionLink(a.Code, d)
		}
	}
	if p.feedbackSection, err = s.publicFeedback(c, a, nil); err != nil {
		return err
	}
	return s.renderPage(c, "public", &p.page, p, nil)
}

// lookedUp counts a public lookup by code (qms.LookupRefused) once it
// ran and returned err: ENOTFOUND is a lookup of a code that names
// nothing. Past the address's bounds the refusal (ETOOMANY) is returned
// in place of what the lookup found, so that it tells nothing of the code.
func (s *Server) lookedUp(c *fiber.Ctx, err error) error {
	if err != nil && qms.ErrorCode(err) != qms.ENOTFOUND {
		return err
	}
	if refusal := s.Public.CountPublicLookup(c.UserContext(), s.clientAddr(c), err == nil); refusal != nil {
		return refusal
	}
	return err
}

// publicPage is the data of an agency's public page.
type publicPage struct {
	page
	feedbackSection
	Figures       *qms.OnTimeReport // the quarter's on-time figures (with the predecessors')
	Merged        *mergedFigures    // the figures of the agencies merged into it, if any
	Quarter, Year int
	Code          string         // the dossier code looked up
	NotFound      bool           // no dossier of the agency has that code
	Refused       string         // why the lookup was refused (qms.LookupRefused), if it was
	Dossier       *publicDossier // the dossier found
	SurveyLink    string         // where its satisfaction survey is, once it is returned (rated or not: not shown)
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
