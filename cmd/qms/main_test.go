package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"isodt/qms"
	"isodt/qms/mail/mailtest"
	"isodt/qms/qmstest"
	"isodt/qms/sqlite"
)

// cli runs qms in process against one database file.
type cli struct {
	t  *testing.T
	db string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, db: filepath.Join(t.TempDir(), "qms.db")}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	args = append(args[:len(args):len(args)], "--db", c.db)
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		out     string // substring of stdout
		errText string // substring of stderr
	}{
		{"migrate", "", []string{"migrate"}, 0, "migrations applied: migration/0001_foundation.sql", ""},
		{"agency add", "", []string{"agency", "add", "--code", "sttt", "--name", "Sở Thông tin và Truyền thông"}, 0, "ok agency STTT", ""},
		{"agency child", "", []string{"agency", "add", "--code", "P1", "--name", "Phòng 1", "--parent", "STTT"}, 0, "ok agency P1", ""},
		{"agency duplicate", "", []string{"agency", "add", "--code", "STTT", "--name", "x"}, 2, "", "đã tồn tại"},
		{"agency unknown parent", "", []string{"agency", "add", "--code", "X1", "--name", "x", "--parent", "NOPE"}, 2, "", "không tồn tại"},
		{"agency missing name", "", []string{"agency", "add", "--code", "X2"}, 2, "", "--name"},
		{"agency bad flag", "", []string{"agency", "add", "--cod", "X2"}, 2, "", "flag provided but not defined"},
		{"user add", "ngua-o-123\n", []string{"user", "add", "--username", "lan", "--agency", "STTT", "--role", "staff"}, 0, "ok user lan", ""},
		{"user unknown role", "ngua-o-123\n", []string{"user", "add", "--username", "minh", "--agency", "STTT", "--role", "boss"}, 2, "", "Vai trò \"boss\" không tồn tại"},
		{"user unknown agency", "ngua-o-123\n", []string{"user", "add", "--username", "minh", "--agency", "NOPE", "--role", "staff"}, 2, "", "Đơn vị \"NOPE\" không tồn tại"},
		{"user no password", "", []string{"user", "add", "--username", "minh", "--agency", "STTT", "--role", "staff"}, 2, "", "Chưa nhập mật khẩu"},
		{"user short password", "ngan\n", []string{"user", "add", "--username", "minh", "--agency", "STTT", "--role", "staff"}, 2, "", "ít nhất 8"},
		{"user duplicate", "ngua-o-123\n", []string{"user", "add", "--username", "LAN", "--agency", "STTT", "--role", "leader"}, 2, "", "đã được dùng"},
		{"token create", "", []string{"token", "create", "--username", "lan"}, 0, "qms_", ""},
		{"token unknown user", "", []string{"token", "create", "--username", "ghost"}, 2, "", "Không tìm thấy người dùng"},
		{"unknown command", "", []string{"frobnicate"}, 2, "", "lệnh không tồn tại"},
		{"audit verify", "", []string{"audit", "verify"}, 0, "ok ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errText := c.run(tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errText, tt.errText) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errText)
			}
			if strings.Contains(errText, "goroutine ") || strings.Contains(errText, "panic") {
				t.Fatalf("stack trace on stderr: %s", errText)
			}
		})
	}
	// A refused user add wrote nothing.
	raw, err := sql.Open("sqlite3", c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	raw.QueryRow(`SELECT COUNT(*) FROM users WHERE username = 'minh'`).Scan(&n)
	if n != 0 {
		t.Fatal("a refused user add left a user")
	}
}

func TestFirstStartPrintsAdminPasswordOnce(t *testing.T) {
	c := newCLI(t)
	_, _, out := c.run("", "migrate")
	if !regexp.MustCompile(`Mật khẩu:\s+\S{12,}`).MatchString(out) {
		t.Fatalf("first start did not print the admin password:\n%s", out)
	}
	_, _, out = c.run("", "migrate")
	if strings.Contains(out, "Mật khẩu") {
		t.Fatal("password printed again on the second start")
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	for _, tamper := range []string{
		`UPDATE audit_log SET after_json = '{"code":"HACKED"}' WHERE id = 3`,
		`DELETE FROM audit_log WHERE id = 3`,
	} {
		c := newCLI(t)
		for _, code := range []string{"A1", "A2", "A3"} {
			if exit, _, e := c.run("", "agency", "add", "--code", code, "--name", code); exit != 0 {
				t.Fatal(e)
			}
		}
		code, out, _ := c.run("", "audit", "verify")
		if code != 0 || !regexp.MustCompile(`^ok \d+ entries\n$`).MatchString(out) {
			t.Fatalf("intact: exit %d %q", code, out)
		}
		raw, _ := sql.Open("sqlite3", c.db)
		dropAuditGuards(t, raw)
		if _, err := raw.Exec(tamper); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, out, _ = c.run("", "audit", "verify")
		if code != 1 || !strings.Contains(out, "broken at entry 3") {
			t.Fatalf("after %q: exit %d %q", tamper, code, out)
		}
	}
}

func TestBackupCommand(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "A1", "--name", "A1")
	dest := filepath.Join(t.TempDir(), "backup.db")
	code, out, e := c.run("", "backup", dest)
	if code != 0 || !strings.Contains(out, "ok backup written") {
		t.Fatalf("backup: %d %s %s", code, out, e)
	}
	copyCLI := &cli{t: t, db: dest}
	if code, out, _ := copyCLI.run("", "audit", "verify"); code != 0 {
		t.Fatalf("verify backup: %d %s", code, out)
	}
	if code, _, e := c.run("", "backup", dest); code != 2 || !strings.Contains(e, "đã tồn tại") {
		t.Fatalf("backup over an existing file: %d %s", code, e)
	}
}

// TestServeShutsDownGracefully starts `qms serve` on a free port, waits
// until it answers and cancels it as SIGTERM would.
func TestServeShutsDownGracefully(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &qmstest.Buffer{}
	db := filepath.Join(t.TempDir(), "d", "qms.db")
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, strings.NewReader(""), out, io.Discard)
	}()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
	var addr string
	for i := 0; i < 100 && addr == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start:\n%s", out.String())
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestImportAndStatusCommands(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "SVHTT", "--name", "Sở Văn hóa")
	sample := "../../qms/importer/testdata/tthc-sample.csv"
	code, out, errText := c.run("", "import", "procedures", "--agency", "SVHTT", sample)
	if code != 0 || !strings.Contains(out, "ok 8 rows: 8 created") || !strings.Contains(errText, "100%") {
		t.Fatalf("import: %d %s %s", code, out, errText)
	}
	if code, out, _ = c.run("", "import", "procedures", "--agency", "SVHTT", sample); code != 0 || !strings.Contains(out, "0 created, 0 updated, 8 unchanged") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("code,name,field,time_limit_days\n1.000100,Mới,Văn hóa,5\n1.000101,Sai,Văn hóa,năm\n,Không mã,Văn hóa,3\n"), 0o644)
	code, _, errText = c.run("", "import", "procedures", "--agency", "SVHTT", bad)
	if code != 2 || !strings.Contains(errText, "row 3: time_limit_days:") || !strings.Contains(errText, "row 4: code:") {
		t.Fatalf("bad import: %d %s", code, errText)
	}
	code, out, _ = c.run("", "procedures", "status", "--agency", "SVHTT", "--json")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil || code != 0 {
		t.Fatalf("status json: %d %v\n%s", code, err, out)
	}
	// The sample has 8 rows, one abolished: only active TTHC are listed.
	if len(rows) != 7 || rows[0]["status"] != "not_controlled" || rows[0]["reason"] != "no_procedure" || rows[0]["code"] == "" || rows[0]["name"] == "" {
		t.Fatalf("status rows: %v", rows)
	}
	for _, r := range rows {
		if r["code"] == "1.000100" {
			t.Fatal("the rejected file's good row was imported")
		}
	}
	if code, _, errText := c.run("", "procedures", "status", "--agency", "NOPE", "--json"); code != 2 || !strings.Contains(errText, "Không tìm thấy đơn vị") {
		t.Fatalf("unknown agency: %d %s", code, errText)
	}
}

func TestCalendarAndReportCommands(t *testing.T) {
	c := newCLI(t)
	// The calendar commands only read: the database must exist.
	c.run("", "migrate")
	code, out, _ := c.run("", "calendar", "due", "--start", "2026-02-13T10:00", "--days", "1")
	if code != 0 || strings.TrimSpace(out) != "2026-02-23T10:00:00+07:00" {
		t.Fatalf("due across Tết: %d %q", code, out)
	}
	code, out, _ = c.run("", "calendar", "holidays", "--year", "2026", "--json")
	var hs []struct{ Date, Name string }
	if err := json.Unmarshal([]byte(out), &hs); err != nil || code != 0 {
		t.Fatalf("holidays: %v %s", err, out)
	}
	want := map[string]bool{"2026-02-17": false, "2026-04-26": false}
	for _, h := range hs {
		if _, ok := want[h.Date]; ok {
			want[h.Date] = true
		}
	}
	if !want["2026-02-17"] || !want["2026-04-26"] {
		t.Fatalf("Tết 17/02 or Hùng Kings 26/04 missing: %v", hs)
	}
	if code, _, e := c.run("", "calendar", "due", "--start", "hôm qua", "--days", "1"); code != 2 || !strings.Contains(e, "không hợp lệ") {
		t.Fatalf("bad start: %d %s", code, e)
	}
	c.run("", "agency", "add", "--code", "SVHTT", "--name", "Sở VHTT")
	c.run("", "import", "procedures", "--agency", "SVHTT", "../../qms/importer/testdata/tthc-sample.csv")
	hist := filepath.Join(t.TempDir(), "hist.csv")
	os.WriteFile(hist, []byte("code,tthc_code,received_at,due_at,completed_at,status\n"+
		"SVHTT-H1,1.000001,2026-04-01T08:00,2026-04-08T08:00,2026-04-07T10:00,completed\n"+
		"SVHTT-H2,1.000001,2026-04-01T08:00,2026-04-08T08:00,2026-04-08T16:00,completed\n"+
		"SVHTT-H3,1.000001,2026-04-01T08:00,2026-04-08T08:00,2026-04-10T09:00,completed\n"), 0o644)
	if code, out, e := c.run("", "import", "dossiers", "--agency", "SVHTT", hist); code != 0 || !strings.Contains(out, "ok 3 dossiers") {
		t.Fatalf("import dossiers: %d %s %s", code, out, e)
	}
	code, out, _ = c.run("", "report", "ontime", "--agency", "SVHTT", "--from", "2026-04-01", "--to", "2026-06-30", "--json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("report: %v %s", err, out)
	}
	for k, v := range map[string]any{"received": 3.0, "completed": 3.0, "early": 1.0, "on_time": 1.0, "late": 1.0, "in_progress": 0.0, "timely_rate": 66.67, "measured_at": "2026-06-30T17:00:00Z"} {
		if r[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, r[k], v, out)
		}
	}
	if code, _, e := c.run("", "import", "dossiers", "--agency", "SVHTT", hist); code != 2 || !strings.Contains(e, "đã tồn tại") {
		t.Fatalf("re-import duplicate codes: %d %s", code, e)
	}
}

func TestCheckRunAndJobsList(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "SVHTT", "--name", "Sở VHTT")
	c.run("", "import", "procedures", "--agency", "SVHTT", "../../qms/importer/testdata/tthc-sample.csv")
	code, out, e := c.run("", "check", "run", "--agency", "SVHTT", "--json")
	var findings []map[string]any
	if err := json.Unmarshal([]byte(out), &findings); err != nil || code != 0 {
		t.Fatalf("check run: %d %v %s %s", code, err, out, e)
	}
	if len(findings) != 7 {
		t.Fatalf("%d findings, want 7 uncontrolled TTHC", len(findings))
	}
	for _, k := range []string{"rule", "severity", "agency", "object_type", "object_id", "message", "opened_at"} {
		if _, ok := findings[0][k]; !ok {
			t.Fatalf("finding lacks %q: %v", k, findings[0])
		}
	}
	if code, out, _ = c.run("", "check", "run", "--rule", "DOSSIER_OVERDUE", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("no overdue dossiers: %d %s", code, out)
	}
	if code, _, e = c.run("", "check", "run", "--rule", "NOPE"); code != 2 || !strings.Contains(e, "không tồn tại") {
		t.Fatalf("unknown rule: %d %s", code, e)
	}
	code, out, _ = c.run("", "jobs", "list", "--job", "compliance=0 5 * * *")
	for _, want := range []string{"compliance", "0 5 * * *", "deadlines", "@hourly", "backup", "audit-verify", "+07:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("jobs list lacks %q:\n%s", want, out)
		}
	}
	if code, _, e = c.run("", "jobs", "list", "--job", "compliance=61 * * * *"); code != 2 || !strings.Contains(e, "không hợp lệ") {
		t.Fatalf("bad spec: %d %s", code, e)
	}
}

func TestComplianceJobEmailsQualityOfficers(t *testing.T) {
	srv, err := mailtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "SVHTT", "--name", "Sở VHTT")
	c.run("ngua-o-123\n", "user", "add", "--username", "thu.ky", "--agency", "SVHTT", "--role", "quality_officer")
	c.run("", "import", "procedures", "--agency", "SVHTT", "../../qms/importer/testdata/tthc-sample.csv")
	db, err := sqlite.Open(context.Background(), c.db, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := qms.WithActor(context.Background(), qms.SystemActor("test"))
	u, _ := db.FindUserByUsername(sys, "thu.ky")
	email := "thu.ky@so.gov.vn"
	db.UpdateUser(sys, u.ID, qms.UserUpdate{Email: &email})
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	jf := addJobFlags(fs)
	fs.Parse([]string{"--smtp-addr", srv.Addr, "--base-url", "https://iso.example"})
	sched, err := jf.scheduler(db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	run, err := sched.RunNow(context.Background(), "compliance")
	if err != nil || run.Outcome != qms.RunOK || run.Counts["emailed"] != 1 {
		t.Fatalf("compliance job: %+v %v", run, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "To: thu.ky@so.gov.vn") || !strings.Contains(msgs[0], "https://iso.example/compliance") {
		t.Fatalf("mail: %q", msgs)
	}
	// Sent once: the next run has nothing new to send.
	if run, _ = sched.RunNow(context.Background(), "compliance"); run.Counts["emailed"] != 0 {
		t.Fatalf("second run e-mailed again: %+v", run)
	}
}

func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 2,000 dossiers")
	}
	c := newCLI(t)
	code, out, e := c.run("", "demo", "--scale", "small")
	if code != 0 || !strings.Contains(out, "ok demo small") {
		t.Fatalf("demo: %d %s %s", code, out, e)
	}
	if code, _, e = c.run("", "demo", "--scale", "small"); code != 2 || !strings.Contains(e, "đã có dữ liệu") {
		t.Fatalf("demo twice: %d %s", code, e)
	}
	code, out, _ = c.run("", "audit", "verify")
	if code != 0 {
		t.Fatalf("audit verify after demo: %d %s", code, out)
	}
}

// TestImportTTHCCommandNames: "import tthc" is the catalogue import's name
// and "import procedures" its alias; both import, and a file with many bad
// rows prints the first 100 and the count of the rest.
func TestImportTTHCCommandNames(t *testing.T) {
	c := newCLI(t)
	c.run("", "agency", "add", "--code", "SVHTT", "--name", "Sở Văn hóa")
	sample := "../../qms/importer/testdata/tthc-sample.csv"
	tests := []struct {
		name string
		want string
	}{
		{"tthc", "ok 8 rows: 8 created"},
		{"procedures", "ok 8 rows: 0 created, 0 updated, 8 unchanged"},
	}
	for _, tt := range tests {
		if code, out, errText := c.run("", "import", tt.name, "--agency", "SVHTT", sample); code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("import %s: %d %q %s", tt.name, code, out, errText)
		}
	}
	var bad strings.Builder
	bad.WriteString("code,name,field,time_limit_days\n")
	for i := range 150 {
		fmt.Fprintf(&bad, "1.%06d,Sai,Văn hóa,năm\n", 500+i)
	}
	path := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(path, []byte(bad.String()), 0o644)
	code, _, errText := c.run("", "import", "tthc", "--agency", "SVHTT", path)
	if code != 2 || strings.Count(errText, "time_limit_days:") != 100 || !strings.Contains(errText, "… và 50 lỗi khác") {
		t.Errorf("bad import: %d %.3000s", code, errText)
	}
	if code, _, errText := c.run("", "import", "nope", "--agency", "SVHTT", sample); code != 2 || !strings.Contains(errText, "import tthc|dossiers") {
		t.Errorf("unknown import: %d %s", code, errText)
	}
}
