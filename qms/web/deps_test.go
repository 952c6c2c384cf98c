package web_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOneSource6bWebWithoutCron: the web layer shows jobs through
// qms.JobInfo and its own JobScheduler interface; the scheduler and its cron
// library are wired in cmd/qms only, so neither is among its dependencies.
func TestOneSource6bWebWithoutCron(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "sqlite_fts5", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "isodt/qms/jobs" || strings.HasPrefix(p, "github.com/robfig/cron") {
			t.Errorf("qms/web depends on %s", p)
		}
	}
}
