package qms_test

import (
	"testing"

	"isodt/qms"
	"isodt/qms/flowchart"
)

// TestTrust8StepActorRule: who completes a step, by the step's
// responsible text, the roles held in the agency and a delegation.
func TestTrust8StepActorRule(t *testing.T) {
	step := func(responsible string) flowchart.Step {
		return flowchart.Step{ID: "x", Name: "Bước", Kind: flowchart.KindTask, Responsible: responsible}
	}
	staff, leader, officer := []qms.Role{qms.RoleStaff}, []qms.Role{qms.RoleLeader}, []qms.Role{qms.RoleQualityOfficer}
	delegated := func(by, reason string) qms.CompleteStep {
		return qms.CompleteStep{StepID: "x", DelegatedBy: by, DelegationReason: reason}
	}
	for _, tt := range []struct {
		name        string
		responsible string
		actor       []qms.Role
		in          qms.CompleteStep
		delegator   []qms.Role
		code, field string // "" for allowed
	}{
		{"the leader signs", "Lãnh đạo Sở", leader, qms.CompleteStep{}, nil, "", ""},
		{"the staff does not sign", "Lãnh đạo Sở", staff, qms.CompleteStep{}, nil, qms.EFORBIDDEN, "step_id"},
		{"Giám đốc is the leader", "Giám đốc", staff, qms.CompleteStep{}, nil, qms.EFORBIDDEN, "step_id"},
		{"free text is the staff's", "Bộ phận một cửa", staff, qms.CompleteStep{}, nil, "", ""},
		{"the leader does not do the staff's", "Chuyên viên phòng Văn hóa", leader, qms.CompleteStep{}, nil, qms.EFORBIDDEN, "step_id"},
		{"a role code", "quality_officer", officer, qms.CompleteStep{}, nil, "", ""},
		{"the ISO officer's", "Thư ký ISO", staff, qms.CompleteStep{}, nil, qms.EFORBIDDEN, "step_id"},
		{"no role in the agency", "Chuyên viên", nil, qms.CompleteStep{}, nil, qms.EFORBIDDEN, "step_id"},
		{"no role in the agency, delegated", "Chuyên viên", nil, delegated("lan", "Nghỉ phép"), staff, qms.EFORBIDDEN, "step_id"},
		{"delegated by the leader", "Lãnh đạo Sở", staff, delegated("giam.doc", "Đi công tác"), leader, "", ""},
		{"a leader delegates a staff step", "Chuyên viên", leader, delegated("giam.doc", "Thay chuyên viên nghỉ ốm"), leader, "", ""},
		{"delegated by a holder of the role", "Thư ký ISO", staff, delegated("thu.ky", "Nghỉ phép"), officer, "", ""},
		{"delegated by someone without it", "Lãnh đạo Sở", staff, delegated("thu.ky", "Đi công tác"), officer, qms.EFORBIDDEN, "delegated_by"},
		{"delegated without a reason", "Lãnh đạo Sở", staff, delegated("giam.doc", " "), leader, qms.EINVALID, "delegation_reason"},
		{"delegated to oneself", "Lãnh đạo Sở", staff, delegated("Chuyen.Vien", "Đi công tác"), staff, qms.EINVALID, "delegated_by"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := qms.CheckStepActor(step(tt.responsible), "chuyen.vien", tt.actor, tt.in, tt.delegator)
			if qms.ErrorCode(err) != tt.code || qms.ErrorField(err) != tt.field {
				t.Fatalf("got %v, want %q on %q", err, tt.code, tt.field)
			}
			if err != nil && qms.ErrorMessage(err) == "" {
				t.Fatal("no message")
			}
		})
	}
	if qms.MayCompleteStep(step("Lãnh đạo Sở"), staff) || !qms.MayCompleteStep(step("Lãnh đạo Sở"), []qms.Role{qms.RoleStaff, qms.RoleLeader}) {
		t.Fatal("MayCompleteStep disagrees with the rule")
	}
}

// TestIndependentSigner: the leader's step of a dossier and the steps of
// other roles on it are not completed by one person, in either order.
func TestIndependentSigner(t *testing.T) {
	sign := flowchart.Step{ID: "ky", Name: "Lãnh đạo phê duyệt", Kind: flowchart.KindTask, Responsible: "Lãnh đạo Sở"}
	appraise := flowchart.Step{ID: "td", Name: "Thẩm định", Kind: flowchart.KindTask, Responsible: "Chuyên viên phòng"}
	for _, tt := range []struct {
		name    string
		step    flowchart.Step
		handled []qms.HandledStep
		refused bool
	}{
		{"a leader who did nothing else signs", sign, nil, false},
		{"a leader who signed before signs again (a loop)", sign, []qms.HandledStep{{Name: "Lãnh đạo phê duyệt", Responsible: "Lãnh đạo Sở"}}, false},
		{"the appraiser does not sign", sign, []qms.HandledStep{{Name: "Thẩm định", Responsible: "Chuyên viên phòng"}}, true},
		{"whoever received it does not sign", sign, []qms.HandledStep{{Name: "Tiếp nhận", Responsible: "Bộ phận một cửa"}}, true},
		{"the ISO officer's step counts too", sign, []qms.HandledStep{{Name: "Kiểm tra", Responsible: "quality_officer"}}, true},
		{"who signed does not appraise (a parallel branch)", appraise, []qms.HandledStep{{Name: "Lãnh đạo phê duyệt", Responsible: "Lãnh đạo Sở"}}, true},
		{"who received it appraises", appraise, []qms.HandledStep{{Name: "Tiếp nhận", Responsible: "Bộ phận một cửa"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := qms.CheckIndependentSigner(tt.step, "lan", tt.handled)
			if (err != nil) != tt.refused {
				t.Fatalf("got %v, refused %v wanted", err, tt.refused)
			}
			if err != nil && (qms.ErrorCode(err) != qms.EFORBIDDEN || qms.ErrorField(err) != "step_id") {
				t.Fatalf("got %v", err)
			}
		})
	}
}
