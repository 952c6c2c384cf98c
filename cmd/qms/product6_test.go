package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProduct6ReadOnlyCommandsNeedTheDatabase: a command that only reads
// (or changes what must be there: unlocking, revoking) run on a path with no database fails with exit 2 and a message naming
// the path and --db, and creates no file, folder or admin account.
func TestProduct6ReadOnlyCommandsNeedTheDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"jobs", "list"},
		{"calendar", "holidays", "--year", "2026"},
		{"calendar", "due", "--start", "2026-02-13T10:00", "--days", "1"},
		{"report", "ontime", "--agency", "SVHTT", "--from", "2026-04-01", "--to", "2026-06-30", "--json"},
		{"procedures", "status", "--agency", "SVHTT", "--json"},
		{"audit", "verify"},
		{"token", "list"},
		{"user", "unlock", "--addr", "203.0.113.5"},
		{"user", "unlock", "--username", "lan"},
		{"token", "revoke", "--id", "7"},
	} {
		name := strings.Join(args, " ")
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			for _, path := range []string{filepath.Join(root, "qms.db"), filepath.Join(root, "data", "qms.db")} {
				c := &cli{t: t, db: path}
				code, out, errText := c.run("", args...)
				if code != 2 || !strings.Contains(errText, "Không tìm thấy cơ sở dữ liệu "+path) || !strings.Contains(errText, "--db") {
					t.Fatalf("%s on %s: exit %d\nstdout: %s\nstderr: %s", name, path, code, out, errText)
				}
				if strings.Contains(errText, "Mật khẩu") {
					t.Fatalf("%s created an admin account: %s", name, errText)
				}
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Fatalf("%s left %d entries in the folder, first %s", name, len(entries), entries[0].Name())
			}
		})
	}
	// On an existing database the same commands read it.
	c := newCLI(t)
	if code, _, e := c.run("", "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, e)
	}
	if code, out, e := c.run("", "calendar", "due", "--start", "2026-02-13T10:00", "--days", "1"); code != 0 || strings.TrimSpace(out) != "2026-02-23T10:00:00+07:00" {
		t.Fatalf("calendar due on an existing database: %d %s %s", code, out, e)
	}
}
