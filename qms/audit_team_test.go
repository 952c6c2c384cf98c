package qms_test

import (
	"testing"

	"isodt/qms"
)

// TestCheckAuditTeam: an audit is recorded by its team or a quality
// officer of the planning agency, not by any auditor there.
func TestCheckAuditTeam(t *testing.T) {
	p := qms.AuditPlan{Title: "Đánh giá Sở VHTT", Auditors: []string{"dgv", "dgv.hai"}}
	tests := []struct {
		name  string
		user  string
		roles []qms.Role
		ok    bool
	}{
		{"a member of the team", "dgv.hai", []qms.Role{qms.RoleAuditor}, true},
		{"a member, another case", "DGV", nil, true},
		{"a quality officer", "thu.ky", []qms.Role{qms.RoleQualityOfficer}, true},
		{"an auditor off the team", "dgv.khac", []qms.Role{qms.RoleAuditor}, false},
		{"a leader", "giam.doc", []qms.Role{qms.RoleLeader}, false},
	}
	for _, tc := range tests {
		err := p.CheckAuditTeam(tc.user, tc.roles)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
}
