package demo

import (
	"fmt"

	"isodt/qms"
)

// districtOffices are the two district offices of the showcase whose
// districts the 2025 reorganization abolished (Luật Tổ chức chính quyền
// địa phương 72/2025/QH15, effective 1 July 2025): merged into one
// regional office of the agency.
var districtOffices = []string{"Đông Anh", "Mê Linh"}

// restructure shows a merger (issue #16 item 1): two offices under agency
// a, each with the first TTHC of a's catalogue (one row after the merge,
// both predecessors listed) and a staff member, merged into a new office;
// the agency pages then show them "đã sáp nhập" with their history.
func (g *generator) restructure(a *agency, s Showcase) error {
	var from []string
	for i, district := range districtOffices {
		code := fmt.Sprintf("%sH%d", a.code, i+1)
		if err := g.s.CreateAgency(g.sys, &qms.Agency{Code: code, Name: "Phòng Văn hóa và Thông tin huyện " + district, ParentCode: a.code}); err != nil {
			return err
		}
		if _, _, err := g.s.ImportTTHC(g.sys, code, []qms.TTHC{a.procs[0].tthc}); err != nil {
			return err
		}
		u := &qms.User{Username: toLower(code) + ".staff1", FullName: "Chuyên viên huyện " + district,
			Memberships: []qms.Membership{{AgencyCode: code, Role: qms.RoleStaff}}}
		if err := g.s.CreateUserHashed(g.sys, u, g.hash); err != nil {
			return err
		}
		from = append(from, code)
	}
	_, err := s.MergeAgencies(g.sys, qms.MergePlan{Into: a.code + "KV", Name: "Phòng Văn hóa và Thông tin khu vực phía Bắc", ParentCode: a.code, From: from}, false)
	return err
}
