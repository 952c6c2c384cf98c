package demo

import (
	"fmt"
	"time"

	"isodt/qms"
)

// Showcase is what the first agency of a Showcase scale gets besides its
// dossiers, so that every part of the product has something to show on
// a first look: a subordinate unit (đơn vị trực thuộc) that the internal
// audit plans audit, an audit reported and one planned, nonconformities
// at each stage of their life, quality objectives, citizen feedback at
// each stage, a compliance scan and the management review that reads
// them all. Everything goes through the services, as a user would do it.
type Showcase interface {
	qms.InternalAuditService
	qms.NCService
	qms.ObjectiveService
	qms.ReviewService
	qms.FeedbackService
	qms.ComplianceService
	qms.RiskService
	qms.DistributionService
	qms.CompetenceService
	qms.DeclarationService
	qms.ProviderService
	qms.ContextService
	qms.SatisfactionService
	qms.AgencyMerger
}

// showcase fills agency a; s is the generator's store seen through the
// services a showcase needs.
func (g *generator) showcase(a *agency, s Showcase) error {
	unit := &qms.Agency{Code: a.code + "VP", Name: "Văn phòng " + agencyName(a.code), ParentCode: a.code, Kind: qms.AgencyKindSubunit}
	if err := g.s.CreateAgency(g.sys, unit); err != nil {
		return fmt.Errorf("unit %s: %w", unit.Code, err)
	}
	plan, err := g.audits(a, s, unit.Code)
	if err != nil {
		return fmt.Errorf("internal audits: %w", err)
	}
	if err := g.nonconformities(a, s, plan); err != nil {
		return fmt.Errorf("nonconformities: %w", err)
	}
	if err := g.objectives(a, s); err != nil {
		return fmt.Errorf("objectives: %w", err)
	}
	if err := g.feedback(a, s); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	if err := g.risks(a, s); err != nil {
		return fmt.Errorf("risks: %w", err)
	}
	if err := g.satisfaction(a, s); err != nil {
		return fmt.Errorf("satisfaction survey: %w", err)
	}
	if err := g.awaitingApproval(a); err != nil {
		return fmt.Errorf("version awaiting approval: %w", err)
	}
	if err := g.reads(a, s); err != nil {
		return fmt.Errorf("documents to read: %w", err)
	}
	if err := g.competence(a, s); err != nil {
		return fmt.Errorf("competence: %w", err)
	}
	if err := g.declaration(a, s); err != nil {
		return fmt.Errorf("declaration of conformity: %w", err)
	}
	if err := g.providersAndContext(a, s); err != nil {
		return fmt.Errorf("providers and context: %w", err)
	}
	if err := g.restructure(a, s); err != nil {
		return fmt.Errorf("merger: %w", err)
	}
	if _, err := s.RunChecks(g.sys, qms.CheckScope{AgencyCode: a.code}); err != nil {
		return fmt.Errorf("compliance scan: %w", err)
	}
	return g.review(a, s)
}

// awaitingApproval drafts a second issue of the first procedure and
// submits it, so that a leader has something to approve.
func (g *generator) awaitingApproval(a *agency) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	p := a.procs[0]
	v, err := g.s.CreateVersion(officer, p.id)
	if err != nil {
		return err
	}
	if len(v.Flowchart.Steps) == 0 {
		v.Flowchart = p.chart
	}
	v.Purpose, v.Scope = "Quy định trình tự, thời gian giải quyết thủ tục "+lowerFirst(p.tthc.Name)+".", "Áp dụng tại "+agencyName(a.code)+"."
	v.ChangeSummary = "Rút ngắn thời gian thẩm định theo quyết định công bố mới."
	if err := g.s.UpdateVersion(officer, v); err != nil {
		return err
	}
	_, err = g.s.TransitionVersion(a.signs(g.sys, qms.RoleQualityOfficer), p.id, v.Number, qms.ActionSubmit, "")
	return err
}

// agencyName is the name of a department of the data set by its code.
func agencyName(code string) string {
	for _, d := range departments {
		if d.code == code {
			return d.name
		}
	}
	return code
}

// day is the civil date d days from the generator's start.
func (g *generator) day(d int) time.Time {
	t := g.start.In(qms.Zone).AddDate(0, 0, d)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, qms.Zone)
}

// audits writes the year's programme with an audit of the unit done a
// month ago (answered and reported, with nonconformities among its
// answers) and one planned for next month. It returns the reported plan.
func (g *generator) audits(a *agency, s Showcase, unit string) (*qms.AuditPlan, error) {
	auditor := a.as(g.sys, qms.RoleAuditor)
	prog := &qms.AuditProgramme{AgencyCode: a.code, Year: g.start.In(qms.Zone).Year(), Title: "Chương trình đánh giá nội bộ năm " + fmt.Sprint(g.start.In(qms.Zone).Year()),
		Notes: "Đánh giá toàn bộ hệ thống quản lý chất lượng ít nhất một lần trong năm."}
	if err := s.CreateProgramme(auditor, prog); err != nil {
		return nil, err
	}
	auditors := []string{a.users[qms.RoleAuditor][0].Username}
	done := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: a.code, Title: "Đánh giá nội bộ đợt 1 tại " + unit, Units: []string{unit},
		Clauses: []string{"7.5", "8.5", "8.7", "9.1", "10.2"}, Auditors: auditors, StartOn: g.day(-35), EndOn: g.day(-33)}
	next := &qms.AuditPlan{ProgrammeID: prog.ID, AgencyCode: a.code, Title: "Đánh giá nội bộ đợt 2 tại " + unit, Units: []string{unit},
		Clauses: []string{"4.4", "6.1", "6.2", "7.2", "9.3"}, Auditors: auditors, StartOn: g.day(30), EndOn: g.day(31)}
	for _, p := range []*qms.AuditPlan{done, next} {
		if err := s.CreatePlan(auditor, p); err != nil {
			return nil, err
		}
	}
	p, err := s.BuildChecklist(auditor, a.code, done.ID)
	if err != nil {
		return nil, err
	}
	answers := []struct{ result, evidence, note string }{
		{qms.AnswerConform, "Sổ theo dõi hồ sơ, phiếu kiểm soát quá trình đủ chữ ký.", ""},
		{qms.AnswerMinorNC, "3 hồ sơ trễ hạn tháng trước không có phiếu xin lỗi.", "Chưa thực hiện đúng Mẫu số 04."},
		{qms.AnswerObservation, "Biểu mẫu cũ còn lưu tại bàn tiếp nhận.", "Nên thu hồi bản không còn hiệu lực."},
		{qms.AnswerMajorNC, "Chưa phân tích nguyên nhân các hồ sơ trễ hạn quý trước.", ""},
	}
	for k, item := range p.Items {
		ans := answers[k%len(answers)]
		if _, err := s.AnswerItem(auditor, a.code, done.ID, item.ID, ans.result, ans.evidence, ans.note); err != nil {
			return nil, err
		}
	}
	return s.ReportPlan(a.signs(g.sys, qms.RoleAuditor), a.code, done.ID, "Đơn vị cơ bản tuân thủ quy trình; còn thiếu sót về hồ sơ trễ hạn và kiểm soát tài liệu.",
		"Hệ thống quản lý chất lượng được duy trì; cần khắc phục 2 điểm không phù hợp trong 30 ngày.")
}

// nonconformities writes one at each stage: open, planned and started,
// its actions done and judged effective, and closed.
func (g *generator) nonconformities(a *agency, s Showcase, plan *qms.AuditPlan) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	owner := a.users[qms.RoleStaff][0].Username
	late, _, err := g.s.FindDossiers(officer, qms.DossierFilter{AgencyCode: &a.code, Overdue: ptrTo(true), Limit: 1})
	if err != nil {
		return err
	}
	source, ref := qms.NCFromOther, ""
	if len(late) > 0 {
		source, ref = qms.NCFromDossier, late[0].Code
	}
	ncs := []struct {
		nc    qms.Nonconformity
		stage string // how far its life has gone
	}{
		{qms.Nonconformity{Source: source, SourceRef: ref, Description: "Hồ sơ quá hạn giải quyết chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả."}, qms.NCOpen},
		{qms.Nonconformity{Source: qms.NCFromAudit, SourceRef: fmt.Sprint(plan.ID), Description: "Hồ sơ trễ hạn tháng trước không có phiếu xin lỗi (Mẫu số 04).",
			Correction: "Lập bổ sung phiếu xin lỗi cho 3 hồ sơ.", RootCause: "Cán bộ một cửa chưa được hướng dẫn quy trình xin lỗi."}, qms.NCInProgress},
		{qms.Nonconformity{Source: qms.NCFromAudit, SourceRef: fmt.Sprint(plan.ID), Description: "Chưa phân tích nguyên nhân các hồ sơ trễ hạn quý trước.",
			Correction: "Họp phân tích nguyên nhân.", RootCause: "Chưa phân công người theo dõi tỷ lệ đúng hạn."}, "verified"},
		{qms.Nonconformity{Source: qms.NCFromComplaint, SourceRef: "PA-01", Description: "Công dân phản ánh bị yêu cầu nộp thêm giấy tờ không có trong thành phần hồ sơ.",
			Correction: "Xin lỗi công dân, trả lại giấy tờ.", RootCause: "Danh mục thành phần hồ sơ niêm yết chưa cập nhật."}, qms.NCClosed},
	}
	for k := range ncs {
		n := &ncs[k].nc
		n.AgencyCode = a.code
		if err := s.CreateNC(officer, n); err != nil {
			return err
		}
		if ncs[k].stage == qms.NCOpen {
			continue
		}
		for d, what := range []string{"Tập huấn lại quy trình cho bộ phận một cửa.", "Cập nhật và niêm yết lại danh mục, biểu mẫu."} {
			if _, err := s.AddAction(officer, a.code, n.ID, qms.CorrectiveAction{Description: what, Owner: owner, DueOn: g.day(7 + 7*d)}); err != nil {
				return err
			}
		}
		started, err := s.ChangeNC(officer, a.code, n.ID, "start", "")
		if err != nil {
			return err
		}
		done := started.Actions
		if ncs[k].stage == qms.NCInProgress {
			done = done[:1] // the other action is still under way
		}
		for _, act := range done {
			if _, err := s.CompleteAction(officer, a.code, n.ID, act.ID, "Đã thực hiện, có biên bản kèm theo."); err != nil {
				return err
			}
		}
		if ncs[k].stage == qms.NCInProgress {
			continue
		}
		if _, err := s.ChangeNC(a.as(g.sys, qms.RoleAuditor), a.code, n.ID, "verify", qms.VerdictEffective); err != nil {
			return err
		}
		if ncs[k].stage == qms.NCClosed {
			if _, err := s.ChangeNC(a.signs(g.sys, qms.RoleQualityOfficer), a.code, n.ID, "close", ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

// objectives writes the year's quality objectives on both measures.
func (g *generator) objectives(a *agency, s Showcase) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	year := g.start.In(qms.Zone).Year()
	for _, o := range []qms.Objective{
		{Title: "Giải quyết đúng hạn ít nhất 95% hồ sơ thủ tục hành chính mỗi quý", Measure: qms.MeasureTimelyRate, Target: 95, Period: qms.PeriodQuarter},
		{Title: "Tỷ lệ hồ sơ trễ hạn cả năm không quá 3%", Measure: qms.MeasureLateRate, Target: 3, Period: qms.PeriodYear},
	} {
		o.AgencyCode, o.Year = a.code, year
		if err := s.CreateObjective(officer, &o); err != nil {
			return err
		}
	}
	return nil
}

// feedback writes citizens' submissions: one just received, one assigned
// and one answered and published.
func (g *generator) feedback(a *agency, s Showcase) error {
	public := qms.WithActor(g.sys, qms.PublicActor(a.code))
	leader := a.as(g.sys, qms.RoleLeader)
	texts := []string{
		"Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa vào buổi sáng.",
		"Hồ sơ của tôi đã quá ngày hẹn nhưng chưa nhận được thông báo.",
		"Cán bộ tiếp nhận hướng dẫn tận tình, đề nghị biểu dương.",
	}
	for k, text := range texts {
		f := &qms.Feedback{AgencyCode: a.code, Name: applicant(g.rng), Contact: fmt.Sprintf("09%08d", 12345678+k), Content: text}
		if err := s.SubmitFeedback(public, f, fmt.Sprintf("192.0.2.%d", 10+k)); err != nil {
			return err
		}
		if k == 0 {
			continue
		}
		staff := a.users[qms.RoleStaff][0].Username
		if _, err := s.AssignFeedback(leader, a.code, f.ID, staff); err != nil {
			return err
		}
		if k == 1 {
			continue
		}
		if _, err := s.AnswerFeedback(a.as(g.sys, qms.RoleStaff), a.code, f.ID, "Cảm ơn ông/bà đã phản ánh; đơn vị đã ghi nhận và biểu dương cán bộ."); err != nil {
			return err
		}
		if _, err := s.PublishFeedback(leader, a.code, f.ID); err != nil {
			return err
		}
	}
	return nil
}

// review writes the management review held this week, its pack read from
// everything above, with minutes and two decisions, one done.
func (g *generator) review(a *agency, s Showcase) error {
	leader := a.as(g.sys, qms.RoleLeader)
	r := &qms.ManagementReview{AgencyCode: a.code, Title: "Họp xem xét của lãnh đạo năm " + fmt.Sprint(g.start.In(qms.Zone).Year()), HeldOn: g.day(-2)}
	if err := s.CreateReview(leader, r); err != nil {
		return err
	}
	if _, err := s.SaveMinutes(leader, a.code, r.ID, "Lãnh đạo Sở chủ trì; thành phần: đại diện lãnh đạo về chất lượng, các phòng chuyên môn. Thống nhất các quyết định dưới đây."); err != nil {
		return err
	}
	owner := a.users[qms.RoleQualityOfficer][0].Username
	var last *qms.ManagementReview
	for k, text := range []string{"Rà soát, cập nhật các quy trình chưa được ban hành lại.", "Tập huấn quy trình xin lỗi cho bộ phận một cửa."} {
		got, err := s.AddDecision(leader, a.code, r.ID, qms.ReviewDecision{Text: text, Owner: owner, DueOn: g.day(30 * (k + 1))})
		if err != nil {
			return err
		}
		last = got
	}
	_, err := s.CompleteDecision(leader, a.code, r.ID, last.Decisions[len(last.Decisions)-1].ID)
	return err
}
