package main

import (
	"context"
	"database/sql"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"isodt/qms"
	"isodt/qms/sqlite"
)

// dropAuditGuards drops migration 0017's append-only triggers, as whoever
// has the database file can.
//
// It returns what puts them back as they were: the store writes a
// missing trigger again at its next open, on the record, so whoever
// tampers and means to leave no trace puts them back first.
func dropAuditGuards(t *testing.T, raw *sql.DB) (putBack func()) {
	t.Helper()
	var texts []string
	for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_head_forward", "audit_head_no_delete"} {
		var text string
		if err := raw.QueryRow(`SELECT sql FROM sqlite_master WHERE name = ?`, trg).Scan(&text); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, text)
		if _, err := raw.Exec(`DROP TRIGGER ` + trg); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		for _, text := range texts {
			if _, err := raw.Exec(text); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestTrust11CheckpointCommand: `qms audit checkpoint` creates the key
// (0600, public key beside it) on first use and appends one signed head
// per run; `qms audit verify --checkpoints --pubkey` exits 0 on the
// intact trail, 1 once the newest entries are removed and the head moved
// back, 1 on a forged signature, 2 for a checkpoint file that is not there.
func TestTrust11CheckpointCommand(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir() // the key and the checkpoints live outside the database's folder
	key, cps := filepath.Join(dir, "keys", "qms.key"), filepath.Join(dir, "qms.checkpoints")
	for _, code := range []string{"A1", "A2", "A3"} {
		if exit, _, e := c.run("", "agency", "add", "--code", code, "--name", code); exit != 0 {
			t.Fatal(e)
		}
	}
	if code, out, e := c.run("", "audit", "checkpoint", "--checkpoint-key", key, "--checkpoints", cps); code != 0 || !strings.Contains(out, "ok checkpoint entry") {
		t.Fatalf("checkpoint: exit %d %q %q", code, out, e)
	}
	st, err := os.Stat(key)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", st, err)
	}
	if _, err := os.Stat(key + ".pub"); err != nil {
		t.Fatal(err)
	}
	c.run("", "agency", "add", "--code", "A4", "--name", "A4")
	if code, out, e := c.run("", "audit", "checkpoint", "--checkpoint-key", key, "--checkpoints", cps); code != 0 || !strings.Contains(out, "1 signed checkpoints found") {
		t.Fatalf("second checkpoint: exit %d %q %q", code, out, e)
	}
	b, _ := os.ReadFile(cps)
	if n := strings.Count(string(b), "\n"); n != 2 {
		t.Fatalf("checkpoint file has %d lines, want 2:\n%s", n, b)
	}
	verify := []string{"audit", "verify", "--checkpoints", cps, "--pubkey", key + ".pub"}
	if code, out, e := c.run("", verify...); code != 0 || !regexp.MustCompile(`^ok \d+ entries\nok 2 signed checkpoints found`).MatchString(out) {
		t.Fatalf("intact: exit %d %q %q", code, out, e)
	}

	// A forged line (signed with another key) fails the verification.
	forged := filepath.Join(dir, "forged.checkpoints")
	other := newCLI(t)
	other.run("", "audit", "checkpoint", "--checkpoint-key", filepath.Join(dir, "other.key"), "--checkpoints", forged)
	fb, _ := os.ReadFile(forged)
	os.WriteFile(forged, append(b, fb...), 0o600)
	if code, _, e := c.run("", "audit", "verify", "--checkpoints", forged, "--pubkey", key+".pub"); code != 1 || !strings.Contains(e, "dòng 3") || !strings.Contains(e, "chữ ký không hợp lệ") {
		t.Fatalf("forged signature: exit %d %q", code, e)
	}
	if code, _, e := c.run("", "audit", "verify", "--checkpoints", filepath.Join(dir, "none"), "--pubkey", key+".pub"); code != 2 {
		t.Fatalf("missing checkpoint file: exit %d %q", code, e)
	}

	// Remove the newest entries and move the head back, consistently.
	raw, _ := sql.Open("sqlite3", c.db)
	putBack := dropAuditGuards(t, raw)
	for _, q := range []string{
		`DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 2 FROM audit_log)`,
		`UPDATE audit_head SET last_id = (SELECT MAX(id) FROM audit_log), last_hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	putBack()
	raw.Close()
	// The chain alone is consistent; the entries removed created agencies,
	// whose rows the trail vouches for (RowStateVersion 3), so verify
	// without the checkpoints names them as added outside the application.
	if code, out, e := c.run("", "audit", "verify"); code != 1 || !strings.Contains(out, "row added outside the application: agencies") {
		t.Fatalf("the chain alone, the agencies the removed entries created: exit %d %q %q", code, out, e)
	}
	code, out, e := c.run("", verify...)
	if code != 1 || !strings.Contains(out, "entries were removed") || !strings.Contains(e, "nhật ký hệ thống đã bị sửa hoặc xóa") {
		t.Fatalf("after removing the newest entries: exit %d %q %q", code, out, e)
	}
	// Nothing is signed over a trail that fails.
	if code, _, _ := c.run("", "audit", "checkpoint", "--checkpoint-key", key, "--checkpoints", cps); code != 1 {
		t.Fatalf("checkpoint of a tampered trail: exit %d", code)
	}
	if b2, _ := os.ReadFile(cps); len(b2) != len(b) {
		t.Fatal("a checkpoint was signed over a tampered trail")
	}
}

// TestTrust11CheckpointDefaults: without flags, the key and checkpoint
// file sit beside the database as separate files, and a plain `qms audit
// verify` checks them; a key others may read is refused.
func TestTrust11CheckpointDefaults(t *testing.T) {
	c := newCLI(t)
	if code, _, e := c.run("", "audit", "checkpoint"); code != 0 {
		t.Fatal(e)
	}
	base := strings.TrimSuffix(c.db, ".db")
	for _, f := range []string{base + ".checkpoint.key", base + ".checkpoint.key.pub", base + ".checkpoints"} {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, _ := c.run("", "audit", "verify"); code != 0 || !strings.Contains(out, "ok 1 signed checkpoints found") {
		t.Fatalf("plain verify: exit %d %q", code, out)
	}
	// The newest entry removed and the head moved back: the chain alone
	// verifies, the checkpoint found by default does not.
	raw, _ := sql.Open("sqlite3", c.db)
	putBack := dropAuditGuards(t, raw)
	for _, q := range []string{
		`DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`,
		`UPDATE audit_head SET last_id = (SELECT MAX(id) FROM audit_log), last_hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	putBack()
	raw.Close()
	if code, out, _ := c.run("", "audit", "verify"); code != 1 || !strings.Contains(out, "entries were removed") {
		t.Fatalf("tampered trail, default checkpoints: exit %d %q", code, out)
	}
	os.Chmod(base+".checkpoint.key", 0o644)
	if code, _, e := c.run("", "audit", "checkpoint"); code != 2 || !strings.Contains(e, "0600") {
		t.Fatalf("world-readable key: exit %d %q", code, e)
	}
}

// TestTrust11VerifyNamesRows: a role granted and a password hash replaced
// directly in the database file make `qms audit verify` exit 1 naming
// each row.
func TestTrust11VerifyNamesRows(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "A1", "--name", "A1")
	if code, _, e := c.run("ngua-o-123\n", "user", "add", "--username", "lan", "--agency", "A1", "--role", "staff"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := c.run("", "audit", "verify"); code != 0 {
		t.Fatal(e)
	}
	raw, _ := sql.Open("sqlite3", c.db)
	for _, q := range []string{
		`INSERT INTO memberships (user_id, agency_code, role) SELECT id, 'SYS', 'admin' FROM users WHERE username = 'lan'`,
		`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'lan') WHERE username = 'admin'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out, e := c.run("", "audit", "verify")
	if code != 1 || !strings.Contains(out, `row added outside the application: memberships [2,"SYS","admin"] (vai trò admin tại SYS của lan)`) ||
		!strings.Contains(out, "row altered outside the application: users [1] (người dùng admin)") || !strings.Contains(e, "2 dòng dữ liệu phân quyền") {
		t.Fatalf("exit %d\n%s\n%s", code, out, e)
	}
}

// TestTrust11AuditVerifyJobSigns: the nightly audit-verify job of the
// server signs the verified head into the checkpoint file; over a trail
// with a row written outside the application it fails and signs nothing.
func TestTrust11AuditVerifyJobSigns(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "A1", "--name", "A1")
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := t.TempDir()
	key, cps := filepath.Join(dir, "qms.key"), filepath.Join(dir, "qms.checkpoints")
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	jf := addJobFlags(fs)
	fs.Parse([]string{"--checkpoint-key", key, "--checkpoints", cps})
	sched, err := jf.scheduler(db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	run, err := sched.RunNow(context.Background(), "audit-verify")
	if err != nil || run.Outcome != qms.RunOK || run.Counts["signed_entry"] == 0 {
		t.Fatalf("audit-verify job: %+v %v", run, err)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key: %v %v", st, err)
	}
	b, _ := os.ReadFile(cps)
	if strings.Count(string(b), "\n") != 1 {
		t.Fatalf("checkpoint file after one run:\n%s", b)
	}
	raw, _ := sql.Open("sqlite3", c.db)
	if _, err := raw.Exec(`INSERT INTO memberships (user_id, agency_code, role) VALUES (1, 'A1', 'admin')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if run, _ = sched.RunNow(context.Background(), "audit-verify"); run.Outcome != qms.RunFailed || !strings.Contains(run.Error, "memberships") {
		t.Fatalf("job over a tampered trail: %+v", run)
	}
	if b2, _ := os.ReadFile(cps); len(b2) != len(b) {
		t.Fatal("the job signed a tampered trail")
	}
}
