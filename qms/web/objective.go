package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"isodt/qms"
)

// objectiveYear reads ?year= (default: this year in Hà Nội).
func (s *Server) objectiveYear(c *fiber.Ctx) (int, error) {
	v := strings.TrimSpace(c.Query("year"))
	if v == "" {
		return s.cfg.Now().In(qms.Zone).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, qms.FieldError("year", "Năm %q không hợp lệ.", v)
	}
	return y, nil
}

// parseTarget reads a percentage typed the Vietnamese way ("95,5") or
// the English way ("95.5").
func parseTarget(v string) (float64, error) {
	v = strings.TrimSuffix(strings.TrimSpace(v), "%")
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(v), ",", ".", 1), 64)
	if err != nil {
		return 0, qms.FieldError("target", "Chỉ tiêu %q không phải là số (ví dụ 95 hoặc 95,5).", v)
	}
	return f, nil
}

func (s *Server) findObjective(c *fiber.Ctx) (*qms.Objective, error) {
	id, ok := atoi64(c.Params("id"))
	if !ok {
		return nil, qms.Errorf(qms.ENOTFOUND, "Không tìm thấy mục tiêu chất lượng.")
	}
	return s.Objectives.FindObjective(c.UserContext(), callerOf(c).agency, id)
}

// objectiveListPage is the data of the year's quality objectives.
type objectiveListPage struct {
	page
	Year      int
	Statuses  []*qms.ObjectiveStatus // the year's objectives with their results
	Withdrawn []*qms.Objective
	Form      *qms.Objective // what the add form shows
	Measures  []qms.MeasureInfo
	// MeasureInfo is Measures by code.
	MeasureInfo map[string]qms.MeasureInfo
	CanWrite    bool
}

// objectivePage lists the year's objectives with their result in each
// period, the withdrawn ones below, and the form to add one (kept filled
// in after an error).
func (s *Server) objectivePage(c *fiber.Ctx, year int, form *qms.Objective, formErr error) error {
	ctx, agency := c.UserContext(), callerOf(c).agency
	sts, err := s.Objectives.Statuses(ctx, agency, year)
	if err != nil {
		return err
	}
	all, err := s.Objectives.FindObjectives(ctx, qms.ObjectiveFilter{AgencyCode: agency, Year: &year, IncludeWithdrawn: true})
	if err != nil {
		return err
	}
	var withdrawn []*qms.Objective
	for _, o := range all {
		if o.Withdrawn {
			withdrawn = append(withdrawn, o)
		}
	}
	if form == nil {
		form = &qms.Objective{Year: year, Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter}
	}
	info := map[string]qms.MeasureInfo{}
	for _, m := range qms.Measures() {
		info[m.Code] = m
	}
	data := &objectiveListPage{page: s.page(c), Year: year, Statuses: sts, Withdrawn: withdrawn, Form: form,
		Measures: qms.Measures(), MeasureInfo: info, CanWrite: s.can(c, "objective", "write")}
	return s.renderPage(c, "objectives", &data.page, data, formErr)
}

func (s *Server) objectiveList(c *fiber.Ctx) error {
	year, err := s.objectiveYear(c)
	if err != nil {
		return err
	}
	return s.objectivePage(c, year, nil, nil)
}

func (s *Server) objectiveCreate(c *fiber.Ctx) error {
	o := &qms.Objective{AgencyCode: callerOf(c).agency, Title: c.FormValue("title"), Measure: c.FormValue("measure"), Period: c.FormValue("period")}
	var err error
	if o.Year, err = strconv.Atoi(strings.TrimSpace(c.FormValue("year"))); err != nil {
		err = qms.FieldError("year", "Năm %q không hợp lệ.", c.FormValue("year"))
	} else if o.Target, err = parseTarget(c.FormValue("target")); err == nil {
		err = s.Objectives.CreateObjective(c.UserContext(), o)
	}
	if err != nil {
		year := o.Year
		if year < 2000 || year > 2100 {
			year = s.cfg.Now().In(qms.Zone).Year()
		}
		return s.objectivePage(c, year, o, err)
	}
	return c.Redirect("/objectives?year="+strconv.Itoa(o.Year)+"&msg=created", fiber.StatusSeeOther)
}

// objectiveStep applies one change and goes back to the objective's year.
func (s *Server) objectiveStep(c *fiber.Ctx, act func(o *qms.Objective) error) error {
	o, err := s.findObjective(c)
	if err != nil {
		return err
	}
	if err := act(o); err != nil {
		return s.objectivePage(c, o.Year, nil, err)
	}
	return c.Redirect("/objectives?year="+strconv.Itoa(o.Year)+"&msg=saved", fiber.StatusSeeOther)
}

func (s *Server) objectiveUpdate(c *fiber.Ctx) error {
	return s.objectiveStep(c, func(o *qms.Objective) error {
		target, err := parseTarget(c.FormValue("target"))
		if err != nil {
			return err
		}
		title := c.FormValue("title")
		_, err = s.Objectives.UpdateObjective(c.UserContext(), o.AgencyCode, o.ID, qms.ObjectiveUpdate{Title: &title, Target: &target})
		return err
	})
}

func (s *Server) objectiveWithdraw(c *fiber.Ctx) error {
	return s.objectiveStep(c, func(o *qms.Objective) error {
		_, err := s.Objectives.WithdrawObjective(c.UserContext(), o.AgencyCode, o.ID, c.FormValue("reason"))
		return err
	})
}

// objectiveTile is one objective's current period on the dashboard.
type objectiveTile struct {
	Title string
	qms.PeriodResult
	Target float64
	AtMost bool
}

// dashboardObjectives is each objective's current period, as the
// dashboard's tiles; none when the caller may not read objectives.
func (s *Server) dashboardObjectives(c *fiber.Ctx) ([]objectiveTile, error) {
	if !s.can(c, "objective", "read") {
		return nil, nil
	}
	sts, err := s.Objectives.Statuses(c.UserContext(), callerOf(c).agency, s.cfg.Now().In(qms.Zone).Year())
	if err != nil {
		return nil, err
	}
	tiles := []objectiveTile{}
	for _, st := range sts {
		if p, ok := st.Current(); ok {
			m, _ := qms.MeasureOf(st.Objective.Measure)
			tiles = append(tiles, objectiveTile{Title: st.Objective.Title, PeriodResult: p, Target: st.Objective.Target, AtMost: m.AtMost})
		}
	}
	return tiles, nil
}

type objectiveRequest struct {
	Year    int     `json:"year"`
	Title   string  `json:"title"`
	Measure string  `json:"measure"` // timely_rate, late_rate
	Target  float64 `json:"target"`  // percent
	Period  string  `json:"period"`  // quarter, year
}

// objectiveStatusResponse is the body of GET /api/v1/objectives/status.
type objectiveStatusResponse struct {
	Year     int                    `json:"year"`
	Statuses []*qms.ObjectiveStatus `json:"statuses"`
}

// apiObjectiveList lists the agency's objectives: of one year with
// ?year=, withdrawn ones too with ?withdrawn=1.
func (s *Server) apiObjectiveList(c *fiber.Ctx) error {
	withdrawn, err := flagParam(c, "withdrawn")
	if err != nil {
		return err
	}
	f := qms.ObjectiveFilter{AgencyCode: callerOf(c).agency, IncludeWithdrawn: withdrawn}
	if c.Query("year") != "" {
		year, err := s.objectiveYear(c)
		if err != nil {
			return err
		}
		f.Year = &year
	}
	objs, err := s.Objectives.FindObjectives(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"objectives": orEmpty(objs)})
}

func (s *Server) apiObjectiveCreate(c *fiber.Ctx) error {
	var req objectiveRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	o := &qms.Objective{AgencyCode: callerOf(c).agency, Year: req.Year, Title: req.Title, Measure: req.Measure, Target: req.Target, Period: req.Period}
	if err := s.Objectives.CreateObjective(c.UserContext(), o); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

func (s *Server) apiObjectiveStatus(c *fiber.Ctx) error {
	year, err := s.objectiveYear(c)
	if err != nil {
		return err
	}
	sts, err := s.Objectives.Statuses(c.UserContext(), callerOf(c).agency, year)
	if err != nil {
		return err
	}
	return c.JSON(objectiveStatusResponse{Year: year, Statuses: sts})
}
