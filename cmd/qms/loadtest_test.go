package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"isodt/qms/loadtest"
)

// The load test harness end to end, short: a demo data set, a child
// server, every scenario run with zero errors, results written, and the
// data set itself left untouched.
func TestLoadtestShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	bin := buildQMS(t)
	dir := t.TempDir()
	data, out := filepath.Join(dir, "small.db"), filepath.Join(dir, "results.json")
	if b, err := exec.Command(bin, "demo", "--scale", "small", "--db", data).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, b)
	}
	before, _ := os.Stat(data)
	cmd := exec.Command(bin, "loadtest", "--short", "--clients", "8", "--data", data, "--out", out)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("loadtest: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "audit verify after load: ok") {
		t.Fatalf("no audit verification in:\n%s", b)
	}
	var res struct {
		Results []loadtest.Result
		AuditOK bool `json:"audit_verified"`
	}
	raw, err := os.ReadFile(out)
	if err != nil || json.Unmarshal(raw, &res) != nil {
		t.Fatalf("results: %v\n%s", err, raw)
	}
	if len(res.Results) != 10 || !res.AuditOK {
		t.Fatalf("%d scenarios, audit %v", len(res.Results), res.AuditOK)
	}
	for _, r := range res.Results {
		if r.Requests == 0 || r.Errors != 0 || r.PeakRSSMB <= 0 {
			t.Errorf("%s: %d requests, %d errors (%s), RSS %.1f MB", r.Scenario, r.Requests, r.Errors, r.FirstError, r.PeakRSSMB)
		}
	}
	if after, _ := os.Stat(data); !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Fatal("the load test modified its data set")
	}
}
