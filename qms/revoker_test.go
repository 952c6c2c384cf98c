package qms_test

import (
	"testing"

	"isodt/qms"
)

// TestCheckRevoker: a delegation is withdrawn by the one who gave it
// (whatever their roles now) or by a leader of the agency; its delegate
// and anyone else are refused.
func TestCheckRevoker(t *testing.T) {
	del := qms.StepDelegation{From: "giam.doc", To: "chuyen.vien"}
	tests := []struct {
		name  string
		user  string
		roles []qms.Role
		ok    bool
	}{
		{"the delegator", "giam.doc", nil, true},
		{"the delegator, another case", "Giam.Doc", []qms.Role{qms.RoleStaff}, true},
		{"another leader", "pho.giam.doc", []qms.Role{qms.RoleLeader}, true},
		{"the delegate", "chuyen.vien", []qms.Role{qms.RoleStaff}, false},
		{"a quality officer", "thu.ky", []qms.Role{qms.RoleQualityOfficer, qms.RoleStaff}, false},
	}
	for _, tc := range tests {
		err := qms.CheckRevoker(del, tc.user, tc.roles)
		if (err == nil) != tc.ok || (err != nil && qms.ErrorCode(err) != qms.EFORBIDDEN) {
			t.Errorf("%s: %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
}
