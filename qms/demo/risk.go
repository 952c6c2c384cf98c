package demo

import (
	"isodt/qms"
)

// risks fills the register of risks and opportunities (ISO 9001:2015
// 6.1) of agency a: a high risk entered four months ago whose review and
// treatment action are now overdue (the compliance scan flags both), a
// medium one under treatment, an opportunity, and one closed. The old
// entry is made on the clock of its day, as a user would have made it.
func (g *generator) risks(a *agency, s Showcase) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	leader, staff := a.users[qms.RoleLeader][0].Username, a.users[qms.RoleStaff][0].Username
	quality := a.users[qms.RoleQualityOfficer][0].Username
	proc := func(i int) int64 { return a.procs[i%len(a.procs)].id }
	entries := []struct {
		risk    qms.Risk
		madeOn  int // day relative to the start the entry was made
		actions []qms.RiskAction
		close   string
	}{
		{qms.Risk{Kind: qms.RiskKindRisk, Description: "Hồ sơ trễ hạn do thiếu cán bộ thẩm định vào mùa cao điểm cuối năm.", ProcedureID: proc(0),
			Likelihood: 4, Impact: 5, Owner: leader, ReviewOn: g.day(-30)}, -120,
			[]qms.RiskAction{{Description: "Bố trí cán bộ dự phòng cho khâu thẩm định.", Owner: quality, DueOn: g.day(-20)}}, ""},
		{qms.Risk{Kind: qms.RiskKindRisk, Description: "Hồ sơ giấy thất lạc khi chuyển giữa bộ phận một cửa và phòng chuyên môn.", ProcedureID: proc(1),
			Likelihood: 3, Impact: 3, Owner: quality, ReviewOn: g.day(60)}, -10,
			[]qms.RiskAction{{Description: "Lập sổ giao nhận hồ sơ có ký nhận giữa các bộ phận.", Owner: staff, DueOn: g.day(14)}}, ""},
		{qms.Risk{Kind: qms.RiskKindOpportunity, Description: "Liên thông dữ liệu dân cư để giảm giấy tờ công dân phải nộp.", ProcedureID: proc(0),
			Likelihood: 3, Impact: 4, Owner: leader, ReviewOn: g.day(90)}, -5, nil, ""},
		{qms.Risk{Kind: qms.RiskKindRisk, Description: "Mất điện làm gián đoạn tiếp nhận hồ sơ tại bộ phận một cửa.", ProcedureID: proc(2),
			Likelihood: 2, Impact: 2, Owner: quality, ReviewOn: g.day(30)}, -60, nil, "Đã lắp bộ lưu điện cho bộ phận một cửa."},
	}
	ncs, err := s.FindNCs(officer, a.code)
	if err != nil {
		return err
	}
	defer g.clk.Set(g.start)
	for k := range entries {
		e := &entries[k]
		g.clk.Set(g.start.AddDate(0, 0, e.madeOn))
		r := &e.risk
		r.AgencyCode = a.code
		if err := s.CreateRisk(officer, r); err != nil {
			return err
		}
		for _, act := range e.actions {
			if _, err := s.AddRiskAction(officer, a.code, r.ID, act); err != nil {
				return err
			}
		}
		if k == 0 && len(ncs) > 0 {
			if _, err := s.LinkRisk(officer, a.code, r.ID, qms.RiskLink{Kind: qms.RiskLinkNC, Ref: ncs[len(ncs)-1].ID}); err != nil {
				return err
			}
		}
		if e.close != "" {
			if _, err := s.CloseRisk(officer, a.code, r.ID, e.close); err != nil {
				return err
			}
		}
	}
	return nil
}
