package qms_test

import (
	"testing"
	"time"

	"isodt/qms"
)

func TestNonconformityGates(t *testing.T) {
	now := time.Now()
	n := &qms.Nonconformity{Status: qms.NCOpen, Description: "Hồ sơ trễ hạn"}
	if err := n.Start(); qms.ErrorField(err) != "root_cause" {
		t.Fatalf("start without root cause: %v", err)
	}
	n.RootCause = "Thiếu người thẩm định"
	if err := n.Start(); qms.ErrorField(err) != "actions" {
		t.Fatalf("start without a plan: %v", err)
	}
	n.Actions = []qms.CorrectiveAction{{Description: "Bổ sung nhân sự", Owner: "lan", DueOn: now}}
	if err := n.Close(now); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("closing an open NC: %v", err)
	}
	if err := n.Start(); err != nil || n.Status != qms.NCInProgress {
		t.Fatalf("start: %v", err)
	}
	if err := n.Start(); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("restart: %v", err)
	}
	if err := n.Verify(qms.VerdictEffective, "kiem.tra", now); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("verify with an open action: %v", err)
	}
	n.Actions[0].DoneAt = &now
	if err := n.Close(now); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("close without a verdict: %v", err)
	}
	// Whoever carried an action out does not judge it, in any spelling.
	if err := n.Verify(qms.VerdictEffective, "Lan", now); qms.ErrorCode(err) != qms.EFORBIDDEN || n.Verdict != "" {
		t.Fatalf("the action's owner verifies it: %v", err)
	}
	n.Verify(qms.VerdictNotEffective, "kiem.tra", now)
	if err := n.Close(now); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("close with a not-effective verdict: %v", err)
	}
	if err := n.Verify(qms.VerdictEffective, "kiem.tra", now); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(now); err != nil || n.Status != qms.NCClosed {
		t.Fatalf("close: %v", err)
	}
	if err := n.Start(); qms.ErrorCode(err) != qms.EINVALID {
		t.Fatalf("reopen: %v", err)
	}
}

// A corrective action is not due before its nonconformity was recorded
// (the Vietnam date of its creation); that day itself and later are fine.
func TestNonconformityActionDueFromOpening(t *testing.T) {
	// 23:30 on 04/03/2026 in Hà Nội is still 04/03 there, 16:30 UTC.
	opened := time.Date(2026, 3, 4, 16, 30, 0, 0, time.UTC)
	n := &qms.Nonconformity{Code: "NC-A-2026-001", CreatedAt: opened}
	for _, c := range []struct {
		due  time.Time
		okay bool
	}{
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), true},
	} {
		err := n.CheckActionDue(qms.CorrectiveAction{Description: "Tập huấn", Owner: "lan", DueOn: c.due})
		if (err == nil) != c.okay || (err != nil && qms.ErrorField(err) != "due_on") {
			t.Errorf("due %s: %v", c.due.Format("02/01/2006"), err)
		}
	}
}
