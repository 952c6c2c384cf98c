package demo

import (
	"time"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// competence gives the showcase agency a competence catalogue (ISO
// 9001:2015 7.2): the one-stop skill every staff member needs, the
// internal-auditor certificate of the quality officer, and the appraisal
// skill the first task step of the first procedure needs. The records
// show each state of the matrix: held, expiring within the notice,
// expired (one staff member's one-stop certificate), and missing.
func (g *generator) competence(a *agency, s Showcase) error {
	officer := a.as(g.sys, qms.RoleQualityOfficer)
	cat := []*qms.Competence{
		{Code: "MOTCUA", Name: "Nghiệp vụ một cửa, một cửa liên thông", Description: "Tiếp nhận, hướng dẫn, trả kết quả theo Nghị định 61/2018/NĐ-CP và Nghị định 107/2021/NĐ-CP."},
		{Code: "ISO-NB", Name: "Đánh giá viên nội bộ TCVN ISO 9001:2015"},
		{Code: "THAM-DINH", Name: "Thẩm định hồ sơ chuyên ngành"},
	}
	for _, c := range cat {
		c.AgencyCode = a.code
		if err := s.CreateCompetence(officer, c); err != nil {
			return err
		}
	}
	reqs := []*qms.CompetenceRequirement{
		{CompetenceID: cat[0].ID, Role: qms.RoleStaff},
		{CompetenceID: cat[1].ID, Role: qms.RoleQualityOfficer},
	}
	p := a.procs[0]
	for _, st := range p.chart.Steps {
		if st.Kind == flowchart.KindTask {
			reqs = append(reqs, &qms.CompetenceRequirement{CompetenceID: cat[2].ID, ProcedureID: p.id, StepID: st.ID})
			break
		}
	}
	for _, r := range reqs {
		r.AgencyCode = a.code
		if err := s.AddRequirement(officer, r); err != nil {
			return err
		}
	}
	day := func(d int) *time.Time {
		t := qms.CivilDate(g.day(d))
		return &t
	}
	leader := a.as(g.sys, qms.RoleLeader)
	record := func(u *qms.User, c *qms.Competence, course string, obtained int, expires *time.Time) error {
		// Nobody records their own competence (qms.CheckOwnRecord): the
		// leader records the quality officers'.
		by := officer
		if actor, _ := qms.ActorFrom(officer); actor.Username == u.Username {
			by = leader
		}
		return s.AddCompetenceRecord(by, &qms.CompetenceRecord{AgencyCode: a.code, Username: u.Username, CompetenceID: c.ID, Course: course,
			Issuer: "Học viện Hành chính Quốc gia", ObtainedOn: *day(obtained), ExpiresOn: expires})
	}
	for k, u := range a.users[qms.RoleStaff] {
		expires := day(700)
		if k == len(a.users[qms.RoleStaff])-1 {
			expires = day(-20) // the one expired certificate
		}
		if err := record(u, cat[0], "Bồi dưỡng nghiệp vụ một cửa", -720, expires); err != nil {
			return err
		}
		if k == 0 {
			if err := record(u, cat[2], "Tập huấn thẩm định hồ sơ", -300, day(40)); err != nil {
				return err
			}
		}
	}
	for _, u := range a.users[qms.RoleQualityOfficer] {
		if err := record(u, cat[1], "Đánh giá viên nội bộ ISO 9001:2015", -400, nil); err != nil {
			return err
		}
	}
	return nil
}
