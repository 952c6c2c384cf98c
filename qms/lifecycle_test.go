package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
)

func TestLifecycle(t *testing.T) {
	author := qms.Actor{UserID: 1, Username: "soan"}
	leader := qms.Actor{UserID: 2, Username: "lanhdao"}
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC) // 01:00 on 03/03 in Hà Nội
	tests := []struct {
		name   string
		from   qms.DocStatus
		action string
		actor  qms.Actor
		reason string
		want   qms.DocStatus
		code   string
	}{
		{"submit draft", qms.StatusDraft, qms.ActionSubmit, author, "", qms.StatusSubmitted, ""},
		{"submit twice", qms.StatusSubmitted, qms.ActionSubmit, author, "", qms.StatusSubmitted, qms.EINVALID},
		{"approve", qms.StatusSubmitted, qms.ActionApprove, leader, "", qms.StatusEffective, ""},
		{"self approval refused", qms.StatusSubmitted, qms.ActionApprove, author, "", qms.StatusSubmitted, qms.EFORBIDDEN},
		{"approve draft refused", qms.StatusDraft, qms.ActionApprove, leader, "", qms.StatusDraft, qms.EINVALID},
		{"reject needs reason", qms.StatusSubmitted, qms.ActionReject, leader, " ", qms.StatusSubmitted, qms.EINVALID},
		{"reject back to draft", qms.StatusSubmitted, qms.ActionReject, leader, "Thiếu bước thẩm định", qms.StatusDraft, ""},
		{"withdraw effective", qms.StatusEffective, qms.ActionWithdraw, leader, "Bãi bỏ thủ tục", qms.StatusWithdrawn, ""},
		{"withdraw needs reason", qms.StatusEffective, qms.ActionWithdraw, leader, "", qms.StatusEffective, qms.EINVALID},
		{"no reopening withdrawn", qms.StatusWithdrawn, qms.ActionSubmit, author, "", qms.StatusWithdrawn, qms.EINVALID},
		{"supersede effective", qms.StatusEffective, qms.ActionSupersede, leader, "", qms.StatusSuperseded, ""},
		{"superseded stays", qms.StatusSuperseded, qms.ActionWithdraw, leader, "x", qms.StatusSuperseded, qms.EINVALID},
		{"unknown action", qms.StatusDraft, "publish", leader, "", qms.StatusDraft, qms.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &qms.Approval{Status: tt.from, AuthorID: author.UserID, Author: author.Username}
			err := a.Transition(tt.action, tt.actor, now, tt.reason)
			if qms.ErrorCode(err) != tt.code || a.Status != tt.want {
				t.Fatalf("status %s err %v; want %s %q", a.Status, err, tt.want, tt.code)
			}
		})
	}
	// Whoever edited or submitted the version may not approve it, only send it back.
	editor := qms.Actor{UserID: 3, Username: "sua"}
	edited := func() *qms.Approval {
		return &qms.Approval{Status: qms.StatusSubmitted, AuthorID: 1, Contributors: []qms.Contributor{{UserID: 3, Username: "sua", Act: qms.ContributedEdit}}}
	}
	if err := edited().Transition(qms.ActionApprove, editor, now, ""); qms.ErrorCode(err) != qms.EFORBIDDEN {
		t.Fatalf("approval by the editor: %v", err)
	}
	if err := edited().Transition(qms.ActionReject, editor, now, "Còn thiếu bước"); err != nil {
		t.Fatalf("rejection by the editor: %v", err)
	}
	a := &qms.Approval{Status: qms.StatusSubmitted, AuthorID: 1}
	if err := a.Transition(qms.ActionApprove, leader, now, ""); err != nil {
		t.Fatal(err)
	}
	if got := a.EffectiveOn.Format("2006-01-02"); got != "2026-03-03" || a.Approver != "lanhdao" {
		t.Fatalf("effective on %s (want the Hà Nội date 2026-03-03), approver %q", got, a.Approver)
	}
}
