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
