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
