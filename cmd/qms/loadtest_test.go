package main

import (
	"encoding/json"
	"errors"
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
	// No client at all is refused, naming the flag.
	b, err = exec.Command(bin, "loadtest", "--clients", "0", "--data", data, "--out", out).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitUsage || !strings.Contains(string(b), "--clients") {
		t.Fatalf("loadtest --clients 0: %v\n%s", err, b)
	}
}

// TestDealSteps: each agency's steps go to its own clients, one dossier's
// steps to one client in order; with fewer clients than agencies (this
// divided by zero) the agencies without a client get none.
func TestDealSteps(t *testing.T) {
	item := func(code string, n byte) stepItem { return stepItem{code: code, body: []byte{n}} }
	perAgency := map[string][]stepItem{
		"A": {item("A-1", 1), item("A-2", 1), item("A-1", 2), item("A-3", 1)},
		"B": {item("B-1", 1), item("B-1", 2)},
		"C": {item("C-1", 1)},
	}
	for _, tc := range []struct {
		name     string
		agencyOf []string
		want     []string // per client: "code/n" of its steps in order
	}{
		{"one client each", []string{"A", "B", "C"}, []string{"A-1/1 A-2/1 A-1/2 A-3/1", "B-1/1 B-1/2", "C-1/1"}},
		{"two clients of A", []string{"A", "A", "B", "C"}, []string{"A-1/1 A-1/2 A-3/1", "A-2/1", "B-1/1 B-1/2", "C-1/1"}},
		{"fewer clients than agencies", []string{"A"}, []string{"A-1/1 A-2/1 A-1/2 A-3/1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dealSteps(perAgency, tc.agencyOf, len(tc.agencyOf))
			for w, steps := range got {
				var names []string
				for _, it := range steps {
					names = append(names, it.code+"/"+string('0'+it.body[0]))
				}
				if s := strings.Join(names, " "); s != tc.want[w] {
					t.Errorf("client %d: %q, want %q", w, s, tc.want[w])
				}
			}
		})
	}
}
