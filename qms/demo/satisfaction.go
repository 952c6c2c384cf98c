package demo

import (
	"fmt"
	"time"

	"isodt/qms"
)

// satisfaction has citizens answer the SIPAS survey on one returned
// dossier in ten of the agency's latest five hundred, a day or so after
// each was returned, mostly satisfied, the civil servants' group a little
// less, some with a comment: the results page then shows several
// quarters, TTHC and every group.
func (g *generator) satisfaction(a *agency, s Showcase) error {
	completed := qms.DossierCompleted
	ds, _, err := g.s.FindDossiers(g.sys, qms.DossierFilter{AgencyCode: &a.code, Status: &completed, Limit: 500, Brief: true})
	if err != nil {
		return err
	}
	comments := []string{
		"Cán bộ một cửa hướng dẫn rất tận tình.",
		"Đề nghị bố trí thêm ghế ngồi chờ.",
		"Kết quả trả đúng hẹn, cảm ơn cơ quan.",
	}
	q := qms.QuestionnaireAt(g.start)
	defer g.clk.Set(g.start)
	for i := 0; i < len(ds); i += 10 {
		d := ds[i]
		if d.ReturnedAt == nil {
			continue
		}
		at := d.ReturnedAt.Add(time.Duration(2+g.rng.Intn(46)) * time.Hour)
		if at.After(g.start) {
			at = g.start
		}
		g.clk.Set(at)
		r := &qms.SatisfactionResponse{Answers: map[string]int{}}
		for _, x := range q.Questions {
			if x.Optional && g.rng.Intn(4) != 0 {
				continue // most citizens sent no feedback to judge
			}
			score := 5 - g.rng.Intn(2)
			if x.Group == "CC" && g.rng.Intn(5) == 0 {
				score = 2 + g.rng.Intn(2)
			}
			r.Answers[x.Code] = score
		}
		if g.rng.Intn(3) == 0 {
			r.Comment = comments[g.rng.Intn(len(comments))]
		}
		// The brief list leaves the survey key out: the citizen's slip has it.
		slip, err := g.s.FindDossier(g.sys, a.code, d.Code)
		if err != nil {
			return err
		}
		r.Key = slip.SurveyKey
		public := qms.WithActor(g.sys, qms.PublicActor(a.code))
		if err := s.SubmitSatisfaction(public, a.code, d.Code, r, fmt.Sprintf("203.0.113.%d", i/10%250)); err != nil {
			return fmt.Errorf("satisfaction on %s: %w", d.Code, err)
		}
	}
	return nil
}
