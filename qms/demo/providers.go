package demo

import (
	"fmt"
	"strings"

	"isodt/qms"
)

// providersAndContext gives the showcase agency its external providers
// (8.4: the postal service, evaluated with a condition and named in a
// nonconformity; outsourced IT, evaluated too long ago, so that the
// compliance scan flags it; digitisation, suspended) and its context
// register (4.1, 4.2), reviewed by the leader.
func (g *generator) providersAndContext(a *agency, s Showcase) error {
	officer, leader := a.as(g.sys, qms.RoleQualityOfficer), a.as(g.sys, qms.RoleLeader)
	post := &qms.Provider{AgencyCode: a.code, Name: "Bưu điện tỉnh", Service: "Tiếp nhận hồ sơ và chuyển phát kết quả giải quyết TTHC qua dịch vụ bưu chính công ích",
		ContractRef: "Hợp đồng số 15/2025/HĐ-BĐT ngày 02/01/2025", Contact: "Tổ bưu chính công ích, 0236 3822 222",
		Criteria: []string{"Trả kết quả đúng ngày hẹn", "Không thất lạc, hư hỏng hồ sơ", "Thu cước đúng quy định"}, PeriodMonths: 12}
	it := &qms.Provider{AgencyCode: a.code, Name: "Công ty cổ phần phần mềm Sông Hàn", Service: "Vận hành, bảo trì phần mềm một cửa điện tử (thuê dịch vụ công nghệ thông tin)",
		ContractRef: "Hợp đồng số 08/2025/HĐ-DV", Contact: "Phòng hỗ trợ khách hàng, 1900 1234",
		Criteria: []string{"Thời gian khắc phục sự cố", "Sẵn sàng của hệ thống", "Bảo mật dữ liệu"}, PeriodMonths: 6}
	scan := &qms.Provider{AgencyCode: a.code, Name: "Trung tâm Lưu trữ lịch sử tỉnh", Service: "Số hóa hồ sơ, kết quả giải quyết TTHC còn hiệu lực",
		ContractRef: "Thỏa thuận phối hợp số 02/TTPH", Criteria: []string{"Đúng tiến độ", "Chất lượng bản số hóa"}, PeriodMonths: 12}
	for _, p := range []*qms.Provider{post, it, scan} {
		if err := s.CreateProvider(officer, p); err != nil {
			return fmt.Errorf("provider %s: %w", p.Name, err)
		}
	}
	mark := func(p *qms.Provider, marks ...string) []qms.CriterionScore {
		out := make([]qms.CriterionScore, len(p.Criteria))
		for i, c := range p.Criteria {
			out[i] = qms.CriterionScore{Criterion: c, Mark: marks[i]}
		}
		return out
	}
	evals := []struct {
		p *qms.Provider
		e qms.ProviderEvaluation
	}{
		{post, qms.ProviderEvaluation{EvaluatedOn: g.day(-30), Scores: mark(post, "4", qms.EvalFail, qms.EvalPass), Result: qms.EvalConditional,
			Note: "Một hồ sơ bị thất lạc khi chuyển phát; Bưu điện cam kết bổ sung quy trình bàn giao có ký nhận."}},
		{it, qms.ProviderEvaluation{EvaluatedOn: g.day(-240), Scores: mark(it, "5", "4", qms.EvalPass), Result: qms.EvalPass}},
	}
	for _, x := range evals {
		if err := s.EvaluateProvider(officer, a.code, x.p.ID, &x.e); err != nil {
			return fmt.Errorf("evaluate %s: %w", x.p.Name, err)
		}
	}
	if _, err := s.SetProviderStatus(officer, a.code, scan.ID, qms.ProviderSuspended, "Tạm dừng chờ bổ sung kinh phí số hóa năm nay."); err != nil {
		return err
	}
	lost := &qms.Nonconformity{AgencyCode: a.code, Source: qms.NCFromComplaint, Description: "Kết quả giải quyết TTHC gửi qua bưu điện bị thất lạc, công dân phải chờ cấp lại.",
		Correction: "Cấp lại bản chính, xin lỗi công dân."}
	if err := s.CreateNC(officer, lost); err != nil {
		return err
	}
	if err := s.LinkProviderNC(officer, a.code, post.ID, lost.ID); err != nil {
		return err
	}
	items := []qms.ContextItem{
		{Kind: qms.ContextInternal, Title: "Sắp xếp lại tổ chức bộ máy sau sáp nhập; một số công chức mới chưa được đào tạo về ISO", Requirements: "Đào tạo lại trong quý, phân công thư ký ISO mới"},
		{Kind: qms.ContextInternal, Title: "Phần mềm một cửa điện tử dùng chung do đơn vị ngoài vận hành", Requirements: "Theo dõi nhà cung cấp theo mục 8.4"},
		{Kind: qms.ContextExternal, Title: "Chính quyền địa phương hai cấp từ 01/7/2025, không còn cấp huyện", Requirements: "Rà soát phạm vi áp dụng, công bố lại hệ thống"},
		{Kind: qms.ContextExternal, Title: "Nghị định 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông", Requirements: "Cập nhật quy trình nội bộ và biểu mẫu"},
		{Kind: qms.ContextParty, Title: "Người dân, doanh nghiệp", Requirements: "Giải quyết đúng hẹn, công khai; được xin lỗi và hẹn lại khi trễ hạn"},
		{Kind: qms.ContextParty, Title: "Ủy ban nhân dân tỉnh", Requirements: "Tỷ lệ hồ sơ đúng hạn từ 95% trở lên; báo cáo định kỳ"},
		{Kind: qms.ContextParty, Title: "Bưu điện tỉnh", Requirements: "Hồ sơ, kết quả bàn giao đầy đủ, đúng thời gian hẹn"},
	}
	for k := range items {
		items[k].AgencyCode = a.code
		if err := s.AddContextItem(officer, &items[k]); err != nil {
			return fmt.Errorf("context %q: %w", strings.SplitN(items[k].Title, ";", 2)[0], err)
		}
	}
	_, err := s.MarkContextReviewed(leader, a.code, "Xem xét cùng cuộc họp xem xét của lãnh đạo; bổ sung các thay đổi do sáp nhập.")
	return err
}
