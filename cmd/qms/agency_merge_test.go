package main

import (
	"context"
	"strings"
	"testing"
)

// TestAgencyMerge1Command: qms agency merge checks its flags (exit 2),
// prints in a dry run what would move without writing it, merges into a
// new agency created with --name, and refuses to merge a merged agency
// again or to write to it.
func TestAgencyMerge1Command(t *testing.T) {
	c := newCLI(t)
	for _, a := range []string{"A", "B"} {
		if code, _, errText := c.run("", "agency", "add", "--code", a, "--name", "Phòng "+a); code != 0 {
			t.Fatal(errText)
		}
		if code, _, errText := c.run("ngua-o-123\n", "user", "add", "--username", "nv-"+strings.ToLower(a), "--agency", a, "--role", "staff"); code != 0 {
			t.Fatal(errText)
		}
	}
	merged := func() string {
		t.Helper()
		db := openCLIStore(t, c)
		defer db.Close()
		a, err := db.FindAgencyByCode(context.Background(), "A")
		if err != nil {
			t.Fatal(err)
		}
		return a.MergedInto
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"no --from", []string{"--into", "N"}, exitUsage, "", "cần --into và --from"},
		{"new agency without name", []string{"--into", "N", "--from", "A,B"}, exitUsage, "", "--name"},
		{"unknown predecessor", []string{"--into", "N", "--name", "Phòng mới", "--from", "A,X"}, exitUsage, "", `"X"`},
		{"dry run", []string{"--into", "N", "--name", "Phòng mới", "--from", "A,B", "--dry-run"}, exitOK, "dry run", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errText := c.run("", append([]string{"agency", "merge"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errText, tc.err) {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errText)
			}
		})
	}
	if m := merged(); m != "" {
		t.Fatalf("merged into %q before the real run", m)
	}
	code, out, errText := c.run("", "agency", "merge", "--into", "N", "--name", "Phòng mới", "--from", "A,B")
	if code != exitOK || !strings.Contains(out, "merged A,B into N (created)") || !strings.Contains(out, "nv-a, nv-b") || !strings.Contains(out, "memberships") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errText)
	}
	if m := merged(); m != "N" {
		t.Fatalf("A merged into %q", m)
	}
	code, _, errText = c.run("", "agency", "merge", "--into", "N", "--from", "A")
	if code != exitUsage || !strings.Contains(errText, "đã sáp nhập") {
		t.Fatalf("second merge: exit %d %s", code, errText)
	}
	code, _, errText = c.run("ngua-o-123\n", "user", "add", "--username", "nv-moi", "--agency", "A", "--role", "staff")
	if code != exitFailure || !strings.Contains(errText, `"N"`) {
		t.Fatalf("user added to a merged agency: exit %d %s", code, errText)
	}
}

// TestAgencyMerge1MoveParent: qms agency move --parent re-parents an
// agency, refuses a cycle (exit 2) and a merged agency, moved or as the
// new parent (exit 1).
func TestAgencyMerge1MoveParent(t *testing.T) {
	c := newCLI(t)
	for _, a := range [][]string{{"A", ""}, {"B", "A"}, {"C", ""}, {"D", ""}} {
		if code, _, errText := c.run("", "agency", "add", "--code", a[0], "--name", "Phòng "+a[0], "--parent", a[1]); code != 0 {
			t.Fatal(errText)
		}
	}
	if code, _, errText := c.run("", "agency", "merge", "--into", "C", "--from", "D"); code != 0 {
		t.Fatal(errText)
	}
	for _, tc := range []struct {
		name, agency, parent string
		code                 int
		out                  string
	}{
		{"under another", "B", "C", exitOK, `ok agency B now under "C"`},
		{"top level", "B", "", exitOK, `now under ""`},
		{"A under B", "A", "B", exitOK, ""},
		{"cycle", "B", "A", exitUsage, ""},
		{"merged agency", "D", "A", exitFailure, ""},
		{"under a merged agency", "A", "D", exitFailure, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errText := c.run("", "agency", "move", "--code", tc.agency, "--parent", tc.parent)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errText)
			}
		})
	}
	if code, _, _ := c.run("", "agency", "move", "--code", "A"); code != exitUsage {
		t.Fatalf("move without --parent: exit %d", code)
	}
}
