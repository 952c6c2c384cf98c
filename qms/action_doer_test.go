package qms_test

import (
	"testing"

	"isodt/qms"
)

// TestCheckActionDoer: the owner of an action records it done, or a
// leader or quality officer; an auditor or other staff do not.
func TestCheckActionDoer(t *testing.T) {
	tests := []struct {
		name  string
		user  string
		roles []qms.Role
		ok    bool
	}{
		{"the owner", "chuyen.vien", []qms.Role{qms.RoleStaff}, true},
		{"the owner, another case", "CHUYEN.VIEN", nil, true},
		{"an auditor who owns it", "chuyen.vien", []qms.Role{qms.RoleAuditor}, true},
		{"a leader", "giam.doc", []qms.Role{qms.RoleLeader}, true},
		{"a quality officer", "thu.ky", []qms.Role{qms.RoleQualityOfficer}, true},
		{"an auditor", "danh.gia", []qms.Role{qms.RoleAuditor}, false},
		{"other staff", "chuyen.vien.2", []qms.Role{qms.RoleStaff}, false},
	}
	for _, tc := range tests {
		err := qms.CheckActionDoer("chuyen.vien", tc.user, tc.roles)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
}

// TestCheckAssignee: work goes to someone of the agency holding a role
// that carries it out, else the field is refused.
func TestCheckAssignee(t *testing.T) {
	tests := []struct {
		name string
		held []qms.Role
		ok   bool
	}{
		{"staff", []qms.Role{qms.RoleStaff}, true},
		{"an admin who is also an auditor", []qms.Role{qms.RoleAdmin, qms.RoleAuditor}, true},
		{"an admin only", []qms.Role{qms.RoleAdmin}, false},
		{"not of the agency", nil, false},
	}
	for _, tc := range tests {
		err := qms.CheckAssignee("owner", "nguoi.duoc.giao", "SVHTT", tc.held, qms.ActionOwnerRoles)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorField(err) != "owner") {
			t.Errorf("%s: %v, want accepted %v", tc.name, err, tc.ok)
		}
	}
	if err := qms.CheckAssignee("assignee", "danh.gia", "SVHTT", []qms.Role{qms.RoleAuditor}, qms.FeedbackAnswererRoles); err == nil {
		t.Error("feedback given to an auditor, who may not answer it")
	}
}
