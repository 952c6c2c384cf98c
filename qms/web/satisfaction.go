package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// Citizen satisfaction (ISO 9001:2015 9.1.2): the SIPAS questionnaire on
// the public page once a dossier is returned, and its results for the
// quality officers and leaders.

func (s *Server) satisfactionRoutes() {
	s.publicRoute(fiber.MethodGet, "/public/:agency/satisfaction/:code", s.satisfactionForm)
	s.publicRoute(fiber.MethodPost, "/public/:agency/satisfaction/:code", s.satisfactionSubmit)
	s.route(fiber.MethodGet, "/satisfaction", "satisfaction", "read", s.satisfactionReport)
	s.route(fiber.MethodGet, "/api/v1/satisfaction", "satisfaction", "read", s.apiSatisfaction)
}

// satisfactionLink is the survey's link the public status page shows on
// a returned dossier, rated or not: whether it was rated is not shown to
// whoever has the code (codes are sequential), only to whom answers with
// its survey key (SubmitSatisfaction), so that the page tells no one whose
// responses the results hold.
func satisfactionLink(agency string, d *qms.Dossier) string {
	// A dossier brought in with the agency's history (qms import
	// dossiers, no procedure of its own here) had its slip printed by
	// another system: no one holds its survey key, so nothing invites
	// its citizen to a form they cannot answer.
	if d.ReturnedAt == nil || d.ProcedureID == 0 {
		return ""
	}
	return "/public/" + agency + "/satisfaction/" + d.Code
}

// surveyQuestion is a question as the form shows it, in the page's
// language, with the citizen's choice so far (0: none).
type surveyQuestion struct {
	Number         int
	Code, Text     string
	Optional       bool
	Choice         int
	Invalid        bool
	InvalidMessage string
}

type surveyGroup struct {
	Code, Title string
	Questions   []surveyQuestion
}

type scoreChoice struct {
	Value int
	Label string
}

// questionnaireHead is the questionnaire with its title and legal basis
// in a page's language, shown on the survey and on its results.
type questionnaireHead struct {
	Questionnaire                          qms.Questionnaire
	QuestionnaireTitle, QuestionnaireBasis string
}

func questionnaireHeadIn(q qms.Questionnaire, lang string) questionnaireHead {
	return questionnaireHead{Questionnaire: q, QuestionnaireTitle: domainName(lang, "sipas."+q.Code+".title", q.Title),
		QuestionnaireBasis: domainName(lang, "sipas."+q.Code+".basis", q.LegalBasis)}
}

// surveyView lays the questionnaire out for lang.
func surveyView(q qms.Questionnaire, lang string, answers map[string]int, formErr error, formMsg string) []surveyGroup {
	groups := make([]surveyGroup, 0, len(q.Groups))
	for _, g := range q.Groups {
		groups = append(groups, surveyGroup{Code: g.Code, Title: domainName(lang, "sipas."+g.Code, g.Title)})
	}
	for i, x := range q.Questions {
		sq := surveyQuestion{Number: i + 1, Code: x.Code, Text: domainName(lang, "sipas."+x.Code, x.Text), Optional: x.Optional, Choice: answers[x.Code]}
		if qms.ErrorField(formErr) == "q_"+x.Code {
			sq.Invalid, sq.InvalidMessage = true, formMsg
		}
		for k := range groups {
			if groups[k].Code == x.Group {
				groups[k].Questions = append(groups[k].Questions, sq)
			}
		}
	}
	return groups
}

func scoreChoices(l map[string]string) []scoreChoice {
	out := make([]scoreChoice, 0, qms.ScoreMax)
	for v := qms.ScoreMin; v <= qms.ScoreMax; v++ {
		out = append(out, scoreChoice{v, label(l, fmt.Sprintf("satisfaction.score_%d", v))})
	}
	return out
}

// satisfactionForm takes the survey key from ?key= when the citizen
// followed a link that carries it, so that it need not be typed.
func (s *Server) satisfactionForm(c *fiber.Ctx) error {
	a, d, err := s.surveyDossier(c)
	if err != nil {
		return err
	}
	return s.satisfactionPage(c, a, d, &qms.SatisfactionResponse{Key: strings.Clone(c.Query("key"))}, nil)
}

// surveyDossier is the agency of the survey's page and its dossier, found
// as the status lookup finds it and counted as a lookup (lookedUp): the
// survey's form and answer tell the dossier's status too.
func (s *Server) surveyDossier(c *fiber.Ctx) (*qms.Agency, *qms.Dossier, error) {
	a, err := s.publicAgencyOf(c)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.Public.FindDossierByCode(c.UserContext(), a.Code, c.Params("code"))
	if err := s.lookedUp(c, err); err != nil {
		return nil, nil, err
	}
	return a, d, nil
}

// satisfactionPage shows the questionnaire of d, or why it cannot be
// answered.
func (s *Server) satisfactionPage(c *fiber.Ctx, a *qms.Agency, d *qms.Dossier, r *qms.SatisfactionResponse, formErr error) error {
	lang := langOf(c)
	q := qms.QuestionnaireAt(s.cfg.Now())
	p := &surveyPage{page: s.page(c), Unit: a, Dossier: publicDossier{Code: d.Code, TTHCCode: d.TTHCCode, Status: d.Status, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
		ReturnedAt: d.ReturnedAt, NewAppointment: d.NewAppointment, Result: d.Result},
		questionnaireHead: questionnaireHeadIn(q, lang), Groups: surveyView(q, lang, r.Answers, formErr, refusalMessage(c, formErr)), Scale: scoreChoices(dictionaries[lang]),
		Comment: r.Comment, SurveyKey: r.Key, MaxComment: qms.SatisfactionMaxComment, Sent: c.Query("sent") == "1"}
	// The form is offered on any returned dossier: only an answer with
	// the key is told the dossier was rated (ECONFLICT), and then the
	// form closes.
	if open := qms.SatisfactionOpen(d, false); open != nil {
		p.Closed = refusalMessage(c, open)
	} else if qms.ErrorCode(formErr) == qms.ECONFLICT {
		p.Closed = refusalMessage(c, formErr)
	}
	return s.renderPage(c, "satisfaction_public", &p.page, p, formErr)
}

// surveyPage is the data of the public satisfaction survey of a dossier.
type surveyPage struct {
	page
	questionnaireHead
	Unit       *qms.Agency
	Dossier    publicDossier
	Groups     []surveyGroup
	Scale      []scoreChoice
	Comment    string // the citizen's comment so far
	SurveyKey  string // the dossier's survey key, as given
	MaxComment int
	Sent       bool   // just answered
	Closed     string // why it cannot be answered, if it cannot
}

// satisfactionSubmit takes the answers without login, under the same
// guards as the feedback form: the CSRF middleware has matched the form's
// token with the anonymous cookie, the store throttles by (a salted hash
// of) the address, and the actor is "public". Only the questionnaire's
// own fields are read, so the number of answers is bounded by it.
func (s *Server) satisfactionSubmit(c *fiber.Ctx) error {
	a, d, err := s.surveyDossier(c)
	if err != nil {
		return err
	}
	r := &qms.SatisfactionResponse{Answers: map[string]int{}, Comment: c.FormValue("comment"), Key: c.FormValue("key")}
	for _, x := range qms.QuestionnaireAt(s.cfg.Now()).Questions {
		v := strings.TrimSpace(c.FormValue("q_" + x.Code))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || len(v) > 2 {
			n = -1 // off the scale: Validate names the question
		}
		r.Answers[x.Code] = n
	}
	ctx := qms.WithActor(c.UserContext(), qms.PublicActor(a.Code))
	if err := s.Satisfaction.SubmitSatisfaction(ctx, a.Code, c.Params("code"), r, s.clientAddr(c)); err != nil {
		return s.satisfactionPage(c, a, d, r, err)
	}
	// Back to the dossier's page under its code as the lookup spells it
	// (the response does not name it).
	return c.Redirect("/public/"+a.Code+"/satisfaction/"+d.Code+"?sent=1", fiber.StatusSeeOther)
}

// satisfactionRow is one line of a results table: the index of each group
// in the questionnaire's order, then the overall index.
type satisfactionRow struct {
	Key       string             `json:"key"`
	Label     string             `json:"-"`
	Responses int                `json:"responses"`
	Comments  int                `json:"comments"`
	Groups    []satisfactionCell `json:"groups"`
	Index     float64            `json:"index"`
	// Withheld: fewer than qms.SatisfactionMinResponses responses, whose
	// scores are not shown. A row of one TTHC with one answer is that
	// citizen's answer to whoever knows the one dossier returned.
	Withheld bool `json:"withheld,omitempty"`
}

type satisfactionCell struct {
	Answers int     `json:"answers"`
	Rate    float64 `json:"rate"`
}

// satisfactionResults are the figures of the report page and the API.
type satisfactionResults struct {
	Year, Quarter int
	From, To      time.Time
	Scope         []string
	Total         satisfactionRow
	ByQuarter     []satisfactionRow
	ByAgency      []satisfactionRow
	ByTTHC        []satisfactionRow
	Questions     []questionResult
	Comments      []surveyComment
}

// surveyComment is a citizen's comment as the results show it: its text
// and the month it was given, nothing else. Not the dossier, the TTHC or
// the time: next to the time a dossier was returned, or to the few
// dossiers of a TTHC, each would tell whose comment it is.
type surveyComment struct {
	Month string // "Tháng 5/2026"
	Text  string
}

type questionResult struct {
	Code, Text string
	Answers    int
	Mean, Rate float64
}

// satisfactionPeriod reads ?year= (default this year) and ?quarter=
// (1–4, default the whole year).
func satisfactionPeriod(c *fiber.Ctx, now time.Time) (year, quarter int, from, to time.Time, err error) {
	year = now.In(qms.Zone).Year()
	if v := strings.TrimSpace(c.Query("year")); v != "" {
		if year, err = strconv.Atoi(v); err != nil || year < 2000 || year > 2100 {
			return 0, 0, from, to, qms.FieldError("year", "Năm %q không hợp lệ.", v)
		}
	}
	if v := strings.TrimSpace(c.Query("quarter")); v != "" {
		if quarter, err = strconv.Atoi(v); err != nil || quarter < 1 || quarter > 4 {
			return 0, 0, from, to, qms.FieldError("quarter", "Quý %q không hợp lệ: chọn từ 1 đến 4.", v)
		}
	}
	from = time.Date(year, 1, 1, 0, 0, 0, 0, qms.Zone)
	to = from.AddDate(1, 0, 0)
	if quarter > 0 {
		from = from.AddDate(0, 3*(quarter-1), 0)
		to = from.AddDate(0, 3, 0)
	}
	return year, quarter, from, to, nil
}

func (s *Server) satisfactionResults(c *fiber.Ctx) (*satisfactionResults, error) {
	year, quarter, from, to, err := satisfactionPeriod(c, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	ctx := c.UserContext()
	scope, err := s.Satisfaction.SatisfactionScope(ctx, callerOf(c).agency)
	if err != nil {
		return nil, err
	}
	rs, err := s.Satisfaction.FindSatisfaction(ctx, qms.SatisfactionFilter{Agencies: scope, From: from, To: to})
	if err != nil {
		return nil, err
	}
	l := dictionaries[langOf(c)]
	q := qms.QuestionnaireAt(to.Add(-time.Second))
	rows := func(keyOf func(*qms.SatisfactionResponse) string, labelOf func(string) string) []satisfactionRow {
		stats := qms.AggregateSatisfaction(rs, keyOf)
		counts := make([]int, len(stats))
		for i, st := range stats {
			counts[i] = st.Responses
		}
		withheld := qms.WithheldRows(counts)
		var out []satisfactionRow
		for i, st := range stats {
			out = append(out, satisfactionLine(q, st, labelOf(st.Key), withheld[i]))
		}
		return out
	}
	same := func(k string) string { return k }
	res := &satisfactionResults{Year: year, Quarter: quarter, From: from, To: to.AddDate(0, 0, -1), Scope: scope,
		ByQuarter: rows(func(r *qms.SatisfactionResponse) string { return qms.Quarter(r.SubmittedAt) }, func(k string) string { return quarterLabel(l, k) }),
		ByAgency:  rows(func(r *qms.SatisfactionResponse) string { return r.AgencyCode }, same),
		ByTTHC:    rows(func(r *qms.SatisfactionResponse) string { return r.TTHCCode }, same)}
	if all := qms.AggregateSatisfaction(rs, nil); len(all) > 0 {
		res.Total = satisfactionLine(q, all[0], "", all[0].Responses < qms.SatisfactionMinResponses)
		for _, x := range q.Questions {
			if res.Total.Withheld {
				break
			}
			t := all[0].ByQuestion[x.Code]
			res.Questions = append(res.Questions, questionResult{Code: x.Code, Text: domainName(langOf(c), "sipas."+x.Code, x.Text), Answers: t.Answers, Mean: t.Mean(), Rate: t.Rate()})
		}
	}
	// Under the minimum, a comment's month tells whose it is as its row would.
	if !res.Total.Withheld {
		res.Comments = latestComments(rs, l, 20)
	}
	return res, nil
}

// latestComments are the newest n comments of rs (oldest first), newest
// month first and within a month in the order of their text, so that
// their order tells no more of when each was given than its month.
func latestComments(rs []*qms.SatisfactionResponse, l map[string]string, n int) []surveyComment {
	type comment struct {
		month time.Time
		text  string
	}
	var cs []comment
	for i := len(rs) - 1; i >= 0 && len(cs) < n; i-- {
		if rs[i].Comment != "" {
			at := rs[i].SubmittedAt.In(qms.Zone)
			cs = append(cs, comment{time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, qms.Zone), rs[i].Comment})
		}
	}
	slices.SortFunc(cs, func(a, b comment) int {
		if c := b.month.Compare(a.month); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	})
	out := make([]surveyComment, 0, len(cs))
	for _, c := range cs {
		out = append(out, surveyComment{Month: label(l, "satisfaction.month") + " " + c.month.Format("1/2006"), Text: c.text})
	}
	return out
}

// satisfactionLine is a results row; withheld, its count only
// (qms.WithheldRows).
func satisfactionLine(q qms.Questionnaire, st *qms.SatisfactionStats, label string, withheld bool) satisfactionRow {
	row := satisfactionRow{Key: st.Key, Label: label, Responses: st.Responses, Comments: st.Comments, Index: st.Index(), Withheld: withheld}
	for _, g := range q.Groups {
		t := st.ByGroup[g.Code]
		row.Groups = append(row.Groups, satisfactionCell{Answers: t.Answers, Rate: t.Rate()})
	}
	if row.Withheld {
		row.Comments, row.Index = 0, 0
		for i := range row.Groups {
			row.Groups[i] = satisfactionCell{}
		}
	}
	return row
}

// quarterLabel shows "2026-Q2" as "Quý 2/2026".
func quarterLabel(l map[string]string, key string) string {
	year, q, ok := strings.Cut(key, "-Q")
	if !ok {
		return key
	}
	return label(l, "satisfaction.quarter") + " " + q + "/" + year
}

// satisfactionSection is one results table: its id, title and first
// column's label keys, and its rows.
type satisfactionSection struct {
	ID, Title, Column string
	Rows              []satisfactionRow
}

// satisfactionReport is the results page of the caller's agency and of
// those it reports for (its units, the agencies merged into it).
func (s *Server) satisfactionReport(c *fiber.Ctx) error {
	res, err := s.satisfactionResults(c)
	lang := langOf(c)
	q := qms.QuestionnaireAt(s.cfg.Now())
	groups := make([]string, 0, len(q.Groups))
	for _, g := range q.Groups {
		groups = append(groups, domainName(lang, "sipas."+g.Code, g.Title))
	}
	p := &satisfactionPage{page: s.page(c), questionnaireHead: questionnaireHeadIn(q, lang), GroupTitles: groups, Quarters: []string{"1", "2", "3", "4"},
		Query: satisfactionQuery{Year: c.Query("year"), Quarter: c.Query("quarter")}}
	if err == nil {
		p.Results = res
		p.Sections = []satisfactionSection{{"by-quarter", "satisfaction.by_quarter", "satisfaction.quarter", res.ByQuarter},
			{"by-agency", "satisfaction.by_agency", "agency.code", res.ByAgency}, {"by-tthc", "satisfaction.by_tthc", "dossier.tthc", res.ByTTHC}}
	}
	return s.renderPage(c, "satisfaction", &p.page, p, err)
}

// satisfactionPage is the data of the results page.
type satisfactionPage struct {
	page
	questionnaireHead
	GroupTitles []string // the questionnaire's groups, the tables' columns
	Quarters    []string
	Query       satisfactionQuery
	Results     *satisfactionResults // nil when the period is refused
	Sections    []satisfactionSection
}

// satisfactionQuery is the period asked for, as typed.
type satisfactionQuery struct {
	Year, Quarter string
}

// apiSatisfaction answers the same figures as JSON.
func (s *Server) apiSatisfaction(c *fiber.Ctx) error {
	res, err := s.satisfactionResults(c)
	if err != nil {
		return err
	}
	q := qms.QuestionnaireAt(res.To)
	return c.JSON(fiber.Map{"agency": callerOf(c).agency, "scope": res.Scope, "from": res.From.Format("2006-01-02"), "to": res.To.Format("2006-01-02"),
		"questionnaire": fiber.Map{"code": q.Code, "legal_basis": q.LegalBasis, "effective_from": q.EffectiveFrom.Format("2006-01-02"), "groups": q.Groups},
		"total":         res.Total, "by_quarter": orEmpty(res.ByQuarter), "by_agency": orEmpty(res.ByAgency), "by_tthc": orEmpty(res.ByTTHC)})
}

func init() {
	apiDocs["GET /api/v1/satisfaction"] = struct {
		Summary       string
		Request, Resp any
	}{"Kết quả khảo sát mức độ hài lòng (SIPAS) của đơn vị, các đơn vị trực thuộc và đã sáp nhập vào: theo quý, đơn vị, thủ tục (year; quarter 1–4)", nil, map[string]any{}}
}
