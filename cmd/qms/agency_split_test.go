package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"isodt/qms"
)

// TestAgencySplit1Command: qms agency split checks its flags (exit 2),
// refuses a plan the rules refuse (a procedure without its TTHC), prints
// in a dry run what would move without writing it, then moves the TTHC
// and its procedure into a new agency, the source staying active.
func TestAgencySplit1Command(t *testing.T) {
	c := newCLI(t)
	if code, _, errText := c.run("", "agency", "add", "--code", "A", "--name", "Phòng A"); code != 0 {
		t.Fatal(errText)
	}
	func() {
		db := openCLIStore(t, c)
		defer db.Close()
		sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
		tthc := []qms.TTHC{{Code: "1.000001", Name: "Cấp giấy phép karaoke", Field: "Văn hóa", TimeLimitDays: 5}, {Code: "1.000004", Name: "Công nhận điểm du lịch", Field: "Du lịch", TimeLimitDays: 30}}
		if _, _, err := db.ImportTTHC(sys, "A", tthc); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateProcedure(sys, &qms.Procedure{AgencyCode: "A", Code: "QT-01", Title: "Cấp phép karaoke", TTHCCodes: []string{"1.000001"}}); err != nil {
			t.Fatal(err)
		}
	}()
	qt01Agency := func() string {
		t.Helper()
		db := openCLIStore(t, c)
		defer db.Close()
		ps, err := db.FindProcedures(context.Background(), qms.ProcedureFilter{})
		if err != nil || len(ps) != 1 {
			t.Fatalf("procedures: %v %v", ps, err)
		}
		return ps[0].AgencyCode
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"nothing chosen", []string{"--from", "A", "--into", "VH"}, exitUsage, "", "--tthc"},
		{"new agency without name", []string{"--from", "A", "--into", "VH", "--tthc", "1.000001", "--procedures", "QT-01"}, exitUsage, "", "--name"},
		{"procedure without its tthc", []string{"--from", "A", "--into", "VH", "--name", "Phòng VH", "--procedures", "QT-01"}, exitUsage, "", "1.000001"},
		{"dry run", []string{"--from", "A", "--into", "VH", "--name", "Phòng VH", "--tthc", "1.000001", "--procedures", "QT-01", "--dry-run"}, exitOK, "dry run (nothing written): split A into VH (created)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errText := c.run("", append([]string{"agency", "split"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errText, tc.err) {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errText)
			}
		})
	}
	if got := qt01Agency(); got != "A" {
		t.Fatalf("QT-01 in %s before the real run", got)
	}
	code, out, errText := c.run("", "agency", "split", "--from", "A", "--into", "VH", "--name", "Phòng VH", "--tthc", "1.000001", "--procedures", "QT-01", "--json")
	var rep qms.SplitReport
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.DryRun || !rep.Created || rep.Count("procedures").Moved != 1 || rep.Count("tthc").Stayed != 1 {
		t.Fatalf("split: exit %d\n%s%s", code, out, errText)
	}
	if got := qt01Agency(); got != "VH" {
		t.Fatalf("QT-01 in %s after the split", got)
	}
	// The source stays active: it still takes new agencies' work.
	if code, _, errText := c.run("", "agency", "add", "--code", "A1", "--name", "Tổ A1", "--parent", "A"); code != exitOK {
		t.Fatalf("the source is not active: %s", errText)
	}
}
